/**
 * A lock client's workload: one session; in a loop it asks for the lock, and while it believes it
 * holds it writes to the resource service a few times (tagged with its fencing token), then
 * releases it and thinks for a while. Every step is noted (`lock` data), so the lock safety
 * checker can rebuild who believed they held the lock when. A session that expires is replaced,
 * with a new lock object, and the loop goes on.
 */
import type { ClientCall, ClientProcess } from '../client/client-node.js';
import type { SimZkClient } from '../client/sim-client.js';
import type { LockRecipe } from '../recipes/lock.js';
import { NaiveLock } from '../recipes/naive-lock.js';
import { RESOURCE_PORT, type ResourceWrite } from '../recipes/resource.js';
import { StandardLock } from '../recipes/standard-lock.js';
import { ReentrantMutex } from '../recipes/reentrant-mutex.js';
import { RedisLock } from '../recipes/redis-lock.js';
import { Redlock } from '../recipes/redlock.js';
import { isRedisClientProcess, type RedisClientProcess } from '../redis/redis-client.js';
import type { BugName } from '../bugs/catalog.js';

export type LockRecipeName = string;

/**
 * A lock recipe bound to one client process: `open` makes a fresh lock (on a fresh session or
 * connection) and calls `dead` when that session can never hold the lock again (it expired), so
 * the workload starts over with a new one.
 */
export type LockFactory = (proc: ClientProcess, w: LockWorkload, dead: () => void) => LockRecipe;

/** The ZooKeeper recipes, on a new session of the process. */
function zkLock(make: (zk: SimZkClient, after: (ms: number, fn: () => void) => void) => LockRecipe): LockFactory {
  return (proc, w, dead) => {
    const handle = proc.connect({ sessionTimeoutMs: w.sessionTimeoutMs, ...(w.bugs === undefined ? {} : { bugs: w.bugs }) });
    const lock = make(handle, (ms, fn) => proc.after(ms, fn));
    handle.onEvent((e) => {
      if (e.type === 'NONE' && e.state === 'EXPIRED') dead();
    });
    return lock;
  };
}

/**
 * The Redis recipes, on the process's Redis connections. There is no session to die: a lease
 * simply runs out, so `dead` is never called and the same lock object serves every cycle.
 */
function redisLock(make: (proc: RedisClientProcess) => LockRecipe): LockFactory {
  return (proc) => {
    if (!isRedisClientProcess(proc)) throw new Error(`${proc.node}: Redis lock recipes run on the redis protocol's clients`);
    return make(proc);
  };
}

/** A guid for a lock node name, from the process's own seeded stream. */
function guidOf(proc: ClientProcess): string {
  return proc.random.int(0x7fffffff).toString(16).padStart(8, '0');
}

/** Recipes by name; other back ends (e.g. Redis) register theirs here. */
export const LOCK_FACTORIES: Record<string, LockFactory> = {
  standard: (proc, w, dead) => zkLock((zk, after) => new StandardLock(zk, LOCK_PATH, after, () => guidOf(proc), w.bugs))(proc, w, dead),
  naive: zkLock((zk, after) => new NaiveLock(zk, LOCK_PATH, after)),
  // Curator's InterProcessMutex; guids from the process's own seeded stream.
  reentrant: (proc, w, dead) => zkLock((zk, after) => new ReentrantMutex(zk, LOCK_PATH, after, () => guidOf(proc)))(proc, w, dead),
  redis: redisLock((proc) => new RedisLock(proc)),
  redlock: redisLock((proc) => new Redlock(proc)),
};

export interface LockWorkload {
  recipe: LockRecipeName;
  /** How long a holder keeps the lock, writing `writes` times spread over it. */
  holdMs: number;
  thinkMs: number;
  writes: number;
  sessionTimeoutMs: number;
  /** The resource service's node. */
  resource: string;
  /** Delay before the first request (lets a scenario decide who holds first). */
  startMs: number;
  /** Planted bugs switched on (sim/bugs/catalog.ts); absent in a clean run. */
  bugs?: readonly BugName[];
}

export interface LockNote {
  event: 'want' | 'acquired' | 'released' | 'lost' | 'notified';
  recipe: LockRecipeName;
  token?: number;
  node?: string;
  path?: string;
}

const LOCK_PATH = '/lock';

export function lockWorkload(w: LockWorkload): ClientCall {
  return (proc: ClientProcess) => {
    const factory = LOCK_FACTORIES[w.recipe];
    if (factory === undefined) throw new Error(`unknown lock recipe "${w.recipe}"; known: ${Object.keys(LOCK_FACTORIES).join(', ')}`);
    let lock: LockRecipe;
    let generation = 0;
    const note = (text: string, n: Omit<LockNote, 'recipe'>) => proc.note(`${proc.node} ${text}`, { lock: { ...n, recipe: w.recipe } });
    const open = (): void => {
      const gen = ++generation;
      // A dead session cannot hold or wait: start over with a new one.
      lock = factory(proc, w, () => {
        if (gen === generation) proc.after(0, () => {
          open();
          cycle();
        });
      });
      lock.onNotified((path) => note(`is notified (${path})`, { event: 'notified', path }));
      lock.onLost((why) => {
        if (gen !== generation) return;
        note(`lost the lock: ${why}`, { event: 'lost' });
      });
    };
    const cycle = (): void => {
      const gen = generation;
      note('wants the lock', { event: 'want' });
      lock.acquire(({ token, node }) => {
        if (gen !== generation) return;
        note(`holds the lock (token ${token})`, { event: 'acquired', token, node });
        const write = (n: number): void => {
          if (gen !== generation) return;
          const msg: ResourceWrite = { t: 'write', client: proc.node, token, n };
          proc.sendDatagram(w.resource, RESOURCE_PORT, msg);
          if (n + 1 < w.writes) return proc.after(Math.max(1, Math.floor(w.holdMs / w.writes)), () => write(n + 1));
          proc.after(Math.max(1, Math.floor(w.holdMs / w.writes)), () => {
            if (gen !== generation) return;
            note(`releases the lock (token ${token})`, { event: 'released', token });
            lock.release();
            proc.after(w.thinkMs, () => {
              if (gen === generation) cycle();
            });
          });
        };
        write(0);
      });
    };
    proc.after(w.startMs, () => {
      open();
      cycle();
    });
  };
}
