import type { NodeId, NodeProgram } from '../contract/node.js';
import { ConnectivityLiveness } from '../check/liveness.js';
import { EnsembleLiveness } from '../check/ensemble-liveness.js';
import { PingPongDurability, PingPongSequence } from '../check/pingpong-checks.js';
import { ZabInvariants } from '../check/zab-invariants.js';
import { ZkLinearizability } from '../check/zk-history/linearizability-checker.js';
import { SessionGuarantees } from '../check/zk-history/session-guarantees.js';
import { WatchPromises } from '../check/zk-history/watch-promises.js';
import { SessionExpiry } from '../check/zk-history/session-expiry.js';
import { LockExclusion, LockFencing, LockHistory, LockProgress } from '../check/lock-safety.js';
import { resourceProgram } from '../recipes/resource.js';
import { lockWorkload, type LockWorkload, type LockRecipeName } from '../workload/lock-workload.js';
import type { Checker } from '../check/verdict.js';
import type { World } from '../world/world.js';
import { ELECTION_PORT } from '../zk/election/cnx-manager.js';
import { simpleEnsemble, type EnsembleConfig } from '../zk/quorum/ensemble-config.js';
import { QUORUM_PORT } from '../zk/quorum/packets.js';
import { quorumPeerProgram } from '../zk/quorum/quorum-peer.js';
import { clientNode } from '../client/client-node.js';
import { clientWorkload, DEFAULT_CLIENT_WORKLOAD } from '../workload/client-workload.js';
import { DEFAULT_PINGPONG, pingPongProgram, PINGPONG_PORT, type PingPongConfig } from '../testproto/pingpong.js';
import type { FaultKind } from '../world/fault-spec.js';
import { SWARM_KINDS } from '../world/swarm.js';
import type { ProtocolConfig } from './schema.js';
import { REDIS_PORT, redisServer } from '../redis/redis-server.js';
import { redisClientNode, type RedisClientSettings } from '../redis/redis-client.js';
import { LockProgressLiveness } from '../redis/redis-liveness.js';

/** A scenario's `locks` block (schema.ts), as both lock-running protocols read it. */
interface LocksConfig {
  recipe: LockRecipeName;
  clients: number;
  fencing?: boolean;
  holdMs?: number;
  thinkMs?: number;
  writes?: number;
  sessionTimeoutMs?: number;
  staggerMs?: number;
  exclusion?: 'believed' | 'sessions';
}

/** The ping-pong protocol judges liveness 10 s after the last fault unless told otherwise. */
const DEFAULT_SETTLE_TICKS = 10_000;

/** What the runner needs to know about a protocol a scenario can name. */
export interface ProtocolEntry {
  /** Ports its nodes use (fault `ports` must name these). */
  ports: readonly string[];
  /** Fault kinds a swarm uses by default. */
  swarmKinds: readonly FaultKind[];
  /** Whether its nodes report a leader role (`leader` targets). */
  hasLeader: boolean;
  /** The protocol's configuration with defaults filled in (recorded in the trace header). */
  resolve(config: ProtocolConfig): Record<string, unknown>;
  program(resolved: Record<string, unknown>): NodeProgram<unknown, unknown> | ((node: NodeId) => NodeProgram<unknown, unknown>);
  /** Nodes besides the servers s1..sN (e.g. client processes c1..cN). */
  extraNodes(resolved: Record<string, unknown>): NodeId[];
  /** How long after the last fault liveness is judged, unless the scenario says (`checks.liveness.settleTicks`). */
  defaultSettleTicks(resolved: Record<string, unknown>): number;
  /** Names of its checkers, liveness included (for validating `expect`). */
  checkerNames: readonly string[];
  /** The protocol's own checkers, its liveness checker first (the generic ones are added by the runner). */
  checkers(resolved: Record<string, unknown>, run: CheckerContext): Checker[];
}

