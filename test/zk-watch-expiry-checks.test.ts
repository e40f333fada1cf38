/**
 * The online checkers of watches (`zk-watches`) and session expiry (`zk-session-expiry`) on
 * hand-built traces, and the session-close part of `zk-sessions` on a hand-built committed history.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../sim/kernel/trace/events.js';
import type { Checker } from '../sim/check/verdict.js';
import { WatchPromises } from '../sim/check/zk-history/watch-promises.js';
import { SessionExpiry } from '../sim/check/zk-history/session-expiry.js';
import { CommittedStates } from '../sim/check/zk-history/committed-states.js';
import { judgeSessions } from '../sim/check/zk-history/session-guarantees.js';
import { zxid } from '../sim/zk/zxid.js';

const X = '0x0100000000000001';
const Z = { epoch: 1, counter: 5 };

/** Builds a trace: messages sent and delivered, notes, role changes, in the order given. */
class TraceBuilder {
  readonly events: TraceEvent[] = [];
  private seq = 0;
  private msgId = 0;

  /** A message that is sent at `at` and (unless `lost`) delivered at `deliverAt`. */
  msg(at: number, from: string, to: string, conn: number, msg: unknown, opts: { port?: string; deliverAt?: number; lost?: boolean } = {}): this {
    const id = ++this.msgId;
    this.events.push({ seq: this.seq++, at, kind: 'send', msgId: id, from, to, port: opts.port ?? 'client', conn, msg });
    const when = opts.deliverAt ?? at;
    this.events.push(opts.lost === true ? { seq: this.seq++, at: when, kind: 'drop', msgId: id, from, to, reason: 'partition' } : { seq: this.seq++, at: when, kind: 'deliver', msgId: id, from, to });
    return this;
  }

  note(at: number, node: string, data: unknown): this {
    this.events.push({ seq: this.seq++, at, kind: 'note', node, text: 'note', data });
    return this;
  }

  role(at: number, node: string, role: string): this {
    this.events.push({ seq: this.seq++, at, kind: 'role', node, role });
    return this;
  }

  close(at: number, node: string, conn: number, peer: string): this {
    this.events.push({ seq: this.seq++, at, kind: 'close', conn, node, peer, reason: 'local' });
    return this;
  }

  run(c: Checker) {
    for (const e of this.events) c.onEvent(e);
    return c.finish();
  }
}

const handshake = (b: TraceBuilder, at: number, conn: number, server = 's1', client = 'c1', timeoutMs = 4000) =>
  b.msg(at, server, client, conn, { t: 'connected', timeoutMs, sessionId: X, passwd: 'p' });
const request = (b: TraceBuilder, at: number, conn: number, xid: number, req: unknown, server = 's1') => b.msg(at, 'c1', server, conn, { t: 'request', xid, req });
const reply = (b: TraceBuilder, at: number, conn: number, xid: number, rc = 'OK', server = 's1') => b.msg(at, server, 'c1', conn, { t: 'reply', xid, zxid: Z, rc });
const event = (b: TraceBuilder, at: number, conn: number, type: string, path: string, server = 's1') => b.msg(at, server, 'c1', conn, { t: 'event', type, path });
const setWatches = (b: TraceBuilder, at: number, conn: number, lists: { data?: string[]; exist?: string[]; child?: string[] }, server = 's2') =>
  request(b, at, conn, -8, { op: 'setWatches', relativeZxid: Z, data: lists.data ?? [], exist: lists.exist ?? [], child: lists.child ?? [], persistent: [], persistentRecursive: [] }, server);

