/**
 * The scenario file, version 1: the input of a run. Validated with zod; every object is strict,
 * so a misspelt key is an error that names it. All times are integer ticks (1 tick = 1 ms);
 * rates are decimals in [0, 1].
 */
import { z } from 'zod';
import type { FaultKind, FaultSpec } from '../world/fault-spec.js';
import { SWARM_KINDS } from '../world/swarm.js';
import { BUG_NAMES, type BugName } from '../bugs/catalog.js';
import { LEGACY_IDS, type LegacyId } from '../history/known-bugs.js';
import { parseVersion } from '../history/zk-version.js';

export const SCENARIO_VERSION = 1;

const ticks = z.int().nonnegative();
const positiveTicks = z.int().positive();
const rate = z.number().min(0).max(1);
const nodeName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a node id such as "s1"');
const target = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const ports = z.array(z.string().min(1)).min(1).optional();

const range = z
  .strictObject({ minTicks: ticks, maxTicks: ticks })
  .refine((r) => r.minTicks <= r.maxTicks, { message: 'minTicks must not exceed maxTicks', path: ['maxTicks'] });

const latency = z
  .strictObject({
    minTicks: ticks,
    maxTicks: ticks,
    tailRate: rate.optional(),
    tailMaxTicks: ticks.optional(),
  })
  .refine((l) => l.minTicks <= l.maxTicks, { message: 'minTicks must not exceed maxTicks', path: ['maxTicks'] })
  .refine((l) => l.tailMaxTicks === undefined || l.tailMaxTicks >= l.maxTicks, {
    message: 'tailMaxTicks must be at least maxTicks',
    path: ['tailMaxTicks'],
  });

const at = { at: ticks };
const lasting = { durationTicks: positiveTicks.optional() };

export const FaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('partition'), ...at, ...lasting, ports, groups: z.array(target).min(2) }),
  z.strictObject({ kind: z.literal('isolate'), ...at, ...lasting, ports, node: target }),
  z.strictObject({ kind: z.literal('one-way'), ...at, ...lasting, ports, from: target, to: target }),
  z.strictObject({ kind: z.literal('bridge'), ...at, ...lasting, ports, node: target.optional() }),
  z.strictObject({ kind: z.literal('ring'), ...at, ...lasting, ports }),
  z.strictObject({ kind: z.literal('clog'), ...at, ...lasting, ports, from: target, to: target }),
  z.strictObject({ kind: z.literal('swizzle-clog'), ...at, ports, nodes: target.optional(), stepTicks: positiveTicks }),
  z.strictObject({ kind: z.literal('heal'), ...at }),
  z.strictObject({ kind: z.literal('kill-connections'), ...at, ports, nodes: target.optional() }),
  z.strictObject({
    kind: z.literal('network'),
    ...at,
    ...lasting,
    dropRate: rate.optional(),
    duplicateRate: rate.optional(),
    reorderRate: rate.optional(),
    latency: latency.optional(),
  }),
  z.strictObject({
    kind: z.literal('crash'),
    ...at,
    node: target,
    mode: z.enum(['process', 'machine']),
    restartAfterTicks: positiveTicks.optional(),
    tornWrite: z.boolean().optional(),
    keepUnsynced: z.boolean().optional(),
  }),
  z.strictObject({ kind: z.literal('restart'), ...at, node: target }),
  z.strictObject({ kind: z.literal('pause'), ...at, node: target, durationTicks: positiveTicks }),
  z.strictObject({ kind: z.literal('clock-jump'), ...at, node: target, deltaTicks: z.int() }),
  z.strictObject({ kind: z.literal('clock-drift'), ...at, node: target, ppm: z.int().min(-999_999).max(1_000_000) }),
  z.strictObject({ kind: z.literal('slow-disk'), ...at, ...lasting, node: target, factor: z.int().min(1).max(10_000) }),
  z.strictObject({ kind: z.literal('disk-full'), ...at, ...lasting, node: target }),
  z.strictObject({ kind: z.literal('corrupt-record'), ...at, node: target, file: z.string().min(1).optional() }),
]);

/** The random fault generator (TigerBeetle-style swarm): which kinds are on is itself drawn per seed. */
export const SwarmSchema = z.strictObject({
  /** Kinds the swarm may choose from (default: all that make sense for the protocol). */
  kinds: z.array(z.enum(SWARM_KINDS as [FaultKind, ...FaultKind[]])).min(1).optional(),
  /** No new fault starts in the last `quietTicks` of the run, and all are healed by then. */
  quietTicks: ticks.optional(),
  /** Upper bound on faults of one kind (the actual count is drawn per seed). */
  maxPerKind: z.int().min(1).max(1000).optional(),
});

