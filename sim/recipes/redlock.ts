/**
 * Redlock: the same `SET NX PX` on N independent masters (no replication between them). A client
 * holds the lock when a majority said OK and time is left: validity = TTL − the time the round
 * took − a drift allowance, all on the client's monotonic clock. Otherwise it deletes its value
 * everywhere (some SETs may have succeeded) and tries again after a random delay. Release deletes
 * its value on every master.
 *
 * Its safety rests on timing assumptions the fault-injecting world breaks at will: each master
 * expires keys on its own wall clock (a jump forward frees the key early, so a second client can
 * assemble a majority that overlaps the first), and a client paused after the check still acts on
 * a lease that is gone. Like the single-instance lock it has no fencing token (see redis-lock.ts
 * for the wall-clock number passed in its place).
 */
import type { RedisClientProcess, RedisConnection } from '../redis/redis-client.js';
import { driftAllowance, LeaseLock, randomLockValue, REDIS_LOCK_KEY } from './redis-lock.js';

export class Redlock extends LeaseLock {
  readonly name = 'redlock';
  private readonly conns: RedisConnection[];

  constructor(proc: RedisClientProcess) {
    super(proc);
    this.conns = proc.redis.masters.map((m) => proc.redisConnection(m));
    if (this.conns.length === 0) throw new Error('redlock needs at least one Redis master');
  }

  protected attempt(): void {
    const value = randomLockValue(this.proc);
    const start = this.proc.now();
    const startWall = this.proc.wallNow();
    const ttlMs = this.proc.redis.ttlMs;
    const quorum = Math.floor(this.conns.length / 2) + 1;
    let answered = 0;
    const won: string[] = [];
    // Sent to all at once; each command's own timeout bounds how long a dead master can stall the round.
    for (const conn of this.conns) {
      conn.command({ op: 'set-nx-px', key: REDIS_LOCK_KEY, value, ttlMs }, (r) => {
        if (r.ok && r.value === 'OK') won.push(conn.server);
        if (++answered < this.conns.length || this.want === undefined) return;
        const validity = ttlMs - (this.proc.now() - start) - driftAllowance(ttlMs);
        if (won.length >= quorum && validity > 0) return this.granted(value, validity, startWall, `${REDIS_LOCK_KEY}@${won.join(',')}`);
        this.unlock(value, () => {});
        this.retryLater();
      });
    }
  }

  protected unlock(value: string, cb?: () => void): void {
    let left = this.conns.length;
    for (const conn of this.conns) conn.command({ op: 'del-if', key: REDIS_LOCK_KEY, value }, () => {
      if (--left === 0) cb?.();
    });
  }
}