describe('zk-watches', () => {
  it('passes one notification per registration, across a reconnect that re-sets the unfired watches', () => {
    const b = new TraceBuilder();
    handshake(b, 0, 1);
    request(b, 10, 1, 1, { op: 'getData', path: '/a', watch: true });
    reply(b, 11, 1, 1);
    request(b, 12, 1, 2, { op: 'exists', path: '/b', watch: true });
    reply(b, 13, 1, 2, 'NO_NODE');
    request(b, 14, 1, 3, { op: 'getChildren', path: '/', watch: true });
    reply(b, 15, 1, 3);
    event(b, 20, 1, 'NODE_DATA_CHANGED', '/a');
    // The client loses its server and re-sets what has not fired on another one, which fires it.
    handshake(b, 30, 2, 's2');
    setWatches(b, 31, 2, { exist: ['/b'], child: ['/'] });
    event(b, 32, 2, 'NODE_CREATED', '/b', 's2');
    event(b, 33, 2, 'NODE_CHILDREN_CHANGED', '/', 's2');
    // Set again, fires again: a new registration.
    request(b, 40, 2, 4, { op: 'getData', path: '/a', watch: true }, 's2');
    reply(b, 41, 2, 4, 'OK', 's2');
    event(b, 42, 2, 'NODE_DELETED', '/a', 's2');
    const v = b.run(new WatchPromises());
    expect(v.violations).toEqual([]);
    expect(v.status).toBe('pass');
    expect(v.summary).toMatch(/^4 one-shot watch registrations, 4 notifications, 1 SetWatches/);
  });

  it('fails a second notification for one registration (the server kept the watch)', () => {
    const b = new TraceBuilder();
    handshake(b, 0, 1);
    request(b, 10, 1, 1, { op: 'exists', path: '/a', watch: true });
    reply(b, 11, 1, 1);
    event(b, 20, 1, 'NODE_DATA_CHANGED', '/a');
    event(b, 30, 1, 'NODE_DELETED', '/a');
    const v = b.run(new WatchPromises());
    expect(v.status).toBe('fail');
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]).toMatch(/got NODE_DELETED \/a at 30 .* had already fired with NODE_DATA_CHANGED at 20 .*notified twice/);
  });

  it('fails a reconnect that re-sets a watch which already fired (the client kept it)', () => {
    const b = new TraceBuilder();
    handshake(b, 0, 1);
    request(b, 10, 1, 1, { op: 'exists', path: '/lock/n1', watch: true });
    reply(b, 11, 1, 1);
    event(b, 20, 1, 'NODE_DELETED', '/lock/n1');
    handshake(b, 30, 2, 's2');
    setWatches(b, 31, 2, { data: ['/lock/n1'] });
    // What the server fires for the re-set watch is the same incident: reported once.
    event(b, 32, 2, 'NODE_DELETED', '/lock/n1', 's2');
    const v = b.run(new WatchPromises());
    expect(v.status).toBe('fail');
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]).toMatch(/re-set its data watch on \/lock\/n1 with SetWatches at 31 .* \(exists at 11\) had already fired with NODE_DELETED at 20/);
  });

  it('fails a notification for a watch never set, and ignores paths under persistent watches', () => {
    const b = new TraceBuilder();
    handshake(b, 0, 1);
    request(b, 10, 1, 1, { op: 'addWatch', path: '/p', mode: 'PERSISTENT_RECURSIVE' });
    reply(b, 11, 1, 1);
    event(b, 20, 1, 'NODE_CREATED', '/p/x');
    event(b, 21, 1, 'NODE_DATA_CHANGED', '/p/x');
    // getData on a missing node leaves no watch.
    request(b, 22, 1, 2, { op: 'getData', path: '/q', watch: true });
    reply(b, 23, 1, 2, 'NO_NODE');
    event(b, 30, 1, 'NODE_CREATED', '/q');
    const v = b.run(new WatchPromises());
    expect(v.status).toBe('fail');
    expect(v.violations).toEqual([expect.stringMatching(/got NODE_CREATED \/q at 30 .* with no watch set on \/q/)]);
  });

  it('forgets the watches of a session the server expired', () => {
    const b = new TraceBuilder();
    handshake(b, 0, 1);
    request(b, 10, 1, 1, { op: 'getData', path: '/a', watch: true });
    reply(b, 11, 1, 1);
    b.msg(20, 's2', 'c1', 2, { t: 'connected', timeoutMs: 0, sessionId: X, passwd: '' });
    expect(b.run(new WatchPromises()).status).toBe('pass');
  });
});

