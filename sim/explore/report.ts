/**
 * A sweep's report (`report.json` under `--out`): what ran, what failed, the shrunk repros, the
 * probes' coverage and per-run availability. It is a pure function of the runs and the shrinks,
 * built the same way for one process and for merged shards, so n shards merge to exactly the
 * report of the unsharded sweep (wall-clock figures live apart, in `timing`).
 */
import type { Scenario } from '../scenario/schema.js';
import type { RunSummary } from './explore-run.js';
import { PROBE_NAMES, type ProbeName } from './probes.js';
import type { Shard } from './seeds.js';

export const EXPLORE_REPORT_TYPE = 'zksim-explore-report';
export const EXPLORE_REPORT_VERSION = 1;

export interface SweepSpec {
  /** The base scenario as run (bugs and fault choice applied), and its hash. */
  base: Scenario;
  baseHash: string;
  start: number;
  runs: number;
  shard: Shard | null;
  /** Failing seeds shrunk per failed check (the smallest seeds). */
  maxShrinks: number;
  /** Candidate runs a shrink may try. */
  shrinkRuns: number;
}

/** What a shrink did: the check it kept failing and the sizes before and after. */
export interface ShrinkFigures {
  /** The check the shrink kept failing (the seed's most telling failed check). */
  check: string;
  /** `<check>-<hash of the shrunk scenario>`: failures that shrink alike are one failure. */
  signature: string;
  first?: string;
  faultsBefore: number;
  faultsAfter: number;
  opsBefore: number;
  opsAfter: number;
  shrinkRuns: number;
  exhausted: boolean;
}

/** One failing seed, shrunk. */
export interface ShrunkFailure extends ShrinkFigures {
  seed: number;
}

/** Failing seeds that shrank to the same scenario (figures of the first). */
export interface FailureGroup extends ShrinkFigures {
  /** Shrunk seeds that reduced to this scenario, smallest first; the repro came from the first. */
  seeds: number[];
  /** Its directory under the output: repro.json (shrunk), original.json, trace.ndjson. */
  dir: string;
}

export interface RunRow {
  seed: number;
  status: RunSummary['status'];
  failed: string[];
  unknown: string[];
  first?: string;
  unavailableTicks: number;
  windows: [number, number][];
  elections: number[];
  probes: RunSummary['probes'];
}

export interface ExploreReport {
  type: typeof EXPLORE_REPORT_TYPE;
  version: number;
  zksim: string;
  spec: SweepSpec;
  /** Shards merged into this report (1 for a single run). */
  shards: number;
  seeds: number;
  passed: number;
  failed: number;
  unknown: number;
  /** Failing seeds per check (a seed counts for each check it failed). */
  failuresByCheck: Record<string, number>;
  failures: FailureGroup[];
  shrunk: ShrunkFailure[];
  probes: Record<string, { runs: number; hits: number }>;
  probesNeverHit: ProbeName[];
  runs: RunRow[];
}

export interface ExploreTiming {
  wallMs: number;
  workers: number;
  seedsPerHour: number;
  shrinkMs: number[];
}

export function runRow(r: RunSummary): RunRow {
  return {
    seed: r.seed,
    status: r.status,
    failed: r.failed,
    unknown: r.unknown,
    ...(r.violations[0]?.first === undefined ? {} : { first: r.violations[0].first }),
    unavailableTicks: r.availability.unavailableTicks,
    windows: r.availability.windows,
    elections: r.availability.elections,
    probes: r.probes,
  };
}

/** The seeds to shrink: per check (a seed's first failed one), the `max` smallest failing seeds. */
export function seedsToShrink(rows: readonly RunRow[], max: number): { seed: number; check: string }[] {
  const byCheck = new Map<string, number[]>();
  for (const r of [...rows].sort((a, b) => a.seed - b.seed)) {
    if (r.status !== 'fail') continue;
    const c = r.failed[0];
    const list = byCheck.get(c) ?? [];
    if (list.length < max) list.push(r.seed);
    byCheck.set(c, list);
  }
  return [...byCheck].flatMap(([check, seeds]) => seeds.map((seed) => ({ seed, check }))).sort((a, b) => a.seed - b.seed);
}

