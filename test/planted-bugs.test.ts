/**
 * The explorer's self-test ([explore] part 6): the default swarm must find every planted bug
 * within a fixed seed budget, and the clean build must pass the same budget. `zksim bugs
 * --self-test` runs the same hunt from the command line and reports seeds and wall time.
 */
import { describe, expect, it } from 'vitest';
import { BUG_NAMES } from '../sim/bugs/catalog.js';
import { huntBug } from '../sim/explore/bug-hunt.js';
import { DEFAULT_EXPLORE_BASE } from '../sim/explore/default-base.js';

/** Seeds each bug may take; the clean build runs as many. */
const BUDGET = 60;

describe(`planted bugs: the default swarm finds each within ${BUDGET} seeds`, () => {
  for (const bug of BUG_NAMES) {
    it(bug, () => {
      const r = huntBug(DEFAULT_EXPLORE_BASE, bug, BUDGET);
      expect(r.seed, `${bug} was not found in seeds 1..${BUDGET} of the default explore base`).toBeDefined();
      expect(r.failed.length).toBeGreaterThan(0);
    }, 120_000);
  }

  it(`the clean build passes the same ${BUDGET} seeds`, () => {
    const r = huntBug(DEFAULT_EXPLORE_BASE, null, BUDGET);
    expect(r.seed, `clean build failed seed ${r.seed}: ${r.failed.join(', ')} ${r.first ?? ''}`).toBeUndefined();
    expect(r.runs).toBe(BUDGET);
  }, 120_000);
});
