/**
 * A quorum server's client port (the client side of ZooKeeperServer in an ensemble): sessions,
 * reads answered from the local replica (possibly stale, in order with the session's own
 * requests), writes sent to the leader (REQUEST) and answered when their COMMIT is applied here,
 * sync through the leader, watches on this server's tree. Only a server in broadcast serves:
 * when its role ends it drops every client connection, as ZooKeeper does.
 *
 * Sessions: the leader's tracker owns expiry (rebuilt, every session touched, when a leader
 * starts); followers report the sessions their clients touched in each PING reply.
 */
import type { ConnId, Effect } from '../../contract/node.js';
import type { ErrorName, SessionId } from '../../client/zk-client.js';
import { NO_OWNER } from '../../client/zk-client.js';
import type { Applied } from '../data-tree.js';
import type { WriteRequest } from '../prep.js';
import { answerLocally } from '../reads.js';
import { passwordFor, SessionTracker } from '../session-tracker.js';
import type { Txn } from '../txn.js';
import { isWrite, type ClientMsg, type ClientRequest, type ReplyBody, type ServerMsg } from '../wire.js';
import { compareZxid, formatZxid } from '../zxid.js';
import type { EnsembleConfig } from './ensemble-config.js';
import type { ReplicaDb } from './replica-db.js';
import { hasBug } from '../../bugs/catalog.js';

type Item =
  | { kind: 'write'; xid: number; done: boolean }
  | { kind: 'read'; xid: number; req: ClientRequest }
  | { kind: 'sync'; xid: number; path: string; done: boolean }
  | { kind: 'ping' };

interface ClientConn {
  id: ConnId;
  session?: SessionId;
  /** This session's requests not answered yet, in arrival order (reads wait behind its writes). */
  queue: Item[];
}

/** How the front end reaches the rest of the server. */
export interface FrontHost {
  readonly sid: number;
  readonly cfg: EnsembleConfig;
  readonly db: ReplicaDb;
  fx: Effect<unknown>[];
  now(): number;
  random(n: number): number;
  /** Hands a write to the leader (locally when leading). False when nobody is serving. */
  submit(req: WriteRequest, sessionId: SessionId, cxid: number): boolean;
  /** Asks the leader for a sync barrier; the answer comes back through `syncDone`. */
  requestSync(sessionId: SessionId, cxid: number): void;
  /** Asks the leader whether a reconnecting session is alive; the answer comes back through `revalidated`. */
  revalidate(sessionId: SessionId, timeoutMs: number): void;
}

export const EXPIRY_TIMER = 'zk:session-expiry';

export class ClientFront {
  private readonly conns = new Map<ConnId, ClientConn>();
  private readonly sessionConn = new Map<SessionId, ConnId>();
  /** createSession in flight: session id → the connection waiting for its handshake answer. */
  private readonly connecting = new Map<SessionId, { conn: ConnId; timeoutMs: number }>();
  /** Reconnects of existing sessions waiting for the leader's REVALIDATE answer. */
  private readonly revalidating = new Map<SessionId, { conn: ConnId; timeoutMs: number }>();
  /** The leader's record of which server each session's client is connected to (SessionTrackerImpl owner). */
  readonly owners = new Map<SessionId, number>();
  /** Sessions touched by this server's clients since the last PING reply (followers). */
  private touched = new Map<SessionId, number>();
  /** Session ids this server hands out (its sid in the top byte). */
  private readonly ids: SessionTracker;
  /** The leader's expiry tracker (undefined on other servers). */
  tracker: SessionTracker | undefined;
  serving = false;

  constructor(private readonly h: FrontHost) {
    this.ids = new SessionTracker(h.cfg.tickTimeMs, h.sid, h.now(), h.random(h.cfg.tickTimeMs));
  }

  // ------------------------------------------------------------------ serving or not

  /** The server entered broadcast (as leader: with a fresh tracker that touches every session). */
  startServing(leading: boolean): void {
    this.serving = true;
    if (!leading) return;
    const t = new SessionTracker(this.h.cfg.tickTimeMs, this.h.sid, this.h.now(), this.h.random(this.h.cfg.tickTimeMs));
    for (const [id, timeoutMs] of this.h.db.sessions) t.add(id, timeoutMs, this.h.now());
    this.tracker = t;
    this.armExpiry();
  }

  /** The role ended: clients must find a serving server; in-flight requests are lost with their connection. */
  stopServing(): void {
    this.serving = false;
    this.tracker = undefined;
    this.h.fx.push({ kind: 'cancel-timer', timer: EXPIRY_TIMER });
    for (const id of [...this.conns.keys()]) this.close(id);
    this.connecting.clear();
    this.revalidating.clear();
    this.owners.clear();
    this.touched.clear();
  }

  // ------------------------------------------------------------------ connections and requests

  onAccepted(conn: ConnId): void {
    if (!this.serving) this.h.fx.push({ kind: 'close', conn });
    else this.conns.set(conn, { id: conn, queue: [] });
  }

