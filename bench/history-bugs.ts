/**
 * Rediscovery of ZooKeeper's known bugs ([history-bugs] part 3): for each one, a single-threaded
 * swarm search with its old behaviour on (sim/history/rediscover.ts) from seed 1, until a seed
 * fails a check its fixed twin passes, or the time limit. Reported: seeds and wall time to the
 * first find, the failing check and first violation, and the size of the find once shrunk
 * (faults and client operations before and after), with the shrunk repro checked against its
 * fixed twin.
 *
 *   npm run build && node dist/bench/history-bugs.js [--only JIRA]... [--minutes 10] [--shrink-runs 400]
 *
 * Target: at least 8 of the bugs found within 10 minutes each on one core.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXPLORE_BASE } from '../sim/explore/default-base.js';
import { exploreRun } from '../sim/explore/explore-run.js';
import { shrinkSeed } from '../sim/explore/shrink.js';
import { HUNT_BASES } from '../sim/history/hunt-bases.js';
import { KNOWN_BUGS } from '../sim/history/known-bugs.js';
import { rediscover, withOldBehaviour } from '../sim/history/rediscover.js';
import { fixedTwin } from '../sim/history/twin.js';
import { parseScenario } from '../sim/scenario/load.js';
import type { Scenario } from '../sim/scenario/schema.js';
import { now, repoRoot } from './common.js';

const ROOT = repoRoot();

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const only = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--only' ? [a] : []));
const minutes = arg('minutes', 10);
/** The sync() caveat is not expected to be found by the swarm (see hunt-bases.ts): a shorter look. */
const caveatMinutes = arg('caveat-minutes', 2);
const shrinkRuns = arg('shrink-runs', 400);

function baseFor(jira: string): Scenario {
  const hunt = HUNT_BASES[jira];
  return hunt === undefined ? DEFAULT_EXPLORE_BASE : parseScenario(readFileSync(join(ROOT, hunt.path), 'utf8'), hunt.path);
}

interface Row {
  jira: string;
  base: string;
  seed?: number;
  seeds: number;
  seconds: number;
  check?: string;
  first?: string;
  alsoFailedFixed: number;
  faults?: [number, number];
  ops?: [number, number];
  twinPasses?: boolean;
  shrinkSeconds?: number;
}

const rows: Row[] = [];
for (const bug of KNOWN_BUGS) {
  if (only.length > 0 && !only.includes(bug.jira)) continue;
  const base = baseFor(bug.jira);
  const t0 = now();
  const limit = ('caveat' in bug ? caveatMinutes : minutes) * 60_000;
  const r = rediscover(base, bug.jira, { budget: 1_000_000, stop: () => now() - t0 > limit });
  const seconds = (now() - t0) / 1000;
  const row: Row = { jira: bug.jira, base: HUNT_BASES[bug.jira]?.path ?? '(default explore base)', seeds: r.runs, seconds, alsoFailedFixed: r.alsoFailedFixed };
  if (r.seed !== undefined) {
    row.seed = r.seed;
    row.check = r.failed[0];
    if (r.first !== undefined) row.first = r.first;
    const s0 = now();
    const shrunk = shrinkSeed(withOldBehaviour(base, bug.jira), r.seed, r.failed[0], shrinkRuns);
    row.shrinkSeconds = (now() - s0) / 1000;
    row.faults = [shrunk.failure.faultsBefore, shrunk.failure.faultsAfter];
    row.ops = [shrunk.failure.opsBefore, shrunk.failure.opsAfter];
    row.twinPasses = !exploreRun(fixedTwin(shrunk.repro)).failed.includes(r.failed[0]);
  }
  rows.push(row);
  const found = row.seed === undefined ? `not found in ${row.seeds} seeds` : `seed ${row.seed} after ${row.seeds} seeds, ${row.check}: ${row.first ?? ''}`;
  process.stdout.write(`${bug.jira}: ${found} (${seconds.toFixed(1)} s)\n`);
}

process.stdout.write('\n| bug | base | first find (seed) | seeds | wall time | failing check | shrunk faults | shrunk client ops | fixed twin |\n|---|---|---:|---:|---:|---|---:|---:|---|\n');
for (const r of rows) {
  const f = r.faults === undefined ? '—' : `${r.faults[0]} → ${r.faults[1]}`;
  const o = r.ops === undefined ? '—' : `${r.ops[0]} → ${r.ops[1]}`;
  const base = r.base.startsWith('(') ? 'default' : r.base.replace('scenarios/bugs/hunt/', '').replace('.json', '');
  process.stdout.write(`| ${r.jira} | ${base} | ${r.seed ?? 'not found'} | ${r.seeds} | ${r.seconds.toFixed(1)} s | ${r.check ?? '—'} | ${f} | ${o} | ${r.twinPasses === undefined ? '—' : r.twinPasses ? 'passes' : 'FAILS'} |\n`);
}
const found = rows.filter((r) => r.seed !== undefined && r.seconds <= minutes * 60).length;
process.stdout.write(`\n${found} of ${rows.length} found within ${minutes} minutes each on one core (target: at least 8).\n`);
process.stdout.write(`${JSON.stringify({ rows })}\n`);
