/**
 * A standalone ZooKeeper server as a pure state machine: requests are prepared in arrival order
 * (taking a zxid each if they write), logged and fsynced on the simulated disk, then applied,
 * answered and their watches fired. Reads are answered from the local tree, but never ahead of an
 * earlier request of the same session (per-session FIFO). Sessions expire in tickTime buckets; a
 * restart rebuilds the tree and the sessions from the newest readable snapshot plus the logs.
 */
import type { ConnId, DurableView, Effect, Input, NodeProgram, Step, StepContext } from '../contract/node.js';
import type { ErrorName, SessionId } from '../client/zk-client.js';
import { NO_OWNER } from '../client/zk-client.js';
import { DataTree, ttlOf, type TreeSnapshot } from './data-tree.js';
import { Prep, type WriteRequest } from './prep.js';
import { passwordFor, SessionTracker } from './session-tracker.js';
import { serverConfig, type ZkServerConfig } from './server-config.js';
import type { Txn } from './txn.js';
import { isWrite, type ClientMsg, type ClientRequest, type ReplyBody, type ServerMsg, type ZkMsg } from './wire.js';
import { compareZxid, formatZxid, nextZxid, type Zxid } from './zxid.js';
import { answerLocally } from './reads.js';
import { describeTxn } from './describe.js';

/**
 * A request waiting for its answer. Anything that is not a write waits until every write prepared
 * before it, by any session, is applied: in a standalone server reads pass through the same
 * single-threaded sync stage as writes and queue behind pending flushes.
 */
type QueueItem =
  | { kind: 'write'; xid: number; zxid: Zxid; done: boolean }
  | { kind: 'read'; xid: number; req: ClientRequest; after: Zxid }
  | { kind: 'sync'; xid: number; path: string; after: Zxid }
  | { kind: 'ping'; after: Zxid };

interface Conn {
  id: ConnId;
  session?: SessionId;
  /** This session's requests not answered yet, in arrival order. */
  queue: QueueItem[];
}

interface InFlight {
  txn: Txn;
  conn?: ConnId;
  xid?: number;
  /** A createSession for a connection waiting for its handshake answer. */
  connect?: { conn: ConnId; timeoutMs: number };
  /** The reaper asked for this deletion. */
  reap?: string;
  durable: boolean;
}

export interface ServerState {
  cfg: ZkServerConfig;
  tree: DataTree;
  prep: Prep;
  tracker: SessionTracker;
  /** The last zxid handed out (≥ the tree's lastProcessedZxid). */
  lastZxid: Zxid;
  logFile: string;
  txnsSinceSnapshot: number;
  /** The next snapshot comes after snapCount/2 + this many transactions (re-drawn after each). */
  snapRoll: number;
  conns: Map<ConnId, Conn>;
  sessionConn: Map<SessionId, ConnId>;
  /** Prepared transactions not applied yet, in zxid order. */
  inflight: InFlight[];
  /** zxid covered by the fsync under way, or undefined when the disk is idle. */
  syncing: Zxid | undefined;
  fsyncs: number;
  /** Containers / TTL nodes whose deletion is already requested. */
  reaping: Set<string>;
  /** Candidates of the current reaper pass, posted one every 60000/maxPerMinute ms. */
  reapQueue: string[];
  /** The disk failed (or the log is corrupt): the server stopped serving, as ZooKeeper exits. */
  halted: boolean;
}

interface DurableSnapshot {
  tree: TreeSnapshot;
  sessions: [SessionId, number][];
}

const EXPIRY_TIMER = 'session-expiry';
const REAP_TIMER = 'container-reaper';
const REAP_NEXT_TIMER = 'container-reaper-next';

function hex16(z: Zxid): string {
  return z.epoch.toString(16).padStart(8, '0') + z.counter.toString(16).padStart(8, '0');
}

export function standaloneServer(overrides: Partial<ZkServerConfig> = {}): NodeProgram<ServerState, ZkMsg> {
  const cfg = serverConfig(overrides);
  return {
    boot: (ctx, disk) => boot(cfg, ctx, disk),
    step: (state, input, ctx) => step(state, input as Input<ClientMsg>, ctx),
    inspect: (state) => ({ role: state.halted ? 'halted' : 'standalone' }),
  };
}

// ------------------------------------------------------------------ boot and recovery

