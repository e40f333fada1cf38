/**
 * The Curator-style reentrant mutex (sim/recipes/reentrant-mutex.ts) on a simulated standalone
 * server: reentrancy, one wake-up per release, protected mode after a lost create reply (against
 * the plain recipe, which leaves an orphan), revocation, and LOST on session expiry.
 */
import { describe, expect, it } from 'vitest';
import type { SimZkClient } from '../sim/client/sim-client.js';
import { failure, type ZkClient } from '../sim/client/zk-client.js';
import type { Acquired } from '../sim/recipes/lock.js';
import { attemptRevoke, ReentrantMutex } from '../sim/recipes/reentrant-mutex.js';
import { StandardLock } from '../sim/recipes/standard-lock.js';
import { standalone } from './helpers/zk.js';

/** A client whose first lock-node create (EPHEMERAL_SEQUENTIAL) is carried out but answered CONNECTION_LOSS. */
function losingFirstCreateReply(zk: SimZkClient): ZkClient & { lostReplies: () => number } {
  let lost = false;
  const proxy = new Proxy(zk, {
    get(target, prop, receiver) {
      if (prop === 'create') {
        return (path: string, data: string | null, mode: string, cb: (r: unknown) => void, opts?: never) =>
          target.create(path, data, mode as never, (r) => {
            if (!lost && r.rc === 'OK' && mode === 'EPHEMERAL_SEQUENTIAL') {
              lost = true;
              return cb(failure('CONNECTION_LOSS'));
            }
            cb(r);
          }, opts);
      }
      if (prop === 'lostReplies') return () => (lost ? 1 : 0);
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return proxy as unknown as ZkClient & { lostReplies: () => number };
}

function setup(n: number) {
  const s = standalone(n);
  let guid = 0;
  const mutex = (i: number, zk: ZkClient = s.h[i]) => new ReentrantMutex(zk, '/locks/m', (ms, fn) => s.zw.call(s.clients[i], (p) => p.after(ms, fn)), () => `g${i}-${guid++}`);
  const children = (): string[] => s.op(0, (h, done) => h.getChildren('/locks/m', false, done)).children ?? [];
  return { ...s, mutex, children };
}

describe('ReentrantMutex (Curator InterProcessMutex behaviour)', () => {
  it('is reentrant: a second acquire counts up on the same node, which goes on the last release', () => {
    const { zw, clients, mutex, children } = setup(2);
    const m = mutex(0);
    const a = zw.perform<Acquired>(clients[0], (_p, done) => m.acquire(done));
    const b = zw.perform<Acquired>(clients[0], (_p, done) => m.acquire(done));
    expect(b).toEqual(a);
    expect(m.holdCount).toBe(2);
    expect(a.node).toMatch(/^\/locks\/m\/_c_g0-0-lock-\d{10}$/);
    zw.perform(clients[0], (_p, done) => m.release(() => done(undefined)));
    expect(children()).toHaveLength(1);
    zw.perform(clients[0], (_p, done) => m.release(() => done(undefined)));
    expect(children()).toHaveLength(0);
  });

  it('wakes only the next waiter on a release (it watches its predecessor), and tokens grow', () => {
    const { zw, clients, mutex } = setup(3);
    const [m0, m1, m2] = [mutex(0), mutex(1), mutex(2)];
    const woken: string[] = [];
    m1.onNotified(() => woken.push('c2'));
    m2.onNotified(() => woken.push('c3'));
    const a = zw.perform<Acquired>(clients[0], (_p, done) => m0.acquire(done));
    let b: Acquired | undefined;
    let c: Acquired | undefined;
    zw.call(clients[1], () => m1.acquire((r) => (b = r)));
    zw.advance(200);
    zw.call(clients[2], () => m2.acquire((r) => (c = r)));
    zw.advance(200);
    expect(b).toBeUndefined();
    zw.call(clients[0], () => m0.release());
    zw.runUntil(() => b !== undefined);
    expect(woken).toEqual(['c2']);
    expect(c).toBeUndefined();
    expect(b!.token).toBeGreaterThan(a.token);
    zw.call(clients[1], () => m1.release());
    zw.runUntil(() => c !== undefined);
    expect(c!.token).toBeGreaterThan(b!.token);
  });

  it('protected mode: a create whose reply was lost is found by its guid, so no orphan node blocks the lock', () => {
    const { zw, clients, h, mutex, children } = setup(1);
    const zk = losingFirstCreateReply(h[0]);
    const m = mutex(0, zk);
    const a = zw.perform<Acquired>(clients[0], (_p, done) => m.acquire(done));
    expect(zk.lostReplies()).toBe(1);
    // The first create did make a node (its reply was lost); the mutex adopted it rather than making another.
    expect(a.node).toMatch(/_c_g0-0-lock-0000000000$/);
    expect(children()).toEqual([a.node.slice('/locks/m/'.length)]);
  });

  it('the standard recipe with its guid step does the same: it adopts the node a lost reply hid', () => {
    const { zw, clients, h, children } = setup(1);
    const zk = losingFirstCreateReply(h[0]);
    const lock = new StandardLock(zk, '/locks/m', (ms, fn) => zw.call(clients[0], (p) => p.after(ms, fn)), () => 'guid1');
    const a = zw.perform<Acquired>(clients[0], (_p, done) => lock.acquire(done));
    expect(zk.lostReplies()).toBe(1);
    expect(children()).toEqual(['guid1-lock-0000000000']);
    expect(a.node).toBe('/locks/m/guid1-lock-0000000000');
  });

  it('…while the recipe without the guid step, retrying the create, leaves an orphan node that blocks the lock, even for itself', () => {
    const { zw, clients, h, children } = setup(1);
    const zk = losingFirstCreateReply(h[0]);
    const lock = new StandardLock(zk, '/locks/m', (ms, fn) => zw.call(clients[0], (p) => p.after(ms, fn)));
    let got: Acquired | undefined;
    zw.call(clients[0], () => lock.acquire((r) => (got = r)));
    zw.advance(3000);
    // Two nodes of one session: the lower one is the orphan nobody knows, and the client waits on it.
    expect(zk.lostReplies()).toBe(1);
    expect(children()).toEqual(['lock-0000000000', 'lock-0000000001']);
    expect(got).toBeUndefined();
  });

  it('revocation: another client asks, the revocable holder releases, the waiter gets the lock', () => {
    const { zw, clients, h, mutex } = setup(2);
    const [m0, m1] = [mutex(0), mutex(1)];
    m0.makeRevocable(() => m0.release());
    const a = zw.perform<Acquired>(clients[0], (_p, done) => m0.acquire(done));
    let b: Acquired | undefined;
    zw.call(clients[1], () => m1.acquire((r) => (b = r)));
    zw.advance(300);
    expect(b).toBeUndefined();
    const ok = zw.perform<boolean>(clients[1], (_p, done) => attemptRevoke(h[1], a.node, done));
    expect(ok).toBe(true);
    zw.runUntil(() => b !== undefined);
    expect(m0.holdCount).toBe(0);
  });

  it('reports LOST when the session expires while holding, and SUSPENDED on the way', () => {
    const { zw, clients, mutex } = setup(1);
    const m = mutex(0);
    const seen: string[] = [];
    m.onSuspended(() => seen.push('SUSPENDED'));
    m.onLost((why) => seen.push(`LOST: ${why}`));
    zw.perform<Acquired>(clients[0], (_p, done) => m.acquire(done));
    zw.fault({ kind: 'partition', groups: [['s1'], ['c1']], durationTicks: 40_000 });
    zw.advance(45_000);
    zw.runUntil(() => seen.some((s) => s.startsWith('LOST')), 120_000);
    expect(seen[0]).toBe('SUSPENDED');
    expect(seen).toContain('LOST: session expired (LOST)');
    expect(m.holdCount).toBe(0);
  });
});
