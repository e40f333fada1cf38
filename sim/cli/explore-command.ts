/**
 * `zksim explore`: a swarm sweep over seeds on every core, with a live progress bar, failures
 * shrunk to minimal scenario files (each with its trace), coverage probes, a JSON report for
 * merging shards and an HTML report. `zksim explore merge` joins shard reports into one.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Tinypool } from 'tinypool';
import { isBugName, BUG_NAMES } from '../bugs/catalog.js';
import { DEFAULT_EXPLORE_BASE } from '../explore/default-base.js';
import { exploreReportHtml } from '../explore/html-report.js';
import { PROBES, type ProbeName } from '../explore/probes.js';
import {
  buildReport,
  EXPLORE_REPORT_TYPE,
  EXPLORE_REPORT_VERSION,
  mergeReports,
  seedsToShrink,
  type ExploreReport,
  type ExploreTiming,
  type RunRow,
  type ShrunkFailure,
  type SweepSpec,
} from '../explore/report.js';
import { parseShard, shardSeeds, type Shard } from '../explore/seeds.js';
import { canonicalJson, type ShrunkSeed } from '../explore/shrink.js';
import { fnv1a64Hex } from '../kernel/trace/hash.js';
import { validateScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { Simulation } from '../scenario/simulation.js';
import { ZKSIM_VERSION } from '../version.js';
import { FAULT_KINDS, type FaultKind } from '../world/fault-spec.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './errors.js';
import exploreTask, { type ExploreTask, type RunsResult, type ShrinkTaskResult } from './explore-worker.js';
import { d3Source } from './d3-source.js';
import { FileSink, writeFileAtomic } from './file-sink.js';
import { loadScenarioFile, readText, withZkBehaviour } from './inputs.js';
import { resolveLegacy } from '../history/zk-version.js';

export interface ExploreOptions {
  runs: string;
  seed: string;
  duration?: string;
  faults?: string;
  scenario?: string;
  workers?: string;
  shard?: string;
  out: string;
  injectBug?: string[];
  /** Behave as this ZooKeeper release (sim/history/). */
  zkVersion?: string;
  /** Old behaviours to switch on, by JIRA number. */
  legacy?: string[];
  maxShrinks: string;
  shrinkRuns: string;
  shrink: boolean;
  report?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Seeds per task: small enough for a smooth progress bar and balanced workers, big enough to amortise messaging. */
const BATCH = 8;

function positiveInt(value: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) throw new UsageError(`${flag}: expected an integer ≥ ${min} (got "${value}")`);
  return Number(value);
}

/** The base scenario with the command line's duration, fault choice and bugs applied. */
export function exploreBase(opts: Pick<ExploreOptions, 'scenario' | 'duration' | 'faults' | 'injectBug' | 'zkVersion' | 'legacy'>): Scenario {
  let base: Scenario = opts.scenario === undefined ? DEFAULT_EXPLORE_BASE : loadScenarioFile(opts.scenario);
  const source = opts.scenario ?? '(default explore base)';
  if (opts.duration !== undefined) {
    const duration = positiveInt(opts.duration, '--duration');
    const quiet = base.faults !== undefined && !Array.isArray(base.faults) ? base.faults.swarm.quietTicks : undefined;
    if (quiet !== undefined && quiet >= duration) {
      throw new UsageError(`--duration ${duration}: the base's swarm keeps the last ${quiet} ticks quiet, which leaves no time for faults; give a --duration above ${quiet}, or a --scenario whose faults.swarm.quietTicks is smaller`);
    }
    base = { ...base, durationTicks: duration };
  }
  const f = opts.faults;
  if (f === 'none') {
    const { faults: _x, ...rest } = base;
    base = rest as Scenario;
  } else if (f === 'swarm') {
    if (!(base.faults !== undefined && !Array.isArray(base.faults))) base = { ...base, faults: { swarm: {} } };
  } else if (f !== undefined) {
    const kinds = f.split(',').map((k) => k.trim()).filter((k) => k !== '');
    for (const k of kinds) {
      if (!(FAULT_KINDS as readonly string[]).includes(k) || k === 'heal' || k === 'restart') {
        throw new UsageError(`--faults: unknown fault kind "${k}"; use swarm, none, or a comma list of ${FAULT_KINDS.filter((x) => x !== 'heal' && x !== 'restart').join(', ')}`);
      }
    }
    if (kinds.length === 0) throw new UsageError('--faults: expected swarm, none or a comma list of fault kinds');
    const swarm = base.faults !== undefined && !Array.isArray(base.faults) ? base.faults.swarm : {};
    base = { ...base, faults: { swarm: { ...swarm, kinds: kinds as FaultKind[] } } };
  }
  const bugs = opts.injectBug ?? [];
  for (const b of bugs) if (!isBugName(b)) throw new UsageError(`--inject-bug: unknown bug "${b}"; the planted bugs are ${BUG_NAMES.join(', ')} (see \`zksim bugs\`)`);
  if (bugs.length > 0) base = { ...base, bugs: [...new Set([...(base.bugs ?? []), ...bugs])].sort() as Scenario['bugs'] };
  base = withZkBehaviour(base, opts.zkVersion, opts.legacy, source);
  return validateScenario(JSON.parse(JSON.stringify(base)), source);
}

