/**
 * Shrinking ([explore] part 4): how much smaller the shrunk scenarios are and how long a shrink
 * takes. For each planted bug, the first failing seeds of the reference run are shrunk with the
 * CLI's defaults (400 candidate runs); reported per bug and overall: faults and client operations
 * before and after, the reduction, and the wall time (medians over all shrinks).
 *
 *   npm run build && node dist/bench/shrink.js [--per-bug N] [--budget SEEDS]
 *
 * Target: median >= 80 % fewer faults and client ops, each shrink < 30 s.
 */
import { BUG_NAMES } from '../sim/bugs/catalog.js';
import { DEFAULT_EXPLORE_BASE } from '../sim/explore/default-base.js';
import { exploreRun } from '../sim/explore/explore-run.js';
import { shrinkSeed } from '../sim/explore/shrink.js';
import type { Scenario } from '../sim/scenario/schema.js';
import { median, now } from './common.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const perBug = arg('per-bug', 2);
const budget = arg('budget', 60);

interface Row {
  bug: string;
  seed: number;
  check: string;
  faults: [number, number];
  ops: [number, number];
  runs: number;
  ms: number;
}

const rows: Row[] = [];
for (const bug of BUG_NAMES) {
  const base = { ...DEFAULT_EXPLORE_BASE, bugs: [bug] } as Scenario;
  let found = 0;
  for (let seed = 1; seed <= budget && found < perBug; seed++) {
    const r = exploreRun(base, seed);
    if (r.status !== 'fail') continue;
    found++;
    const t0 = now();
    const s = shrinkSeed(base, seed, r.failed[0], 400);
    const ms = now() - t0;
    const f = s.failure;
    rows.push({ bug, seed, check: f.check, faults: [f.faultsBefore, f.faultsAfter], ops: [f.opsBefore, f.opsAfter], runs: f.shrinkRuns, ms });
    process.stderr.write(`  ${bug} seed ${seed}: ${f.check}, faults ${f.faultsBefore} -> ${f.faultsAfter}, ops ${f.opsBefore} -> ${f.opsAfter}, ${f.shrinkRuns} runs, ${(ms / 1000).toFixed(1)} s\n`);
  }
}

const pct = (before: number, after: number): number => (before === 0 ? 100 : (100 * (before - after)) / before);
console.log(`shrink: first ${perBug} failing seeds (of 1..${budget}) per planted bug, reference run, 400 candidate runs at most`);
console.log('| bug | seed | check | faults | client ops | candidate runs | time |');
console.log('|---|---:|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.bug} | ${r.seed} | ${r.check} | ${r.faults[0]} → ${r.faults[1]} | ${r.ops[0]} → ${r.ops[1]} | ${r.runs} | ${(r.ms / 1000).toFixed(1)} s |`);
const faultCut = median(rows.map((r) => pct(...r.faults)));
const opsCut = median(rows.map((r) => pct(...r.ops)));
const both = median(rows.map((r) => pct(r.faults[0] + r.ops[0], r.faults[1] + r.ops[1])));
console.log(`median reduction: faults ${faultCut.toFixed(0)} %, client ops ${opsCut.toFixed(0)} %, faults + ops ${both.toFixed(0)} % (target >= 80 %)`);
console.log(`time per shrink: median ${(median(rows.map((r) => r.ms)) / 1000).toFixed(1)} s, max ${(Math.max(...rows.map((r) => r.ms)) / 1000).toFixed(1)} s (target < 30 s)`);
