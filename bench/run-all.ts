/**
 * The benchmark suite: `npm run bench` (or `node dist/bench/run-all.js` after `npm run build`).
 *
 *   --quick            smaller workloads and 3 repeats: a smoke run of a few seconds
 *   --only <names>     comma-separated: baseline, kernel, pingpong (or pingpong-off, pingpong-hash,
 *                      pingpong-file), zk-ops, ensemble, memory. The baseline is always measured when a throughput
 *                      benchmark is selected, since every ratio is relative to it.
 *   --repeats <n>      timed repetitions per measurement (default 5, quick 3); medians are reported
 *
 * Prints a table to stdout, progress to stderr, and writes bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { runBaseline } from './baseline-heap.js';
import { collectGarbage, median, mib, progress, progressDone, repoRoot, si, spread, table, type TimerRun, type TimerWorkload } from './common.js';
import { runKernelTimers } from './kernel-timers.js';
import { runMemoryChild, type MemoryResult } from './memory.js';
import { runZkOps, type ZkOpsParams, type ZkOpsRun } from './zk-client-ops.js';
import { ensembleScenario, runEnsemble, type EnsembleMode, type EnsembleRun } from './ensemble.js';
import { countDeliveries, crossCheck, pingPongScenario, runPingPong, type PingPongMode, type PingPongRun } from './pingpong.js';

const KERNEL_TARGET = 3_000_000; // events/s
const PINGPONG_TARGET = 1_500_000; // delivered messages/s, trace off
const ZK_OPS_TARGET = 200_000; // client operations/s through the whole standalone pipeline
const ENSEMBLE_TARGET = 500_000; // kernel events/s, 5 servers under swarm faults, invariants on

const ALL = ['baseline', 'kernel', 'pingpong-off', 'pingpong-hash', 'pingpong-file', 'zk-ops', 'ensemble', 'memory'] as const;
type BenchName = (typeof ALL)[number];

interface Options {
  quick: boolean;
  only: Set<BenchName>;
  repeats: number;
}

function usage(): string {
  return `usage: node dist/bench/run-all.js [--quick] [--only <names>] [--repeats <n>]\n  names: ${ALL.join(', ')}, timers (baseline,kernel), pingpong (all three modes)`;
}

function parseArgs(argv: string[]): Options {
  let quick = false;
  let only: Set<BenchName> | undefined;
  let repeats: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (value === undefined || value === '') throw new Error(`--only needs a name\n${usage()}`);
      only = new Set();
      for (const raw of value.split(',')) {
        const name = raw.trim();
        if (name === 'timers') ['baseline', 'kernel'].forEach((n) => only?.add(n as BenchName));
        else if (name === 'pingpong' || name === 'network') ['pingpong-off', 'pingpong-hash', 'pingpong-file'].forEach((n) => only?.add(n as BenchName));
        else if ((ALL as readonly string[]).includes(name)) only.add(name as BenchName);
        else throw new Error(`--only: unknown benchmark "${name}"\n${usage()}`);
      }
    } else if (a === '--repeats' || a.startsWith('--repeats=')) {
      const value = a === '--repeats' ? argv[++i] : a.slice('--repeats='.length);
      repeats = Number(value);
      if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats: expected a positive integer, got ${value}`);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${usage()}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${a}"\n${usage()}`);
  }
  const selected = only ?? new Set<BenchName>(ALL);
  // Every ratio is to the baseline rate: measure it whenever a throughput benchmark runs.
  if ([...selected].some((n) => n !== 'memory' && n !== 'baseline')) selected.add('baseline');
  return { quick, only: selected, repeats: repeats ?? (quick ? 3 : 5) };
}

interface Sizes {
  timers: TimerWorkload;
  pingpongTicks: number;
  zkOps: ZkOpsParams;
  /** Seeds per mode of the ensemble reference run. */
  ensembleSeeds: number;
  memoryEvents: number;
  memoryCheckpoints: number[];
}