export function baseHash(base: Scenario): string {
  const { seed: _s, ...rest } = base;
  return fnv1a64Hex(canonicalJson(rest));
}

interface Runner {
  run(task: ExploreTask): Promise<RunsResult | ShrinkTaskResult>;
  close(): Promise<void>;
}

/** One worker runs tasks in this thread (no pool to start); more use a tinypool of threads. */
function runner(workers: number): Runner {
  if (workers <= 1) {
    return {
      // Yield to the event loop between tasks so the progress bar can redraw.
      run: (task) => new Promise((done) => setImmediate(() => done(exploreTask(task)))), // determinism-ok: CLI scheduling, not simulation
      close: async () => {},
    };
  }
  const pool = new Tinypool({ filename: new URL('./explore-worker.js', import.meta.url).href, minThreads: workers, maxThreads: workers });
  return { run: (task) => pool.run(task) as Promise<RunsResult | ShrinkTaskResult>, close: () => pool.destroy() };
}

interface Bar {
  update(value: number, payload: Record<string, unknown>): void;
  stop(): void;
}

function progress(total: number, label: string, unit: string, enabled: boolean): Bar {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted} | failures {failures}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: '0.0', failures: 0 });
  return { update: (v, p) => bar.update(v, p), stop: () => bar.stop() };
}

