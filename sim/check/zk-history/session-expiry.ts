/**
 * ZooKeeper's promise about session expiry: a session expires only after its timeout passed
 * without the ensemble hearing from its client. The leader's session tracker owns expiry; it
 * hears of a session
 * - when a client message (ping or request) of the session reaches the leader itself,
 * - through a follower: a client message reaches the follower, and the follower's next PING reply
 *   (which lists the sessions its clients touched) reaches the leader in the same follower role,
 * - when a follower asks the leader to revalidate the session for a reconnecting client,
 * - and a new leader's tracker counts every session as heard when the leader starts serving.
 * An expiry (the leader's `session … expired` note) sooner than the timeout after the last of
 * these is a violation. Only what certainly reached the leader counts, so partitions, pauses and
 * lost packets — which do expire sessions legitimately — cannot make a correct run fail; a tenth
 * of the timeout is left for clock drift.
 */
import type { TraceEvent } from '../../kernel/trace/events.js';
import { CLIENT_PORT, type ClientMsg, type ServerMsg } from '../../zk/wire.js';
import { QUORUM_PORT } from '../../zk/quorum/packets.js';
import { Violations, type Checker, type Verdict } from '../verdict.js';
import { InFlight } from '../in-flight.js';

interface Heard {
  at: number;
  how: string;
}

/** Notes after which a server's role (and with it its serving state and tracker) is a new one. */
const ROLE_NOTES = new Set(['lead', 'follow', 'looking', 'uptodate', 'established']);

/** Slack for clock drift, as a fraction of the timeout. */
const DRIFT_SLACK = 0.1;

export class SessionExpiry implements Checker {
  readonly name = 'zk-session-expiry';
  private readonly v = new Violations();
  /** Client → server messages, and the sessions a PING reply vouches for, until delivered. */
  private readonly sent = new InFlight<{ kind: 'client'; conn: number; what: string } | { kind: 'pingreply'; sessions: Map<string, Heard> } | { kind: 'revalidate'; session: string }>();
  /** Client connection → the server and session of its handshake, as the server answered it. */
  private readonly serverConn = new Map<number, { server: string; session: string; client: string }>();
  private readonly timeouts = new Map<string, number>();
  /** Bumped whenever a server's role changes: what it heard before is not carried over. */
  private readonly gen = new Map<string, number>();
  /** A server leading and serving, since when (its tracker's start), in which role generation. */
  private readonly leading = new Map<string, { since: number; gen: number }>();
  private readonly heard = new Map<string, Map<string, Heard>>();
  /** A follower's clients' messages since its last PING reply. */
  private readonly relay = new Map<string, { gen: number; sessions: Map<string, Heard> }>();
  private expiries = 0;

  onEvent(e: TraceEvent): void {
    switch (e.kind) {
      case 'send':
        return this.onSend(e);
      case 'duplicate':
      case 'drop':
        this.sent.arrived(e);
        return;
      case 'deliver': {
        const m = this.sent.arrived(e);
        if (m === undefined) return;
        if (m.kind === 'client') this.clientMessage(e.to, m.conn, m.what, e.at);
        else if (m.kind === 'revalidate') this.hear(e.to, m.session, { at: e.at, how: `a REVALIDATE from ${e.from}` });
        else for (const [session, h] of m.sessions) this.hear(e.to, session, { at: e.at, how: `${e.from}'s PING reply (${h.how} at ${h.at})` });
        return;
      }
      case 'close': {
        const c = this.serverConn.get(e.conn);
        if (c !== undefined && c.server === e.node) this.serverConn.delete(e.conn);
        return;
      }
      case 'role':
      case 'crash':
      case 'boot':
        this.newRole(e.node);
        if (e.kind !== 'role') for (const [conn, c] of this.serverConn) if (c.server === e.node) this.serverConn.delete(conn);
        return;
      case 'note':
        return this.onNote(e.node, e.at, e.data as { zab?: string; expired?: string } | undefined);
      default:
        return;
    }
  }

