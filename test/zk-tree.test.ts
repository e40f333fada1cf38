// What the golden files never exercise: paths, containers, TTLs, persistent watches, sync,
// sequential counters and version arithmetic.
import { describe, expect, it } from 'vitest';
import { standalone, znodeEvents } from './helpers/zk.js';
import { REAL_3_8_0, runPathMatrix } from './helpers/path-matrix.js';

describe('paths', () => {
  it('refuses to delete the root and the system nodes', () => {
    const { op } = standalone();
    for (const path of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) {
      expect(op(0, (h, d) => h.delete(path, -1, d)).rc, path).toBe('BAD_ARGUMENTS');
    }
  });

  it('appends the sequential suffix to a path ending in "/"', () => {
    const { op } = standalone();
    op(0, (h, d) => h.create('/q', null, 'PERSISTENT', d));
    expect(op(0, (h, d) => h.create('/q/', null, 'PERSISTENT_SEQUENTIAL', d))).toEqual({ rc: 'OK', path: '/q/0000000000' });
  });
});

describe('sequential counter and versions', () => {
  it('counts every child creation under a parent, across prefixes, never reusing numbers', () => {
    const { op } = standalone();
    op(0, (h, d) => h.create('/s', null, 'PERSISTENT', d));
    expect(op(0, (h, d) => h.create('/s/a-', null, 'PERSISTENT_SEQUENTIAL', d)).path).toBe('/s/a-0000000000');
    op(0, (h, d) => h.create('/s/plain', null, 'PERSISTENT', d));
    op(0, (h, d) => h.delete('/s/plain', -1, d));
    expect(op(0, (h, d) => h.create('/s/b-', null, 'EPHEMERAL_SEQUENTIAL', d)).path).toBe('/s/b-0000000002');
    // A failed create does not use a number.
    expect(op(0, (h, d) => h.create('/s/plain/x', null, 'PERSISTENT', d)).rc).toBe('NO_NODE');
    expect(op(0, (h, d) => h.create('/s/a-', null, 'PERSISTENT_SEQUENTIAL', d)).path).toBe('/s/a-0000000003');
    const stat = op(0, (h, d) => h.exists('/s', false, d)).stat;
    expect(stat).toMatchObject({ cversion: 5, numChildren: 3 });
  });

  it('two sequential creates in one multi get consecutive numbers', () => {
    const { op } = standalone();
    const r = op(0, (h, d) =>
      h.multi(
        [
          { op: 'create', path: '/m-', data: null, mode: 'PERSISTENT_SEQUENTIAL' },
          { op: 'create', path: '/m-', data: null, mode: 'PERSISTENT_SEQUENTIAL' },
        ],
        d,
      ),
    );
    expect(r.results.map((x: { path: string }) => x.path)).toEqual(['/m-0000000000', '/m-0000000001']);
  });
});

describe('containers and TTL nodes', () => {
  it('reaps a container after its last child goes, and never one that had no child', () => {
    const { zw, op } = standalone(1, { server: { containerCheckIntervalMs: 1000 } });
    op(0, (h, d) => h.create('/box', null, 'CONTAINER', d));
    op(0, (h, d) => h.create('/unused', null, 'CONTAINER', d));
    expect(op(0, (h, d) => h.exists('/box', false, d)).stat.ephemeralOwner).toBe('0x8000000000000000');
    op(0, (h, d) => h.create('/box/item', null, 'PERSISTENT', d));
    zw.advance(3000);
    expect(op(0, (h, d) => h.exists('/box', false, d)).rc).toBe('OK'); // it has a child
    op(0, (h, d) => h.delete('/box/item', -1, d));
    zw.advance(2500);
    expect(op(0, (h, d) => h.exists('/box', false, d)).rc).toBe('NO_NODE');
    expect(op(0, (h, d) => h.exists('/unused', false, d)).rc).toBe('OK');
  });

  it('refuses TTL nodes unless extended types are enabled', () => {
    const { op } = standalone();
    expect(op(0, (h, d) => h.create('/t', null, 'PERSISTENT_WITH_TTL', d, { ttlMs: 1000 })).rc).toBe('UNIMPLEMENTED');
  });

  it('reaps a childless TTL node once it is unmodified for longer than its TTL', () => {
    const { zw, op } = standalone(1, { server: { extendedTypesEnabled: true, containerCheckIntervalMs: 500 } });
    expect(op(0, (h, d) => h.create('/t', null, 'PERSISTENT_WITH_TTL', d, { ttlMs: 0 })).rc).toBe('BAD_ARGUMENTS');
    expect(op(0, (h, d) => h.create('/p', null, 'PERSISTENT', d, { ttlMs: 10 })).rc).toBe('BAD_ARGUMENTS');
    op(0, (h, d) => h.create('/t', 'x', 'PERSISTENT_WITH_TTL', d, { ttlMs: 2000 }));
    expect(op(0, (h, d) => h.exists('/t', false, d)).stat.ephemeralOwner).toBe('0xff000000000007d0');
    zw.advance(1500);
    op(0, (h, d) => h.setData('/t', 'y', -1, d)); // modified: the TTL starts again
    zw.advance(1800);
    expect(op(0, (h, d) => h.exists('/t', false, d)).rc).toBe('OK');
    zw.advance(1500);
    expect(op(0, (h, d) => h.exists('/t', false, d)).rc).toBe('NO_NODE');
  });
});