function sizes(quick: boolean): Sizes {
  return quick
    ? {
        timers: { timers: 1_000, events: 500_000, seed: 12345, maxDelay: 100 },
        pingpongTicks: 10_000,
        zkOps: { clients: 10, depth: 10, ops: 100_000, keys: 50, seed: 1 },
        ensembleSeeds: 4,
        memoryEvents: 1_000_000,
        memoryCheckpoints: [100_000, 500_000, 1_000_000],
      }
    : {
        timers: { timers: 1_000, events: 5_000_000, seed: 12345, maxDelay: 100 },
        pingpongTicks: 100_000,
        zkOps: { clients: 10, depth: 10, ops: 1_000_000, keys: 50, seed: 1 },
        ensembleSeeds: 20,
        memoryEvents: 10_000_000,
        memoryCheckpoints: [1_000_000, 5_000_000, 10_000_000],
      };
}

interface Measurement {
  name: string;
  /** What one run does. */
  work: string;
  unit: string;
  /** Units of work per run (events, delivered messages). */
  perRun: number;
  ms: number[];
  rates: number[];
  medianMs: number;
  medianRate: number;
  minRate: number;
  maxRate: number;
  /** medianRate / baseline medianRate. */
  vsBaseline: number | null;
  target: number | null;
  met: boolean | null;
  extra: Record<string, unknown>;
}

function measurement(name: string, work: string, unit: string, perRun: number, ms: number[], target: number | null, extra: Record<string, unknown> = {}): Measurement {
  const rates = ms.map((m) => perRun / (m / 1000));
  const medianRate = median(rates);
  const { min, max } = spread(rates);
  return {
    name,
    work,
    unit,
    perRun,
    ms,
    rates,
    medianMs: median(ms),
    medianRate,
    minRate: min,
    maxRate: max,
    vsBaseline: null,
    target,
    met: target === null ? null : medianRate >= target,
    extra,
  };
}

function timedRun(label: string, fn: () => TimerRun): TimerRun {
  collectGarbage();
  progress(`  ${label} ...`);
  const r = fn();
  progress(`  ${label}: ${si(r.events / (r.ms / 1000))} events/s`);
  return r;
}

function runTimers(opts: Options, s: Sizes): { baseline?: Measurement; kernel?: Measurement } {
  const w = s.timers;
  const wantKernel = opts.only.has('kernel');
  progressDone(`timers: ${w.timers} concurrent timers, ${si(w.events)} events per run, ${opts.repeats} repeats (baseline${wantKernel ? ' and kernel interleaved' : ''})`);
  // Warm-up: let the JIT settle both loops before anything is timed.
  const warm = { ...w, events: Math.min(w.events, 300_000) };
  runBaseline(warm);
  if (wantKernel) runKernelTimers(warm);
  const base: TimerRun[] = [];
  const kern: TimerRun[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    base.push(timedRun(`baseline heap, run ${i + 1}/${opts.repeats}`, () => runBaseline(w)));
    if (wantKernel) kern.push(timedRun(`kernel, run ${i + 1}/${opts.repeats}`, () => runKernelTimers(w)));
  }
  const work = `${w.timers} timers re-arming, ${si(w.events)} events`;
  const b = base[0];
  const baseline = measurement('baseline heap (timers)', work, 'events/s', b.events, base.map((r) => r.ms), null, { endAt: b.endAt, checksum: b.checksum });
  progressDone(`  baseline heap: median ${si(baseline.medianRate)} events/s`);
  if (!wantKernel) return { baseline };
  const k = kern[0];
  const same = kern.every((r) => r.events === b.events && r.endAt === b.endAt && r.checksum === b.checksum);
  if (!same) throw new Error(`kernel and baseline did different work: baseline ${JSON.stringify(b)}, kernel ${JSON.stringify(k)}`);
  const kernel = measurement('kernel (timers only)', work, 'events/s', k.events, kern.map((r) => r.ms), KERNEL_TARGET, {
    endAt: k.endAt,
    checksum: k.checksum,
    sameWorkAsBaseline: same,
  });
  kernel.vsBaseline = kernel.medianRate / baseline.medianRate;
  progressDone(`  kernel: median ${si(kernel.medianRate)} events/s (${(kernel.vsBaseline * 100).toFixed(0)}% of baseline)`);
  return { baseline, kernel };
}

