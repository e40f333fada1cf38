// Clients on an ensemble: writes forwarded to the leader, reads served locally, sync, watches on
// any server, sessions that survive a leader change, expiry owned by the leader.
import { describe, expect, it } from 'vitest';
import { ZabInvariants } from '../sim/check/zab-invariants.js';
import { EnsembleWorld } from '../sim/harness/ensemble-world.js';
import type { SimZkClient } from '../sim/client/sim-client.js';
import type { Result, WatchedEvent } from '../sim/client/zk-client.js';

function setup(clients: string[], options: ConstructorParameters<typeof EnsembleWorld>[0] = {}) {
  const ew = new EnsembleWorld({ servers: 3, clients, ...options });
  const inv = new ZabInvariants(ew.world, ew.servers);
  ew.trace.subscribe(() => inv.check());
  ew.runUntil(() => ew.settled());
  const op = <T = any>(c: string, h: SimZkClient, start: (h: SimZkClient, done: (r: Result<T>) => void) => void) =>
    ew.perform(c, (_p, done: (r: Result<T> & Record<string, any>) => void) => start(h, done as never), 60_000) as Result<T> & Record<string, any>;
  return { ew, inv, op };
}

describe('clients on an ensemble', () => {
  it('a write through a follower is forwarded to the leader and answered; reads at another server see it after sync', () => {
    const { ew, inv, op } = setup(['c1', 'c2']);
    const a = ew.connect('c1', { servers: ['s1'] }); // a follower
    const b = ew.connect('c2', { servers: ['s2'] }); // another follower
    expect(a.state).toBe('CONNECTED');
    expect(a.sessionId).toMatch(/^0x01/); // made by s1: its sid in the top byte
    expect(op('c1', a, (h, d) => h.create('/x', 'v1', 'PERSISTENT', d))).toEqual({ rc: 'OK', path: '/x' });
    expect(op('c2', b, (h, d) => h.sync('/x', d)).rc).toBe('OK');
    expect(op('c2', b, (h, d) => h.getData('/x', false, d))).toMatchObject({ rc: 'OK', data: 'v1' });
    expect(inv.finish().violations).toEqual([]);
  });

  it('a watch set at one server fires for a change made through another', () => {
    const { ew, op } = setup(['c1', 'c2']);
    const a = ew.connect('c1', { servers: ['s1'] });
    const b = ew.connect('c2', { servers: ['s3'] });
    const seen: string[] = [];
    b.onEvent((e: WatchedEvent) => e.type !== 'NONE' && seen.push(`${e.type} ${e.path}`));
    op('c2', b, (h, d) => h.exists('/w', true, d));
    op('c1', a, (h, d) => h.create('/w', null, 'PERSISTENT', d));
    ew.runUntil(() => seen.length > 0, 5000);
    expect(seen).toEqual(['NODE_CREATED /w']);
  });

  it('a session and its ephemeral survive the death of the leader its client was connected to', () => {
    const { ew, inv, op } = setup(['c1', 'c2']);
    const leader = ew.leader()!;
    const a = ew.connect('c1', { servers: [leader, ...ew.servers.filter((s) => s !== leader)] });
    const b = ew.connect('c2', { servers: ew.servers.filter((s) => s !== leader) });
    op('c1', a, (h, d) => h.create('/eph', null, 'EPHEMERAL', d));
    const before = a.sessionId;
    ew.fault({ kind: 'crash', node: leader, mode: 'process' });
    ew.runUntil(() => ew.settled() && a.state === 'CONNECTED', 60_000);
    expect(a.sessionId).toBe(before);
    op('c2', b, (h, d) => h.sync('/', d));
    expect(op('c2', b, (h, d) => h.exists('/eph', false, d)).stat.ephemeralOwner).toBe(before);
    expect(inv.finish().violations).toEqual([]);
  });

  it('the leader expires a silent session; its ephemerals vanish on every server; the client learns it on reconnect', () => {
    const { ew, inv, op } = setup(['c1', 'c2'], { sessionTimeoutMs: 6000 });
    const a = ew.connect('c1', { servers: ['s1'] });
    const b = ew.connect('c2', { servers: ['s2'] });
    op('c1', a, (h, d) => h.create('/lease', null, 'EPHEMERAL', d));
    const deleted: number[] = [];
    b.onEvent((e) => e.type === 'NODE_DELETED' && deleted.push(ew.now));
    op('c2', b, (h, d) => h.exists('/lease', true, d));
    op('c1', a, (h, d) => h.exists('/', false, d));
    const silentAt = ew.now;
    ew.fault({ kind: 'isolate', node: 'c1' });
    ew.runUntil(() => deleted.length > 0, 60_000);
    const after = deleted[0] - silentAt;
    // The follower reports touches at the next PING (≤ tickTime/2 late); the leader's buckets add up to a tick.
    expect(after).toBeGreaterThanOrEqual(6000);
    expect(after).toBeLessThanOrEqual(6000 + 2000 + 1000 + 50);
    ew.fault({ kind: 'heal' });
    ew.runUntil(() => a.state === 'EXPIRED', 60_000);
    for (const s of ew.servers) expect(ew.peer(s)!.db.tree.get('/lease')).toBeUndefined();
    expect(inv.finish().violations).toEqual([]);
  });

  it('an idle client of a follower keeps its session: the follower reports its pings to the leader', () => {
    const { ew, op } = setup(['c1'], { sessionTimeoutMs: 4000 });
    const a = ew.connect('c1', { servers: ['s1'] });
    op('c1', a, (h, d) => h.create('/mine', null, 'EPHEMERAL', d));
    ew.advance(60_000);
    expect(a.state).toBe('CONNECTED');
    expect(ew.peer(ew.leader()!)!.db.tree.get('/mine')).toBeDefined();
  });
});