/** `zksim explore`: exit 0 when no seed failed, 1 when one did. */
export async function exploreCommand(opts: ExploreOptions): Promise<number> {
  const runs = positiveInt(opts.runs, '--runs');
  const start = positiveInt(opts.seed, '--seed', 0);
  const workers = opts.workers === undefined ? availableParallelism() : positiveInt(opts.workers, '--workers');
  const maxShrinks = opts.shrink ? positiveInt(opts.maxShrinks, '--max-shrinks', 0) : 0;
  const shrinkRuns = positiveInt(opts.shrinkRuns, '--shrink-runs');
  let shard: Shard | undefined;
  if (opts.shard !== undefined) {
    try {
      shard = parseShard(opts.shard);
    } catch (e) {
      throw new UsageError(`--shard: ${(e as Error).message}`);
    }
  }
  const base = exploreBase(opts);
  const spec: SweepSpec = { base, baseHash: baseHash(base), start, runs, shard: shard ?? null, maxShrinks, shrinkRuns };
  const seeds = shardSeeds(start, runs, shard);
  const show = !opts.json && !opts.quiet;
  const pool = runner(workers);
  const t0 = performance.now(); // determinism-ok: wall time of the sweep, reported as timing only
  try {
    // Sweep.
    const rows: RunRow[] = [];
    let failures = 0;
    const bar = progress(seeds.length, `explore ${base.name}`, 'seeds', show);
    const batches: number[][] = [];
    for (let i = 0; i < seeds.length; i += BATCH) batches.push(seeds.slice(i, i + BATCH));
    await Promise.all(
      batches.map(async (b) => {
        const r = (await pool.run({ kind: 'runs', base, seeds: b })) as RunsResult;
        rows.push(...r.rows);
        failures += r.rows.filter((x) => x.status === 'fail').length;
        const secs = (performance.now() - t0) / 1000; // determinism-ok
        bar.update(rows.length, { rate: (rows.length / Math.max(secs, 1e-3)).toFixed(1), failures });
      }),
    );
    bar.stop();
    const sweepMs = performance.now() - t0; // determinism-ok

    // Shrink the chosen failing seeds (the smallest few per check), in parallel too.
    const chosen = seedsToShrink(rows, maxShrinks);
    const shrunk: ShrunkSeed[] = [];
    const shrinkMs: number[] = [];
    const sbar = progress(chosen.length, 'shrink', 'failures', show && chosen.length > 0);
    await Promise.all(
      chosen.map(async (c) => {
        const r = (await pool.run({ kind: 'shrink', base, seed: c.seed, check: c.check, maxRuns: shrinkRuns })) as ShrinkTaskResult;
        shrunk.push(r.shrunk);
        shrinkMs.push(Math.round(r.wallMs));
        sbar.update(shrunk.length, { rate: '-', failures: shrunk.length });
      }),
    );
    sbar.stop();
    shrunk.sort((a, b) => a.failure.seed - b.failure.seed);

    const report = buildReport(ZKSIM_VERSION, spec, 1, rows, shrunk.map((s) => s.failure));
    const wallMs = performance.now() - t0; // determinism-ok
    const timing: ExploreTiming = { wallMs: Math.round(wallMs), workers, seedsPerHour: Math.round((seeds.length / Math.max(sweepMs, 1)) * 3_600_000), shrinkMs };
    writeOutputs(opts.out, report, timing, shrunk);
    if (opts.report !== undefined) writeFileAtomic(opts.report, exploreReportHtml(report, timing, d3Source()));
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...summaryJson(report), timing, out: opts.out })}\n`);
    else if (!opts.quiet) process.stdout.write(formatSummary(report, timing, opts.out, opts.report));
    return report.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
  } finally {
    await pool.close();
  }
}

/** report.json, and per failure group: the shrunk repro, the original seed's scenario, the repro's trace. */
function writeOutputs(out: string, report: ExploreReport, timing: ExploreTiming, shrunk: readonly ShrunkSeed[]): void {
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, 'report.json'), `${JSON.stringify({ ...report, timing })}\n`);
  for (const g of report.failures) {
    const s = shrunk.find((x) => x.failure.seed === g.seeds[0]);
    if (s === undefined) continue;
    writeFailureDir(join(out, g.dir), s);
  }
}

function writeFailureDir(dir: string, s: ShrunkSeed): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'repro.json'), `${JSON.stringify(s.repro, null, 2)}\n`);
  writeFileAtomic(join(dir, 'original.json'), `${JSON.stringify(s.original, null, 2)}\n`);
  const sink = new FileSink(join(dir, 'trace.ndjson'));
  try {
    new Simulation(s.repro, { sink }).run();
  } catch (e) {
    sink.abort();
    throw e;
  }
}

function summaryJson(r: ExploreReport): Record<string, unknown> {
  return {
    base: r.spec.base.name,
    start: r.spec.start,
    runs: r.spec.runs,
    shard: r.spec.shard,
    seeds: r.seeds,
    passed: r.passed,
    failed: r.failed,
    unknown: r.unknown,
    failuresByCheck: r.failuresByCheck,
    failures: r.failures,
    probesNeverHit: r.probesNeverHit,
  };
}

function formatSummary(r: ExploreReport, t: ExploreTiming, out: string, html: string | undefined): string {
  const lines: string[] = [];
  const sh = r.spec.shard === null ? '' : `, shard ${r.spec.shard.index}/${r.spec.shard.count}`;
  const b = r.spec.base;
  const switches = resolveLegacy(b.zkVersion, b.legacy);
  const bugs = `${b.bugs === undefined ? '' : `, bugs: ${b.bugs.join(', ')}`}${b.zkVersion === undefined ? '' : `, as ZooKeeper ${b.zkVersion}`}${switches.length === 0 ? '' : ` (old behaviour: ${switches.join(', ')})`}`;
  lines.push(`zksim explore ${r.spec.base.name}: ${r.seeds} seeds (${r.spec.start}..${r.spec.start + r.spec.runs - 1}${sh}${bugs}), ${t.workers} worker(s), ${(t.wallMs / 1000).toFixed(1)} s (${t.seedsPerHour.toLocaleString('en-US')} seeds/hour)`);
  lines.push(`  passed ${r.passed}, failed ${r.failed}, unknown ${r.unknown} (a check could not judge, e.g. faults still active at the end)`);
  const byCheck = Object.entries(r.failuresByCheck);
  if (byCheck.length > 0) lines.push(`  failing seeds by check: ${byCheck.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  for (const g of r.failures) {
    lines.push(`  FAIL ${g.signature}  seed${g.seeds.length > 1 ? 's' : ''} ${g.seeds.join(', ')}: faults ${g.faultsBefore} → ${g.faultsAfter}, client ops ${g.opsBefore} → ${g.opsAfter} (${g.shrinkRuns} shrink runs${g.exhausted ? ', budget exhausted' : ''})`);
    if (g.first !== undefined) lines.push(`       ${g.first}`);
    lines.push(`       repro: ${join(out, g.dir, 'repro.json')}   (npx zksim run ${join(out, g.dir, 'repro.json')})`);
  }
  const notShrunk = r.failed - r.shrunk.length;
  if (notShrunk > 0) lines.push(`  ${notShrunk} more failing seed(s) not shrunk (--max-shrinks ${r.spec.maxShrinks} per check); see report.json runs`);
  const hit = Object.entries(r.probes)
    .filter(([, v]) => v.runs > 0)
    .map(([p, v]) => `${p} ${v.runs}`);
  lines.push(`  probes hit (runs): ${hit.length === 0 ? 'none' : hit.join(', ')}`);
  if (r.probesNeverHit.length > 0) lines.push(`  probes never hit: ${r.probesNeverHit.join(', ')}`);
  lines.push(`  report: ${join(out, 'report.json')}${html === undefined ? '' : `, ${html}`}`);
  return `${lines.join('\n')}\n`;
}

