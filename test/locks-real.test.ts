/**
 * The standard lock recipe against a real 3-server ZooKeeper 3.8 ensemble (the Debian package):
 * five clients through the real-server adapter take turns, the leader is SIGKILLed mid-run, and
 * the same lock safety checkers as the simulator's judge the run: never two believed holders, no
 * stale write accepted by the fenced resource, and waiters served again after the failover.
 *
 * The ensemble comes from `bash .ci/zk-ensemble.sh start DIR 3` with ZK_ENSEMBLE_DIR=DIR (.ci/run
 * does this, and stops it by PID at the end). Locally the test is skipped without ZK_ENSEMBLE_DIR;
 * in CI (CI=true) a missing ensemble is a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensembleScriptPath } from '../real/ensemble-failover.js';
import { runRealLocks } from '../real/real-lock-run.js';

const dir = process.env.ZK_ENSEMBLE_DIR;
const inCi = process.env.CI === 'true';
const HOW = 'run: bash .ci/zk-ensemble.sh start /tmp/zkens 3 && ZK_ENSEMBLE_DIR=/tmp/zkens npx vitest run test/locks-real.test.ts';

function ensembleCmd(...args: string[]): string {
  return execFileSync('bash', [ensembleScriptPath(), ...args], { encoding: 'utf8', timeout: 180_000 }).trim();
}

if (dir === undefined && !inCi) {
  describe('the standard lock on a real ensemble', () => {
    it.skip(`skipped: ZK_ENSEMBLE_DIR is not set; ${HOW}`, () => {});
  });
} else {
  describe('the standard lock on a real ensemble', () => {
    it('keeps mutual exclusion and fencing through a leader kill, and serves waiters after it', async () => {
      expect(dir, `ZK_ENSEMBLE_DIR is not set; ${HOW}`).toBeDefined();
      expect(existsSync(join(dir!, 'ensemble.env')), `no ensemble in ${dir}; ${HOW}`).toBe(true);
      const env = readFileSync(join(dir!, 'ensemble.env'), 'utf8');
      const base = Number(/^BASE=(\d+)/m.exec(env)?.[1] ?? '22181');
      const connectString = [0, 1, 2].map((i) => `127.0.0.1:${base + i}`).join(',');
      let killed = 0;
      const run = await runRealLocks({
        connectString,
        clients: 5,
        killAtMs: 4000,
        durationMs: 16_000,
        kill: async () => {
          killed = Number(ensembleCmd('leader', dir!));
          ensembleCmd('kill', dir!, String(killed));
        },
      });
      try {
        const [exclusion, fencing] = run.verdicts;
        console.log(`real ensemble, leader s${killed} killed at 4 s: ${run.acquisitions} acquisitions (${run.acquisitionsAfterKill} after the kill); ${exclusion.summary}; ${fencing.summary}`);
        expect(exclusion.status, exclusion.violations.join('\n')).toBe('pass');
        expect(fencing.status, fencing.violations.join('\n')).toBe('pass');
        expect(run.acquisitions).toBeGreaterThan(5);
        expect(run.acquisitionsAfterKill, 'no client got the lock after the leader was killed').toBeGreaterThan(0);
      } finally {
        if (killed > 0) ensembleCmd('restart', dir!, String(killed));
      }
    }, 240_000);
  });
}
