/**
 * A client process's workload for scenarios: one session (to any server of the ensemble), and a
 * stream of random operations over a few znodes — creates (some ephemeral), setData, getData,
 * exists, delete — at a steady rate. Every completion is noted with its outcome: `ok`, `fail` (the
 * server answered an error) or `unknown` (CONNECTION_LOSS: it may or may not have happened), the
 * history the linearizability checker will read. A session that expires is replaced by a new one.
 */
import type { ClientCall, ClientProcess } from '../client/client-node.js';
import type { SimZkClient } from '../client/sim-client.js';
import type { Result } from '../client/zk-client.js';

export interface ClientWorkload {
  /** Operations per second this client issues. */
  opsPerSecond: number;
  keys: number;
  sessionTimeoutMs: number;
}

export const DEFAULT_CLIENT_WORKLOAD: ClientWorkload = { opsPerSecond: 10, keys: 8, sessionTimeoutMs: 10_000 };

export function clientWorkload(w: ClientWorkload): ClientCall {
  return (proc: ClientProcess) => {
    let handle: SimZkClient = proc.connect({ sessionTimeoutMs: w.sessionTimeoutMs });
    let n = 0;
    const interval = Math.max(1, Math.round(1000 / w.opsPerSecond));
    const tick = (): void => {
      if (handle.state === 'EXPIRED' || handle.state === 'CLOSED') {
        proc.note(`${proc.node} starts a new session (the old one is ${handle.state.toLowerCase()})`);
        handle = proc.connect({ sessionTimeoutMs: w.sessionTimeoutMs });
      }
      issue(proc, handle, n++, w.keys);
      proc.after(interval, tick);
    };
    proc.after(interval, tick);
  };
}

function issue(proc: ClientProcess, h: SimZkClient, n: number, keys: number): void {
  const r = proc.random.int(1_000_000);
  const path = `/c${r % keys}`;
  const value = `${proc.node}-${n}`;
  const kind = Math.floor(r / keys) % 6;
  const done = (op: string) => (res: Result<Record<string, unknown>>) => {
    const outcome = res.rc === 'OK' ? 'ok' : res.rc === 'CONNECTION_LOSS' ? 'unknown' : 'fail';
    proc.note(`${proc.node} ${op} ${path} → ${res.rc}`, { client: { op, path, value, rc: res.rc, outcome } });
  };
  switch (kind) {
    case 0:
      return h.create(path, value, 'PERSISTENT', done('create'));
    case 1:
      return h.create(path, value, 'EPHEMERAL', done('create-ephemeral'));
    case 2:
      return h.setData(path, value, -1, done('setData'));
    case 3:
      return h.getData(path, false, done('getData'));
    case 4:
      return h.exists(path, false, done('exists'));
    default:
      return h.delete(path, -1, done('delete'));
  }
}
