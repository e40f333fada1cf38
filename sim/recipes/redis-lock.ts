/**
 * The single-instance Redis lock: `SET key <random value> NX PX ttl` takes it, and release
 * deletes the key only if it still holds our value (so a holder whose lease ran out cannot delete
 * the next holder's key). The lock is a lease on ONE server's clock and memory: it is lost when
 * that server's wall clock jumps, when it restarts without persistence, or when a replica that
 * never received the key is promoted. A client also loses it when its own `validity` runs out
 * (TTL minus the time the SET took minus a drift allowance, on the client's monotonic clock) —
 * but a client that is paused learns that only after it wakes.
 *
 * Fencing: Redis issues no fencing token. The "token" handed to the workload is the client's
 * own wall-clock time when it sent the winning SET. It is NOT a fencing token: nothing makes it
 * grow with each grant except clocks that agree, which is exactly what these scenarios take away.
 * It is there so the lock-fencing check can tell an older grant's write from a newer one in the
 * common case; the Redis scenarios use an unfenced resource, because a resource checking such a
 * number would only be trusting the clients' clocks.
 */
import type { ClientProcess } from '../client/client-node.js';
import type { RedisClientProcess, RedisConnection } from '../redis/redis-client.js';
import type { Acquired, LockRecipe } from './lock.js';

export const REDIS_LOCK_KEY = 'lock';

/** Redlock's allowance for the drift between client and server clocks: 1 % of the TTL plus 2 ms. */
export function driftAllowance(ttlMs: number): number {
  return Math.floor(ttlMs * 0.01) + 2;
}

/** A value no other acquisition will use (unlike a client id, it also tells apart one client's grants). */
export function randomLockValue(proc: ClientProcess): string {
  let s = `${proc.node}:`;
  for (let i = 0; i < 4; i++) s += proc.random.int(0x10000).toString(16).padStart(4, '0');
  return s;
}

/**
 * The part both Redis recipes share: the caller's callbacks, the validity timer, and which grant
 * is current (timers cannot be cancelled, so each grant gets a number and stale timers check it).
 */
export abstract class LeaseLock implements LockRecipe {
  abstract readonly name: string;
  protected value: string | undefined;
  protected want: ((r: Acquired) => void) | undefined;
  protected grant = 0;
  private held = false;
  private lost: (why: string) => void = () => {};

  constructor(protected readonly proc: RedisClientProcess) {}

  onLost(cb: (why: string) => void): void {
    this.lost = cb;
  }

  /** No watches: waiters poll with SET NX. */
  onNotified(_cb: (path: string) => void): void {}

  acquire(cb: (r: Acquired) => void): void {
    this.want = cb;
    this.attempt();
  }

  protected abstract attempt(): void;

  protected retryLater(): void {
    const base = this.proc.redis.retryMs;
    this.proc.after(base + this.proc.random.int(base + 1), () => {
      if (this.want !== undefined) this.attempt();
    });
  }

  protected granted(value: string, validityMs: number, startWall: number, node: string): void {
    const cb = this.want;
    if (cb === undefined) return;
    this.want = undefined;
    this.value = value;
    this.held = true;
    const grant = ++this.grant;
    this.proc.after(validityMs, () => {
      if (grant !== this.grant || !this.held) return;
      this.held = false;
      this.lost(`its ${validityMs} ms validity ran out`);
    });
    cb({ token: startWall, node });
  }

  release(cb?: () => void): void {
    this.held = false;
    this.grant++;
    const value = this.value;
    this.value = undefined;
    if (value === undefined) return cb?.();
    this.unlock(value, cb);
  }

  protected abstract unlock(value: string, cb?: () => void): void;
}

export class RedisLock extends LeaseLock {
  readonly name = 'redis';
  private readonly conn: RedisConnection;

  constructor(proc: RedisClientProcess) {
    super(proc);
    const master = proc.redis.masters[0];
    if (master === undefined) throw new Error('the redis lock needs one Redis master');
    this.conn = proc.redisConnection(master);
  }

  protected attempt(): void {
    const value = randomLockValue(this.proc);
    const start = this.proc.now();
    const startWall = this.proc.wallNow();
    const ttlMs = this.proc.redis.ttlMs;
    // A SET whose reply is lost may still have taken the key; with a fresh value next time, the
    // orphan simply blocks everyone until its TTL runs out.
    this.conn.command({ op: 'set-nx-px', key: REDIS_LOCK_KEY, value, ttlMs }, (r) => {
      if (this.want === undefined) return;
      if (!r.ok || r.value !== 'OK') return this.retryLater();
      const validity = ttlMs - (this.proc.now() - start) - driftAllowance(ttlMs);
      if (validity <= 0) return this.unlock(value, () => this.retryLater());
      this.granted(value, validity, startWall, `${REDIS_LOCK_KEY}@${this.conn.server}`);
    });
  }

  protected unlock(value: string, cb?: () => void): void {
    this.conn.command({ op: 'del-if', key: REDIS_LOCK_KEY, value }, () => cb?.());
  }
}