export interface CheckerContext {
  /** The scenario's name (names the client history a checker writes). */
  scenarioName: string;
  world: World<unknown, unknown>;
  nodes: readonly NodeId[];
  settleTicks: number;
  /** `checks.linearizability.syncReads`: whether a stale sync+read is ZooKeeper's caveat (default) or a failure. */
  syncReads?: 'caveat' | 'strict';
}

const pingpong: ProtocolEntry = {
  ports: [PINGPONG_PORT],
  // A corrupted record is data loss the test protocol does not try to survive; opt in explicitly.
  swarmKinds: SWARM_KINDS.filter((k) => k !== 'corrupt-record'),
  hasLeader: false,
  resolve(config) {
    const { kind: _kind, ...rest } = config;
    return { ...DEFAULT_PINGPONG, ...rest };
  },
  program(resolved) {
    return pingPongProgram(resolved as unknown as PingPongConfig) as NodeProgram<unknown, unknown>;
  },
  extraNodes: () => [],
  defaultSettleTicks: () => DEFAULT_SETTLE_TICKS,
  checkerNames: ['liveness', 'pingpong-sequence', 'pingpong-durability'],
  checkers(_resolved, run) {
    return [new ConnectivityLiveness(run.settleTicks), new PingPongSequence(), new PingPongDurability()];
  },
};

/** The ensemble's settings from a scenario: zoo.cfg-style fields over ZooKeeper's defaults. */
function ensembleOf(resolved: Record<string, unknown>): EnsembleConfig {
  const { kind: _kind, servers, observers, load, ...rest } = resolved as Record<string, unknown> & { servers: number; observers: number; load?: { writesPerSecond: number; keys?: number } };
  return simpleEnsemble(servers, observers, {
    ...(rest as Partial<EnsembleConfig>),
    ...(load === undefined ? {} : { leaderLoad: { writesPerSecond: load.writesPerSecond, keys: load.keys ?? 16 } }),
  });
}