describe('persistent and recursive watches', () => {
  it('a persistent watch sees every change of its node and its children, and stays', () => {
    const { op, events } = standalone(2);
    op(0, (h, d) => h.create('/p', null, 'PERSISTENT', d));
    expect(op(0, (h, d) => h.addWatch('/p', 'PERSISTENT', true, d)).rc).toBe('OK');
    op(1, (h, d) => h.setData('/p', 'a', -1, d));
    op(1, (h, d) => h.create('/p/c', null, 'PERSISTENT', d));
    op(1, (h, d) => h.setData('/p/c', 'x', -1, d)); // not the watched node
    op(1, (h, d) => h.setData('/p', 'b', -1, d));
    op(0, (h, d) => h.sync('/p', d));
    expect(znodeEvents(events[0])).toEqual(['NODE_DATA_CHANGED /p', 'NODE_CHILDREN_CHANGED /p', 'NODE_DATA_CHANGED /p']);
  });

  it('a recursive watch sees the subtree but never NODE_CHILDREN_CHANGED', () => {
    const { op, events } = standalone(2);
    op(0, (h, d) => h.create('/r', null, 'PERSISTENT', d));
    op(0, (h, d) => h.addWatch('/r', 'PERSISTENT_RECURSIVE', true, d));
    op(1, (h, d) => h.create('/r/a', null, 'PERSISTENT', d));
    op(1, (h, d) => h.create('/r/a/b', null, 'PERSISTENT', d));
    op(1, (h, d) => h.setData('/r/a/b', 'x', -1, d));
    op(1, (h, d) => h.delete('/r/a/b', -1, d));
    op(1, (h, d) => h.create('/other', null, 'PERSISTENT', d));
    op(0, (h, d) => h.sync('/', d));
    expect(znodeEvents(events[0])).toEqual(['NODE_CREATED /r/a', 'NODE_CREATED /r/a/b', 'NODE_DATA_CHANGED /r/a/b', 'NODE_DELETED /r/a/b']);
  });

  it('removeWatches removes them on the server; a second removal finds no watcher', () => {
    const { op, events } = standalone(2);
    op(0, (h, d) => h.create('/p', null, 'PERSISTENT', d));
    op(0, (h, d) => h.addWatch('/p', 'PERSISTENT', true, d));
    op(0, (h, d) => h.getData('/p', true, d));
    expect(op(0, (h, d) => h.removeWatches('/p', 'ANY', d)).rc).toBe('OK');
    expect(op(0, (h, d) => h.removeWatches('/p', 'ANY', d)).rc).toBe('NO_WATCHER');
    op(1, (h, d) => h.setData('/p', 'a', -1, d));
    op(0, (h, d) => h.sync('/p', d));
    // The removed watchers are told; the change after the removal is not reported.
    expect(znodeEvents(events[0])).toEqual(['DATA_WATCH_REMOVED /p', 'PERSISTENT_WATCH_REMOVED /p']);
  });

  it('removeWatches of one type leaves the other kinds in place', () => {
    const { op, events } = standalone(2);
    op(0, (h, d) => h.create('/p', null, 'PERSISTENT', d));
    op(0, (h, d) => h.getData('/p', true, d));
    op(0, (h, d) => h.getChildren('/p', true, d));
    expect(op(0, (h, d) => h.removeWatches('/p', 'CHILDREN', d)).rc).toBe('OK');
    op(1, (h, d) => h.create('/p/c', null, 'PERSISTENT', d));
    op(1, (h, d) => h.setData('/p', 'x', -1, d));
    op(0, (h, d) => h.sync('/p', d));
    expect(znodeEvents(events[0])).toEqual(['CHILD_WATCH_REMOVED /p', 'NODE_DATA_CHANGED /p']);
  });

  it('in 3.8 a one-shot watch on the same path turns a persistent watch into a one-shot one', () => {
    const { op, events } = standalone(2);
    op(0, (h, d) => h.create('/p', null, 'PERSISTENT', d));
    op(0, (h, d) => h.addWatch('/p', 'PERSISTENT', true, d));
    op(0, (h, d) => h.getData('/p', true, d));
    op(1, (h, d) => h.setData('/p', '1', -1, d));
    op(1, (h, d) => h.setData('/p', '2', -1, d));
    op(0, (h, d) => h.sync('/p', d));
    // The server holds a one-shot data watch now: one notification, which the client hands to the
    // default watcher once (it is registered both ways).
    expect(znodeEvents(events[0])).toEqual(['NODE_DATA_CHANGED /p']);
  });

  it('standard watches are one-shot and a delete tells a session once', () => {
    const { op, events } = standalone(2);
    op(0, (h, d) => h.create('/w', null, 'PERSISTENT', d));
    op(0, (h, d) => h.getData('/w', true, d));
    op(0, (h, d) => h.getChildren('/w', true, d));
    op(0, (h, d) => h.exists('/gone', true, d));
    op(1, (h, d) => h.setData('/w', '1', -1, d));
    op(1, (h, d) => h.setData('/w', '2', -1, d));
    op(1, (h, d) => h.create('/gone', null, 'PERSISTENT', d));
    op(0, (h, d) => h.getData('/w', true, d));
    op(1, (h, d) => h.delete('/w', -1, d));
    op(0, (h, d) => h.sync('/', d));
    expect(znodeEvents(events[0])).toEqual(['NODE_DATA_CHANGED /w', 'NODE_CREATED /gone', 'NODE_DELETED /w']);
  });
});

