/**
 * The explorer's self-test: with one planted bug switched on, sweep the seeds of a base in order
 * until a seed fails, within a budget. A bug the sweep cannot find in its budget is a blind spot
 * of the checkers or the fault generator; a failure in the clean build within the same budget is
 * a false alarm (or a real bug). Deterministic: the answer is a seed, not a time.
 */
import type { BugName } from '../bugs/catalog.js';
import type { Scenario } from '../scenario/schema.js';
import { exploreRun } from './explore-run.js';

export interface HuntResult {
  bug: BugName | null;
  /** The first failing seed, if any within the budget. */
  seed?: number;
  /** Seeds run (up to and including the failing one). */
  runs: number;
  /** The checks that failed at that seed, most telling first. */
  failed: string[];
  first?: string;
}

/** Runs seeds start, start+1, … (at most `budget`) of `base` with `bug` on (null: clean), stopping at the first failure. */
export function huntBug(base: Scenario, bug: BugName | null, budget: number, start = 1, onRun?: (seed: number) => void): HuntResult {
  const scenario: Scenario = bug === null ? base : { ...base, bugs: [...new Set([...(base.bugs ?? []), bug])].sort() as Scenario['bugs'] };
  for (let i = 0; i < budget; i++) {
    const seed = start + i;
    const r = exploreRun(scenario, seed);
    onRun?.(seed);
    if (r.status === 'fail') {
      const first = r.violations[0]?.first;
      return { bug, seed, runs: i + 1, failed: r.failed, ...(first === undefined ? {} : { first }) };
    }
  }
  return { bug, runs: budget, failed: [] };
}