function boot(cfg: ZkServerConfig, ctx: StepContext, disk: DurableView): Step<ServerState, ZkMsg> {
  const effects: Effect<ZkMsg>[] = [];
  const files = disk.files();
  let tree = new DataTree();
  const sessions = new Map<SessionId, number>();
  for (const name of files.filter((f) => f.startsWith('snapshot.')).sort().reverse()) {
    const rec = disk.readFile(name);
    if (rec === undefined || !rec.ok) {
      effects.push({ kind: 'note', text: `snapshot ${name} is unreadable (${rec?.ok === false ? rec.reason : 'missing'}); trying an older one` });
      continue;
    }
    const snap = rec.data as DurableSnapshot;
    tree = DataTree.fromSnapshot(snap.tree);
    for (const [id, t] of snap.sessions) sessions.set(id, t);
    break;
  }
  let replayed = 0;
  let corrupt: string | undefined;
  for (const name of files.filter((f) => f.startsWith('log.')).sort()) {
    const records = disk.readLog(name);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (!r.ok && r.reason === 'checksum') {
        // FileTxnLog throws "CRC check failed" and the server does not start.
        corrupt = `log ${name} record ${i} fails its checksum`;
        break;
      }
      if (!r.ok) {
        // A torn tail is where the log ends (EOF or a zero-length record); it is cut off.
        effects.push({ kind: 'note', text: `log ${name} record ${i} is ${r.reason}; the log ends there` });
        effects.push({ kind: 'truncate', file: name, length: i, ref: `truncate:${name}` });
        break;
      }
      const txn = r.data as Txn;
      if (compareZxid(txn.zxid, tree.lastProcessedZxid) <= 0) continue;
      if (compareZxid(txn.zxid, nextZxid(tree.lastProcessedZxid)) !== 0) break; // a gap: nothing after it can apply
      tree.apply(txn);
      replayed++;
      if (txn.body.type === 'createSession') sessions.set(txn.body.sessionId, txn.body.timeoutMs);
      if (txn.body.type === 'closeSession') sessions.delete(txn.body.sessionId);
    }
    if (corrupt !== undefined) break;
  }
  const tracker = new SessionTracker(cfg.tickTimeMs, cfg.serverId, ctx.now, ctx.random.int(cfg.tickTimeMs));
  // A restarted server gives every session a fresh timeout, as a new leader does.
  for (const [id, timeoutMs] of sessions) tracker.add(id, timeoutMs, ctx.now);
  const last = tree.lastProcessedZxid;
  const state: ServerState = {
    cfg,
    tree,
    prep: new Prep(tree, { extendedTypesEnabled: cfg.extendedTypesEnabled }),
    tracker,
    lastZxid: last,
    logFile: `log.${hex16(nextZxid(last))}`,
    txnsSinceSnapshot: 0,
    snapRoll: ctx.random.int(Math.max(1, Math.floor(cfg.snapCount / 2))),
    conns: new Map(),
    sessionConn: new Map(),
    inflight: [],
    syncing: undefined,
    fsyncs: 0,
    reaping: new Set(),
    reapQueue: [],
    halted: corrupt !== undefined,
  };
  if (corrupt !== undefined) {
    effects.push({ kind: 'note', text: `cannot start: ${corrupt}`, data: { halted: corrupt } });
    return { state, effects };
  }
  effects.push({ kind: 'note', text: `standalone server up at zxid ${formatZxid(last)} with ${sessions.size} session(s), ${replayed} txn(s) replayed`, data: { zxid: last } });
  // ZooKeeperServer.loadData ends with a snapshot of what it loaded.
  takeSnapshot(state, effects);
  armExpiry(state, ctx, effects);
  // The ContainerManager runs at a fixed rate from startup, containers or not.
  effects.push({ kind: 'set-timer', timer: REAP_TIMER, afterTicks: cfg.containerCheckIntervalMs });
  return { state, effects };
}

// ------------------------------------------------------------------ inputs

function step(state: ServerState, input: Input<ClientMsg>, ctx: StepContext): Step<ServerState, ZkMsg> {
  const effects: Effect<ZkMsg>[] = [];
  switch (input.kind) {
    case 'accepted':
      if (state.halted) effects.push({ kind: 'close', conn: input.conn });
      else state.conns.set(input.conn, { id: input.conn, queue: [] });
      break;
    case 'deliver': {
      const conn = state.conns.get(input.conn);
      if (conn !== undefined) onMessage(state, conn, input.msg, ctx, effects);
      break;
    }
    case 'closed':
      dropConn(state, input.conn);
      break;
    case 'disk-done':
      onDiskDone(state, input, ctx, effects);
      break;
    case 'timer':
      if (input.timer === EXPIRY_TIMER) expireSessions(state, ctx, effects);
      else if (input.timer === REAP_TIMER) reapContainers(state, ctx, effects);
      else if (input.timer === REAP_NEXT_TIMER) postNextReap(state, ctx, effects);
      break;
    default:
      break;
  }
  return { state, effects };
}

