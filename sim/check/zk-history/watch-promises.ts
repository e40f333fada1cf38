/**
 * ZooKeeper's promise about one-shot watches, judged from what each client session sent and was
 * delivered: a watch set by getData / exists / getChildren fires at most once. The checker keeps
 * the registrations a correct client holds (ZKWatchManager's data, exist and child tables, per
 * session, across reconnects) and reports
 * - a notification that reaches a session with no registration left for it on that path (the
 *   server fired one watch twice, or fired one never set), and
 * - a SetWatches that re-sets a watch whose one registration already fired (the client would get
 *   the event of one registration a second time after the reconnect).
 * Persistent watches (addWatch) fire any number of times: their paths are not judged.
 *
 * The after-the-fact trace check `watch-order` (sim/check/trace/) looks at the same promise per
 * connection, as the server sees it; this one runs online and sees the client's side.
 */
import type { TraceEvent } from '../../kernel/trace/events.js';
import { CLIENT_PORT, type ClientMsg, type ClientRequest, type ServerMsg } from '../../zk/wire.js';
import { Violations, type Checker, type Verdict } from '../verdict.js';
import { InFlight } from '../in-flight.js';

type Table = 'data' | 'exist' | 'child';

interface Mark {
  at: number;
  seq: number;
  how: string;
}

interface SessionWatches {
  client: string;
  armed: Record<Table, Map<string, Mark>>;
  /** The last registration that fired, per `${table}:${path}`, until the path is watched again. */
  spent: Map<string, { set: Mark; type: string; at: number; seq: number }>;
  persistent: Set<string>;
  recursive: Set<string>;
}

/** Which tables an event takes its watchers from (ZKWatchManager.materialize). */
const TAKES: Record<string, Table[]> = {
  NODE_CREATED: ['data', 'exist'],
  NODE_DATA_CHANGED: ['data', 'exist'],
  NODE_DELETED: ['data', 'exist', 'child'],
  NODE_CHILDREN_CHANGED: ['child'],
};

export class WatchPromises implements Checker {
  readonly name = 'zk-watches';
  private readonly v = new Violations();
  /** Client-port messages sent and not delivered or dropped yet. */
  private readonly sent = new InFlight<{ conn: number; msg: ClientMsg | ServerMsg }>();
  /** Connection → the session its handshake answered, as the client learned it. */
  private readonly connSession = new Map<number, string>();
  /** Connection → its client and the requests that set or change watches, by xid, until their reply comes. */
  private readonly watchRequests = new Map<number, { client: string; byXid: Map<number, ClientRequest> }>();
  private readonly sessions = new Map<string, SessionWatches>();
  private registrations = 0;
  private notifications = 0;
  private resets = 0;

  onEvent(e: TraceEvent): void {
    switch (e.kind) {
      case 'send': {
        if (e.port !== CLIENT_PORT || e.conn === undefined) return;
        const msg = e.msg as ClientMsg | ServerMsg;
        if (msg.t === 'request') this.clientSends(e.from, e.conn, msg.xid, msg.req, e.at, e.seq);
        if (msg.t === 'connected' || msg.t === 'reply' || msg.t === 'event') this.sent.track(e.msgId, { conn: e.conn, msg });
        return;
      }
      case 'duplicate':
      case 'drop':
        this.sent.arrived(e);
        return;
      case 'deliver': {
        const m = this.sent.arrived(e);
        if (m === undefined) return;
        this.clientReceives(e.to, m.conn, m.msg as ServerMsg, e.at, e.seq);
        return;
      }
      case 'close':
        // Only the client's end: replies the server sent before closing its end still arrive.
        if (this.watchRequests.get(e.conn)?.client === e.node) this.watchRequests.delete(e.conn);
        return;
      default:
        return;
    }
  }

  private session(id: string, client: string): SessionWatches {
    let s = this.sessions.get(id);
    if (s === undefined) {
      s = { client, armed: { data: new Map(), exist: new Map(), child: new Map() }, spent: new Map(), persistent: new Set(), recursive: new Set() };
      this.sessions.set(id, s);
    }
    return s;
  }

