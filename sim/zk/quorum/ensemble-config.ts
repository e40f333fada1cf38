/**
 * An ensemble's configuration (zoo.cfg): who the servers are, which of them vote, and the timing
 * that failure detection and recovery are measured in (tickTime, initLimit, syncLimit).
 */
import type { NodeId } from '../../contract/node.js';
import type { BugName } from '../../bugs/catalog.js';
import type { LegacyId } from '../../history/known-bugs.js';

export interface ServerEntry {
  sid: number;
  node: NodeId;
  /** Observers replicate committed transactions but never vote nor ACK. */
  role: 'participant' | 'observer';
}

export interface EnsembleConfig {
  servers: ServerEntry[];
  tickTimeMs: number;
  /** Ticks a learner may take to connect and sync (discovery and synchronization waits). */
  initLimit: number;
  /** Ticks a learner may lag: the leader's quorum check and the followers' read timeout. */
  syncLimit: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  snapCount: number;
  /** Committed proposals kept in memory for DIFF syncs (commitLogCount). */
  commitLogCount: number;
  /** The counter a new epoch starts from (zookeeper.testingonly.initialZxid), to reach overflow. */
  initialCounter: number;
  /**
   * Time a server spends between deciding its role and acting on it (building the Leader or
   * Follower, loading the database, binding the learner port), drawn uniformly. Processing time is
   * otherwise zero in the simulator; these two ranges are calibrated to a real 3.8 ensemble on this
   * machine class (docs/fidelity-failover.md). A learner that connects before its leader has bound
   * its port is refused and retries 100 ms later, as in ZooKeeper.
   */
  leaderStartupMs: { min: number; max: number };
  learnerStartupMs: { min: number; max: number };
  /**
   * Time from a role failing (leader connection lost, timeout) to the new election starting: the
   * role's shutdown. Until then the election side still answers as FOLLOWING/LEADING, which is
   * how a survivor's first vote can be lost in a real failover.
   */
  roleShutdownMs: { min: number; max: number };
  /**
   * A built-in write load proposed by whichever server leads (creates and setData over `keys`
   * znodes): load without client processes, for runs that only exercise replication.
   */
  leaderLoad?: { writesPerSecond: number; keys: number };
  finalizeWaitMs: number;
  minNotificationIntervalMs: number;
  maxNotificationIntervalMs: number;
  cnxTimeoutMs: number;
  /** Planted bugs switched on (sim/bugs/catalog.ts); absent in a clean run. */
  bugs?: readonly BugName[];
  /** Old releases' behaviours switched on (sim/history/known-bugs.ts); absent: today's behaviour. */
  legacy?: readonly LegacyId[];
  /** The release the switches came from, when the scenario named one (for the record only). */
  zkVersion?: string;
  /**
   * The fix ZOOKEEPER-2136 proposes for the sync() caveat (ZOOKEEPER-1675), which no release ships:
   * the leader answers a SYNC only after a quorum has answered a ping sent after it arrived.
   */
  quorumSync?: boolean;
}

export function ensembleConfig(servers: ServerEntry[], overrides: Partial<Omit<EnsembleConfig, 'servers'>> = {}): EnsembleConfig {
  const tickTimeMs = overrides.tickTimeMs ?? 2000;
  return {
    servers: [...servers].sort((a, b) => a.sid - b.sid),
    tickTimeMs,
    initLimit: 10,
    syncLimit: 5,
    minSessionTimeoutMs: 2 * tickTimeMs,
    maxSessionTimeoutMs: 20 * tickTimeMs,
    snapCount: 100_000,
    commitLogCount: 500,
    initialCounter: 0,
    leaderStartupMs: { min: 10, max: 60 },
    learnerStartupMs: { min: 0, max: 10 },
    roleShutdownMs: { min: 2, max: 15 },
    finalizeWaitMs: 200,
    minNotificationIntervalMs: 200,
    maxNotificationIntervalMs: 60_000,
    cnxTimeoutMs: 5000,
    ...overrides,
  };
}

/** Servers s1..sN with sids 1..N, the last `observers` of them observers. */
export function simpleEnsemble(n: number, observers = 0, overrides: Partial<Omit<EnsembleConfig, 'servers'>> = {}): EnsembleConfig {
  const servers: ServerEntry[] = Array.from({ length: n }, (_, i) => ({ sid: i + 1, node: `s${i + 1}`, role: i >= n - observers ? 'observer' : 'participant' }));
  return ensembleConfig(servers, overrides);
}

export function voters(cfg: EnsembleConfig): number[] {
  return cfg.servers.filter((s) => s.role === 'participant').map((s) => s.sid);
}

export function observers(cfg: EnsembleConfig): number[] {
  return cfg.servers.filter((s) => s.role === 'observer').map((s) => s.sid);
}

const voterSets = new WeakMap<EnsembleConfig, Set<number>>();

/** The voting members' sids as a set (computed once per configuration). */
export function voterSet(cfg: EnsembleConfig): Set<number> {
  let v = voterSets.get(cfg);
  if (v === undefined) voterSets.set(cfg, (v = new Set(voters(cfg))));
  return v;
}

/** QuorumMaj.containsQuorum: strictly more than half of the voting members. */
export function isQuorum(cfg: EnsembleConfig, sids: Iterable<number>): boolean {
  const v = voterSet(cfg);
  let n = 0;
  if (sids instanceof Set) {
    for (const s of sids) if (v.has(s)) n++;
  } else {
    for (const s of new Set(sids)) if (v.has(s)) n++;
  }
  return n * 2 > v.size;
}

export function sidOf(cfg: EnsembleConfig, node: NodeId): number {
  const e = cfg.servers.find((s) => s.node === node);
  if (e === undefined) throw new Error(`${node} is not a server of this ensemble`);
  return e.sid;
}

export function nodeOf(cfg: EnsembleConfig, sid: number): NodeId {
  const e = cfg.servers.find((s) => s.sid === sid);
  if (e === undefined) throw new Error(`no server with sid ${sid}`);
  return e.node;
}