function onMessage(state: ServerState, conn: Conn, msg: ClientMsg, ctx: StepContext, effects: Effect<ZkMsg>[]): void {
  if (msg.t === 'connect') return onConnect(state, conn, msg, ctx, effects);
  if (conn.session === undefined) return; // nothing but a handshake before the session is set up
  // A request (or ping) of a closing or unknown session fails its touch and is dropped unanswered.
  if (!state.tracker.touch(conn.session, ctx.now)) return;
  if (msg.t === 'ping') {
    conn.queue.push({ kind: 'ping', after: state.lastZxid });
    drain(state, conn, effects);
    return;
  }
  const { xid, req } = msg;
  if (isWrite(req)) {
    if (req.op === 'closeSession') state.tracker.sessions.get(conn.session)!.closing = true;
    const txn = submit(state, req, conn.session, ctx, effects);
    state.inflight.push({ txn, conn: conn.id, xid, durable: false });
    conn.queue.push({ kind: 'write', xid, zxid: txn.zxid, done: false });
    return;
  }
  if (req.op === 'sync') conn.queue.push({ kind: 'sync', xid, path: req.path, after: state.lastZxid });
  else conn.queue.push({ kind: 'read', xid, req, after: state.lastZxid });
  drain(state, conn, effects);
}

function onConnect(state: ServerState, conn: Conn, msg: Extract<ClientMsg, { t: 'connect' }>, ctx: StepContext, effects: Effect<ZkMsg>[]): void {
  const { cfg, tracker } = state;
  if (state.halted || conn.session !== undefined) return;
  if (compareZxid(msg.lastZxidSeen, state.tree.lastProcessedZxid) > 0) {
    // Single system image: this server is behind what the client has seen; it must try another.
    effects.push({ kind: 'note', text: `refusing ${msg.sessionId}: client saw ${formatZxid(msg.lastZxidSeen)}, server is at ${formatZxid(state.tree.lastProcessedZxid)}` });
    closeConn(state, conn.id, effects);
    return;
  }
  const timeoutMs = Math.min(cfg.maxSessionTimeoutMs, Math.max(cfg.minSessionTimeoutMs, msg.timeoutMs));
  if (msg.sessionId === NO_OWNER) {
    const id = tracker.takeId();
    const txn = submit(state, { op: 'createSession', timeoutMs }, id, ctx, effects);
    state.inflight.push({ txn, connect: { conn: conn.id, timeoutMs }, durable: false });
    return;
  }
  const s = tracker.sessions.get(msg.sessionId);
  if (s === undefined || s.closing || msg.passwd !== passwordFor(msg.sessionId)) {
    send(effects, conn.id, { t: 'connected', timeoutMs: 0, sessionId: msg.sessionId, passwd: '' });
    closeConn(state, conn.id, effects);
    return;
  }
  const old = state.sessionConn.get(s.id);
  if (old !== undefined && old !== conn.id) closeConn(state, old, effects);
  attach(state, conn, s.id);
  tracker.touch(s.id, ctx.now);
  send(effects, conn.id, { t: 'connected', timeoutMs, sessionId: s.id, passwd: passwordFor(s.id) });
}

function attach(state: ServerState, conn: Conn, session: SessionId): void {
  conn.session = session;
  state.sessionConn.set(session, conn.id);
}

// ------------------------------------------------------------------ the write pipeline

function submit(state: ServerState, req: WriteRequest, session: SessionId, ctx: StepContext, effects: Effect<ZkMsg>[]): Txn {
  const zxid = nextZxid(state.lastZxid);
  state.lastZxid = zxid;
  const txn = state.prep.prepare(req, session, zxid, ctx.wallNow);
  effects.push({ kind: 'append', file: state.logFile, record: txn, ref: 'append' });
  if (state.syncing === undefined) startFsync(state, effects);
  return txn;
}

function startFsync(state: ServerState, effects: Effect<ZkMsg>[]): void {
  state.syncing = state.lastZxid;
  state.fsyncs++;
  effects.push({ kind: 'fsync', file: state.logFile, ref: 'fsync' });
}

