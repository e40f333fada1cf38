/**
 * Client-operation benchmark: simulated clients drive the standalone server through the whole
 * pipeline (client → network → server prep → log append + fsync on the simulated disk → apply →
 * reply → client callback). Each client keeps `depth` requests in flight, half reads (getData,
 * exists, getChildren) and half writes (setData, create, delete) over a small key space, so
 * errors and watches happen too. Trace off, as in long seed sweeps.
 */
import { ZkWorld } from '../sim/harness/zk-world.js';
import type { SimZkClient } from '../sim/client/sim-client.js';
import type { Result } from '../sim/client/zk-client.js';
import { now } from './common.js';

export interface ZkOpsParams {
  clients: number;
  depth: number;
  ops: number;
  keys: number;
  seed: number;
}

export interface ZkOpsRun {
  ops: number;
  ms: number;
  kernelEvents: number;
  /** Checksum over the results in completion order: every run must do the same work. */
  checksum: number;
  errors: number;
  simulatedMs: number;
}

export function runZkOps(p: ZkOpsParams): ZkOpsRun {
  const clients = Array.from({ length: p.clients }, (_, i) => `c${i + 1}`);
  const zw = new ZkWorld({ seed: `bench-${p.seed}`, clients, traceLevel: 'off' });
  const handles: SimZkClient[] = clients.map((c) => zw.connect(c));
  zw.perform<unknown>(clients[0], (_proc, done) => {
    for (let k = 0; k < p.keys; k++) handles[0].create(`/k${k}`, 'v', 'PERSISTENT', k === p.keys - 1 ? done : () => {});
  });
  let issued = 0;
  let completed = 0;
  let errors = 0;
  let checksum = 0;
  let counter = p.seed >>> 0;
  const next = (): number => ((counter = (Math.imul(counter, 1664525) + 1013904223) >>> 0) >>> 8);
  /** One closed loop: issue an op; when it completes, issue the next until `ops` were issued. */
  const issue = (h: SimZkClient): void => {
    issued++;
    const r = next();
    const key = `/k${r % p.keys}`;
    const done = (res: Result<unknown>): void => {
      completed++;
      if (res.rc !== 'OK') errors++;
      checksum = (Math.imul(checksum ^ res.rc.length, 0x01000193) + completed) >>> 0;
      if (issued < p.ops) issue(h);
    };
    switch ((r >>> 4) % 6) {
      case 0:
        return h.getData(key, false, done);
      case 1:
        return h.exists(key, r % 7 === 0, done);
      case 2:
        return h.getChildren(key, false, done);
      case 3:
        return h.setData(key, 'x', -1, done);
      case 4:
        return h.create(`${key}/c`, null, 'PERSISTENT', done);
      default:
        return h.delete(`${key}/c`, -1, done);
    }
  };
  const t0 = now();
  const events0 = zw.kernel.executed;
  const sim0 = zw.now;
  clients.forEach((c, i) =>
    zw.call(c, () => {
      for (let d = 0; d < p.depth; d++) issue(handles[i]);
    }),
  );
  zw.runUntil(() => completed >= p.ops, Number.MAX_SAFE_INTEGER);
  const ms = now() - t0;
  return { ops: completed, ms, kernelEvents: zw.kernel.executed - events0, checksum, errors, simulatedMs: zw.now - sim0 };
}
