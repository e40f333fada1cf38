// ZAB in an ensemble: election, discovery, sync (DIFF / TRUNC / SNAP), broadcast, failure detection.
import { describe, expect, it } from 'vitest';
import { EnsembleWorld } from '../sim/harness/ensemble-world.js';
import { ZabInvariants } from '../sim/check/zab-invariants.js';
import type { NodeId } from '../sim/contract/node.js';

function ensemble(options: ConstructorParameters<typeof EnsembleWorld>[0] = {}) {
  const ew = new EnsembleWorld(options);
  const inv = new ZabInvariants(ew.world, ew.servers);
  ew.trace.subscribe(() => inv.check());
  return { ew, inv };
}

const create = (path: string) => ({ op: 'create' as const, path, data: path, mode: 'PERSISTENT' as const });

/** Every running server's tree as path → data, for comparing replicas. */
function treeOf(ew: EnsembleWorld, node: NodeId): string {
  const t = ew.peer(node)!.db.tree;
  return t
    .sortedPaths()
    .map((p) => `${p}=${t.get(p)!.data}`)
    .join(' ');
}

function expectClean(inv: ZabInvariants) {
  const v = inv.finish();
  expect(v.violations).toEqual([]);
  expect(v.status).toBe('pass');
}

describe('first election and broadcast', () => {
  it.each([3, 5])('%i servers elect the highest sid and replicate writes to all', (n) => {
    const { ew, inv } = ensemble({ servers: n });
    ew.runUntil(() => ew.settled(), 30_000);
    expect(ew.leader()).toBe(`s${n}`);
    expect(ew.now).toBeLessThan(3000);
    for (let i = 0; i < 20; i++) expect(ew.write(create(`/n${i}`))).toBeDefined();
    ew.advance(1000);
    const trees = ew.servers.map((s) => treeOf(ew, s));
    expect(new Set(trees).size).toBe(1);
    expect(trees[0]).toContain('/n19=/n19');
    expectClean(inv);
  });
});

describe('failures', () => {
  it('leader crash: the others elect a new leader in a new epoch and keep every committed write', () => {
    const { ew, inv } = ensemble({ servers: 3 });
    ew.runUntil(() => ew.settled());
    for (let i = 0; i < 10; i++) ew.write(create(`/a${i}`));
    ew.advance(500);
    const crashAt = ew.now;
    ew.fault({ kind: 'crash', node: 's3', mode: 'process' });
    ew.runUntil(() => ew.settled());
    expect(ew.leader()).toBe('s2');
    expect((ew.peer('s2')!.role as { epoch: number }).epoch).toBe(2);
    console.log(`leader crash → new leader serving after ${ew.now - crashAt} ms`);
    expect(treeOf(ew, 's2')).toContain('/a9=/a9');
    // The old leader comes back, joins as a follower and catches up.
    ew.fault({ kind: 'restart', node: 's3' });
    ew.write(create('/after'));
    ew.runUntil(() => ew.settled() && ew.role('s3') === 'FOLLOWING');
    ew.advance(2000);
    expect(treeOf(ew, 's3')).toBe(treeOf(ew, 's2'));
    expectClean(inv);
  });

  it('a partitioned leader steps down within about syncLimit ticks; its uncommitted writes are truncated', () => {
    const { ew, inv } = ensemble({ servers: 3 });
    ew.runUntil(() => ew.settled());
    ew.write(create('/before'));
    ew.advance(500);
    ew.fault({ kind: 'isolate', node: 's3' });
    const cut = ew.now;
    ew.write(create('/lost')); // proposed by the isolated leader, never committed
    ew.runUntil(() => ew.role('s3') === 'LOOKING', 30_000);
    const steppedDown = ew.now - cut;
    expect(steppedDown).toBeLessThanOrEqual((5 + 2) * 2000);
    ew.runUntil(() => ew.leader() === 's2');
    ew.write(create('/new'));
    ew.fault({ kind: 'heal' });
    ew.runUntil(() => ew.settled() && ew.role('s3') === 'FOLLOWING', 120_000);
    ew.advance(2000);
    expect(treeOf(ew, 's3')).toBe(treeOf(ew, 's2'));
    expect(treeOf(ew, 's3')).not.toContain('/lost');
    expect(treeOf(ew, 's3')).toContain('/new');
    expectClean(inv);
  });

  it('a follower that missed more than the committed log holds is synced by SNAP', () => {
    const { ew, inv } = ensemble({ servers: 3, config: { commitLogCount: 5 } });
    ew.runUntil(() => ew.settled());
    ew.fault({ kind: 'crash', node: 's1', mode: 'process' });
    for (let i = 0; i < 30; i++) ew.write(create(`/m${i}`));
    ew.advance(500);
    ew.fault({ kind: 'restart', node: 's1' });
    ew.runUntil(() => ew.settled() && ew.role('s1') === 'FOLLOWING');
    ew.advance(1000);
    expect(treeOf(ew, 's1')).toBe(treeOf(ew, 's3'));
    expectClean(inv);
  });

  it('observers replicate committed writes but never vote', () => {
    const { ew, inv } = ensemble({ servers: 4, observers: 1 });
    ew.runUntil(() => ew.settled());
    expect(ew.leader()).toBe('s3'); // s4 is an observer and cannot lead
    expect(ew.role('s4')).toBe('OBSERVING');
    for (let i = 0; i < 5; i++) ew.write(create(`/o${i}`));
    ew.advance(1000);
    expect(treeOf(ew, 's4')).toBe(treeOf(ew, 's3'));
    expectClean(inv);
  });

  it('a machine crash of a follower loses its unsynced log entries; it resyncs on restart', () => {
    const { ew, inv } = ensemble({ servers: 3, disk: { fsyncLatency: { minTicks: 20, maxTicks: 40 } } });
    ew.runUntil(() => ew.settled());
    for (let i = 0; i < 10; i++) ew.write(create(`/p${i}`));
    ew.advance(5);
    ew.fault({ kind: 'crash', node: 's1', mode: 'machine' });
    ew.advance(1000);
    ew.fault({ kind: 'restart', node: 's1' });
    ew.runUntil(() => ew.settled() && ew.role('s1') === 'FOLLOWING');
    ew.advance(1000);
    expect(treeOf(ew, 's1')).toBe(treeOf(ew, 's3'));
    expectClean(inv);
  });
});