/** Reads a shard's report.json (from its --out directory or the file itself). */
function readReport(path: string): { report: ExploreReport; dir: string } {
  const file = path.endsWith('.json') ? path : join(path, 'report.json');
  let json: unknown;
  try {
    json = JSON.parse(readText(file, 'explore report'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: not JSON (${(e as Error).message})`);
  }
  const r = json as Partial<ExploreReport>;
  if (r.type !== EXPLORE_REPORT_TYPE) throw new UsageError(`${file}: not a zksim explore report (type should be "${EXPLORE_REPORT_TYPE}")`);
  if (r.version !== EXPLORE_REPORT_VERSION) throw new UsageError(`${file}: report version ${String(r.version)}; this zksim reads version ${EXPLORE_REPORT_VERSION} (use the zksim that wrote it)`);
  return { report: json as ExploreReport, dir: file.endsWith('report.json') ? resolve(file, '..') : resolve(path, '..') };
}

export interface MergeOptions {
  out: string;
  report?: string;
  json?: boolean;
}

/** `zksim explore merge DIR...`: one report from the shards' reports; failure directories are copied. */
export function exploreMergeCommand(paths: string[], opts: MergeOptions): number {
  const inputs = paths.map(readReport);
  let merged: ExploreReport;
  try {
    merged = mergeReports(ZKSIM_VERSION, inputs.map((i) => i.report));
  } catch (e) {
    throw new UsageError(`explore merge: ${(e as Error).message}`);
  }
  mkdirSync(opts.out, { recursive: true });
  const timings = inputs.map((i) => (i.report as ExploreReport & { timing?: ExploreTiming }).timing).filter((t): t is ExploreTiming => t !== undefined);
  const timing: ExploreTiming = {
    wallMs: Math.max(0, ...timings.map((t) => t.wallMs)),
    workers: timings.reduce((n, t) => n + t.workers, 0),
    seedsPerHour: timings.reduce((n, t) => n + t.seedsPerHour, 0),
    shrinkMs: timings.flatMap((t) => t.shrinkMs),
  };
  writeFileAtomic(join(opts.out, 'report.json'), `${JSON.stringify({ ...merged, timing })}\n`);
  for (const g of merged.failures) {
    const from = inputs.find((i) => i.report.failures.some((x) => x.signature === g.signature));
    if (from === undefined) continue;
    for (const f of ['repro.json', 'original.json', 'trace.ndjson']) {
      const src = join(from.dir, g.dir, f);
      let text: string;
      try {
        text = readFileSync(src, 'utf8');
      } catch {
        continue; // a shard's directory may have been collected without its failure files
      }
      mkdirSync(join(opts.out, g.dir), { recursive: true });
      writeFileAtomic(join(opts.out, g.dir, f), text);
    }
  }
  if (opts.report !== undefined) writeFileAtomic(opts.report, exploreReportHtml(merged, timing, d3Source()));
  if (opts.json) process.stdout.write(`${JSON.stringify({ ...summaryJson(merged), shards: merged.shards, out: opts.out })}\n`);
  else process.stdout.write(formatSummary(merged, timing, opts.out, opts.report).replace(/^zksim explore /, `zksim explore merge (${merged.shards} shards) `));
  return merged.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

/** For `zksim explore --list-probes`. */
export function probeList(): string {
  return `${(Object.entries(PROBES) as [ProbeName, string][]).map(([n, d]) => `${n.padEnd(38)} ${d}`).join('\n')}\n`;
}