function onDiskDone(state: ServerState, input: Extract<Input<ClientMsg>, { kind: 'disk-done' }>, ctx: StepContext, effects: Effect<ZkMsg>[]): void {
  if (!input.ok) {
    if (input.ref.startsWith('truncate:')) return;
    // ZooKeeper's sync thread dies on a disk error and takes the server down with it.
    state.halted = true;
    effects.push({ kind: 'note', text: `disk ${input.op} of ${input.file} failed (${input.error}); the server stops serving` });
    for (const id of [...state.conns.keys()]) closeConn(state, id, effects);
    return;
  }
  if (input.ref !== 'fsync' || state.syncing === undefined) return;
  const upTo = state.syncing;
  state.syncing = undefined;
  for (const f of state.inflight) if (compareZxid(f.txn.zxid, upTo) <= 0) f.durable = true;
  while (state.inflight.length > 0 && state.inflight[0].durable) applyNext(state, ctx, effects);
  if (compareZxid(state.lastZxid, upTo) > 0) startFsync(state, effects);
}

function applyNext(state: ServerState, ctx: StepContext, effects: Effect<ZkMsg>[]): void {
  const f = state.inflight.shift()!;
  const { txn } = f;
  const { result, notifications } = state.tree.apply(txn);
  state.prep.applied(txn.zxid);
  effects.push({ kind: 'note', text: `commit ${formatZxid(txn.zxid)} ${describeTxn(txn)}`, data: { zxid: txn.zxid, txn: txn.body.type } });
  for (const n of notifications) {
    if (state.conns.has(n.watcher)) send(effects, n.watcher, { t: 'event', type: n.type, path: n.path });
  }
  const body = txn.body;
  if (body.type === 'createSession' && f.connect !== undefined) {
    state.tracker.add(body.sessionId, body.timeoutMs, ctx.now);
    const conn = state.conns.get(f.connect.conn);
    if (conn !== undefined) {
      attach(state, conn, body.sessionId);
      send(effects, conn.id, { t: 'connected', timeoutMs: f.connect.timeoutMs, sessionId: body.sessionId, passwd: passwordFor(body.sessionId) });
    }
  } else if (body.type === 'createSession') {
    state.tracker.add(body.sessionId, body.timeoutMs, ctx.now);
  }
  if (body.type === 'createSession') armExpiry(state, ctx, effects);
  if (body.type === 'closeSession') state.tracker.remove(body.sessionId);
  if (f.reap !== undefined) state.reaping.delete(f.reap);
  if (f.conn !== undefined) {
    const conn = state.conns.get(f.conn);
    if (conn !== undefined) {
      const item = conn.queue.find((q) => q.kind === 'write' && compareZxid(q.zxid, txn.zxid) === 0) as Extract<QueueItem, { kind: 'write' }> | undefined;
      const { rc, ...rest } = result as { rc: 'OK' | ErrorName } & ReplyBody;
      send(effects, conn.id, { t: 'reply', xid: f.xid!, zxid: txn.zxid, rc, body: rc === 'OK' ? rest : undefined });
      if (item !== undefined) item.done = true;
      drain(state, conn, effects);
    }
  }
  if (body.type === 'closeSession') {
    const connId = state.sessionConn.get(body.sessionId);
    if (connId !== undefined) closeConn(state, connId, effects);
  }
  // SyncRequestProcessor.shouldSnapshot: after snapCount/2 + a random share of snapCount/2 txns.
  if (++state.txnsSinceSnapshot > Math.floor(state.cfg.snapCount / 2) + state.snapRoll) {
    takeSnapshot(state, effects);
    state.snapRoll = ctx.random.int(Math.max(1, Math.floor(state.cfg.snapCount / 2)));
  }
  // Requests of other sessions may have been waiting for this zxid (sync, ping).
  for (const conn of state.conns.values()) if (conn.queue.length > 0 && conn.queue[0].kind !== 'write') drain(state, conn, effects);
}

/** Answers the head of a session's queue for as long as nothing earlier is still being written. */
function drain(state: ServerState, conn: Conn, effects: Effect<ZkMsg>[]): void {
  const applied = state.tree.lastProcessedZxid;
  while (conn.queue.length > 0) {
    const item = conn.queue[0];
    if (item.kind === 'write') {
      if (!item.done) return;
    } else if (item.kind === 'sync') {
      if (compareZxid(item.after, applied) > 0) return;
      send(effects, conn.id, { t: 'reply', xid: item.xid, zxid: applied, rc: 'OK', body: { path: item.path } });
    } else if (item.kind === 'ping') {
      if (compareZxid(item.after, applied) > 0) return;
      send(effects, conn.id, { t: 'pong', zxid: applied });
    } else {
      if (compareZxid(item.after, applied) > 0) return;
      answerRead(state, conn, item.xid, item.req, effects);
    }
    conn.queue.shift();
  }
}