  private onSend(e: Extract<TraceEvent, { kind: 'send' }>): void {
    if (e.port === CLIENT_PORT && e.conn !== undefined) {
      const msg = e.msg as ClientMsg | ServerMsg;
      if (msg.t === 'connected' && msg.timeoutMs > 0) {
        this.serverConn.set(e.conn, { server: e.from, session: msg.sessionId, client: e.to });
        this.timeouts.set(msg.sessionId, msg.timeoutMs);
      } else if (msg.t === 'ping' || msg.t === 'request') {
        this.sent.track(e.msgId, { kind: 'client', conn: e.conn, what: msg.t === 'ping' ? 'a ping' : `a ${msg.req.op} request` });
      }
      return;
    }
    if (e.port !== QUORUM_PORT) return;
    const pk = e.msg as { t?: string; sessionId?: string };
    if (pk.t === 'REVALIDATE' && pk.sessionId !== undefined) this.sent.track(e.msgId, { kind: 'revalidate', session: pk.sessionId });
    if (pk.t !== 'PINGREPLY') return;
    // Whatever the reply lists, it should vouch for every session the follower heard from since its last one.
    const r = this.relay.get(e.from);
    this.relay.delete(e.from);
    if (r !== undefined && r.gen === this.genOf(e.from) && r.sessions.size > 0) this.sent.track(e.msgId, { kind: 'pingreply', sessions: r.sessions });
  }

  private clientMessage(server: string, conn: number, what: string, at: number): void {
    const c = this.serverConn.get(conn);
    if (c === undefined || c.server !== server) return;
    const how = `${what} from ${c.client}`;
    if (this.isLeading(server)) return this.hear(server, c.session, { at, how });
    const gen = this.genOf(server);
    let r = this.relay.get(server);
    if (r === undefined || r.gen !== gen) this.relay.set(server, (r = { gen, sessions: new Map() }));
    r.sessions.set(c.session, { at, how });
  }

  private hear(leader: string, session: string, h: Heard): void {
    if (!this.isLeading(leader)) return;
    let m = this.heard.get(leader);
    if (m === undefined) this.heard.set(leader, (m = new Map()));
    m.set(session, h);
  }

  private onNote(node: string, at: number, data: { zab?: string; expired?: string } | undefined): void {
    if (data === undefined) return;
    if (data.zab !== undefined && ROLE_NOTES.has(data.zab)) {
      this.newRole(node);
      if (data.zab === 'established') this.leading.set(node, { since: at, gen: this.genOf(node) });
      return;
    }
    if (typeof data.expired !== 'string') return;
    const session = data.expired;
    const lead = this.leading.get(node);
    const timeout = this.timeouts.get(session);
    if (lead === undefined || lead.gen !== this.genOf(node) || timeout === undefined) return;
    this.expiries++;
    const h = this.heard.get(node)?.get(session);
    const last: Heard = h !== undefined && h.at > lead.since ? h : { at: lead.since, how: `${node} starting to lead` };
    if (at - last.at < timeout * (1 - DRIFT_SLACK)) {
      this.v.add(`${node} expired session ${session} (timeout ${timeout} ms) at ${at}, only ${at - last.at} ms after it last heard from it: ${last.how} reached it at ${last.at}`);
    }
  }

  private isLeading(node: string): boolean {
    return this.leading.get(node)?.gen === this.genOf(node);
  }

  private genOf(node: string): number {
    return this.gen.get(node) ?? 0;
  }

  private newRole(node: string): void {
    this.gen.set(node, this.genOf(node) + 1);
    this.relay.delete(node);
    this.heard.delete(node);
  }

  finish(): Verdict {
    return this.v.verdict(
      this.name,
      `${this.expiries} session expiries, each at least the session timeout after the leader last heard from the session (directly, through a follower's PING reply, or by revalidation)`,
      `sessions expired while their clients were heard from within the timeout (${this.expiries} expiries in all)`,
    );
  }
}