  onClosed(conn: ConnId): void {
    this.forget(conn);
  }

  onMessage(connId: ConnId, msg: ClientMsg): void {
    const conn = this.conns.get(connId);
    if (conn === undefined) return;
    if (msg.t === 'connect') return this.onConnect(conn, msg);
    if (conn.session === undefined) return;
    // Planted 'expiry-ignores-pings': only requests renew the session, so the pings of an idle client keep nothing alive.
    if (msg.t !== 'ping' || !hasBug(this.h.cfg.bugs, 'expiry-ignores-pings')) this.touch(conn.session);
    if (msg.t === 'ping') {
      conn.queue.push({ kind: 'ping' });
      return this.drain(conn);
    }
    const { xid, req } = msg;
    if (isWrite(req)) {
      conn.queue.push({ kind: 'write', xid, done: false });
      if (!this.h.submit(req, conn.session, xid)) this.close(conn.id);
      return;
    }
    if (req.op === 'sync') {
      conn.queue.push({ kind: 'sync', xid, path: req.path, done: false });
      this.h.requestSync(conn.session, xid);
      return;
    }
    conn.queue.push({ kind: 'read', xid, req });
    this.drain(conn);
  }

  private onConnect(conn: ClientConn, msg: Extract<ClientMsg, { t: 'connect' }>): void {
    const { cfg, db } = this.h;
    if (conn.session !== undefined) return;
    if (compareZxid(msg.lastZxidSeen, db.lastProcessedZxid) > 0) {
      // The client has seen more than this server has: it must try another (single system image).
      this.h.fx.push({ kind: 'note', text: `s${this.h.sid} refuses ${msg.sessionId}: it saw ${formatZxid(msg.lastZxidSeen)}, this server is at ${formatZxid(db.lastProcessedZxid)}` });
      return this.close(conn.id);
    }
    const timeoutMs = Math.min(cfg.maxSessionTimeoutMs, Math.max(cfg.minSessionTimeoutMs, msg.timeoutMs));
    if (msg.sessionId === NO_OWNER) {
      const id = this.ids.takeId();
      this.connecting.set(id, { conn: conn.id, timeoutMs });
      if (!this.h.submit({ op: 'createSession', timeoutMs }, id, -1)) this.close(conn.id);
      return;
    }
    if (msg.passwd !== passwordFor(msg.sessionId)) return this.refuse(conn.id, msg.sessionId);
    // A known session moves here: the leader revalidates it (alive? then this server owns it now).
    this.revalidating.set(msg.sessionId, { conn: conn.id, timeoutMs });
    this.h.revalidate(msg.sessionId, timeoutMs);
  }

  /** The leader's answer to REVALIDATE. */
  revalidated(sessionId: SessionId, valid: boolean): void {
    const waiting = this.revalidating.get(sessionId);
    if (waiting === undefined) return;
    this.revalidating.delete(sessionId);
    const conn = this.conns.get(waiting.conn);
    if (conn === undefined) return;
    if (!valid) return this.refuse(conn.id, sessionId);
    const old = this.sessionConn.get(sessionId);
    if (old !== undefined && old !== conn.id) this.close(old);
    conn.session = sessionId;
    this.sessionConn.set(sessionId, conn.id);
    this.touch(sessionId);
    this.send(conn.id, { t: 'connected', timeoutMs: waiting.timeoutMs, sessionId, passwd: passwordFor(sessionId) });
  }

  /** Timeout 0: the session is expired (or unknown, or the password is wrong). */
  private refuse(conn: ConnId, sessionId: SessionId): void {
    this.send(conn, { t: 'connected', timeoutMs: 0, sessionId, passwd: '' });
    this.close(conn);
  }

  // ------------------------------------------------------------------ commits and answers

  /** A committed transaction was applied here: fire watches, answer our client if it was ours. */
  onApplied(txn: Txn, applied: Applied): void {
    if (!this.serving) return;
    for (const n of applied.notifications) if (this.conns.has(n.watcher)) this.send(n.watcher, { t: 'event', type: n.type, path: n.path });
    const body = txn.body;
    if (body.type === 'createSession') {
      this.tracker?.add(body.sessionId, body.timeoutMs, this.h.now());
      if (this.tracker !== undefined && txn.origin !== undefined) this.owners.set(body.sessionId, txn.origin);
      if (this.tracker !== undefined) this.armExpiry();
      const waiting = this.connecting.get(body.sessionId);
      if (txn.origin === this.h.sid && waiting !== undefined) {
        this.connecting.delete(body.sessionId);
        const conn = this.conns.get(waiting.conn);
        if (conn !== undefined) {
          conn.session = body.sessionId;
          this.sessionConn.set(body.sessionId, conn.id);
          this.send(conn.id, { t: 'connected', timeoutMs: waiting.timeoutMs, sessionId: body.sessionId, passwd: passwordFor(body.sessionId) });
        }
      }
      return;
    }
    if (txn.origin === this.h.sid && txn.cxid !== undefined && txn.cxid >= 0) {
      const connId = this.sessionConn.get(txn.sessionId);
      const conn = connId === undefined ? undefined : this.conns.get(connId);
      const item = conn?.queue.find((q) => q.kind === 'write' && q.xid === txn.cxid && !q.done) as Extract<Item, { kind: 'write' }> | undefined;
      if (conn !== undefined && item !== undefined) {
        const { rc, ...rest } = applied.result as { rc: 'OK' | ErrorName } & ReplyBody;
        this.send(conn.id, { t: 'reply', xid: txn.cxid, zxid: txn.zxid, rc, body: rc === 'OK' ? rest : undefined });
        item.done = true;
        // The session lives on another server now: this connection is stale (ZooKeeper closes it).
        if (rc === 'SESSION_MOVED') this.close(conn.id);
        else this.drain(conn);
      }
    }
    if (body.type === 'closeSession') {
      this.tracker?.remove(body.sessionId);
      this.owners.delete(body.sessionId);
      const connId = this.sessionConn.get(body.sessionId);
      if (connId !== undefined) this.close(connId);
    }
  }