const zookeeper: ProtocolEntry = {
  ports: [ELECTION_PORT, QUORUM_PORT],
  // A corrupted log record or a full disk makes a ZooKeeper server exit (and a corrupt log keeps it
  // from starting): the run then ends with a server down. Opt in to them explicitly.
  swarmKinds: SWARM_KINDS.filter((k) => k !== 'corrupt-record' && k !== 'disk-full'),
  hasLeader: true,
  resolve(config) {
    const { kind: _kind, ...rest } = config as Record<string, unknown>;
    const defaults = simpleEnsemble(1);
    const { servers: _servers, leaderLoad: _load, ...timing } = defaults;
    return { observers: 0, ...timing, ...rest };
  },
  program(resolved) {
    const cfg = ensembleOf(resolved);
    const peer = quorumPeerProgram(cfg) as NodeProgram<unknown, unknown>;
    const c = resolved.clients as { count: number; readers?: number; opsPerSecond?: number; keys?: number; sessionTimeoutMs?: number } | undefined;
    const locks = resolved.locks as LocksConfig | undefined;
    if (c === undefined && locks === undefined) return peer;
    const servers = cfg.servers.map((s) => s.node);
    const bugs = cfg.bugs === undefined ? {} : { bugs: cfg.bugs };
    let client: NodeProgram<unknown, unknown> | undefined;
    let reader: NodeProgram<unknown, unknown> | undefined;
    if (c !== undefined) {
      const w = { ...DEFAULT_CLIENT_WORKLOAD, ...bugs, ...(c.opsPerSecond === undefined ? {} : { opsPerSecond: c.opsPerSecond }), ...(c.keys === undefined ? {} : { keys: c.keys }), ...(c.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: c.sessionTimeoutMs }) };
      client = clientNode({ servers, app: clientWorkload(w) }) as NodeProgram<unknown, unknown>;
      reader = clientNode({ servers, app: clientWorkload({ ...w, readOnly: true }) }) as NodeProgram<unknown, unknown>;
    }
    // The last `readers` clients only read.
    const isReader = (node: NodeId): boolean => c !== undefined && Number(node.slice(1)) > c.count - (c.readers ?? 0);
    const resource = resourceProgram(locks?.fencing ?? true) as NodeProgram<unknown, unknown>;
    const lockClient = (node: NodeId) => {
      const l = locks!;
      const index = Number(node.slice(1)) - 1;
      const w: LockWorkload = { recipe: l.recipe, holdMs: l.holdMs ?? 2000, thinkMs: l.thinkMs ?? 1000, writes: l.writes ?? 4, sessionTimeoutMs: l.sessionTimeoutMs ?? 6000, resource: 'r1', startMs: index === 0 ? 500 : 500 + (l.staggerMs ?? 200) * index, ...bugs };
      return clientNode({ servers, app: lockWorkload(w) }) as NodeProgram<unknown, unknown>;
    };
    return (node: NodeId) => (node.startsWith('c') ? (isReader(node) ? reader! : client!) : node.startsWith('l') ? lockClient(node) : node.startsWith('r') ? resource : peer);
  },
  extraNodes(resolved) {
    const c = resolved.clients as { count: number } | undefined;
    const locks = resolved.locks as LocksConfig | undefined;
    return [
      ...(c === undefined ? [] : Array.from({ length: c.count }, (_, i) => `c${i + 1}`)),
      ...(locks === undefined ? [] : [...Array.from({ length: locks.clients }, (_, i) => `l${i + 1}`), 'r1']),
    ];
  },
  /**
   * The bound follows from the configuration: followers notice a lost leader within syncLimit
   * ticks, discovery and synchronization may each take initLimit ticks, an election a few
   * notification rounds (5 s), and a client then needs up to its session timeout to reconnect.
   */
  defaultSettleTicks(resolved) {
    const cfg = ensembleOf(resolved);
    const clients = resolved.clients as { sessionTimeoutMs?: number } | undefined;
    const reconnect = clients === undefined ? 0 : (clients.sessionTimeoutMs ?? DEFAULT_CLIENT_WORKLOAD.sessionTimeoutMs);
    return (cfg.syncLimit + 2 * cfg.initLimit) * cfg.tickTimeMs + 5000 + reconnect;
  },
  checkerNames: ['liveness', 'zab-invariants', 'linearizability', 'zk-sessions', 'lock-exclusion', 'lock-fencing', 'lock-progress', 'zk-watches', 'zk-session-expiry'],
  checkers(resolved, run) {
    const servers = run.nodes.filter((n) => n.startsWith('s'));
    const clients = run.nodes.filter((n) => n.startsWith('c'));
    const zab = new ZabInvariants(run.world, servers);
    const checkers: Checker[] = [new EnsembleLiveness(run.world, servers, run.settleTicks, resolved.load !== undefined || clients.length > 0, clients), zab];
    if (clients.length > 0) {
      const lin = new ZkLinearizability(run.scenarioName, run.syncReads ?? 'caveat');
      checkers.push(lin, new SessionGuarantees(lin.history, zab));
    }
    if (resolved.locks !== undefined) {
      const locks = new LockHistory();
      checkers.push(new LockExclusion(locks, (resolved.locks as LocksConfig).exclusion ?? 'believed'), new LockFencing(locks), new LockProgress(locks, run.settleTicks));
    }
    // Watches and session expiry are judged from what client processes (random-op or lock) sent and got.
    if (clients.length > 0 || resolved.locks !== undefined) checkers.push(new WatchPromises(), new SessionExpiry());
    return checkers;
  },
};

interface RedisLocksConfig extends Omit<LocksConfig, 'sessionTimeoutMs'> {
  ttlMs?: number;
  requestTimeoutMs?: number;
  retryMs?: number;
}

interface RedisResolved {
  servers?: number;
  replicas: boolean;
  failoverAfterMs?: number;
  persistence: boolean;
  locks?: RedisLocksConfig;
}