  private clientSends(client: string, conn: number, xid: number, req: ClientRequest, at: number, seq: number): void {
    const id = this.connSession.get(conn);
    if (req.op === 'setWatches') {
      if (id === undefined) return;
      const s = this.session(id, client);
      this.resets++;
      for (const [table, paths] of [['data', req.data], ['exist', req.exist], ['child', req.child]] as const) {
        for (const path of paths) {
          if (s.armed[table].has(path)) continue;
          const spent = s.spent.get(`${table}:${path}`);
          this.v.add(
            spent === undefined
              ? `${client} (session ${id}) re-set a ${table} watch on ${path} with SetWatches at ${at} (event #${seq}) that it never set`
              : `${client} (session ${id}) re-set its ${table} watch on ${path} with SetWatches at ${at} (event #${seq}), but that registration (${spent.set.how} at ${spent.set.at}) had already fired with ${spent.type} at ${spent.at} (event #${spent.seq}): one registration, notified twice`,
          );
          // Count it as set again, so what the server fires for it is not reported a second time.
          s.armed[table].set(path, { at, seq, how: 'SetWatches' });
        }
      }
      return;
    }
    const watches = (req.op === 'getData' || req.op === 'exists' || req.op === 'getChildren') && req.watch;
    if (!watches && req.op !== 'addWatch' && req.op !== 'removeWatches') return;
    let w = this.watchRequests.get(conn);
    if (w === undefined) this.watchRequests.set(conn, (w = { client, byXid: new Map() }));
    w.byXid.set(xid, req);
  }

  private clientReceives(client: string, conn: number, msg: ServerMsg, at: number, seq: number): void {
    if (msg.t === 'connected') {
      // Timeout 0: the session is over, and the client drops every watch it had.
      if (msg.timeoutMs > 0) this.connSession.set(conn, msg.sessionId);
      else this.sessions.delete(msg.sessionId);
      return;
    }
    const id = this.connSession.get(conn);
    if (id === undefined) return;
    if (msg.t === 'reply') {
      const byXid = this.watchRequests.get(conn)?.byXid;
      const req = byXid?.get(msg.xid);
      if (req === undefined) return;
      byXid!.delete(msg.xid);
      this.onReply(this.session(id, client), req, msg.rc, at, seq);
      return;
    }
    if (msg.t === 'event') this.onNotification(id, this.session(id, client), msg.type, msg.path, at, seq);
  }

  /** Mirrors SimZkClient.complete / ZKWatchManager: which table a successful watching read adds to. */
  private onReply(s: SessionWatches, req: ClientRequest, rc: string, at: number, seq: number): void {
    const arm = (table: Table, path: string): void => {
      this.registrations++;
      s.armed[table].set(path, { at, seq, how: req.op });
      s.spent.delete(`${table}:${path}`);
    };
    if (req.op === 'getData' && rc === 'OK') arm('data', req.path);
    else if (req.op === 'exists' && rc === 'OK') arm('data', req.path);
    else if (req.op === 'exists' && rc === 'NO_NODE') arm('exist', req.path);
    else if (req.op === 'getChildren' && rc === 'OK') arm('child', req.path);
    else if (req.op === 'addWatch' && rc === 'OK') (req.mode === 'PERSISTENT' ? s.persistent : s.recursive).add(req.path);
    else if (req.op === 'removeWatches' && rc === 'OK') {
      if (req.type !== 'DATA') s.armed.child.delete(req.path);
      if (req.type !== 'CHILDREN') {
        s.armed.data.delete(req.path);
        s.armed.exist.delete(req.path);
      }
      if (req.type === 'ANY') {
        s.persistent.delete(req.path);
        s.recursive.delete(req.path);
      }
    }
  }

  private onNotification(id: string, s: SessionWatches, type: string, path: string, at: number, seq: number): void {
    const tables = TAKES[type];
    if (tables === undefined) return;
    this.notifications++;
    let fired = false;
    for (const table of tables) {
      const mark = s.armed[table].get(path);
      if (mark === undefined) continue;
      fired = true;
      s.armed[table].delete(path);
      s.spent.set(`${table}:${path}`, { set: mark, type, at, seq });
    }
    if (fired || this.persistentCovers(s, type, path)) return;
    const spent = tables.map((t) => s.spent.get(`${t}:${path}`)).find((m) => m !== undefined);
    this.v.add(
      spent === undefined
        ? `${s.client} (session ${id}) got ${type} ${path} at ${at} (event #${seq}) with no watch set on ${path}`
        : `${s.client} (session ${id}) got ${type} ${path} at ${at} (event #${seq}), but its watch on ${path} (${spent.set.how} at ${spent.set.at}) had already fired with ${spent.type} at ${spent.at} (event #${spent.seq}): one registration, notified twice`,
    );
  }

  private persistentCovers(s: SessionWatches, type: string, path: string): boolean {
    if (s.persistent.has(path)) return true;
    if (type === 'NODE_CHILDREN_CHANGED' || s.recursive.size === 0) return false;
    for (let p = path; ; p = p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/'))) {
      if (s.recursive.has(p)) return true;
      if (p === '/') return false;
    }
  }

  finish(): Verdict {
    const what = `${this.registrations} one-shot watch registrations, ${this.notifications} notifications, ${this.resets} SetWatches`;
    return this.v.verdict(this.name, `${what}: every notification answered one registration, and reconnects re-set only watches that had not fired`, `watch notifications beyond one per registration (${what})`);
  }
}