function answerRead(state: ServerState, conn: Conn, xid: number, req: ClientRequest, effects: Effect<ZkMsg>[]): void {
  for (const msg of answerLocally(state.tree, conn.id, xid, req)) send(effects, conn.id, msg);
}

function takeSnapshot(state: ServerState, effects: Effect<ZkMsg>[]): void {
  const z = state.tree.lastProcessedZxid;
  const file = `snapshot.${hex16(z)}`;
  const sessions: [SessionId, number][] = [...state.tracker.sessions.values()].map((s) => [s.id, s.timeoutMs]);
  const data: DurableSnapshot = { tree: state.tree.snapshot(), sessions };
  effects.push({ kind: 'write', file, data, ref: 'snapshot' }, { kind: 'fsync', file, ref: 'snapshot-fsync' });
  // Transactions prepared after this point go to a new log, as ZooKeeper rolls its log at a snapshot.
  state.logFile = `log.${hex16(nextZxid(state.lastZxid))}`;
  state.txnsSinceSnapshot = 0;
  effects.push({ kind: 'note', text: `snapshot at ${formatZxid(z)}; new log ${state.logFile}` });
}

// ------------------------------------------------------------------ sessions and reaping

function armExpiry(state: ServerState, ctx: StepContext, effects: Effect<ZkMsg>[]): void {
  const at = state.tracker.nextExpiry();
  if (at === undefined) effects.push({ kind: 'cancel-timer', timer: EXPIRY_TIMER });
  else effects.push({ kind: 'set-timer', timer: EXPIRY_TIMER, afterTicks: Math.max(0, at - ctx.now) });
}

function expireSessions(state: ServerState, ctx: StepContext, effects: Effect<ZkMsg>[]): void {
  if (!state.halted) {
    for (const s of state.tracker.expire(ctx.now)) {
      effects.push({ kind: 'note', text: `session ${s.id} expired (timeout ${s.timeoutMs} ms)`, data: { expired: s.id } });
      const txn = submit(state, { op: 'closeSession' }, s.id, ctx, effects);
      state.inflight.push({ txn, durable: false });
    }
  }
  armExpiry(state, ctx, effects);
}

/** ContainerManager.checkContainers: find the candidates now, post their deletions spaced out. */
function reapContainers(state: ServerState, ctx: StepContext, effects: Effect<ZkMsg>[]): void {
  effects.push({ kind: 'set-timer', timer: REAP_TIMER, afterTicks: state.cfg.containerCheckIntervalMs });
  if (state.halted || state.reapQueue.length > 0) return;
  for (const path of [...state.tree.reapable].sort()) {
    const node = state.tree.get(path);
    if (node === undefined || node.children.size > 0 || state.reaping.has(path)) continue;
    const ttl = ttlOf(node.owner);
    // A container that never had a child is never reaped (maxNeverUsedIntervalMs is 0 in 3.8).
    const due = ttl === undefined ? node.creations > 0 : ctx.wallNow - node.mtime > ttl;
    if (due) state.reapQueue.push(path);
  }
  postNextReap(state, ctx, effects);
}

function postNextReap(state: ServerState, ctx: StepContext, effects: Effect<ZkMsg>[]): void {
  const path = state.reapQueue.shift();
  if (path === undefined || state.halted) return;
  state.reaping.add(path);
  const txn = submit(state, { op: 'deleteContainer', path }, NO_OWNER, ctx, effects);
  state.inflight.push({ txn, reap: path, durable: false });
  if (state.reapQueue.length > 0) {
    const spacing = Math.max(1, Math.floor(60_000 / state.cfg.containerMaxPerMinute));
    effects.push({ kind: 'set-timer', timer: REAP_NEXT_TIMER, afterTicks: spacing });
  }
}

// ------------------------------------------------------------------ connections

function send(effects: Effect<ZkMsg>[], conn: ConnId, msg: ServerMsg): void {
  effects.push({ kind: 'send', conn, msg });
}

function closeConn(state: ServerState, id: ConnId, effects: Effect<ZkMsg>[]): void {
  effects.push({ kind: 'close', conn: id });
  dropConn(state, id);
}

/** Watches belong to the connection: they go with it. The session stays until it expires. */
function dropConn(state: ServerState, id: ConnId): void {
  const conn = state.conns.get(id);
  if (conn === undefined) return;
  state.conns.delete(id);
  state.tree.removeWatcher(id);
  if (conn.session !== undefined && state.sessionConn.get(conn.session) === id) state.sessionConn.delete(conn.session);
}
