/**
 * The other ZooKeeper recipes of sim/recipes/ on a simulated standalone server: the read/write
 * lock (readers share, a writer excludes and keeps arrival order), the leader latch, and the
 * double barrier (nobody starts before all entered, nobody finishes before all left).
 */
import { describe, expect, it } from 'vitest';
import type { Acquired } from '../sim/recipes/lock.js';
import { DoubleBarrier } from '../sim/recipes/double-barrier.js';
import { LeaderLatch } from '../sim/recipes/leader-latch.js';
import { ReadWriteLock } from '../sim/recipes/read-write-lock.js';
import { standalone } from './helpers/zk.js';

function setup(n: number) {
  const s = standalone(n);
  const after = (i: number) => (ms: number, fn: () => void) => s.zw.call(s.clients[i], (p) => p.after(ms, fn));
  const run = (i: number, fn: () => void) => s.zw.call(s.clients[i], () => fn());
  return { ...s, after, run };
}

describe('ReadWriteLock', () => {
  it('lets readers share, makes a writer wait for them, and a later reader wait for that writer', () => {
    const { zw, h, after, run } = setup(4);
    const locks = h.map((zk, i) => new ReadWriteLock(zk, '/rw', after(i)));
    const got: (Acquired | undefined)[] = [undefined, undefined, undefined, undefined];
    run(0, () => locks[0].acquire('read', (r) => (got[0] = r)));
    zw.advance(100);
    run(1, () => locks[1].acquire('read', (r) => (got[1] = r)));
    zw.advance(100);
    run(2, () => locks[2].acquire('write', (r) => (got[2] = r)));
    zw.advance(100);
    run(3, () => locks[3].acquire('read', (r) => (got[3] = r)));
    zw.advance(500);
    expect([!!got[0], !!got[1], !!got[2], !!got[3]]).toEqual([true, true, false, false]);
    run(0, () => locks[0].release(got[0]!.node));
    zw.advance(300);
    expect(got[2]).toBeUndefined(); // one reader still holds
    run(1, () => locks[1].release(got[1]!.node));
    zw.runUntil(() => got[2] !== undefined);
    zw.advance(300);
    expect(got[3]).toBeUndefined(); // the reader that came after the writer waits for it
    run(2, () => locks[2].release(got[2]!.node));
    zw.runUntil(() => got[3] !== undefined);
    expect(got[3]!.token).toBeGreaterThan(got[2]!.token);
  });
});

describe('LeaderLatch', () => {
  it('makes the first participant leader, and the next one when it leaves; only one leads at a time', () => {
    const { zw, h, after, run } = setup(3);
    const latches = h.map((zk, i) => new LeaderLatch(zk, '/election', after(i)));
    const changes: string[] = [];
    latches.forEach((l, i) => l.onChange((lead) => changes.push(`c${i + 1} ${lead ? 'leads' : 'steps down'}`)));
    latches.forEach((l, i) => {
      run(i, () => l.start());
      zw.advance(100);
    });
    zw.advance(500);
    expect(latches.map((l) => l.hasLeadership)).toEqual([true, false, false]);
    run(0, () => latches[0].close());
    zw.runUntil(() => latches[1].hasLeadership);
    expect(latches.map((l) => l.hasLeadership)).toEqual([false, true, false]);
    expect(changes).toEqual(['c1 leads', 'c1 steps down', 'c2 leads']);
  });
});

describe('DoubleBarrier', () => {
  it('lets nobody in before all entered, and nobody out before all left', () => {
    const { zw, h, after, run } = setup(3);
    const barriers = h.map((zk, i) => new DoubleBarrier(zk, '/barrier', `p${i + 1}`, 3, after(i)));
    const entered = [false, false, false];
    const left = [false, false, false];
    run(0, () => barriers[0].enter(() => (entered[0] = true)));
    run(1, () => barriers[1].enter(() => (entered[1] = true)));
    zw.advance(1000);
    expect(entered).toEqual([false, false, false]);
    run(2, () => barriers[2].enter(() => (entered[2] = true)));
    zw.runUntil(() => entered.every(Boolean));
    run(0, () => barriers[0].leave(() => (left[0] = true)));
    run(1, () => barriers[1].leave(() => (left[1] = true)));
    zw.advance(1000);
    expect(left).toEqual([false, false, false]);
    run(2, () => barriers[2].leave(() => (left[2] = true)));
    zw.runUntil(() => left.every(Boolean));
  });
});