describe('the ZOOKEEPER-2845 fix (fast-forward of the retained database)', () => {
  it('a leader cut off with a logged, uncommitted proposal reports it when it looks again, and the new leader truncates it', () => {
    const { ew, inv } = ensemble({ servers: 3 });
    ew.runUntil(() => ew.settled());
    ew.write(create('/before'));
    ew.advance(500);
    ew.fault({ kind: 'isolate', node: 's3' });
    ew.write(create('/lost'));
    ew.runUntil(() => ew.role('s3') === 'LOOKING', 30_000);
    expect(ew.peer('s3')!.db.lastProcessedZxid).toEqual({ epoch: 1, counter: 2 }); // fast-forwarded
    ew.runUntil(() => ew.leader() === 's2');
    ew.fault({ kind: 'heal' });
    ew.runUntil(() => ew.settled() && ew.role('s3') === 'FOLLOWING', 120_000);
    ew.advance(1000);
    expect(ew.peer('s3')!.db.log.map((t) => t.zxid)).not.toContainEqual({ epoch: 1, counter: 2 });
    expectClean(inv); // HistoryConsistency: s3's log holds nothing the leader lacks
    // After a restart, nothing of /lost comes back.
    ew.fault({ kind: 'crash', node: 's3', mode: 'process', restartAfterTicks: 100 });
    ew.runUntil(() => ew.settled() && ew.role('s3') === 'FOLLOWING' && ew.now > 0, 120_000);
    ew.advance(1000);
    expect(treeOf(ew, 's3')).not.toContain('/lost');
    expectClean(inv);
  });
});

describe('counter overflow (ZOOKEEPER-1277)', () => {
  it('a leader whose next zxid counter would be 0xffffffff steps down; the next epoch serves on', () => {
    const { ew, inv } = ensemble({ servers: 3, config: { initialCounter: 0xfffffff0 } });
    ew.runUntil(() => ew.settled());
    const firstEpoch = (ew.peer(ew.leader()!)!.role as { epoch: number }).epoch;
    let committed = 0;
    for (let i = 0; i < 40; ) {
      if (ew.write(create(`/c${i}`), () => committed++) !== undefined) i++;
      ew.advance(50);
    }
    ew.runUntil(() => ew.settled() && committed === 40, 60_000);
    const epoch = (ew.peer(ew.leader()!)!.role as { epoch: number }).epoch;
    expect(epoch).toBeGreaterThan(firstEpoch + 1); // 40 writes at 14 per epoch need three epochs
    const counters = ew.peer(ew.leader()!)!.db.applied.map((a) => a.zxid.counter);
    expect(Math.max(...counters)).toBe(0xfffffffe); // the last usable counter of an epoch
    ew.advance(1000);
    expect(new Set(ew.servers.map((s) => treeOf(ew, s))).size).toBe(1);
    expectClean(inv);
  });
});

