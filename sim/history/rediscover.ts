/**
 * Rediscovery of a known bug by random search: sweep the seeds of a base with the old behaviour
 * on, and stop at the first seed that fails a check its fixed twin (the same seed with today's
 * behaviour) passes. The twin run is what makes a find a find: a base whose fixed build fails a
 * seed for its own reasons (an availability gap the fault mix causes anyway) does not count.
 * Deterministic: the answer is a seed, not a time.
 */
import type { Scenario } from '../scenario/schema.js';
import { exploreRun } from '../explore/explore-run.js';
import type { LegacyId } from './known-bugs.js';
import { fixedTwin } from './twin.js';

export interface RediscoveryResult {
  jira: string;
  /** The first seed that failed a check its fixed twin passed, if any within the budget. */
  seed?: number;
  /** Seeds run with the old behaviour (up to and including the find). */
  runs: number;
  /** Checks the old behaviour failed and the fix passed, at the find. */
  failed: string[];
  first?: string;
  /** Seeds that failed with the old behaviour and failed the same checks with the fix too (not counted). */
  alsoFailedFixed: number;
}

/** The base with the old behaviour on: the switch, or for the sync() caveat the base as it is. */
export function withOldBehaviour(base: Scenario, jira: string): Scenario {
  if (jira === 'ZOOKEEPER-1675') return base;
  return { ...base, legacy: [...new Set([...(base.legacy ?? []), jira as LegacyId])].sort() as Scenario['legacy'] };
}

export interface RediscoverOptions {
  /** Most seeds to run. */
  budget: number;
  /** First seed (default 1). */
  start?: number;
  /** Told after each seed. */
  onRun?: (seed: number, found: boolean) => void;
  /** Asked before each seed; true ends the search (a caller's time limit). */
  stop?: () => boolean;
}

export function rediscover(base: Scenario, jira: string, opts: RediscoverOptions): RediscoveryResult {
  const { budget, start = 1, onRun, stop } = opts;
  const old = withOldBehaviour(base, jira);
  const fixed = fixedTwin(old);
  let alsoFailedFixed = 0;
  let i = 0;
  for (; i < budget; i++) {
    if (stop?.() === true) break;
    const seed = start + i;
    const r = exploreRun(old, seed);
    if (r.status !== 'fail') {
      onRun?.(seed, false);
      continue;
    }
    const twin = exploreRun(fixed, seed);
    const only = r.failed.filter((c) => !twin.failed.includes(c));
    if (only.length === 0) {
      alsoFailedFixed++;
      onRun?.(seed, false);
      continue;
    }
    onRun?.(seed, true);
    const first = r.violations.find((v) => only.includes(v.check))?.first;
    return { jira, seed, runs: i + 1, failed: only, alsoFailedFixed, ...(first === undefined ? {} : { first }) };
  }
  return { jira, runs: i, failed: [], alsoFailedFixed };
}
