/**
 * Conformance against a real ZooKeeper 3.8 server: new golden files are recorded (each on its own fresh
 * server, started from the installed jars) and replayed into the simulator, which must pass all five
 * tiers; and session expiry is measured on the server named by ZK_SERVER.
 *
 * Locally this is skipped unless ZK_SERVER is set. In CI (CI=true, set by .ci/run) a missing server or
 * missing ZooKeeper jars fail the run instead: CI installs both, so their absence is a broken setup.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGolden } from '../sim/conformance/golden.js';
import { replayGolden } from '../sim/conformance/replay.js';
import { simulateExpiry } from '../sim/conformance/expiry.js';
import { measureRealExpiry } from '../real/expiry-probe.js';
import { recordGoldenFresh, writeGoldenFile } from '../real/recorder.js';
import { startFreshServer, zookeeperAvailable } from '../real/zk-server.js';
import { connectRealClient } from '../real/real-zk-client.js';
import { promisify } from '../sim/client/zk-client.js';
import { REAL_3_8_0, runPathMatrix } from './helpers/path-matrix.js';
import { goldenProblems } from './helpers/golden-invariants.js';

const HOW_TO_RUN =
  'needs a real ZooKeeper 3.8 (Debian package zookeeper); run: bash .ci/zookeeper.sh start /tmp/zk && ZK_SERVER=127.0.0.1:2181 npx vitest run test/conformance-real.test.ts';
const server = process.env.ZK_SERVER;
const inCi = process.env.CI === 'true';
const jars = zookeeperAvailable();

if (server === undefined && !inCi) {
  describe('real ZooKeeper conformance', () => {
    it.skip(`skipped: ZK_SERVER is not set; ${HOW_TO_RUN}`, () => {});
  });
} else {
  describe('real ZooKeeper conformance', () => {
    it('has what it needs (in CI both must be installed)', () => {
      expect(server, `ZK_SERVER is not set; ${HOW_TO_RUN}`).toBeDefined();
      expect(jars, 'no ZooKeeper server jars in /usr/share/java; .ci/run installs the Debian package zookeeper').toBe(true);
    });

    it.runIf(jars)('fresh recordings with new seeds replay into the simulator at all five tiers', { timeout: 180_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'zksim-golden-'));
      const seeds = Array.from({ length: 3 }, () => 1000 + Math.floor(Math.random() * 1_000_000));
      console.log(`recording golden files for seeds ${seeds.join(', ')} into ${dir}`);
      for (const seed of seeds) {
        const file = join(dir, `golden-seed-${seed}.json`);
        await writeGoldenFile(file, await recordGoldenFresh(seed));
        const g = parseGolden(readFileSync(file, 'utf8'), file);
        expect(goldenProblems(g), `${file}: the recording itself is unsound`).toEqual([]);
        const report = replayGolden(g);
        if (report.firstMismatch !== undefined) {
          console.log(`seed ${seed} (${file}): first mismatch ${JSON.stringify(report.firstMismatch).slice(0, 3000)}`);
        }
        expect(report.tiers, `seed ${seed}, kept in ${file}`).toEqual({ 1: true, 2: true, 3: true, 4: true, 5: true });
      }
      rmSync(dir, { recursive: true }); // kept only when something failed, for a look or a replay
    });

    it.runIf(jars)('bad paths get the same answers from a fresh real server as from the simulator', { timeout: 60_000 }, async () => {
      const fresh = await startFreshServer();
      try {
        const client = await connectRealClient(fresh.connectString, { sessionTimeoutMs: 30_000 });
        const lines = await runPathMatrix(promisify(client));
        await new Promise((resolve) => client.close(resolve));
        // The simulator's side of the same matrix is checked in zk-tree.test.ts against these lines.
        expect(lines).toEqual(REAL_3_8_0);
      } finally {
        await fresh.stop();
      }
    });

    it.runIf(server !== undefined)('a silent session expires in the same window on the real server and in the simulator', { timeout: 60_000 }, async () => {
      const m = await measureRealExpiry(server!, { sessionTimeoutMs: 4000 });
      const sims = Array.from({ length: 10 }, (_, i) =>
        simulateExpiry({ sessionTimeoutMs: m.negotiatedTimeoutMs, tickTimeMs: m.tickTimeMs, seed: `expiry-${i}` }),
      ).map((x) => x.expiredAfterMs);
      console.log(
        `expiry with timeout ${m.negotiatedTimeoutMs} ms, tickTime ${m.tickTimeMs} ms: real server ${m.expiredAfterMs} ms after the client went silent; ` +
          `simulator ${Math.min(...sims)}..${Math.max(...sims)} ms over 10 seeds`,
      );
      // Both expire the session in the bucket after last-heard + timeout: [timeout, timeout + tickTime].
      // The real side gets slack for loopback, JVM scheduling and the watcher's notification.
      const lo = m.negotiatedTimeoutMs;
      const hi = m.negotiatedTimeoutMs + m.tickTimeMs;
      expect(m.expiredAfterMs).toBeGreaterThanOrEqual(lo - 100);
      expect(m.expiredAfterMs).toBeLessThanOrEqual(hi + 500);
      for (const ms of sims) {
        expect(ms).toBeGreaterThanOrEqual(lo - 20);
        expect(ms).toBeLessThanOrEqual(hi + 20);
      }
    });
  });
}