describe('session checks at the leader', () => {
  it('a write of an unknown (expired) session becomes a SESSION_EXPIRED error transaction: no ghost ephemeral', () => {
    const { ew, inv } = setup([]);
    const leader = ew.leader()!;
    let zxid: string | undefined;
    ew.world.call(leader, { write: { op: 'create', path: '/ghost', data: null, mode: 'EPHEMERAL' }, sessionId: '0x01000000deadbeef', done: (z: string | undefined) => (zxid = z) });
    ew.advance(1000);
    expect(zxid).toBeDefined(); // it took a zxid, as every write does
    const applied = ew.peer(leader)!.db.applied.at(-1)!;
    expect(applied.body).toEqual({ type: 'error', rc: 'SESSION_EXPIRED' });
    for (const s of ew.servers) expect(ew.peer(s)!.db.tree.get('/ghost')).toBeUndefined();
    expect(inv.finish().violations).toEqual([]);
  });
});

describe('a session that moves (REVALIDATE, SESSION_MOVED)', () => {
  it('reconnecting elsewhere revalidates the session with the leader; its old server then gets SESSION_MOVED and drops the stale connection', async () => {
    const { passwordFor } = await import('../sim/zk/session-tracker.js');
    const { ew, op, inv } = setup(['c1', 'c2']);
    const a = ew.connect('c1', { servers: ['s1'] });
    const id = a.sessionId!;
    // The same session, resumed from another process on s2 (as a client does after losing s1).
    const moved = ew.connect('c2', { servers: ['s2'], session: { id, passwd: passwordFor(id) } });
    expect(moved.state).toBe('CONNECTED');
    expect(moved.sessionId).toBe(id);
    expect(op('c2', moved, (h, d) => h.create('/here', null, 'EPHEMERAL', d)).rc).toBe('OK');
    // A request on the old connection: s1 forwards it, the leader says the session is no longer s1's.
    expect(op('c1', a, (h, d) => h.setData('/here', 'x', -1, d)).rc).toBe('SESSION_MOVED');
    ew.runUntil(() => a.state !== 'CONNECTED', 10_000); // s1 closed the stale connection
    // A session id with a wrong password is refused as expired.
    const bad = ew.connect('c2', { servers: ['s3'], session: { id, passwd: 'nope' } });
    expect(bad.state).toBe('EXPIRED');
    expect(inv.finish().violations).toEqual([]);
  });
});