export const PingPongProtocolSchema = z.strictObject({
  kind: z.literal('pingpong'),
  transport: z.enum(['connection', 'datagram']).optional(),
  pingIntervalTicks: positiveTicks.optional(),
  reconnectTicks: positiveTicks.optional(),
  syncEvery: z.int().min(1).optional(),
});

const msRange = z
  .strictObject({ min: z.int().nonnegative(), max: z.int().nonnegative() })
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['max'] });

/** A replicated ZooKeeper ensemble: Fast Leader Election and ZAB (zoo.cfg names, in ms and ticks). */
export const ZooKeeperProtocolSchema = z.strictObject({
  kind: z.literal('zookeeper'),
  /** The last `observers` servers are observers (non-voting). */
  observers: z.int().nonnegative().optional(),
  tickTimeMs: positiveTicks.optional(),
  initLimit: z.int().positive().optional(),
  syncLimit: z.int().positive().optional(),
  snapCount: z.int().min(2).optional(),
  commitLogCount: z.int().positive().optional(),
  /** The counter each new epoch starts from (zookeeper.testingonly.initialZxid), to reach counter overflow. */
  initialCounter: z.int().min(0).max(0xfffffffe).optional(),
  finalizeWaitMs: ticks.optional(),
  minNotificationIntervalMs: positiveTicks.optional(),
  maxNotificationIntervalMs: positiveTicks.optional(),
  cnxTimeoutMs: positiveTicks.optional(),
  leaderStartupMs: msRange.optional(),
  learnerStartupMs: msRange.optional(),
  roleShutdownMs: msRange.optional(),
  /**
   * The fix proposed for the sync() caveat (ZOOKEEPER-1675/2136), in no release: a leader answers
   * SYNC only once a quorum has answered a ping sent after the SYNC, proving it still leads.
   */
  quorumSync: z.boolean().optional(),
  /** Writes proposed by whoever leads (creates and setData over `keys` znodes): a load without clients. */
  load: z.strictObject({ writesPerSecond: z.number().positive().max(100_000), keys: z.int().min(1).max(10_000).optional() }).optional(),
  /** Client processes c1..cN, each with one session (to any server) running random operations. */
  clients: z
    .strictObject({
      count: z.int().min(1).max(200),
      /** The last `readers` of them only read (getData, exists, sync + getData); default 0. */
      readers: z.int().min(0).max(200).optional(),
      opsPerSecond: z.number().positive().max(10_000).optional(),
      keys: z.int().min(1).max(10_000).optional(),
      sessionTimeoutMs: positiveTicks.optional(),
    })
    .optional(),
  /**
   * Lock clients l1..lN contending for one lock (sim/recipes/), writing to a resource service r1
   * while they believe they hold it; checked by lock-exclusion and lock-fencing.
   */
  locks: z
    .strictObject({
      recipe: z.enum(['standard', 'naive', 'reentrant']),
      clients: z.int().min(1).max(200),
      /** The resource rejects writes with a stale fencing token (default true). */
      fencing: z.boolean().optional(),
      holdMs: positiveTicks.optional(),
      thinkMs: ticks.optional(),
      writes: z.int().min(1).max(1000).optional(),
      sessionTimeoutMs: positiveTicks.optional(),
      /** l1 asks at once, the others this much later each (so l1 holds first). */
      staggerMs: ticks.optional(),
      /**
       * lock-exclusion: `believed` (default) fails on any two clients believing they hold the lock;
       * `sessions` allows (and counts) a holder whose session the leader had already expired.
       */
      exclusion: z.enum(['believed', 'sessions']).optional(),
    })
    .optional(),
});

/**
 * Redis, for contrast with the ZooKeeper locks: the scenario's servers s1..sN are independent
 * Redis masters (sim/redis/), each optionally with a replica `sI-replica`; the lock clients l1..lN
 * run the single-instance lock (on s1) or Redlock (on all masters) and write to the resource r1.
 */
