/**
 * `zksim record --seeds 1-20 --out <dir> [--zk-bin <dir>]`: records golden files (zk-conformance-golden/1)
 * against real ZooKeeper servers, one fresh server per seed (real/recorder.ts).
 *
 * Options are checked before anything starts, and a bad one throws UsageError (exit 2, from main). The
 * recording itself is asynchronous: it reports per seed, sets process.exitCode when done (0 all recorded,
 * 1 some failed) and never rejects, so it works whether the program is run with parse() or parseAsync().
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './errors.js';

const DEFAULT_JARS = '/usr/share/java';
const MAX_SEEDS = 10_000;

interface RecordOptions {
  seeds: string;
  out: string;
  zkBin?: string;
}

export function registerRecordCommand(program: Command): void {
  program
    .command('record')
    .description('record golden files of a real ZooKeeper 3.8 server (one fresh server per seed; needs java and the server jars)')
    .requiredOption('--seeds <list>', 'seeds: a number, a range like 1-20, or a comma list of both (1-5,9)')
    .requiredOption('--out <dir>', 'directory for golden-seed-<seed>.json (created if missing)')
    .option('--zk-bin <dir>', `directory with the ZooKeeper server jars (default ${DEFAULT_JARS}, from the Debian package zookeeper)`)
    .addHelpText('after', '\nExit status: 0 every seed recorded, 1 some recording failed, 2 bad options.')
    .action((opts: RecordOptions) => {
      const seeds = parseSeedList(opts.seeds);
      const jars = checkJars(opts.zkBin);
      const out = resolve(opts.out);
      try {
        mkdirSync(out, { recursive: true });
      } catch (e) {
        throw new UsageError(`--out ${opts.out}: cannot create the directory (${(e as Error).message})`);
      }
      return recordAll(seeds, out, jars);
    });
}

/** "7", "1-20", "1-5,9,12-13" → the seeds in the order given, duplicates dropped. */
export function parseSeedList(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) throw new UsageError(`--seeds: "${part}" is not a seed or a range (examples: 7, 1-20, 1-5,9)`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) throw new UsageError(`--seeds: "${part}" is too large`);
    if (hi < lo) throw new UsageError(`--seeds: range "${part}" runs backwards`);
    if (seeds.length + (hi - lo + 1) > MAX_SEEDS) throw new UsageError(`--seeds: more than ${MAX_SEEDS} seeds`);
    for (let s = lo; s <= hi; s++) if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}

/** The jar directory, or UsageError when it does not hold a ZooKeeper server. */
function checkJars(arg: string | undefined): string {
  const dir = resolve(arg ?? DEFAULT_JARS);
  const hasServer =
    existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some((f) => f === 'zookeeper.jar' || /^zookeeper-3[.\d]*\.jar$/.test(f));
  if (!hasServer) {
    throw new UsageError(
      arg === undefined
        ? `no ZooKeeper server jars in ${DEFAULT_JARS}; install the Debian package zookeeper (apt-get install zookeeper) or pass --zk-bin <dir>`
        : `--zk-bin ${arg}: no zookeeper.jar or zookeeper-3.*.jar there (give the directory holding the server jars, e.g. an Apache tarball's lib/)`,
    );
  }
  return dir;
}

async function recordAll(seeds: number[], out: string, zkJarsDir: string): Promise<void> {
  const started = performance.now(); // determinism-ok: CLI wall time
  const failed: number[] = [];
  try {
    // Loaded only here: the simulator commands do not need the ZooKeeper client library.
    const { recordGoldenFresh, writeGoldenFile } = await import('../../real/recorder.js');
    for (const [k, seed] of seeds.entries()) {
      const file = join(out, `golden-seed-${seed}.json`);
      const t0 = performance.now(); // determinism-ok: CLI wall time
      const progress = progressLine(`seed ${seed} (${k + 1}/${seeds.length})`);
      try {
        const golden = await recordGoldenFresh(seed, { zkJarsDir, onProgress: progress.update });
        progress.stop();
        await writeGoldenFile(file, golden);
        const secs = ((performance.now() - t0) / 1000).toFixed(1); // determinism-ok: CLI wall time
        process.stdout.write(`seed ${seed}: ${golden.length} ops, ${golden.clients} client slot(s), ${golden.sessions.length} sessions -> ${file} (${secs} s)\n`);
      } catch (e) {
        progress.stop();
        failed.push(seed);
        process.stderr.write(`zksim record: seed ${seed} failed: ${(e as Error).message}\n`);
      }
    }
  } catch (e) {
    process.stderr.write(`zksim record: ${(e as Error).message}\n`);
    process.exitCode = EXIT_CHECK_FAILED;
    return;
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1); // determinism-ok: CLI wall time
  const ok = seeds.length - failed.length;
  process.stdout.write(`recorded ${ok}/${seeds.length} golden file(s) into ${out} in ${secs} s${failed.length ? `; failed seeds: ${failed.join(', ')}` : ''}\n`);
  process.exitCode = failed.length === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** "seed 3 (1/24): 120/220 ops" redrawn in place on a terminal's stderr; nothing in logs and pipes. */
function progressLine(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  let last = 0;
  return {
    update(done, total) {
      const now = performance.now(); // determinism-ok: CLI wall time
      if (done < total && now - last < 100) return;
      last = now;
      process.stderr.write(`\r${label}: ${done}/${total} ops`);
    },
    stop() {
      process.stderr.write('\r\x1b[K');
    },
  };
}
