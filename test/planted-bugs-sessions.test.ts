/**
 * The session, sequence, watch and lock-recipe planted bugs, each at the first seed of the
 * explorer's default base where the swarm finds it with the expected check: with the bug on, the check that should see it
 * fails; at the same seed without the bug, every check passes (the failure is the bug's).
 */
import { describe, expect, it } from 'vitest';
import type { BugName } from '../sim/bugs/catalog.js';
import { DEFAULT_EXPLORE_BASE } from '../sim/explore/default-base.js';
import { runScenario } from '../sim/scenario/simulation.js';
import { firstSeedFailing } from './helpers/planted.js';

const CASES: { bug: BugName; check: string; violation: RegExp }[] = [
  { bug: 'ephemerals-survive-expiry', check: 'zk-sessions', violation: /^ephemerals: the close of session 0x[0-9a-f]{16} \(committed at 0x[0-9a-f]+\) left its ephemeral \/lock\/.* in place$/ },
  { bug: 'sequence-suffix-reused', check: 'lock-exclusion', violation: /both believed they held the lock/ },
  { bug: 'watch-fired-twice', check: 'zk-watches', violation: /re-set its data watch on \/lock\/.* had already fired with NODE_DELETED/ },
  { bug: 'lock-watches-wrong-predecessor', check: 'lock-progress', violation: /^no acquisition after 15000/ },
  { bug: 'expiry-ignores-pings', check: 'zk-session-expiry', violation: /expired session .* after it last heard from it: .*a ping from l\d/ },
];

describe('planted bugs in sessions, sequential names, watches and the lock recipe', () => {
  for (const { bug, check, violation } of CASES) {
    it(`${bug}: ${check} fails at some seed of 1..100, and the clean build passes that seed`, () => {
      const found = firstSeedFailing(bug, check);
      expect(found, `${check} never failed with ${bug} in seeds 1..100`).toBeDefined();
      const { seed, run } = found!;
      const v = run.verdicts.find((x) => x.check === check)!;
      expect(v.violations[0]).toMatch(violation);

      const clean = runScenario(DEFAULT_EXPLORE_BASE, { seed });
      for (const c of clean.verdicts) expect(c.status, `${c.check} at seed ${seed} without ${bug}: ${c.summary}`).toBe('pass');
    }, 120_000);
  }
});
