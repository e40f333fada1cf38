// Sessions, connection loss, expiry, reconnection and recovery of the standalone server.
import { describe, expect, it } from 'vitest';
import { ZkWorld } from '../sim/harness/zk-world.js';
import { MemorySink } from '../sim/kernel/trace/trace.js';
import { stateEvents, standalone, znodeEvents } from './helpers/zk.js';

describe('session timeout negotiation and liveness', () => {
  it('clamps the requested timeout into [2, 20] × tickTime', () => {
    const zw = new ZkWorld({ clients: ['c1'], server: { tickTimeMs: 2000 } });
    expect(zw.connect('c1', { sessionTimeoutMs: 1000 }).negotiatedTimeoutMs).toBe(4000);
    expect(zw.connect('c1', { sessionTimeoutMs: 100_000 }).negotiatedTimeoutMs).toBe(40_000);
    expect(zw.connect('c1', { sessionTimeoutMs: 9000 }).negotiatedTimeoutMs).toBe(9000);
  });

  it('session ids carry the server id in the top byte and differ per session', () => {
    const zw = new ZkWorld({ clients: ['c1'] });
    const a = zw.connect('c1').sessionId!;
    const b = zw.connect('c1').sessionId!;
    expect(a).toMatch(/^0x01[0-9a-f]{14}$/);
    expect(BigInt(b) - BigInt(a)).toBe(1n);
  });

  it('an idle client pings and keeps its session for many timeouts', () => {
    const { zw, h, op } = standalone(1, { sessionTimeoutMs: 6000 });
    op(0, (c, d) => c.create('/e', null, 'EPHEMERAL', d));
    zw.advance(60_000);
    expect(h[0].state).toBe('CONNECTED');
    expect(op(0, (c, d) => c.exists('/e', false, d)).rc).toBe('OK');
  });
});

describe('connection loss', () => {
  it('fails requests in flight with CONNECTION_LOSS, reconnects, and the session lives on', () => {
    const { zw, h, clients, op, events } = standalone(1);
    op(0, (c, d) => c.create('/e', null, 'EPHEMERAL', d));
    let lost: string | undefined;
    zw.call(clients[0], () => h[0].setData('/e', 'x', -1, (r) => (lost = r.rc)));
    zw.fault({ kind: 'kill-connections', nodes: ['c1'] });
    zw.runUntil(() => lost !== undefined);
    expect(lost).toBe('CONNECTION_LOSS');
    zw.runUntil(() => h[0].state === 'CONNECTED');
    expect(stateEvents(events[0]).slice(-2)).toEqual(['DISCONNECTED', 'CONNECTED']);
    expect(op(0, (c, d) => c.exists('/e', false, d)).stat.ephemeralOwner).toBe(h[0].sessionId);
  });

  it('re-sets watches on reconnect and fires those whose change it missed', () => {
    const { zw, h, op, events } = standalone(2);
    op(0, (c, d) => c.create('/d', 'v0', 'PERSISTENT', d));
    op(0, (c, d) => c.create('/kept', 'v0', 'PERSISTENT', d));
    op(0, (c, d) => c.getData('/d', true, d));
    op(0, (c, d) => c.getData('/kept', true, d));
    op(0, (c, d) => c.exists('/born', true, d));
    zw.fault({ kind: 'isolate', node: ['c1'] });
    op(1, (c, d) => c.setData('/d', 'v1', -1, d));
    op(1, (c, d) => c.create('/born', null, 'PERSISTENT', d));
    zw.runUntil(() => h[0].state === 'DISCONNECTED');
    zw.fault({ kind: 'heal' });
    zw.runUntil(() => h[0].state === 'CONNECTED');
    op(0, (c, d) => c.sync('/', d));
    expect(znodeEvents(events[0])).toEqual(['NODE_DATA_CHANGED /d', 'NODE_CREATED /born']);
    // The watch on /kept was re-registered, not fired: it fires on the next change.
    op(1, (c, d) => c.setData('/kept', 'v1', -1, d));
    op(0, (c, d) => c.sync('/', d));
    expect(znodeEvents(events[0]).at(-1)).toBe('NODE_DATA_CHANGED /kept');
  });

  it('a server behind the zxid the client has seen refuses it', () => {
    const { zw, h, op } = standalone(1);
    op(0, (c, d) => c.create('/x', null, 'PERSISTENT', d));
    h[0].lastZxidSeen = { epoch: 0, counter: 1000 };
    zw.fault({ kind: 'kill-connections', nodes: ['c1'] });
    zw.advance(5000);
    expect(h[0].state).toBe('DISCONNECTED');
    h[0].lastZxidSeen = { epoch: 0, counter: 0 };
    zw.runUntil(() => h[0].state === 'CONNECTED');
  });
});