const MODE_LABEL: Record<PingPongMode, string> = {
  off: 'ping-pong, trace off',
  hash: 'ping-pong, trace hashed + checkers',
  file: 'ping-pong, trace to file + checkers',
};

function runNetwork(opts: Options, s: Sizes): { measurements: Measurement[]; info: Record<string, unknown> } {
  const modes = (['off', 'hash', 'file'] as const).filter((m) => opts.only.has(`pingpong-${m}`));
  const scenario = pingPongScenario({ durationTicks: s.pingpongTicks, pingIntervalTicks: 1, seed: 7 });
  const small = pingPongScenario({ durationTicks: 10_000, pingIntervalTicks: 1, seed: 7 });

  progress('ping-pong: cross-checking the delivery count on a short run ...');
  const check = crossCheck(small);
  if (!check.ok) throw new Error(`ping-pong: the counting method does not match the trace: ${check.detail}`);
  progressDone(`ping-pong: counting method checked on a 10,000-tick run (${check.detail})`);

  progress('ping-pong: counting deliveries of the benchmark scenario ...');
  const counted = countDeliveries(scenario, 'off');
  progressDone(
    `ping-pong: 5 nodes, ${si(s.pingpongTicks)} ticks, ${scenario.faults === undefined || !Array.isArray(scenario.faults) ? 0 : scenario.faults.length} faults: ` +
      `${counted.delivered} messages delivered, ${counted.kernelEvents} kernel events per run; ${opts.repeats} repeats of ${modes.join(', ')} (interleaved)`,
  );

  // Warm-up on the short scenario, every mode.
  for (const m of modes) runPingPong(small, m);

  const runs: Record<PingPongMode, PingPongRun[]> = { off: [], hash: [], file: [] };
  for (let i = 0; i < opts.repeats; i++) {
    for (const m of modes) {
      collectGarbage();
      progress(`  ${MODE_LABEL[m]}, run ${i + 1}/${opts.repeats} ...`);
      const r = runPingPong(scenario, m);
      if (r.kernelEvents !== counted.kernelEvents) {
        throw new Error(`ping-pong ${m}: ${r.kernelEvents} kernel events, the counting pass had ${counted.kernelEvents}: the run is not the same`);
      }
      if (!r.ok) throw new Error(`ping-pong ${m}: a checker failed`);
      runs[m].push(r);
      progress(`  ${MODE_LABEL[m]}, run ${i + 1}/${opts.repeats}: ${si(counted.delivered / (r.ms / 1000))} msgs/s`);
    }
  }
  // Traced runs must agree on the fingerprint (hashed and streamed record the same events).
  const hashes = new Set([...runs.hash, ...runs.file].map((r) => r.traceHash));
  if (hashes.size > 1) throw new Error(`ping-pong: traced runs disagree on the fingerprint: ${[...hashes].join(', ')}`);

  const work = `5 nodes, ${si(s.pingpongTicks)} ticks, ${si(counted.delivered)} msgs`;
  const measurements = modes.map((m) => {
    const rs = runs[m];
    const r0 = rs[0];
    const meas = measurement(MODE_LABEL[m], work, 'msgs/s', counted.delivered, rs.map((r) => r.ms), m === 'off' ? PINGPONG_TARGET : null, {
      mode: m,
      kernelEvents: r0.kernelEvents,
      kernelEventsPerSec: median(rs.map((r) => r0.kernelEvents / (r.ms / 1000))),
      traceEvents: r0.traceEvents,
      traceEventsPerSec: r0.traceEvents === 0 ? 0 : median(rs.map((r) => r0.traceEvents / (r.ms / 1000))),
      traceHash: m === 'off' ? null : r0.traceHash,
      traceBytes: m === 'file' ? r0.traceBytes : undefined,
    });
    progressDone(`  ${MODE_LABEL[m]}: median ${si(meas.medianRate)} msgs/s`);
    return meas;
  });
  return {
    measurements,
    info: {
      scenario,
      delivered: counted.delivered,
      kernelEvents: counted.kernelEvents,
      crossCheck: check,
    },
  };
}