export const RedisProtocolSchema = z.strictObject({
  kind: z.literal('redis'),
  /** Give each master a replica `sI-replica`, fed by asynchronous replication (default false). */
  replicas: z.boolean().optional(),
  /** A replica promotes itself after this much silence from its master (default: never). */
  failoverAfterMs: positiveTicks.optional(),
  /** Append-only file, fsynced every second: keys survive a restart (default false: a restart empties the server). */
  persistence: z.boolean().optional(),
  locks: z
    .strictObject({
      recipe: z.enum(['redis', 'redlock']),
      clients: z.int().min(1).max(200),
      /** The resource rejects writes with a smaller token; Redis has no fencing token, so this only trusts the clients' wall clocks (default false). */
      fencing: z.boolean().optional(),
      holdMs: positiveTicks.optional(),
      thinkMs: ticks.optional(),
      writes: z.int().min(1).max(1000).optional(),
      staggerMs: ticks.optional(),
      /** The lock key's TTL, SET … PX (default 10000). */
      ttlMs: positiveTicks.optional(),
      /** A command unanswered this long fails, and its connection is dropped (default 200). */
      requestTimeoutMs: positiveTicks.optional(),
      /** Base delay before trying a busy lock again, plus up to as much at random (default 200). */
      retryMs: positiveTicks.optional(),
    })
    .optional(),
});

export const ProtocolSchema = z.discriminatedUnion('kind', [PingPongProtocolSchema, ZooKeeperProtocolSchema, RedisProtocolSchema]);

export const ScenarioSchema = z.strictObject({
  version: z.literal(SCENARIO_VERSION),
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" (it names the trace file)'),
  description: z.string().optional(),
  seed: z.union([z.int(), z.string().min(1)]),
  durationTicks: positiveTicks,
  /** Number of servers (ids s1..sN). */
  servers: z.int().min(1).max(255),
  protocol: ProtocolSchema,
  network: z
    .strictObject({
      latency: latency.optional(),
      dropRate: rate.optional(),
      duplicateRate: rate.optional(),
      reorderRate: rate.optional(),
      reorderMaxTicks: positiveTicks.optional(),
      connectTimeoutTicks: positiveTicks.optional(),
      tcpTimeoutTicks: z.union([positiveTicks, z.null()]).optional(),
    })
    .optional(),
  disk: z
    .strictObject({
      appendLatency: range.optional(),
      writeLatency: range.optional(),
      fsyncLatency: range.optional(),
      truncateLatency: range.optional(),
      tornWriteRate: rate.optional(),
      keepUnsyncedRate: rate.optional(),
    })
    .optional(),
  clocks: z.record(nodeName, z.strictObject({ offsetTicks: z.int().optional(), driftPpm: z.int().min(-999_999).max(1_000_000).optional() })).optional(),
  faults: z.union([z.array(FaultSchema), z.strictObject({ swarm: SwarmSchema })]).optional(),
  checks: z
    .strictObject({
      liveness: z
        .strictObject({
          settleTicks: positiveTicks.optional(),
          /** Kernel events in one simulated second past which the run is cut as a message storm and liveness fails (default 200000 + 100 per operation per second the clients and load offer). */
          stormEventsPerSecond: z.int().min(1000).optional(),
        })
        .optional(),
      /**
       * `syncReads`: "caveat" (default) reports a stale sync+read as ZooKeeper's documented
       * ZOOKEEPER-1675 caveat and passes; "strict" fails the check on one, as a user who relies on
       * sync() for linearizable reads would need.
       */
      linearizability: z.strictObject({ syncReads: z.enum(['caveat', 'strict']).optional() }).optional(),
    })
    .optional(),
  /** Planted bugs switched on (sim/bugs/catalog.ts): the model makes these mistakes, for testing the checkers. */
  bugs: z.array(z.enum(BUG_NAMES as [BugName, ...BugName[]])).optional(),
  /**
   * The ZooKeeper release to behave as (sim/history/): its shipped bugs are switched on, so that
   * for example "3.4.10" commits ZOOKEEPER-3911's ACK before logging. Default: today's behaviour.
   */
  zkVersion: z
    .string()
    .superRefine((v, ctx) => {
      const r = parseVersion(v);
      if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
    })
    .optional(),
  /** Old behaviours switched on one by one, by JIRA number (`zksim known-bugs` lists them). */
  legacy: z.array(z.enum(LEGACY_IDS as [LegacyId, ...LegacyId[]])).optional(),
  /** Verdict each checker must give for the run to count as expected (default: every checker passes). */
  expect: z.record(z.string(), z.enum(['pass', 'fail', 'unknown', 'any'])).optional(),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type SwarmConfig = z.infer<typeof SwarmSchema>;
export type ProtocolConfig = z.infer<typeof ProtocolSchema>;

// The schema must describe exactly the faults the world applies.
type SchemaFault = z.infer<typeof FaultSchema>;
const _faultsMatch: (f: SchemaFault) => FaultSpec = (f) => f;
const _faultsMatchBack: (f: FaultSpec) => SchemaFault = (f) => f;
void _faultsMatch;
void _faultsMatchBack;