  /** The leader says everything proposed before the sync is committed (and, FIFO, applied here). */
  syncDone(sessionId: SessionId, cxid: number): void {
    const connId = this.sessionConn.get(sessionId);
    const conn = connId === undefined ? undefined : this.conns.get(connId);
    const item = conn?.queue.find((q) => q.kind === 'sync' && q.xid === cxid) as Extract<Item, { kind: 'sync' }> | undefined;
    if (conn === undefined || item === undefined) return;
    item.done = true;
    this.drain(conn);
  }

  /** Answers the head of a session's queue as long as nothing earlier of it is still pending. */
  private drain(conn: ClientConn): void {
    const zxid = this.h.db.lastProcessedZxid;
    while (conn.queue.length > 0) {
      const item = conn.queue[0];
      if (item.kind === 'write' || item.kind === 'sync') {
        if (!item.done) return;
        if (item.kind === 'sync') this.send(conn.id, { t: 'reply', xid: item.xid, zxid, rc: 'OK', body: { path: item.path } });
      } else if (item.kind === 'ping') {
        this.send(conn.id, { t: 'pong', zxid });
      } else {
        this.answerRead(conn, item.xid, item.req);
      }
      conn.queue.shift();
    }
  }

  private answerRead(conn: ClientConn, xid: number, req: ClientRequest): void {
    for (const msg of answerLocally(this.h.db.tree, conn.id, xid, req)) this.send(conn.id, msg);
  }

  // ------------------------------------------------------------------ sessions

  private touch(session: SessionId): void {
    const timeout = this.h.db.sessions.get(session);
    if (this.tracker !== undefined) this.tracker.touch(session, this.h.now());
    else if (timeout !== undefined) this.touched.set(session, timeout);
  }

  /** A follower's PING reply carries these, and starts a new list. */
  takeTouched(): [SessionId, number][] {
    const t = [...this.touched];
    this.touched = new Map();
    return t;
  }

  /**
   * Leader: is the session alive? If so it is touched and `server` becomes its owner (so requests
   * still arriving through its old server fail with SESSION_MOVED).
   */
  revalidateAt(sessionId: SessionId, server: number): boolean {
    if (this.tracker === undefined || !this.tracker.touch(sessionId, this.h.now())) return false;
    this.owners.set(sessionId, server);
    return true;
  }

  /** The leader heard, through a follower, from these sessions. */
  touchedElsewhere(list: [SessionId, number][]): void {
    for (const [id] of list) this.tracker?.touch(id, this.h.now());
  }

  private armExpiry(): void {
    const at = this.tracker?.nextExpiry();
    if (at === undefined) this.h.fx.push({ kind: 'cancel-timer', timer: EXPIRY_TIMER });
    else this.h.fx.push({ kind: 'set-timer', timer: EXPIRY_TIMER, afterTicks: Math.max(0, at - this.h.now()) });
  }

  /** The leader's tracker: expire what is due by proposing closeSession for it. */
  onExpiryTimer(): void {
    if (this.tracker === undefined) return;
    for (const s of this.tracker.expire(this.h.now())) {
      this.h.fx.push({ kind: 'note', text: `session ${s.id} expired (timeout ${s.timeoutMs} ms)`, data: { expired: s.id } });
      this.h.submit({ op: 'closeSession' }, s.id, -1);
    }
    this.armExpiry();
  }

  // ------------------------------------------------------------------ plumbing

  private send(conn: ConnId, msg: ServerMsg): void {
    this.h.fx.push({ kind: 'send', conn, msg });
  }

  private close(conn: ConnId): void {
    this.h.fx.push({ kind: 'close', conn });
    this.forget(conn);
  }

  private forget(id: ConnId): void {
    const conn = this.conns.get(id);
    if (conn === undefined) return;
    this.conns.delete(id);
    this.h.db.tree.removeWatcher(id);
    if (conn.session !== undefined && this.sessionConn.get(conn.session) === id) this.sessionConn.delete(conn.session);
  }
}
