// The replication and election bugs the catalog can plant, each found by the explorer's default run:
// at the first seed of 1..100 where the expected check catches it, the named check fails with the bug on
// and every check passes at the same seed without it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPLORE_BASE } from '../sim/explore/default-base.js';
import { runScenario, type RunResult } from '../sim/scenario/simulation.js';
import type { BugName } from '../sim/bugs/catalog.js';
import { firstSeedFailing } from './helpers/planted.js';

interface Case {
  bug: BugName;
  check: string;
  /** What the first violation (or liveness problem) says. */
  says: RegExp;
}

const CASES: Case[] = [
  { bug: 'commit-before-quorum', check: 'zab-invariants', says: /^CommitDurability .*committed 0x[0-9a-f]+ while only 1 of 3 voters held it durably/ },
  { bug: 'ack-before-fsync', check: 'zab-invariants', says: /^CommitDurability .*while only 1 of 3 voters held it durably/ },
  { bug: 'newleader-ack-before-durable', check: 'zab-invariants', says: /^EpochDurability .*had it as currentEpoch on disk/ },
  { bug: 'looking-peer-ignored', check: 'liveness', says: /is LOOKING, not serving with leader/ },
  { bug: 'leader-keeps-quorum-lost', check: 'liveness', says: /^2 established leaders at the end/ },
  { bug: 'read-uncommitted', check: 'zab-invariants', says: /^Integrity .*which no leader committed/ },
  { bug: 'trunc-never-sent', check: 'zab-invariants', says: /^ProcessConsistency .*serves clients with .* which no leader committed/ },
];

const clean = new Map<number, RunResult>();
function cleanRun(seed: number): RunResult {
  let r = clean.get(seed);
  if (r === undefined) clean.set(seed, (r = runScenario(DEFAULT_EXPLORE_BASE, { seed })));
  return r;
}

describe('planted replication and election bugs are found by the default swarm', () => {
  for (const c of CASES) {
    it(`${c.bug}: ${c.check} fails at some seed of 1..100, and passes there without the bug`, () => {
      const found = firstSeedFailing(c.bug, c.check);
      expect(found, `${c.check} never failed with ${c.bug} in seeds 1..100`).toBeDefined();
      const bad = found!.run;
      const v = bad.verdicts.find((x) => x.check === c.check);
      expect(v!.violations[0]).toMatch(c.says);
      expect(bad.ok).toBe(false);

      const good = cleanRun(found!.seed);
      expect(good.verdicts.filter((x) => x.status !== 'pass').map((x) => `${x.check}: ${x.status} ${x.summary}`)).toEqual([]);
      expect(good.ok).toBe(true);
    }, 120_000);
  }
});
