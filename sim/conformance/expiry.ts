/**
 * The simulator's half of the session-expiry comparison, done exactly as the real-server probe
 * (real/expiry-probe.ts) does it: client A owns an ephemeral node, client B watches it, A is cut
 * off right after a reply, and B's NODE_DELETED tells when the server expired A's session.
 */
import { ZkWorld } from '../harness/zk-world.js';
import type { WatchedEvent } from '../client/zk-client.js';

export interface SimExpiryOptions {
  sessionTimeoutMs: number;
  tickTimeMs: number;
  seed?: string;
}

export interface SimExpiryMeasurement {
  negotiatedTimeoutMs: number;
  tickTimeMs: number;
  /** Simulated ms when A was cut off (just after its last reply). */
  silentAtMs: number;
  deletedAtMs: number;
  expiredAfterMs: number;
}

export function simulateExpiry(options: SimExpiryOptions): SimExpiryMeasurement {
  const zw = new ZkWorld({ seed: options.seed ?? 'expiry', clients: ['a', 'b'], server: { tickTimeMs: options.tickTimeMs } });
  const a = zw.connect('a', { sessionTimeoutMs: options.sessionTimeoutMs });
  const b = zw.connect('b', { sessionTimeoutMs: 30_000 });
  const path = '/zksim-expiry-probe';
  const must = (r: { rc: string }, what: string) => {
    if (r.rc !== 'OK') throw new Error(`${what}: ${r.rc}`);
  };
  must(zw.perform('a', (_p, done) => a.create(path, null, 'EPHEMERAL', done)), 'create the ephemeral node');
  let deletedAt: number | undefined;
  const watcher = (e: WatchedEvent) => {
    if (e.type === 'NODE_DELETED') deletedAt = zw.now;
  };
  must(zw.perform('b', (_p, done) => b.exists(path, watcher, done)), 'watch the ephemeral node');
  must(zw.perform('a', (_p, done) => a.exists('/', false, done)), 'last request of A');
  zw.fault({ kind: 'isolate', node: 'a' });
  const silentAt = zw.now;
  zw.runUntil(() => deletedAt !== undefined, a.negotiatedTimeoutMs + 4 * options.tickTimeMs + 10_000);
  return {
    negotiatedTimeoutMs: a.negotiatedTimeoutMs,
    tickTimeMs: options.tickTimeMs,
    silentAtMs: silentAt,
    deletedAtMs: deletedAt!,
    expiredAfterMs: deletedAt! - silentAt,
  };
}