describe('session expiry', () => {
  it('expires a silent session between timeout and timeout + tickTime; its ephemerals go in one transaction', () => {
    const { zw, h, op, events } = standalone(2, { sessionTimeoutMs: 10_000 });
    op(0, (c, d) => c.create('/e1', null, 'EPHEMERAL', d));
    op(0, (c, d) => c.create('/e2', null, 'EPHEMERAL', d));
    op(1, (c, d) => c.exists('/e1', true, d));
    op(1, (c, d) => c.exists('/e2', true, d));
    op(0, (c, d) => c.exists('/', false, d)); // the server hears from c1 now, and never again
    const lastHeard = zw.now;
    zw.fault({ kind: 'isolate', node: ['c1'] });
    zw.runUntil(() => znodeEvents(events[1]).length === 2);
    const expiredAfter = zw.now - lastHeard;
    expect(expiredAfter).toBeGreaterThanOrEqual(10_000);
    expect(expiredAfter).toBeLessThanOrEqual(10_000 + 2000 + 20); // + tickTime, + disk and network latency
    expect(znodeEvents(events[1]).sort()).toEqual(['NODE_DELETED /e1', 'NODE_DELETED /e2']);
    const closes = zw.server()!.tree.lastProcessedZxid;
    expect(op(1, (c, d) => c.getChildren('/', false, d)).stat.pzxid).toEqual(closes);
    // The partitioned client learns of the expiry only when it reaches the server again.
    expect(h[0].state).toBe('DISCONNECTED');
    let failed: string | undefined;
    zw.call('c1', () => h[0].getData('/', false, (r) => (failed = r.rc)));
    zw.fault({ kind: 'heal' });
    zw.runUntil(() => h[0].state === 'EXPIRED');
    expect(failed).toBe('SESSION_EXPIRED');
    expect(stateEvents(events[0]).at(-1)).toBe('EXPIRED');
    expect(op(0, (c, d) => c.exists('/', false, d)).rc).toBe('SESSION_EXPIRED');
  });

  it('an explicit close deletes the ephemerals and the handle is done', () => {
    const { op, h } = standalone(2);
    op(0, (c, d) => c.create('/mine', null, 'EPHEMERAL', d));
    expect(op(0, (c, d) => c.close(d)).rc).toBe('OK');
    expect(h[0].state).toBe('CLOSED');
    expect(op(1, (c, d) => c.exists('/mine', false, d)).rc).toBe('NO_NODE');
    expect(op(0, (c, d) => c.exists('/', false, d)).rc).toBe('SESSION_EXPIRED');
  });
});