describe('sync and per-session order', () => {
  it('sync answers with its path', () => {
    const { op } = standalone();
    expect(op(0, (h, d) => h.sync('/', d))).toEqual({ rc: 'OK', path: '/' });
  });

  it('a read sent right behind a write of the same session sees the write', () => {
    const { zw, h, clients } = standalone();
    const seen: string[] = [];
    zw.perform(clients[0], (_p, done) => {
      h[0].create('/fifo', 'v', 'PERSISTENT', (r) => seen.push(`create ${r.rc}`));
      h[0].getData('/fifo', false, (r) => {
        seen.push(`get ${r.rc} ${r.rc === 'OK' ? r.data : ''}`);
        done(r);
      });
    });
    expect(seen).toEqual(['create OK', 'get OK v']);
  });
});

describe('bad paths get what a real ZooKeeper 3.8 answers', () => {
  it('matches the recorded answers of a real server, op by op', async () => {
    const { zw, h } = standalone(1);
    const run = <T>(start: (done: (r: T) => void) => void) => Promise.resolve(zw.perform<T>('c1', (_p, done) => start(done)));
    const lines = await runPathMatrix({
      create: (p, d, m) => run((done) => h[0].create(p, d, m, done)),
      delete: (p, v) => run((done) => h[0].delete(p, v, done)),
      setData: (p, d, v) => run((done) => h[0].setData(p, d, v, done)),
      getData: (p) => run((done) => h[0].getData(p, false, done)),
      exists: (p) => run((done) => h[0].exists(p, false, done)),
      getChildren: (p) => run((done) => h[0].getChildren(p, false, done)),
    });
    expect(lines).toEqual(REAL_3_8_0);
  });
});
