/**
 * The simulated ZooKeeper client handle (ZooKeeper's ClientCnxn): one session, kept alive over a
 * connection to one server at a time from a list. Pings when idle for about a third of the
 * timeout, gives a server up after two thirds of silence, reconnects to the next one, and re-sets
 * its watches there. Requests in flight when a connection drops fail with CONNECTION_LOSS: their
 * outcome is unknown. A server that answers the handshake with timeout 0 has expired the session.
 *
 * It lives inside a client node (client-node.ts) and turns calls and inputs into effects on the
 * node's current step; it never touches the network or clock itself.
 */
import type { ConnId, Effect, Input, NodeId } from '../contract/node.js';
import type { Random } from '../contract/random.js';
import type {
  AddWatchMode,
  Callback,
  ClientState,
  CreateMode,
  Data,
  MultiOp,
  MultiResult,
  Result,
  SessionId,
  Stat,
  WatchArg,
  WatchedEvent,
  Watcher,
  WatcherType,
  ZkClient,
} from './zk-client.js';
import { failure, NO_OWNER } from './zk-client.js';
import { ClientWatches } from './client-watches.js';
import type { ClientRequest, ServerMsg, ZkMsg } from '../zk/wire.js';
import { CLIENT_PORT } from '../zk/wire.js';
import { compareZxid, ZERO_ZXID, type Zxid } from '../zk/zxid.js';
import { hasBug, type BugName } from '../bugs/catalog.js';

/** What a handle needs from the node it lives in, valid during the node's current step. */
export interface ClientHost {
  effects(): Effect<ZkMsg>[];
  now(): number;
  readonly random: Random;
}

export interface SimClientOptions {
  servers: readonly NodeId[];
  sessionTimeoutMs: number;
  /** Resume an existing session (ZooKeeper's constructor with sessionId and password). */
  session?: { id: SessionId; passwd: string };
  /** Planted bugs switched on (sim/bugs/catalog.ts); absent in a clean run. */
  bugs?: readonly BugName[];
}

interface Outstanding {
  /** When the application made the request (this process's monotonic clock). */
  at: number;
  xid: number;
  req: ClientRequest;
  cb: Callback<any>;
  watcher?: Watcher;
}

const MAX_SEND_PING_INTERVAL_MS = 10_000;

export class SimZkClient implements ZkClient {
  state: ClientState = 'CONNECTING';
  sessionId: SessionId | null = null;
  negotiatedTimeoutMs = 0;
  /** The newest zxid this client has seen; a server behind it must refuse the client. */
  lastZxidSeen: Zxid = ZERO_ZXID;
  /**
   * The header zxid of the reply whose callback is running now (undefined in any other callback,
   * e.g. a CONNECTION_LOSS decided locally): what a history needs for the session guarantees.
   */
  replyZxid: Zxid | undefined;
  /**
   * True in the callback of a request failed locally before it was ever sent (queued while
   * disconnected): it cannot have happened. A sent one that fails locally may have.
   */
  failedUnsent = false;

  private passwd = '';
  private readonly servers: NodeId[];
  private serverIndex = -1;
  /** The server of the last successful connection (StaticHostProvider's lastIndex). */
  private lastConnectedIndex = -1;
  private attempt = 0;
  private conn: ConnId | undefined;
  private connectRef: string | undefined;
  private handshakeDone = false;
  private lastSend = 0;
  private lastRecv = 0;
  private nextXid = 1;
  /** Sent, waiting for their replies in order. */
  private readonly pending: Outstanding[] = [];
  /** Waiting for a connection. */
  private readonly outgoing: Outstanding[] = [];
  private readonly watches: ClientWatches;
  private readonly listeners: Watcher[] = [];
  private closeCb: Callback | undefined;
  private readonly defaultWatcher: Watcher = (e) => {
    for (const l of this.listeners) l(e);
  };

