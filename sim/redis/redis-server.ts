/**
 * A single-threaded Redis server as a pure node program: just the commands the Redis lock
 * recipes need (SET key value NX PX ttl, GET, and the compare-and-delete that the usual unlock
 * script performs), optional asynchronous replication to one replica with a crude failover,
 * and optional append-only persistence.
 *
 * Expiry uses the server's WALL clock (`ctx.wallNow`), not its monotonic clock. That is the
 * faithful choice: Redis stores a key's expiry as an absolute Unix time in milliseconds (that is
 * what its persistence files and its replication stream carry) and compares it with the local
 * time of day. So a `clock-jump` on the server shortens (forward) or stretches (backward) every
 * lease it holds, and a `clock-drift` makes them run fast or slow; both are exactly the faults
 * the Redlock debate is about. The replication heartbeat and the failover rule use `ctx.now`
 * (timers), as they would not survive a wall clock that jumps.
 *
 * Replication is asynchronous, as in Redis: the master answers the client first and only then
 * streams the write to its replica, so a write can be acknowledged and still be lost when the
 * master dies before the stream reaches the replica (a partition holds it in the master's TCP
 * buffer). A replica refuses writes (READONLY) and never expires keys by itself while it follows
 * a master; the master's deletions reach it on the stream.
 *
 * Failover: the job of Redis Sentinel, reduced to one rule inside the replica — when it has heard
 * nothing from its master (data or heartbeat) for `failoverAfterMs` of its own monotonic time, it
 * promotes itself and starts taking writes with what it has. There is no quorum of sentinels, and
 * a master that comes back is not demoted: a partition that only isolates the replica therefore
 * also promotes it (split brain). That is cruder than Sentinel but produces the same data loss the
 * scenarios teach: writes the old master acknowledged but had not yet replicated are gone.
 * Promotion is volatile: a restarted replica follows its master again.
 *
 * Persistence models `appendonly yes` with `appendfsync everysec`: every write is appended to the
 * AOF at once and the file is fsynced once a second. A process crash keeps what reached the page
 * cache; a power loss keeps what the last fsync made durable. Without persistence a restarted
 * server is empty — keys and the leases they stand for are simply gone.
 */
import type { ConnId, DurableView, Effect, Input, NodeId, NodeProgram, Step, StepContext } from '../contract/node.js';

export const REDIS_PORT = 'redis';
export const AOF_FILE = 'appendonly.aof';

export type RedisCommand =
  | { op: 'set-nx-px'; key: string; value: string; ttlMs: number }
  | { op: 'get'; key: string }
  /** The unlock script: DEL key only if GET key == value. */
  | { op: 'del-if'; key: string; value: string };

/** SET answers 'OK' or null (not set), GET the value or null, del-if 1 or 0; writes on a replica get READONLY. */
export type RedisReply = { ok: true; value: string | number | null } | { ok: false; error: 'READONLY' };

/** `flush` starts a full resynchronization, so a replica's AOF does not resurrect keys its master had dropped. */
export type ReplOp = { op: 'set'; key: string; value: string; expireAt: number } | { op: 'del'; key: string } | { op: 'flush' };

export type RedisMsg =
  | { t: 'cmd'; id: number; cmd: RedisCommand }
  | { t: 'reply'; id: number; reply: RedisReply }
  /** A replica asks its master for the data set and the stream that follows. */
  | { t: 'sync' }
  | { t: 'full'; keys: [string, string, number][] }
  | { t: 'repl'; ops: ReplOp[] }
  | { t: 'ping' };

export interface RedisServerConfig {
  role: 'master' | 'replica';
  /** A replica's master. */
  master?: NodeId;
  /** The replica promotes itself after this much silence from its master; undefined = never. */
  failoverAfterMs?: number;
  persistence: boolean;
  /** How often a master pings its replica, and how often the replica looks at the silence. */
  heartbeatMs?: number;
  /** How often the AOF is fsynced (Redis's everysec). */
  fsyncEveryMs?: number;
}

interface Entry {
  value: string;
  /** Absolute wall-clock time (ms) at which the key is gone. */
  expireAt: number;
}

export interface RedisState {
  role: 'master' | 'replica';
  keys: Map<string, Entry>;
  /** A master's connections on which a replica asked for the stream. */
  replicaConns: ConnId[];
  /** A replica's link to its master. */
  masterConn: ConnId | undefined;
  connecting: boolean;
  lastHeardFromMaster: number;
  /** Appended to the AOF since its last fsync. */
  dirty: boolean;
  nextRef: number;
}