/** The report of a set of runs and shrinks (one process's, or all shards' together). */
export function buildReport(zksim: string, spec: SweepSpec, shards: number, rowsIn: readonly RunRow[], shrunkIn: readonly ShrunkFailure[]): ExploreReport {
  const rows = [...rowsIn].sort((a, b) => a.seed - b.seed);
  const chosen = new Set(seedsToShrink(rows, spec.maxShrinks).map((x) => x.seed));
  const shrunk = shrunkIn.filter((s) => chosen.has(s.seed)).sort((a, b) => a.seed - b.seed);
  const groups = new Map<string, FailureGroup>();
  for (const s of shrunk) {
    const g = groups.get(s.signature);
    if (g !== undefined) {
      g.seeds.push(s.seed);
      continue;
    }
    const { seed, ...figures } = s;
    groups.set(s.signature, {
      ...figures,
      seeds: [seed],
      dir: `failures/${s.signature}`,
    });
  }
  const failuresByCheck: Record<string, number> = {};
  const probes: Record<string, { runs: number; hits: number }> = {};
  for (const p of PROBE_NAMES) probes[p] = { runs: 0, hits: 0 };
  for (const r of rows) {
    for (const c of r.failed) failuresByCheck[c] = (failuresByCheck[c] ?? 0) + 1;
    for (const [p, n] of Object.entries(r.probes)) {
      const slot = probes[p] ?? (probes[p] = { runs: 0, hits: 0 });
      slot.runs++;
      slot.hits += n ?? 0;
    }
  }
  return {
    type: EXPLORE_REPORT_TYPE,
    version: EXPLORE_REPORT_VERSION,
    zksim,
    spec,
    shards,
    seeds: rows.length,
    passed: rows.filter((r) => r.status === 'pass').length,
    failed: rows.filter((r) => r.status === 'fail').length,
    unknown: rows.filter((r) => r.status === 'unknown').length,
    failuresByCheck: Object.fromEntries(Object.entries(failuresByCheck).sort(([a], [b]) => a.localeCompare(b))),
    failures: [...groups.values()],
    shrunk,
    probes,
    probesNeverHit: PROBE_NAMES.filter((p) => probes[p].runs === 0),
    runs: rows,
  };
}

/**
 * Merges shard reports of one sweep. They must share the base, seed range and shrink settings,
 * and their seeds must not overlap; the result is the report the unsharded sweep would give.
 */
export function mergeReports(zksim: string, reports: readonly ExploreReport[]): ExploreReport {
  if (reports.length === 0) throw new Error('nothing to merge');
  const [first] = reports;
  for (const r of reports) {
    const a = first.spec;
    const b = r.spec;
    if (b.baseHash !== a.baseHash) throw new Error(`reports of different sweeps: base ${a.baseHash} vs ${b.baseHash}`);
    if (b.start !== a.start || b.runs !== a.runs) throw new Error(`reports of different seed ranges: ${a.start}+${a.runs} vs ${b.start}+${b.runs}`);
    if (b.maxShrinks !== a.maxShrinks || b.shrinkRuns !== a.shrinkRuns) throw new Error('reports with different shrink settings (--max-shrinks, --shrink-runs)');
  }
  const seen = new Set<number>();
  for (const r of reports) {
    for (const row of r.runs) {
      if (seen.has(row.seed)) throw new Error(`seed ${row.seed} appears in two reports: merge each shard once`);
      seen.add(row.seed);
    }
  }
  const spec: SweepSpec = { ...first.spec, shard: null };
  return buildReport(
    zksim,
    spec,
    reports.reduce((n, r) => n + r.shards, 0),
    reports.flatMap((r) => r.runs),
    reports.flatMap((r) => r.shrunk),
  );
}
