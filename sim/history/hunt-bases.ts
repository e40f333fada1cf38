/**
 * Known bugs whose rediscovery needs more than the explorer's default base, and why. The others
 * are found with the default 30-second reference run (`zksim explore --legacy JIRA`).
 */
export const HUNT_BASES: Record<string, { path: string; why: string }> = {
  'ZOOKEEPER-1277': {
    path: 'scenarios/bugs/hunt/near-counter-overflow.json',
    why: 'overflow takes 2³² – 1 proposals in one epoch; like ZooKeeper\'s own test (zookeeper.testingonly.initialZxid) the base starts each epoch\'s counter just below it',
  },
  'ZOOKEEPER-1419': {
    path: 'scenarios/bugs/hunt/idle-ensemble.json',
    why: 'the broken order only matters between votes with the same last zxid and different currentEpochs, which needs an epoch that committed nothing; with clients writing, almost every epoch commits at once (the reference run finds it once in 400 seeds), so the base has no clients and only crash and partition faults (3 in 200)',
  },
  'ZOOKEEPER-1675': {
    path: 'scenarios/bugs/hunt/strict-sync-reads.json',
    why: 'a stale sync+read is ZooKeeper\'s documented caveat, which the linearizability check reports but passes by default; the base judges sync reads strictly and has a read-only client. Even so the swarm does not open the window: it needs an old leader whose failure detection is slower than the majority\'s election and next commit (the scripted run slows its clock to a fifth), and swarm clock drift stays within ±1000 ppm',
  },
};
