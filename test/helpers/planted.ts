import type { BugName } from '../../sim/bugs/catalog.js';
import { DEFAULT_EXPLORE_BASE } from '../../sim/explore/default-base.js';
import { runScenario, type RunResult } from '../../sim/scenario/simulation.js';

/**
 * The first seed (of 1..budget) of the explorer's default base at which `check` fails with `bug`
 * on, and that run. Searching instead of pinning a seed keeps these tests about the bug and its
 * detector, not about one run's timing, which every fidelity fix changes.
 */
export function firstSeedFailing(bug: BugName, check: string, budget = 100): { seed: number; run: RunResult } | undefined {
  for (let seed = 1; seed <= budget; seed++) {
    const run = runScenario({ ...DEFAULT_EXPLORE_BASE, bugs: [bug] }, { seed });
    if (run.verdicts.some((v) => v.check === check && v.status === 'fail')) return { seed, run };
  }
  return undefined;
}
