/**
 * The fixed twin of a known bug's scripted reproduction: the same scenario (seed, faults,
 * workload) with today's behaviour, which must pass every check. For the sync() caveat, which no
 * release fixed, the twin turns on the proposed fix (protocol.quorumSync) instead.
 */
import type { Scenario } from '../scenario/schema.js';

export function fixedTwin(bug: Scenario): Scenario {
  const { legacy: _legacy, zkVersion: _version, expect: _expect, description: _d, name: _n, version, ...rest } = bug;
  const caveat = bug.legacy === undefined && bug.zkVersion === undefined;
  const protocol = caveat && bug.protocol.kind === 'zookeeper' ? { ...bug.protocol, quorumSync: true } : bug.protocol;
  const fix = caveat ? 'with the leader confirming its leadership with a quorum before it answers a sync (protocol.quorumSync, the fix ZOOKEEPER-2136 proposes)' : 'with today\'s behaviour';
  return {
    version,
    name: `${bug.name}.fixed`,
    description: `The fixed twin of ${bug.name}.json: the same seed, faults and workload ${fix}. Every check passes.`,
    ...rest,
    protocol,
  };
}