describe('per-proposal ACK timeout (SyncLimitCheck)', () => {
  it('the leader cuts off a follower that stops acknowledging proposals while it still answers pings', () => {
    const { ew, inv } = ensemble({ servers: 3 });
    const cut: { at: number; sid: number }[] = [];
    ew.trace.subscribe((e) => {
      const d = e.kind === 'note' ? (e.data as { zab?: string; sid?: number } | undefined) : undefined;
      if (d?.zab === 'sync-limit') cut.push({ at: e.at, sid: d.sid! });
    });
    ew.runUntil(() => ew.settled());
    // s1's disk becomes very slow: it keeps answering PINGs but its ACKs (after fsync) lag far behind.
    ew.fault({ kind: 'slow-disk', node: 's1', factor: 10_000, durationTicks: 60_000 });
    const from = ew.now;
    for (let i = 0; i < 5; i++) ew.write(create(`/s${i}`));
    ew.runUntil(() => cut.length > 0, 30_000);
    expect(cut[0].sid).toBe(1);
    // Cut off once its oldest proposal waited more than syncLimit × tickTime (checked every tickTime/2).
    expect(cut[0].at - from).toBeGreaterThan(5 * 2000);
    expect(cut[0].at - from).toBeLessThanOrEqual(5 * 2000 + 1000 + 10);
    // The quorum (s2 + s3) kept committing.
    expect(ew.peer('s3')!.db.tree.get('/s4')).toBeDefined();
    expectClean(inv);
  });
});

describe('sync from the on-disk log', () => {
  function syncModes(ew: EnsembleWorld) {
    const modes: string[] = [];
    ew.trace.subscribe((e) => {
      const d = e.kind === 'note' ? (e.data as { zab?: string; mode?: string; learner?: number } | undefined) : undefined;
      if (d?.zab === 'sync' && d.learner === 1) modes.push(d.mode!);
    });
    return modes;
  }

  it('a learner just below the committed log gets a DIFF read from the txn log when that is small next to a snapshot', () => {
    const { ew, inv } = ensemble({ servers: 3, config: { commitLogCount: 5 } });
    const modes = syncModes(ew);
    ew.runUntil(() => ew.settled());
    for (let i = 0; i < 100; i++) ew.write({ op: 'create', path: `/big${i}`, data: 'x'.repeat(200), mode: 'PERSISTENT' });
    ew.advance(1000);
    ew.fault({ kind: 'crash', node: 's1', mode: 'process' });
    for (let i = 0; i < 12; i++) ew.write(create(`/small${i}`));
    ew.advance(500);
    ew.fault({ kind: 'restart', node: 's1' });
    ew.runUntil(() => ew.settled() && ew.role('s1') === 'FOLLOWING');
    ew.advance(1000);
    expect(modes.at(-1)).toBe('DIFF');
    expect(treeOf(ew, 's1')).toBe(treeOf(ew, 's3'));
    expectClean(inv);
  });

  it('…and a SNAP when the missed transactions outweigh a third of a snapshot', () => {
    const { ew, inv } = ensemble({ servers: 3, config: { commitLogCount: 5 } });
    const modes = syncModes(ew);
    ew.runUntil(() => ew.settled());
    ew.fault({ kind: 'crash', node: 's1', mode: 'process' });
    for (let i = 0; i < 30; i++) ew.write(create(`/m${i}`));
    ew.advance(500);
    ew.fault({ kind: 'restart', node: 's1' });
    ew.runUntil(() => ew.settled() && ew.role('s1') === 'FOLLOWING');
    ew.advance(1000);
    expect(modes.at(-1)).toBe('SNAP');
    expect(treeOf(ew, 's1')).toBe(treeOf(ew, 's3'));
    expectClean(inv);
  });
});