function runClientOps(opts: Options, s: Sizes, kernel: Measurement | undefined): Measurement {
  const p = s.zkOps;
  progressDone(`zk-ops: ${p.clients} clients × ${p.depth} in flight, ${si(p.ops)} mixed ops per run through the standalone pipeline, trace off, ${opts.repeats} repeats`);
  runZkOps({ ...p, ops: Math.min(p.ops, 50_000) }); // warm-up
  const runs: ZkOpsRun[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    collectGarbage();
    progress(`  zk-ops, run ${i + 1}/${opts.repeats} ...`);
    const r = runZkOps(p);
    if (runs.length > 0 && (r.checksum !== runs[0].checksum || r.kernelEvents !== runs[0].kernelEvents)) {
      throw new Error(`zk-ops: run ${i + 1} did different work (checksum ${r.checksum}, kernel events ${r.kernelEvents}) than run 1`);
    }
    runs.push(r);
    progress(`  zk-ops, run ${i + 1}/${opts.repeats}: ${si(r.ops / (r.ms / 1000))} ops/s`);
  }
  const r0 = runs[0];
  const m = measurement('zk client ops (standalone pipeline)', `${p.clients} clients, ${si(r0.ops)} ops, 1/2 reads`, 'ops/s', r0.ops, runs.map((r) => r.ms), ZK_OPS_TARGET, {
    kernelEvents: r0.kernelEvents,
    kernelEventsPerOp: r0.kernelEvents / r0.ops,
    errorReplies: r0.errors,
    simulatedMs: r0.simulatedMs,
    checksum: r0.checksum,
    vsKernel: kernel === undefined ? null : median(runs.map((r) => r.ops / (r.ms / 1000))) / kernel.medianRate,
  });
  progressDone(`  zk-ops: median ${si(m.medianRate)} ops/s${kernel === undefined ? '' : ` (${(m.extra.vsKernel as number).toFixed(3)}x the bare kernel's events/s)`}`);
  return m;
}

const ENSEMBLE_LABEL: Record<EnsembleMode, string> = {
  off: 'ensemble, no checks',
  invariants: 'ensemble, ZAB invariants online',
  checked: 'ensemble, trace hashed + all checkers',
};

/** The reference run: every repeat runs `ensembleSeeds` seeds per mode, modes interleaved. */
function runEnsembleBench(opts: Options, s: Sizes): Measurement[] {
  const scenario = ensembleScenario();
  const modes: EnsembleMode[] = ['off', 'invariants', 'checked'];
  progressDone(`ensemble: 5 servers, 10 clients at 100 ops/s in all, 60 s simulated, swarm faults; ${s.ensembleSeeds} seeds per repeat, ${opts.repeats} repeats of ${modes.join(', ')} (interleaved)`);
  for (const m of modes) runEnsemble(scenario, 999, m); // warm-up
  const runs: Record<EnsembleMode, EnsembleRun[][]> = { off: [], invariants: [], checked: [] };
  for (let i = 0; i < opts.repeats; i++) {
    for (const m of modes) {
      collectGarbage();
      progress(`  ${ENSEMBLE_LABEL[m]}, run ${i + 1}/${opts.repeats} ...`);
      const batch: EnsembleRun[] = [];
      for (let seed = 1; seed <= s.ensembleSeeds; seed++) {
        const r = runEnsemble(scenario, seed, m);
        if (!r.ok) throw new Error(`ensemble ${m}: seed ${seed} broke a ZAB invariant`);
        batch.push(r);
      }
      runs[m].push(batch);
    }
  }
  const events = runs.off[0].reduce((n, r) => n + r.kernelEvents, 0);
  const simulated = runs.off[0].reduce((n, r) => n + r.simulatedMs, 0);
  const out = modes.map((m) => {
    const ms = runs[m].map((b) => b.reduce((n, r) => n + r.ms, 0));
    const meas = measurement(ENSEMBLE_LABEL[m], `5 servers + 10 clients, ${s.ensembleSeeds} seeds × 60 s`, 'events/s', events, ms, m === 'invariants' ? ENSEMBLE_TARGET : null, {
      mode: m,
      seedsPerRun: s.ensembleSeeds,
      simulatedToWall: median(ms.map((t) => simulated / t)),
      seedsPerHour: median(ms.map((t) => (s.ensembleSeeds / t) * 3_600_000)),
    });
    progressDone(`  ${ENSEMBLE_LABEL[m]}: median ${si(meas.medianRate)} kernel events/s, ${(meas.extra.simulatedToWall as number).toFixed(0)}× real time, ${si(meas.extra.seedsPerHour as number)} seeds/hour`);
    return meas;
  });
  const off = out[0].medianRate;
  for (const m of out) m.extra.vsNoChecks = m.medianRate / off;
  return out;
}

function fmtRate(m: Measurement): string {
  return `${si(m.medianRate)} ${m.unit}`;
}

function report(all: Measurement[], memory: MemoryResult | undefined): string {
  const out: string[] = [];
  if (all.length > 0) {
    out.push(
      table(
        ['benchmark', 'work per run', 'median time', 'median rate', 'min..max rate', 'vs baseline', 'target'],
        all.map((m) => [
          m.name,
          m.work,
          `${(m.medianMs / 1000).toFixed(3)} s`,
          fmtRate(m),
          `${si(m.minRate)}..${si(m.maxRate)}`,
          m.vsBaseline === null ? '-' : `${m.vsBaseline.toFixed(3)}x`,
          m.target === null ? '-' : `>= ${si(m.target)}: ${m.met ? 'met' : 'MISSED'}`,
        ]),
      ),
    );
    const zk = all.find((m) => m.extra.vsKernel !== undefined);
    if (zk !== undefined) {
      out.push('');
      out.push(
        `zk client ops: ${(zk.extra.kernelEventsPerOp as number).toFixed(2)} kernel events per op, ${zk.extra.errorReplies} error replies per run` +
          (zk.extra.vsKernel === null ? '' : `; ops/s ÷ bare kernel events/s = ${(zk.extra.vsKernel as number).toFixed(3)}`),
      );
    }
    const ens = all.filter((m) => m.extra.seedsPerHour !== undefined);
    if (ens.length > 0) {
      out.push('');
      out.push(
        table(
          ['ensemble detail', 'kernel events/s', 'simulated : wall', 'seeds/hour/core', 'vs no checks'],
          ens.map((m) => [m.name, si(m.medianRate), `${(m.extra.simulatedToWall as number).toFixed(0)}×`, si(m.extra.seedsPerHour as number), `${(m.extra.vsNoChecks as number).toFixed(2)}x`]),
        ),
      );
    }
    const extra = all.filter((m) => typeof m.extra.kernelEventsPerSec === 'number');
    if (extra.length > 0) {
      out.push('');
      out.push(
        table(
          ['ping-pong detail', 'kernel events/run', 'kernel events/s', 'trace events/run', 'trace events/s', 'trace file'],
          extra.map((m) => [
            m.name,
            String(m.extra.kernelEvents),
            si(m.extra.kernelEventsPerSec as number),
            String(m.extra.traceEvents),
            (m.extra.traceEvents as number) === 0 ? '-' : si(m.extra.traceEventsPerSec as number),
            typeof m.extra.traceBytes === 'number' ? mib(m.extra.traceBytes) : '-',
          ]),
        ),
      );
    }
  }
  if (memory !== undefined) {
    if (out.length > 0) out.push('');
    out.push(
      `memory: ping-pong with recurring faults, trace streamed to a file, ${si(memory.traceEvents)} trace events ` +
        `(${si(memory.kernelEvents)} kernel events, ${mib(memory.traceBytes)} of trace), ${memory.samples} samples, ` +
        `process baseline rss ${mib(memory.baselineRss)}, heap ${mib(memory.baselineHeapUsed)}`,
    );
    out.push(
      table(
        ['at trace events', 'kernel events', 'peak rss so far', 'peak heapUsed so far', 'heap after gc', 'rss after gc', 'wall'],
        memory.checkpoints.map((c) => [
          si(c.traceEvents),
          si(c.kernelEvents),
          mib(c.peakRss),
          mib(c.peakHeapUsed),
          c.heapAfterGc === null ? '-' : mib(c.heapAfterGc),
          mib(c.rssAfterGc),
          `${(c.wallMs / 1000).toFixed(1)} s`,
        ]),
      ),
    );
  }
  return out.join('\n');
}

function main(): void {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const s = sizes(opts.quick);
  const started = Date.now();
  const cpu = cpus()[0];
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpu?.model ?? 'unknown',
    cores: availableParallelism(),
    totalMemory: totalmem(),
    loadavgAtStart: loadavg(),
    quick: opts.quick,
    repeats: opts.repeats,
    selected: [...opts.only],
    argv: process.argv.slice(2),
  };
  process.stderr.write(`zksim benchmarks${opts.quick ? ' (quick)' : ''}: node ${meta.node}, ${meta.cores} cores, ${meta.cpu}, load ${meta.loadavgAtStart.map((x) => x.toFixed(2)).join(' ')}\n`);

  const all: Measurement[] = [];
  let baseline: Measurement | undefined;
  if (opts.only.has('baseline') || opts.only.has('kernel')) {
    const t = runTimers(opts, s);
    baseline = t.baseline;
    if (t.baseline !== undefined) all.push(t.baseline);
    if (t.kernel !== undefined) all.push(t.kernel);
  }
  let network: Record<string, unknown> | undefined;
  if (['pingpong-off', 'pingpong-hash', 'pingpong-file'].some((n) => opts.only.has(n as BenchName))) {
    const n = runNetwork(opts, s);
    for (const m of n.measurements) {
      if (baseline !== undefined) m.vsBaseline = m.medianRate / baseline.medianRate;
      all.push(m);
    }
    network = n.info;
  }
  if (opts.only.has('zk-ops')) {
    const m = runClientOps(opts, s, all.find((x) => x.name.startsWith('kernel')));
    if (baseline !== undefined) m.vsBaseline = m.medianRate / baseline.medianRate;
    all.push(m);
  }
  if (opts.only.has('ensemble')) {
    for (const m of runEnsembleBench(opts, s)) {
      if (baseline !== undefined) m.vsBaseline = m.medianRate / baseline.medianRate;
      all.push(m);
    }
  }
  let memory: MemoryResult | undefined;
  if (opts.only.has('memory')) {
    progressDone(`memory: ${si(s.memoryEvents)} trace events streamed to a file, in a child process (node --expose-gc)`);
    memory = runMemoryChild(s.memoryEvents, s.memoryCheckpoints);
  }

  const text = report(all, memory);
  process.stdout.write(`\n${text}\n`);

  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  writeFileSync(file, `${JSON.stringify({ meta: { ...meta, loadavgAtEnd: loadavg(), wallSeconds: (Date.now() - started) / 1000 }, measurements: all, network, memory }, null, 2)}\n`);

  const summary = [
    `done in ${((Date.now() - started) / 1000).toFixed(0)} s; results in ${file}`,
    ...all.filter((m) => m.target !== null).map((m) => `${m.name}: ${fmtRate(m)} (target ${si(m.target as number)}: ${m.met ? 'met' : 'MISSED'})`),
    ...(memory === undefined ? [] : [`memory: peak rss ${mib(memory.peakRss)}, peak heapUsed ${mib(memory.peakHeapUsed)} over ${si(memory.traceEvents)} trace events`]),
  ];
  summary.push(`load average at start ${meta.loadavgAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${meta.cores} cores)`);
  process.stderr.write(`\nsummary: ${summary.join('\n         ')}\n`);
}

main();