  constructor(
    readonly prefix: string,
    private readonly host: ClientHost,
    readonly options: SimClientOptions,
  ) {
    if (options.servers.length === 0) throw new Error('a client needs at least one server');
    this.watches = new ClientWatches(hasBug(options.bugs, 'watch-fired-twice'));
    this.servers = host.random.shuffle([...options.servers]);
    if (options.session !== undefined) {
      this.sessionId = options.session.id;
      this.passwd = options.session.passwd;
    }
    this.connectNext();
  }

  // ---------------------------------------------------------------- the ZkClient API

  // Paths go to the server unchecked, so a bad one gets exactly the error the server gives (often
  // BAD_ARGUMENTS, sometimes NO_NODE: "/a//b" has the missing parent "/a/"). The Java client would
  // throw IllegalArgumentException before sending; a result code is what this interface returns.

  create(path: string, data: Data, mode: CreateMode, cb: Callback<{ path: string }>, options?: { ttlMs?: number }): void {
    this.submit({ op: 'create', path, data, mode, ...(options?.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}) }, cb);
  }

  delete(path: string, version: number, cb: Callback): void {
    this.submit({ op: 'delete', path, version }, cb);
  }

  setData(path: string, data: Data, version: number, cb: Callback<{ stat: Stat }>): void {
    this.submit({ op: 'setData', path, data, version }, cb);
  }

  getData(path: string, watch: WatchArg, cb: Callback<{ data: Data; stat: Stat }>): void {
    this.submit({ op: 'getData', path, watch: watch !== false }, cb, this.watcherOf(watch));
  }

  exists(path: string, watch: WatchArg, cb: Callback<{ stat: Stat }>): void {
    this.submit({ op: 'exists', path, watch: watch !== false }, cb, this.watcherOf(watch));
  }

  getChildren(path: string, watch: WatchArg, cb: Callback<{ children: string[]; stat: Stat }>): void {
    this.submit({ op: 'getChildren', path, watch: watch !== false }, cb, this.watcherOf(watch));
  }

  multi(ops: MultiOp[], cb: Callback<MultiResult>): void {
    this.submit({ op: 'multi', ops: ops.map((o) => ({ ...o })) }, cb);
  }

  sync(path: string, cb: Callback<{ path: string }>): void {
    this.submit({ op: 'sync', path }, cb);
  }

  addWatch(path: string, mode: AddWatchMode, watcher: WatchArg, cb: Callback): void {
    this.submit({ op: 'addWatch', path, mode }, cb, this.watcherOf(watcher === false ? true : watcher));
  }

  removeWatches(path: string, type: WatcherType, cb: Callback): void {
    this.submit({ op: 'removeWatches', path, type }, cb);
  }

  onEvent(listener: Watcher): void {
    this.listeners.push(listener);
  }

  close(cb?: Callback): void {
    if (this.state === 'CLOSED' || this.state === 'EXPIRED') {
      cb?.({ rc: 'OK' });
      return;
    }
    if (this.state !== 'CONNECTED') {
      this.finish('CLOSED', 'SESSION_EXPIRED');
      cb?.({ rc: 'OK' });
      return;
    }
    this.closeCb = cb ?? (() => {});
    this.submit({ op: 'closeSession' }, (r: Result) => {
      this.finish('CLOSED', 'SESSION_EXPIRED');
      this.closeCb = undefined;
      cb?.(r.rc === 'OK' ? r : { rc: 'OK' });
    });
  }

  /** Requests not answered yet (sent or waiting for a connection), for liveness checks. */
  get pendingRequests(): number {
    return this.pending.length + this.outgoing.length;
  }

  /** When the oldest unanswered request was made, or undefined when none is. */
  get oldestPendingAt(): number | undefined {
    let oldest: number | undefined;
    for (const o of [...this.pending, ...this.outgoing]) if (o.xid >= 0 && (oldest === undefined || o.at < oldest)) oldest = o.at;
    return oldest;
  }

  // ---------------------------------------------------------------- inputs from the node

  /** The connection this handle uses (the node routes `deliver` and `closed` by it). */
  get connection(): ConnId | undefined {
    return this.conn;
  }

  ownsRef(ref: string): boolean {
    return ref === this.connectRef;
  }

  onInput(input: Input<ZkMsg>): void {
    switch (input.kind) {
      case 'connected':
        if (input.ref !== this.connectRef) return;
        this.conn = input.conn;
        this.connectRef = undefined;
        this.lastRecv = this.host.now();
        this.send({
          t: 'connect',
          lastZxidSeen: this.lastZxidSeen,
          timeoutMs: this.options.sessionTimeoutMs,
          sessionId: this.sessionId ?? NO_OWNER,
          passwd: this.passwd,
        });
        this.armTick();
        return;
      case 'connect-failed':
        if (input.ref !== this.connectRef) return;
        this.connectRef = undefined;
        this.connectionLost();
        return;
      case 'closed':
        if (input.conn !== this.conn) return;
        this.conn = undefined;
        this.connectionLost();
        return;
      case 'deliver':
        if (input.conn === this.conn) this.onMessage(input.msg as ServerMsg);
        return;
      case 'timer':
        if (input.timer === `${this.prefix}:tick`) this.onTick();
        else if (input.timer === `${this.prefix}:retry`) this.connectNext();
        return;
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- connection management

  /**
   * Picks the next server and waits as ClientCnxn does before a reconnect: a second when the host
   * list wraps back to the server it was last connected to (StaticHostProvider.next(1000)), then a
   * random 0–999 ms (startConnect, every attempt but the first).
   */
  private scheduleReconnect(): void {
    this.serverIndex = (this.serverIndex + 1) % this.servers.length;
    const delay = (this.serverIndex === this.lastConnectedIndex ? 1000 : 0) + this.host.random.int(1000);
    this.host.effects().push({ kind: 'set-timer', timer: `${this.prefix}:retry`, afterTicks: delay });
  }

  private connectNext(): void {
    if (this.state === 'CLOSED' || this.state === 'EXPIRED') return;
    if (this.attempt === 0) this.serverIndex = 0;
    this.handshakeDone = false;
    this.connectRef = `${this.prefix}:${++this.attempt}`;
    const timeout = this.sessionTimeout() / this.servers.length;
    this.host.effects().push({ kind: 'connect', to: this.servers[this.serverIndex], port: CLIENT_PORT, ref: this.connectRef, timeoutTicks: Math.max(1, Math.floor(timeout)) });
  }

  private sessionTimeout(): number {
    return this.negotiatedTimeoutMs > 0 ? this.negotiatedTimeoutMs : this.options.sessionTimeoutMs;
  }

  /** The connection (or the attempt) is gone: fail what was in flight and try the next server. */
  private connectionLost(): void {
    const wasConnected = this.state === 'CONNECTED';
    const effects = this.host.effects();
    if (this.conn !== undefined) {
      effects.push({ kind: 'close', conn: this.conn });
      this.conn = undefined;
    }
    effects.push({ kind: 'cancel-timer', timer: `${this.prefix}:tick` });
    if (this.state === 'CLOSED' || this.state === 'EXPIRED') return;
    if (wasConnected) this.state = 'DISCONNECTED';
    this.failAll('CONNECTION_LOSS');
    // cleanAndNotifyState: every lost connection or failed attempt tells the watchers "Disconnected".
    this.sessionEvent('DISCONNECTED');
    if (this.closeCb !== undefined) {
      // Closing without a server to tell: the handle is done; the session expires on its own.
      this.finish('CLOSED', 'SESSION_EXPIRED');
      return;
    }
    this.scheduleReconnect();
  }

  private onMessage(msg: ServerMsg): void {
    this.lastRecv = this.host.now();
    switch (msg.t) {
      case 'connected':
        return this.onHandshake(msg);
      case 'pong':
        return;
      case 'event': {
        // Notifications carry no zxid in 3.8, and ClientCnxn does not move lastZxid for them.
        const event: WatchedEvent = { type: msg.type, path: msg.path };
        for (const w of this.watches.materialize(msg.type, msg.path)) w(event);
        return;
      }
      case 'reply': {
        const head = this.pending.shift();
        if (head === undefined || head.xid !== msg.xid) {
          // Out of order: the connection cannot be trusted any more (ClientCnxn throws too).
          if (head !== undefined) this.pending.unshift(head);
          this.connectionLost();
          return;
        }
        if (compareZxid(msg.zxid, this.lastZxidSeen) > 0) this.lastZxidSeen = msg.zxid;
        this.replyZxid = msg.zxid;
        try {
          this.complete(head, msg);
        } finally {
          this.replyZxid = undefined;
        }
        return;
      }
    }
  }

  private onHandshake(msg: Extract<ServerMsg, { t: 'connected' }>): void {
    if (msg.timeoutMs <= 0) {
      this.finish('EXPIRED', 'SESSION_EXPIRED');
      return;
    }
    const first = this.sessionId === null || this.state === 'CONNECTING';
    this.sessionId = msg.sessionId;
    this.passwd = msg.passwd;
    this.negotiatedTimeoutMs = msg.timeoutMs;
    this.handshakeDone = true;
    this.lastConnectedIndex = this.serverIndex;
    this.state = 'CONNECTED';
    if (!first && !this.watches.isEmpty()) {
      const w = this.watches;
      const keys = (m: Map<string, unknown>) => [...m.keys()];
      this.sendRequest({
        at: this.host.now(),
        xid: -8,
        req: { op: 'setWatches', relativeZxid: this.lastZxidSeen, data: keys(w.data), exist: keys(w.exist), child: keys(w.child), persistent: keys(w.persistent), persistentRecursive: keys(w.persistentRecursive) },
        cb: () => {},
      });
    }
    for (const o of this.outgoing.splice(0)) this.sendRequest(o);
    this.sessionEvent('CONNECTED');
    this.armTick();
  }

  /** readTimeout = 2/3 of the session timeout; before the handshake, the connect timeout. */
  private readTimeout(): number {
    return this.handshakeDone ? Math.floor((this.sessionTimeout() * 2) / 3) : Math.floor(this.sessionTimeout() / this.servers.length);
  }

  /**
   * ClientCnxn pings once `readTimeout/2 − idleSend − (idleSend > 1000 ? 1000 : 0) ≤ 0`, or when
   * nothing was sent for over 10 s: at readTimeout/2 − 1000 for long timeouts, just past 1 s when
   * readTimeout/2 is 1–2 s, at readTimeout/2 below that.
   */
  private pingAfter(): number {
    const half = Math.floor(this.readTimeout() / 2);
    const due = half > 2000 ? half - 1000 : half > 1000 ? 1001 : half;
    return Math.min(due, MAX_SEND_PING_INTERVAL_MS + 1);
  }

  private armTick(): void {
    const now = this.host.now();
    let at = this.lastRecv + this.readTimeout();
    if (this.handshakeDone) at = Math.min(at, this.lastSend + this.pingAfter());
    this.host.effects().push({ kind: 'set-timer', timer: `${this.prefix}:tick`, afterTicks: Math.max(1, at - now) });
  }

  private onTick(): void {
    if (this.conn === undefined) return;
    const now = this.host.now();
    if (now - this.lastRecv >= this.readTimeout()) {
      this.connectionLost();
      return;
    }
    if (this.handshakeDone && now - this.lastSend >= this.pingAfter()) this.send({ t: 'ping' });
    this.armTick();
  }

  // ---------------------------------------------------------------- requests

  private watcherOf(watch: WatchArg): Watcher | undefined {
    return watch === true ? this.defaultWatcher : watch === false ? undefined : watch;
  }

  private submit(req: ClientRequest, cb: Callback<any>, watcher?: Watcher): void {
    // ClientCnxn.conLossPacket: a closed handle says SESSION_EXPIRED; one that is closing, CONNECTION_LOSS.
    if ((this.state === 'CLOSED' || this.state === 'EXPIRED') || (this.closeCb !== undefined && req.op !== 'closeSession')) {
      this.failedUnsent = true;
      try {
        cb(failure(this.state === 'CLOSED' || this.state === 'EXPIRED' ? 'SESSION_EXPIRED' : 'CONNECTION_LOSS'));
      } finally {
        this.failedUnsent = false;
      }
      return;
    }
    const o: Outstanding = { at: this.host.now(), xid: this.nextXid++, req, cb, watcher };
    if (this.state === 'CONNECTED') this.sendRequest(o);
    else this.outgoing.push(o);
  }

  private sendRequest(o: Outstanding): void {
    this.pending.push(o);
    this.send({ t: 'request', xid: o.xid, req: o.req });
  }

  private send(msg: ZkMsg): void {
    if (this.conn === undefined) return;
    this.lastSend = this.host.now();
    this.host.effects().push({ kind: 'send', conn: this.conn, msg });
  }

  private complete(o: Outstanding, msg: Extract<ServerMsg, { t: 'reply' }>): void {
    const { req } = o;
    if (o.watcher !== undefined) {
      // The server set the watch: mirror it (exists on a missing node is an "exist" watch).
      if (req.op === 'getData' && msg.rc === 'OK') this.watches.addData(req.path, o.watcher);
      else if (req.op === 'exists' && msg.rc === 'OK') this.watches.addData(req.path, o.watcher);
      else if (req.op === 'exists' && msg.rc === 'NO_NODE') this.watches.addExist(req.path, o.watcher);
      else if (req.op === 'getChildren' && msg.rc === 'OK') this.watches.addChild(req.path, o.watcher);
      else if (req.op === 'addWatch' && msg.rc === 'OK') this.watches.addPersistent(req.path, req.mode, o.watcher);
    }
    const removed = req.op === 'removeWatches' && msg.rc === 'OK' ? this.watches.remove(req.path, req.type) : [];
    if (msg.rc !== 'OK') o.cb(failure(msg.rc));
    else o.cb({ rc: 'OK', ...(msg.body ?? {}) });
    // The removed watchers hear DATA_WATCH_REMOVED / CHILD_WATCH_REMOVED / PERSISTENT_WATCH_REMOVED.
    for (const { watcher, type } of removed) watcher({ type, path: (req as { path: string }).path });
  }

  private failAll(rc: 'CONNECTION_LOSS' | 'SESSION_EXPIRED'): void {
    const sent = this.pending.splice(0);
    const unsent = this.outgoing.splice(0);
    for (const o of sent) o.cb(failure(rc));
    this.failedUnsent = true;
    try {
      for (const o of unsent) o.cb(failure(rc));
    } finally {
      this.failedUnsent = false;
    }
  }

  /** The handle is done for good: EXPIRED (the server said so) or CLOSED. */
  private finish(state: 'EXPIRED' | 'CLOSED', rc: 'SESSION_EXPIRED'): void {
    const effects = this.host.effects();
    if (this.conn !== undefined) effects.push({ kind: 'close', conn: this.conn });
    this.conn = undefined;
    this.connectRef = undefined;
    effects.push({ kind: 'cancel-timer', timer: `${this.prefix}:tick` }, { kind: 'cancel-timer', timer: `${this.prefix}:retry` });
    this.state = state;
    this.failAll(rc);
    this.sessionEvent(state);
    this.watches.clear();
  }

  private sessionEvent(state: ClientState): void {
    const event: WatchedEvent = { type: 'NONE', state };
    const targets = this.watches.all();
    targets.add(this.defaultWatcher);
    for (const w of targets) w(event);
  }
}