const HEARTBEAT_MS = 100;
const FSYNC_EVERY_MS = 1000;

export function redisServer(config: RedisServerConfig): NodeProgram<RedisState, RedisMsg> {
  const heartbeat = config.heartbeatMs ?? HEARTBEAT_MS;
  const fsyncEvery = config.fsyncEveryMs ?? FSYNC_EVERY_MS;

  function boot(ctx: StepContext, disk: DurableView): Step<RedisState, RedisMsg> {
    const state: RedisState = { role: config.role, keys: new Map(), replicaConns: [], masterConn: undefined, connecting: false, lastHeardFromMaster: ctx.now, dirty: false, nextRef: 0 };
    const effects: Effect<RedisMsg>[] = [];
    if (config.persistence) {
      const records = disk.readLog(AOF_FILE);
      let good = 0;
      for (const r of records) {
        // Redis refuses a truncated AOF tail only with aof-load-truncated no; the default loads the prefix.
        if (!r.ok) break;
        apply(state, r.data as ReplOp);
        good++;
      }
      if (good < records.length) effects.push({ kind: 'truncate', file: AOF_FILE, length: good, ref: 'aof-trim' });
      effects.push({ kind: 'note', text: `${ctx.self} loaded ${state.keys.size} key(s) from the AOF (${good} record(s))`, data: { redis: { event: 'load', keys: state.keys.size } } });
      effects.push({ kind: 'set-timer', timer: 'fsync', afterTicks: fsyncEvery });
    }
    if (state.role === 'replica') {
      connectToMaster(state, effects);
      effects.push({ kind: 'set-timer', timer: 'sentinel', afterTicks: heartbeat });
    } else {
      effects.push({ kind: 'set-timer', timer: 'heartbeat', afterTicks: heartbeat });
    }
    return { state, effects };
  }

  function connectToMaster(state: RedisState, effects: Effect<RedisMsg>[]): void {
    if (config.master === undefined || state.connecting || state.masterConn !== undefined) return;
    state.connecting = true;
    effects.push({ kind: 'connect', to: config.master, port: REDIS_PORT, ref: `master:${state.nextRef++}` });
  }

  /** Writes go to the AOF and then down the replication stream; neither delays the reply. */
  function propagate(state: RedisState, ops: ReplOp[], effects: Effect<RedisMsg>[]): void {
    if (ops.length === 0) return;
    if (config.persistence) {
      for (const op of ops) effects.push({ kind: 'append', file: AOF_FILE, record: op, ref: 'aof' });
      state.dirty = true;
    }
    for (const conn of state.replicaConns) effects.push({ kind: 'send', conn, msg: { t: 'repl', ops } });
  }

  /** Lazy expiry, as Redis does on access; a master turns it into a DEL its replica will see. */
  function live(state: RedisState, key: string, ctx: StepContext, effects: Effect<RedisMsg>[]): Entry | undefined {
    const e = state.keys.get(key);
    if (e === undefined) return undefined;
    if (ctx.wallNow < e.expireAt) return e;
    if (state.role === 'replica') return undefined;
    state.keys.delete(key);
    effects.push({ kind: 'note', text: `${ctx.self} expires ${key} (its wall clock ${ctx.wallNow} ≥ ${e.expireAt})`, data: { redis: { event: 'expired', key, value: e.value } } });
    propagate(state, [{ op: 'del', key }], effects);
    return undefined;
  }

  function execute(state: RedisState, cmd: RedisCommand, ctx: StepContext, effects: Effect<RedisMsg>[]): RedisReply {
    if (cmd.op === 'get') return { ok: true, value: live(state, cmd.key, ctx, effects)?.value ?? null };
    if (state.role === 'replica') return { ok: false, error: 'READONLY' };
    const current = live(state, cmd.key, ctx, effects);
    if (cmd.op === 'set-nx-px') {
      if (current !== undefined) return { ok: true, value: null };
      const op: ReplOp = { op: 'set', key: cmd.key, value: cmd.value, expireAt: ctx.wallNow + cmd.ttlMs };
      apply(state, op);
      effects.push({ kind: 'note', text: `${ctx.self} sets ${cmd.key}=${cmd.value} until wall ${op.expireAt}`, data: { redis: { event: 'set', key: cmd.key, value: cmd.value, expireAt: op.expireAt } } });
      propagate(state, [op], effects);
      return { ok: true, value: 'OK' };
    }
    if (current === undefined || current.value !== cmd.value) return { ok: true, value: 0 };
    state.keys.delete(cmd.key);
    effects.push({ kind: 'note', text: `${ctx.self} deletes ${cmd.key}=${cmd.value}`, data: { redis: { event: 'del', key: cmd.key, value: cmd.value } } });
    propagate(state, [{ op: 'del', key: cmd.key }], effects);
    return { ok: true, value: 1 };
  }

  function promote(state: RedisState, ctx: StepContext, effects: Effect<RedisMsg>[]): void {
    state.role = 'master';
    if (state.masterConn !== undefined) effects.push({ kind: 'close', conn: state.masterConn });
    state.masterConn = undefined;
    effects.push({ kind: 'cancel-timer', timer: 'sentinel' });
    effects.push({ kind: 'set-timer', timer: 'heartbeat', afterTicks: heartbeat });
    effects.push({
      kind: 'note',
      text: `${ctx.self} promotes itself to master: nothing from ${config.master} for ${ctx.now - state.lastHeardFromMaster} ms (${state.keys.size} key(s) kept)`,
      data: { redis: { event: 'promoted', keys: state.keys.size } },
    });
  }

  function step(state: RedisState, input: Input<RedisMsg>, ctx: StepContext): Step<RedisState, RedisMsg> {
    const effects: Effect<RedisMsg>[] = [];
    switch (input.kind) {
      case 'deliver': {
        const msg = input.msg;
        if (input.conn === state.masterConn) {
          state.lastHeardFromMaster = ctx.now;
          if (msg.t === 'full') {
            const ops: ReplOp[] = [{ op: 'flush' }, ...msg.keys.map(([key, value, expireAt]): ReplOp => ({ op: 'set', key, value, expireAt }))];
            for (const op of ops) apply(state, op);
            propagate(state, ops, effects);
          } else if (msg.t === 'repl') {
            for (const op of msg.ops) apply(state, op);
            propagate(state, msg.ops, effects);
          }
          break;
        }
        if (msg.t === 'cmd') {
          const reply = execute(state, msg.cmd, ctx, effects);
          effects.push({ kind: 'send', conn: input.conn, msg: { t: 'reply', id: msg.id, reply } });
        } else if (msg.t === 'sync' && state.role === 'master') {
          state.replicaConns.push(input.conn);
          // Expired keys are not worth shipping; the replica would only be told to delete them.
          const keys: [string, string, number][] = [];
          for (const [k, e] of state.keys) if (ctx.wallNow < e.expireAt) keys.push([k, e.value, e.expireAt]);
          effects.push({ kind: 'send', conn: input.conn, msg: { t: 'full', keys } });
        }
        break;
      }
      case 'connected':
        if (state.role === 'replica' && input.ref.startsWith('master:')) {
          state.connecting = false;
          state.masterConn = input.conn;
          effects.push({ kind: 'send', conn: input.conn, msg: { t: 'sync' } });
        } else {
          effects.push({ kind: 'close', conn: input.conn });
        }
        break;
      case 'connect-failed':
        state.connecting = false;
        break;
      case 'closed':
        if (input.conn === state.masterConn) state.masterConn = undefined;
        state.replicaConns = state.replicaConns.filter((c) => c !== input.conn);
        break;
      case 'timer':
        if (input.timer === 'heartbeat' && state.role === 'master') {
          for (const conn of state.replicaConns) effects.push({ kind: 'send', conn, msg: { t: 'ping' } });
          effects.push({ kind: 'set-timer', timer: 'heartbeat', afterTicks: heartbeat });
        } else if (input.timer === 'sentinel' && state.role === 'replica') {
          if (config.failoverAfterMs !== undefined && ctx.now - state.lastHeardFromMaster >= config.failoverAfterMs) {
            promote(state, ctx, effects);
          } else {
            connectToMaster(state, effects);
            effects.push({ kind: 'set-timer', timer: 'sentinel', afterTicks: heartbeat });
          }
        } else if (input.timer === 'fsync') {
          if (state.dirty) effects.push({ kind: 'fsync', file: AOF_FILE, ref: 'aof-fsync' });
          state.dirty = false;
          effects.push({ kind: 'set-timer', timer: 'fsync', afterTicks: fsyncEvery });
        }
        break;
      default:
        break;
    }
    return { state, effects };
  }

  return { boot, step, inspect: (s) => ({ role: s.role === 'master' ? 'redis-master' : 'redis-replica' }) };
}

function apply(state: RedisState, op: ReplOp): void {
  if (op.op === 'set') state.keys.set(op.key, { value: op.value, expireAt: op.expireAt });
  else if (op.op === 'del') state.keys.delete(op.key);
  else state.keys.clear();
}
