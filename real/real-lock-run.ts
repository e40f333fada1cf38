/**
 * The standard lock recipe against a real ZooKeeper ensemble: N clients (node-zookeeper-client
 * through the real-server adapter) take turns with the same `StandardLock` code the simulator
 * runs, writing to an in-process fenced resource while they hold the lock; `kill` is called
 * mid-run (e.g. to SIGKILL the leader). What happened is turned into the same `lock` / `resource`
 * notes the simulated runs produce, so the same checkers (sim/check/lock-safety.ts) judge it.
 * Wall-clock time is fine here: real/ is the only code that talks to real servers.
 */
import type { TraceEvent } from '../sim/kernel/trace/events.js';
import { LockExclusion, LockFencing, LockHistory } from '../sim/check/lock-safety.js';
import type { Verdict } from '../sim/check/verdict.js';
import { StandardLock } from '../sim/recipes/standard-lock.js';
import type { ResourceNote } from '../sim/recipes/resource.js';
import type { LockNote } from '../sim/workload/lock-workload.js';
import { connectRealClient, type RealZkClient } from './real-zk-client.js';

export interface RealLockRunOptions {
  connectString: string;
  clients: number;
  /** Milliseconds from the start at which `kill` runs, and the whole run's length. */
  killAtMs: number;
  durationMs: number;
  kill: () => Promise<void>;
  holdMs?: number;
  thinkMs?: number;
  sessionTimeoutMs?: number;
  lockPath?: string;
}

export interface RealLockRun {
  verdicts: Verdict[];
  acquisitions: number;
  /** Acquisitions that began after the kill (waiters served again). */
  acquisitionsAfterKill: number;
  rejectedWrites: number;
}

export async function runRealLocks(o: RealLockRunOptions): Promise<RealLockRun> {
  const start = performance.now();
  const now = () => Math.round(performance.now() - start);
  const events: TraceEvent[] = [];
  const note = (node: string, data: { lock?: LockNote; resource?: ResourceNote }) =>
    events.push({ seq: events.length, at: now(), kind: 'note', node, text: '', data } as TraceEvent);
  let highest = -1;
  let rejected = 0;
  const write = (client: string, token: number, n: number): void => {
    const accepted = token >= highest;
    note('r1', { resource: { client, token, n, accepted, highest, fenced: true } });
    if (accepted) highest = Math.max(highest, token);
    else rejected++;
  };
  const handles: RealZkClient[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const after = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopping) fn();
    }, ms);
    timers.add(t);
  };
  let stopping = false;
  let killedAt = Number.POSITIVE_INFINITY;
  const hold = o.holdMs ?? 150;
  const think = o.thinkMs ?? 100;
  try {
    for (let i = 1; i <= o.clients; i++) {
      const name = `l${i}`;
      const zk = await connectRealClient(o.connectString, { sessionTimeoutMs: o.sessionTimeoutMs ?? 15_000 });
      handles.push(zk);
      const lock = new StandardLock(zk, o.lockPath ?? '/zksim-real-lock', after);
      lock.onLost(() => note(name, { lock: { event: 'lost', recipe: 'standard' } }));
      lock.onNotified((path) => note(name, { lock: { event: 'notified', recipe: 'standard', path } }));
      const cycle = (): void => {
        note(name, { lock: { event: 'want', recipe: 'standard' } });
        lock.acquire(({ token, node }) => {
          if (stopping) return;
          note(name, { lock: { event: 'acquired', recipe: 'standard', token, node } });
          write(name, token, 0);
          after(hold, () => {
            write(name, token, 1);
            note(name, { lock: { event: 'released', recipe: 'standard', token } });
            lock.release();
            after(think, cycle);
          });
        });
      };
      cycle();
    }
    await sleep(o.killAtMs - now());
    killedAt = now();
    await o.kill();
    await sleep(o.durationMs - now());
  } finally {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    await Promise.all(handles.map((h) => (h.state === 'CONNECTED' ? new Promise<void>((r) => h.close(() => r())) : (h.destroy(), Promise.resolve()))));
  }
  const history = new LockHistory();
  const exclusion = new LockExclusion(history);
  const fencing = new LockFencing(history);
  for (const e of events) exclusion.onEvent(e);
  const acquired = events.filter((e) => e.kind === 'note' && (e.data as { lock?: LockNote }).lock?.event === 'acquired');
  return {
    verdicts: [exclusion.finish(), fencing.finish()],
    acquisitions: acquired.length,
    acquisitionsAfterKill: acquired.filter((e) => e.at > killedAt).length,
    rejectedWrites: rejected,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