describe('zk-session-expiry', () => {
  /** s1 leads from 0; c1's session X (timeout 4000) is on follower s2 over connection 7. */
  function ensemble(): TraceBuilder {
    const b = new TraceBuilder();
    b.note(0, 's1', { zab: 'established', epoch: 1, leader: 1 });
    handshake(b, 100, 7, 's2');
    return b;
  }
  const ping = (b: TraceBuilder, at: number, server = 's2', conn = 7) => b.msg(at, 'c1', server, conn, { t: 'ping' });
  const pingReply = (b: TraceBuilder, at: number, opts: { lost?: boolean } = {}) => b.msg(at, 's2', 's1', 50, { t: 'PINGREPLY', touched: [] }, { port: 'quorum', deliverAt: at + 5, ...opts });
  const expire = (b: TraceBuilder, at: number) => b.note(at, 's1', { expired: X });

  it('fails an expiry while a follower relayed the client\'s pings', () => {
    const b = ensemble();
    for (const t of [1000, 2000, 3000]) {
      ping(b, t);
      pingReply(b, t + 100);
    }
    expire(b, 5000);
    const v = b.run(new SessionExpiry());
    expect(v.status).toBe('fail');
    expect(v.violations[0]).toMatch(/s1 expired session 0x0100000000000001 \(timeout 4000 ms\) at 5000, only 1895 ms after it last heard from it: s2's PING reply \(a ping from c1 at 3000\) reached it at 3105/);
  });

  it('passes an expiry a timeout after the last relayed ping', () => {
    const b = ensemble();
    ping(b, 1000);
    pingReply(b, 1100);
    pingReply(b, 2100);
    expire(b, 5500);
    const v = b.run(new SessionExpiry());
    expect(v.violations).toEqual([]);
    expect(v.summary).toMatch(/^1 session expiries/);
  });

  it('counts no ping whose follower never got a PING reply through, or changed role before it', () => {
    const b = ensemble();
    ping(b, 1000);
    pingReply(b, 1100);
    // A partition between s2 and the leader: s2 hears the client, the leader does not.
    ping(b, 2000);
    pingReply(b, 2100, { lost: true });
    // s2 loses its leader and comes back: what it heard before is gone.
    ping(b, 3000);
    b.role(3050, 's2', 'LOOKING');
    b.role(3080, 's2', 'FOLLOWING');
    pingReply(b, 3100);
    // A ping after the last PING reply vouches for nothing yet.
    ping(b, 4900);
    expire(b, 5200);
    expect(b.run(new SessionExpiry()).status).toBe('pass');
  });

  it('fails an expiry too soon after a ping to the leader itself, or after the leader started', () => {
    const direct = new TraceBuilder();
    direct.note(0, 's1', { zab: 'established' });
    handshake(direct, 100, 8, 's1');
    ping(direct, 3000, 's1', 8);
    expire(direct, 5000);
    expect(direct.run(new SessionExpiry()).violations[0]).toMatch(/only 2000 ms after .*: a ping from c1 reached it at 3000/);

    const fresh = ensemble();
    fresh.role(3900, 's1', 'LOOKING');
    fresh.role(3950, 's1', 'LEADING');
    fresh.note(4000, 's1', { zab: 'established' });
    expire(fresh, 6000);
    expect(fresh.run(new SessionExpiry()).violations[0]).toMatch(/only 2000 ms after it last heard from it: s1 starting to lead reached it at 4000/);
  });

  it('ignores messages on a connection the server closed', () => {
    const b = ensemble();
    b.close(2500, 's2', 7, 'c1');
    ping(b, 3000);
    pingReply(b, 3100);
    expire(b, 4500);
    expect(b.run(new SessionExpiry()).status).toBe('pass');
  });
});

describe('zk-sessions: a session close takes the session\'s ephemerals with it', () => {
  const S = '0x0100000000000001';
  const states = (closePaths: string[]) =>
    new CommittedStates([
      { zxid: zxid(1, 1), body: { type: 'createSession', sessionId: S, timeoutMs: 4000 } },
      { zxid: zxid(1, 2), body: { type: 'create', path: '/e1', data: 'x', owner: S } },
      { zxid: zxid(1, 3), body: { type: 'create', path: '/e2', data: 'x', owner: S } },
      { zxid: zxid(1, 4), body: { type: 'delete', path: '/e2' } },
      { zxid: zxid(1, 5), body: { type: 'create', path: '/p', data: 'x', owner: '0x0000000000000000' } },
      { zxid: zxid(1, 6), body: { type: 'closeSession', sessionId: S, paths: closePaths } },
    ]);

  it('passes a close that lists every ephemeral still owned', () => {
    expect(judgeSessions([], states(['/e1'])).status).toBe('pass');
  });

  it('fails a close that leaves one in place', () => {
    const v = judgeSessions([], states([]));
    expect(v.status).toBe('fail');
    expect(v.violations).toEqual([`ephemerals: the close of session ${S} (committed at 0x100000006) left its ephemeral /e1 in place`]);
  });
});