const REDIS_TTL_MS = 10_000;
const replicaOf = (master: NodeId): NodeId => `${master}-replica`;

/**
 * Replica names depend on the server count, which the runner passes in `servers`; scenario
 * validation resolves the protocol without it, so there replicas are unknown and cannot be named
 * as fault targets (a partition with "rest" still reaches them).
 */
function redisNodes(r: RedisResolved): { masters: NodeId[]; replicas: NodeId[] } {
  const masters = Array.from({ length: r.servers ?? 0 }, (_, i) => `s${i + 1}`);
  return { masters, replicas: r.replicas ? masters.map(replicaOf) : [] };
}

const redis: ProtocolEntry = {
  ports: [REDIS_PORT],
  // Corrupt records and full disks only matter with persistence; opt in explicitly.
  swarmKinds: SWARM_KINDS.filter((k) => k !== 'corrupt-record' && k !== 'disk-full'),
  hasLeader: false,
  resolve(config) {
    const { kind: _kind, ...rest } = config as Record<string, unknown>;
    return { replicas: false, persistence: false, ...rest };
  },
  program(resolved) {
    const r = resolved as unknown as RedisResolved;
    const { masters } = redisNodes(r);
    const server = (node: NodeId): NodeProgram<unknown, unknown> => {
      const replica = node.endsWith('-replica');
      return redisServer({
        role: replica ? 'replica' : 'master',
        ...(replica ? { master: node.slice(0, -'-replica'.length) } : {}),
        ...(r.failoverAfterMs === undefined ? {} : { failoverAfterMs: r.failoverAfterMs }),
        persistence: r.persistence,
      }) as NodeProgram<unknown, unknown>;
    };
    const l = r.locks;
    const resource = resourceProgram(l?.fencing ?? false) as NodeProgram<unknown, unknown>;
    const ttlMs = l?.ttlMs ?? REDIS_TTL_MS;
    const settings: RedisClientSettings = {
      masters: masters.map((m) => (r.replicas ? [m, replicaOf(m)] : [m])),
      ttlMs,
      requestTimeoutMs: l?.requestTimeoutMs ?? 200,
      retryMs: l?.retryMs ?? 200,
    };
    const lockClient = (node: NodeId): NodeProgram<unknown, unknown> => {
      const index = Number(node.slice(1)) - 1;
      const w: LockWorkload = { recipe: l!.recipe, holdMs: l!.holdMs ?? 2000, thinkMs: l!.thinkMs ?? 1000, writes: l!.writes ?? 4, sessionTimeoutMs: ttlMs, resource: 'r1', startMs: index === 0 ? 500 : 500 + (l!.staggerMs ?? 200) * index };
      return redisClientNode(settings, lockWorkload(w)) as NodeProgram<unknown, unknown>;
    };
    return (node: NodeId) => (/^l\d+$/.test(node) ? lockClient(node) : node === 'r1' ? resource : server(node));
  },
  extraNodes(resolved) {
    const r = resolved as unknown as RedisResolved;
    return [...redisNodes(r).replicas, ...(r.locks === undefined ? [] : [...Array.from({ length: r.locks.clients }, (_, i) => `l${i + 1}`), 'r1'])];
  },
  /** A failover, then a lease that was lost has to run out before anyone can take the lock again. */
  defaultSettleTicks(resolved) {
    const r = resolved as unknown as RedisResolved;
    return (r.failoverAfterMs ?? 0) + (r.locks?.ttlMs ?? REDIS_TTL_MS) + 5000;
  },
  checkerNames: ['liveness', 'lock-exclusion', 'lock-fencing'],
  checkers(_resolved, run) {
    const locks = new LockHistory();
    return [new LockProgressLiveness(run.settleTicks), new LockExclusion(locks), new LockFencing(locks)];
  },
};

export const PROTOCOLS: Record<ProtocolConfig['kind'], ProtocolEntry> = { pingpong, zookeeper, redis };
