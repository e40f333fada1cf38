/**
 * The linearizability checker's benchmark (`npm run bench:lin`, or `node dist/bench/linearizability.js
 * [--quick] [--repeats N]` after `npm run build`), on two corpora:
 *
 * 1. the 224 public histories in ../shared/data/lin-histories, with Porcupine's times from its
 *    index.json (measured on this machine class): per file and in total, median of N warm runs;
 *    the targets are a total at most Porcupine's and no file above 2 × Porcupine + 5 ms;
 * 2. histories zksim itself produces (`zksim run --history`): a 5-server ensemble with the leader
 *    killed and a follower partitioned, clients at concurrency 5, 10 and 50 and about 1k, 10k and
 *    100k operations (--quick: 1k and 10k), cached in bench/results/lin-corpus/. Target: 10k
 *    operations at concurrency 10 checked in under 1 s.
 *
 * Peak memory is measured in a child process per history (`--child FILE`: max RSS after the check,
 * less the same child's max RSS after reading the file only). Prints tables, writes
 * bench/results/lin-latest.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkHistory } from '../sim/check/linearizability/check.js';
import { parseHistory, type History } from '../sim/check/linearizability/history.js';
import { ZkLinearizability } from '../sim/check/zk-history/linearizability-checker.js';
import { Simulation } from '../sim/scenario/simulation.js';
import type { Scenario } from '../sim/scenario/schema.js';
import { median, mib, progress, progressDone, repoRoot, table } from './common.js';

const SHARED = resolve(repoRoot(), '..', 'shared', 'data', 'lin-histories');
const CORPUS = join(repoRoot(), 'bench', 'results', 'lin-corpus');

interface IndexEntry {
  file: string;
  expected: string;
  porcupineMs: number;
}

/** A history still undecided after this long counts as `unknown` (and is not repeated). */
const BUDGET_MS = 60_000;

/** Median of `repeats` warm runs (one unmeasured run first, so the JIT has seen the code). */
function timeCheck(h: History, repeats: number): { ms: number; verdict: string; steps: number } {
  const t0 = performance.now();
  let r = checkHistory(h, { deadline: () => performance.now() - t0 > BUDGET_MS });
  if (r.verdict === 'unknown') return { ms: performance.now() - t0, verdict: r.verdict, steps: r.steps };
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    r = checkHistory(h);
    times.push(performance.now() - t);
  }
  return { ms: median(times), verdict: r.verdict, steps: r.steps };
}

/** Runs this file as a child on one history: the extra max RSS the check needed, in bytes. */
function peakMemory(file: string): number {
  const out = execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--child', file], { encoding: 'utf8' });
  return (JSON.parse(out) as { extraRss: number }).extraRss;
}

function child(file: string): void {
  const h = parseHistory(readFileSync(file, 'utf8'), file);
  const before = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  checkHistory(h, { deadline: () => performance.now() - t0 > BUDGET_MS });
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ extraRss: (after - before) * 1024 }));
}

function publicCorpus(repeats: number): Record<string, unknown> {
  const index = JSON.parse(readFileSync(join(SHARED, 'index.json'), 'utf8')) as IndexEntry[];
  const rows: { file: string; ms: number; porcupineMs: number; verdict: string; expected: string; over: boolean }[] = [];
  index.forEach((e, i) => {
    if (i % 20 === 0) progress(`public corpus: ${i}/${index.length}`);
    const h = parseHistory(readFileSync(join(SHARED, e.file), 'utf8'), e.file);
    const r = timeCheck(h, repeats);
    rows.push({ file: e.file, ms: r.ms, porcupineMs: e.porcupineMs, verdict: r.verdict, expected: e.expected, over: r.ms > 2 * e.porcupineMs + 5 });
  });
  progressDone(`public corpus: ${index.length} histories`);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const porcupine = rows.reduce((s, r) => s + r.porcupineMs, 0);
  const wrong = rows.filter((r) => r.verdict !== r.expected);
  const over = rows.filter((r) => r.over);
  const slowest = [...rows].sort((a, b) => b.ms - a.ms).slice(0, 10);
  const memory = slowest.map((r) => ({ file: r.file, bytes: peakMemory(join(SHARED, r.file)) }));
  const byModel = new Map<string, { n: number; ms: number; p: number }>();
  for (const r of rows) {
    const m = r.file.startsWith('etcd') ? 'etcd (register)' : r.file.startsWith('kv') ? 'porcupine kv' : 'knossos (cas-register)';
    const agg = byModel.get(m) ?? { n: 0, ms: 0, p: 0 };
    agg.n++;
    agg.ms += r.ms;
    agg.p += r.porcupineMs;
    byModel.set(m, agg);
  }
  process.stdout.write(`\nPublic corpus (${rows.length} histories, median of ${repeats} warm runs each; Porcupine's times from index.json)\n\n`);
  process.stdout.write(
    `${table(
      ['set', 'files', 'zksim ms', 'porcupine ms', 'zksim / porcupine'],
      [...byModel].map(([m, a]) => [m, String(a.n), a.ms.toFixed(1), a.p.toFixed(1), (a.ms / a.p).toFixed(2)]).concat([['total', String(rows.length), total.toFixed(1), porcupine.toFixed(1), (total / porcupine).toFixed(2)]]),
    )}\n\n`,
  );
  process.stdout.write(
    `${table(
      ['slowest 10', 'verdict', 'zksim ms', 'porcupine ms', 'limit 2p+5', 'peak extra RSS'],
      slowest.map((r, i) => [r.file, r.verdict, r.ms.toFixed(2), r.porcupineMs.toFixed(2), (2 * r.porcupineMs + 5).toFixed(1), mib(memory[i].bytes)]),
    )}\n`,
  );
  process.stdout.write(`wrong verdicts: ${wrong.length}; files over 2 × Porcupine + 5 ms: ${over.length}${over.length > 0 ? ` (${over.map((r) => r.file).join(', ')})` : ''}\n`);
  return { files: rows.length, totalMs: total, porcupineTotalMs: porcupine, ratio: total / porcupine, wrong: wrong.map((r) => r.file), over: over.map((r) => r.file), slowest: slowest.map((r, i) => ({ ...r, peakExtraRss: memory[i].bytes })) };
}

