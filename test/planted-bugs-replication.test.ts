// The replication and election bugs the catalog can plant, each found by the explorer's default run:
// at the first seed of 1..100 where the swarm catches it, the named check fails with the bug on
// and every check passes at the same seed without it. (Sweeps: node /tmp/bugsweep.mjs BUG 100.)
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPLORE_BASE } from '../sim/explore/default-base.js';
import { runScenario, type RunResult } from '../sim/scenario/simulation.js';
import type { BugName } from '../sim/bugs/catalog.js';

interface Case {
  bug: BugName;
  /** The first failing seed of 1..100. */
  seed: number;
  check: string;
  /** What the first violation (or liveness problem) says. */
  says: RegExp;
}

const CASES: Case[] = [
  { bug: 'commit-before-quorum', seed: 1, check: 'zab-invariants', says: /^CommitDurability .*committed 0x[0-9a-f]+ while only 1 of 3 voters held it durably/ },
  { bug: 'ack-before-fsync', seed: 1, check: 'zab-invariants', says: /^CommitDurability .*while only 1 of 3 voters held it durably/ },
  { bug: 'newleader-ack-before-durable', seed: 1, check: 'zab-invariants', says: /^EpochDurability .*had it as currentEpoch on disk/ },
  { bug: 'looking-peer-ignored', seed: 1, check: 'liveness', says: /is LOOKING, not serving with leader/ },
  { bug: 'leader-keeps-quorum-lost', seed: 3, check: 'liveness', says: /^2 established leaders at the end/ },
  { bug: 'read-uncommitted', seed: 1, check: 'zab-invariants', says: /^Integrity .*which no leader committed/ },
  { bug: 'trunc-never-sent', seed: 9, check: 'zab-invariants', says: /^ProcessConsistency .*serves clients with .* which no leader committed/ },
];

const clean = new Map<number, RunResult>();
function cleanRun(seed: number): RunResult {
  let r = clean.get(seed);
  if (r === undefined) clean.set(seed, (r = runScenario(DEFAULT_EXPLORE_BASE, { seed })));
  return r;
}

describe('planted replication and election bugs are found by the default swarm', () => {
  for (const c of CASES) {
    it(`${c.bug}: ${c.check} fails at seed ${c.seed}, and passes there without the bug`, () => {
      const bad = runScenario({ ...DEFAULT_EXPLORE_BASE, bugs: [c.bug] }, { seed: c.seed });
      const v = bad.verdicts.find((x) => x.check === c.check);
      expect(v?.status).toBe('fail');
      expect(v!.violations[0]).toMatch(c.says);
      expect(bad.ok).toBe(false);

      const good = cleanRun(c.seed);
      expect(good.verdicts.filter((x) => x.status !== 'pass').map((x) => `${x.check}: ${x.status} ${x.summary}`)).toEqual([]);
      expect(good.ok).toBe(true);
    });
  }
});