describe('server restart and recovery', () => {
  it('a restarted server recovers the tree and the sessions from its log', () => {
    const { zw, h, op, events } = standalone(1);
    op(0, (c, d) => c.create('/a', 'x', 'PERSISTENT', d));
    op(0, (c, d) => c.create('/a/e', null, 'EPHEMERAL', d));
    zw.fault({ kind: 'crash', node: ['s1'], mode: 'machine', restartAfterTicks: 1000 });
    // Power loss looks like silence: the client notices after its read timeout, then reconnects.
    zw.runUntil(() => stateEvents(events[0]).includes('DISCONNECTED') && h[0].state === 'CONNECTED');
    expect(op(0, (c, d) => c.getData('/a', false, d))).toMatchObject({ rc: 'OK', data: 'x' });
    expect(op(0, (c, d) => c.exists('/a/e', false, d)).stat.ephemeralOwner).toBe(h[0].sessionId);
  });

  it('recovers from a snapshot plus the logs written after it', () => {
    const { zw, h, op, events } = standalone(1, { server: { snapCount: 5 } });
    for (let i = 0; i < 12; i++) op(0, (c, d) => c.create(`/n${i}`, String(i), 'PERSISTENT', d));
    const files = zw.world.host('s1').disk.view().files();
    expect(files.filter((f) => f.startsWith('snapshot.')).length).toBeGreaterThanOrEqual(2);
    const before = zw.server()!.tree.snapshot();
    zw.fault({ kind: 'crash', node: ['s1'], mode: 'machine', restartAfterTicks: 10 });
    zw.runUntil(() => stateEvents(events[0]).includes('DISCONNECTED') && h[0].state === 'CONNECTED');
    expect(zw.server()!.tree.snapshot()).toEqual(before);
  });

  it('halts when its disk fails, as ZooKeeper does', () => {
    const { zw, op } = standalone(1);
    zw.fault({ kind: 'disk-full', node: ['s1'] });
    expect(op(0, (c, d) => c.create('/x', null, 'PERSISTENT', d)).rc).toBe('CONNECTION_LOSS');
    expect(zw.world.role('s1')).toBe('halted');
  });
});

describe('client timing (ClientCnxn)', () => {
  it('pings after about a third of the timeout: 1001 ms idle for a 4 s session, 9 s for 30 s', () => {
    for (const [timeout, gap] of [
      [4000, 1001],
      [30_000, 9000],
    ]) {
      const sink = new MemorySink();
      const zw = new ZkWorld({ clients: ['c1'], sink });
      zw.connect('c1', { sessionTimeoutMs: timeout });
      zw.advance(40_000);
      const pings = sink.lines
        .map((l) => JSON.parse(l))
        .filter((e) => e.kind === 'send' && e.from === 'c1' && e.msg?.t === 'ping')
        .map((e) => e.at as number);
      const gaps = pings.slice(1).map((t, i) => t - pings[i]);
      expect(new Set(gaps), `timeout ${timeout}`).toEqual(new Set([gap]));
    }
  });

  it('with one server, a reconnect waits 1–2 s (host list wraps to the last server, then 0–999 ms)', () => {
    const delays: number[] = [];
    for (let seed = 0; seed < 8; seed++) {
      const { zw, h, events } = standalone(1, { seed: String(seed) });
      zw.fault({ kind: 'kill-connections', nodes: ['c1'] });
      const lostAt = zw.now;
      zw.runUntil(() => stateEvents(events[0]).includes('DISCONNECTED') && h[0].state === 'CONNECTED');
      delays.push(zw.now - lostAt);
    }
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThan(2000 + 50);
    }
  });

  it('every failed connection attempt tells the watchers DISCONNECTED', () => {
    const { zw, h, events } = standalone(1);
    zw.fault({ kind: 'crash', node: 's1', mode: 'process' });
    zw.advance(10_000);
    expect(h[0].state).toBe('DISCONNECTED');
    expect(stateEvents(events[0]).filter((s) => s === 'DISCONNECTED').length).toBeGreaterThan(3);
  });

  it('a request made after close() was called fails with CONNECTION_LOSS; after it completes, SESSION_EXPIRED', () => {
    const { zw, h, op } = standalone(1);
    let during: string | undefined;
    zw.perform('c1', (_p, done) => {
      h[0].close(done);
      h[0].exists('/', false, (r) => (during = r.rc));
    });
    expect(during).toBe('CONNECTION_LOSS');
    expect(op(0, (c, d) => c.exists('/', false, d)).rc).toBe('SESSION_EXPIRED');
  });

  it('a sequential name is validated with a digit appended: "/a/." is a fine prefix', () => {
    const { op } = standalone(1);
    op(0, (c, d) => c.create('/a', null, 'PERSISTENT', d));
    expect(op(0, (c, d) => c.create('/a/.', null, 'PERSISTENT_SEQUENTIAL', d))).toEqual({ rc: 'OK', path: '/a/.0000000000' });
    expect(op(0, (c, d) => c.create('/a/.', null, 'PERSISTENT', d)).rc).toBe('BAD_ARGUMENTS');
  });
});
