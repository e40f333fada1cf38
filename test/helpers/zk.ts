import type { SimZkClient } from '../../sim/client/sim-client.js';
import type { Result, WatchedEvent } from '../../sim/client/zk-client.js';
import { ZkWorld, type ZkWorldOptions } from '../../sim/harness/zk-world.js';

/** A standalone world with connected handles h[0..n-1] (on clients c1..cn) and their event logs. */
export function standalone(n = 1, options: ZkWorldOptions = {}) {
  const clients = Array.from({ length: n }, (_, i) => `c${i + 1}`);
  const zw = new ZkWorld({ clients, ...options });
  const h: SimZkClient[] = clients.map((c) => zw.connect(c));
  const events: WatchedEvent[][] = h.map(() => []);
  h.forEach((handle, i) => handle.onEvent((e) => events[i].push(e)));
  /** Runs one operation of handle i to completion. */
  const op = <T = any>(i: number, start: (handle: SimZkClient, done: (r: Result<T>) => void) => void): Result<T> & Record<string, any> =>
    zw.perform(clients[i], (_p, done) => start(h[i], done)) as Result<T> & Record<string, any>;
  return { zw, h, clients, events, op };
}

export const znodeEvents = (events: WatchedEvent[]) => events.filter((e) => e.type !== 'NONE').map((e) => `${e.type} ${(e as { path: string }).path}`);
export const stateEvents = (events: WatchedEvent[]) => events.filter((e) => e.type === 'NONE').map((e) => (e as { state: string }).state);
