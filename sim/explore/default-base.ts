import type { Scenario } from '../scenario/schema.js';

/**
 * What `zksim explore` runs when no `--scenario` is given: the 30-second reference run of the
 * benchmarks. Three servers, three clients issuing random operations and two lock clients on the
 * standard recipe, under swarm faults for the first 15 s; the last 15 s are quiet and liveness is
 * judged 14 s after the heal. Lock exclusion is judged over live sessions: a holder cut off from a
 * leader that expired its session cannot know in time under network faults (ZooKeeper's documented
 * limit, which fencing covers), so only two holders with live sessions fail the sweep. tickTime is
 * 500 ms (not ZooKeeper's 2000) so that detecting a lost leader (syncLimit ticks) and syncing
 * (initLimit ticks) fit the quiet part of a short run.
 */
export const DEFAULT_EXPLORE_BASE: Scenario = {
  version: 1,
  name: 'explore',
  description: 'The explorer\'s reference run: 3 servers, 3 clients with random operations, 2 lock clients, swarm faults for 15 s, then 15 s quiet.',
  seed: 1,
  durationTicks: 30_000,
  servers: 3,
  protocol: {
    kind: 'zookeeper',
    tickTimeMs: 500,
    clients: { count: 3, sessionTimeoutMs: 4000 },
    locks: { recipe: 'standard', clients: 2, sessionTimeoutMs: 4000, holdMs: 500, thinkMs: 300, writes: 2, exclusion: 'sessions' },
  },
  faults: { swarm: { quietTicks: 15_000 } },
  checks: { liveness: { settleTicks: 14_000 } },
};