/**
 * A zk-clients-like run sized to about `ops` client operations at concurrency `clients`: at least a
 * minute long, each client at up to 20 ops/s (the workload issues about 8 history ops per 7 draws,
 * as sync + read is two).
 */
function corpusScenario(clients: number, ops: number): Scenario {
  const draws = (ops * 7) / 8;
  const opsPerSecond = Math.max(1, Math.min(20, Math.round(draws / (clients * 60))));
  const seconds = Math.max(60, Math.round(draws / (clients * opsPerSecond)));
  const ticks = seconds * 1000;
  return {
    version: 1,
    name: `lin-c${clients}-${ops}`,
    seed: 1,
    durationTicks: ticks,
    servers: 5,
    protocol: { kind: 'zookeeper', clients: { count: clients, opsPerSecond, keys: 8, sessionTimeoutMs: 10_000 } },
    faults: [
      { at: Math.round(ticks / 6), kind: 'crash', node: 'leader', mode: 'process', restartAfterTicks: 5000 },
      { at: Math.round((ticks * 2) / 5), kind: 'partition', groups: [['s1'], 'rest'], durationTicks: 10_000 },
    ],
  } as unknown as Scenario;
}

function corpusFile(clients: number, ops: number): string {
  const file = join(CORPUS, `zksim-c${clients}-${ops}.json`);
  if (existsSync(file)) return file;
  progress(`generating ${file} (a zksim run with ${clients} clients)`);
  const sim = new Simulation(corpusScenario(clients, ops), { traceLevel: 'hash' });
  sim.runUntil(sim.config.durationTicks);
  const lin = sim.checkers.find((c): c is ZkLinearizability => c instanceof ZkLinearizability)!;
  sim.finish();
  mkdirSync(CORPUS, { recursive: true });
  writeFileSync(file, `${JSON.stringify(lin.interchange())}\n`);
  return file;
}

function zksimCorpus(quick: boolean, repeats: number): Record<string, unknown>[] {
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const rows: Record<string, unknown>[] = [];
  const cells: string[][] = [];
  for (const ops of sizes) {
    for (const clients of [5, 10, 50]) {
      const file = corpusFile(clients, ops);
      const h = parseHistory(readFileSync(file, 'utf8'), file);
      progress(`checking ${file}`);
      const r = timeCheck(h, ops >= 100_000 ? Math.min(repeats, 3) : repeats);
      const bytes = peakMemory(file);
      const pending = h.ops.filter((o) => o.pending).length;
      const sync = h.ops.filter((o) => o.consistency === 'sync').length;
      rows.push({ file, ops: h.ops.length, clients, pending, syncReads: sync, verdict: r.verdict, ms: r.ms, steps: r.steps, peakExtraRss: bytes });
      cells.push([`~${ops / 1000}k ops, concurrency ${clients}`, String(h.ops.length), String(pending), r.verdict, r.ms.toFixed(1), String(r.steps), mib(bytes)]);
    }
  }
  progressDone('zksim corpus checked');
  process.stdout.write(`\nzksim-generated histories (model znode: writes, failed writes, sync+reads checked; plain reads skipped), median of warm runs\n\n`);
  process.stdout.write(`${table(['history', 'ops', 'pending', 'verdict', 'ms', 'steps', 'peak extra RSS'], cells)}\n`);
  return rows;
}

function main(argv: string[]): void {
  if (argv[0] === '--child') return child(argv[1]);
  if (argv[0] === '--corpus') {
    // Just (re)generate the zksim corpus and print the files.
    for (const ops of [1_000, 10_000, 100_000]) for (const clients of [5, 10, 50]) process.stdout.write(`${corpusFile(clients, ops)}\n`);
    return;
  }
  const quick = argv.includes('--quick');
  const ri = argv.indexOf('--repeats');
  const repeats = ri >= 0 ? Number(argv[ri + 1]) : quick ? 3 : 5;
  const pub = publicCorpus(repeats);
  const own = zksimCorpus(quick, repeats);
  mkdirSync(join(repoRoot(), 'bench', 'results'), { recursive: true });
  writeFileSync(join(repoRoot(), 'bench', 'results', 'lin-latest.json'), `${JSON.stringify({ public: pub, zksim: own }, null, 2)}\n`);
}

main(process.argv.slice(2));
