/**
 * Measures how long a real server takes to expire a session whose client went silent: client A (through a
 * black-hole proxy) owns an ephemeral node, client B (direct) watches it, A is cut off right after a reply,
 * and B's NODE_DELETED tells when the server expired A's session.
 *
 * The server files each session under the next multiple of tickTime after (last packet + timeout) and
 * expires a whole bucket per tick, so the expected delay is between timeout and timeout + tickTime.
 */
import { randomUUID } from 'node:crypto';
import type { Result } from '../sim/client/zk-client.js';
import { firstServer } from './four-letter.js';
import { type RealZkClient, connectRealClient } from './real-zk-client.js';
import { startProxy } from './tcp-proxy.js';

export interface ExpiryMeasurement {
  negotiatedTimeoutMs: number;
  tickTimeMs: number;
  /** When A went silent (the proxy started dropping, just after A's last reply), ms since the probe began. */
  silentAtMs: number;
  /** When B received NODE_DELETED for A's ephemeral node, ms since the probe began. */
  deletedAtMs: number;
  /** deletedAtMs − silentAtMs. */
  expiredAfterMs: number;
}

export interface ExpiryOptions {
  sessionTimeoutMs: number;
  /**
   * The server's tickTime. By default it is found by asking for a 100 ms session: the server grants its
   * minimum, 2·tickTime (true unless minSessionTimeout is configured, which .ci/zookeeper.sh does not do).
   */
  tickTimeMs?: number;
  /** Give up after this long without NODE_DELETED (default timeout + 4 tickTime + 10 s). */
  giveUpMs?: number;
}

export async function measureRealExpiry(connectString: string, options: ExpiryOptions): Promise<ExpiryMeasurement> {
  const tickTimeMs = options.tickTimeMs ?? (await probeTickTime(connectString));
  const { host, port } = firstServer(connectString);
  const proxy = await startProxy(host, port);
  const begin = performance.now();
  let a: RealZkClient | undefined;
  let b: RealZkClient | undefined;
  try {
    a = await connectRealClient(proxy.connectString, { sessionTimeoutMs: options.sessionTimeoutMs });
    b = await connectRealClient(connectString, { sessionTimeoutMs: 30_000 });
    const negotiatedTimeoutMs = a.negotiatedTimeoutMs;
    const path = `/zksim-expiry-probe-${randomUUID()}`; // unique: the server may be shared
    must(await call<{ path: string }>((cb) => a!.create(path, null, 'EPHEMERAL', cb)), 'create the ephemeral node');

    const deleted = new Promise<number>((resolve) => {
      b!.exists(path, (e) => {
        if (e.type === 'NODE_DELETED') resolve(performance.now());
      }, (r) => must(r, 'watch the ephemeral node'));
    });
    // Cut A off the moment a reply arrives: the server heard from A just before, so its clock starts here.
    must(await call((cb) => a!.exists('/', false, cb)), 'last request of A');
    proxy.blackHole();
    const silentAt = performance.now();

    const giveUpMs = options.giveUpMs ?? negotiatedTimeoutMs + 4 * tickTimeMs + 10_000;
    const deletedAt = await Promise.race([
      deleted,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no NODE_DELETED within ${giveUpMs} ms of A going silent`)), giveUpMs)),
    ]);
    return {
      negotiatedTimeoutMs,
      tickTimeMs,
      silentAtMs: Math.round(silentAt - begin),
      deletedAtMs: Math.round(deletedAt - begin),
      expiredAfterMs: Math.round(deletedAt - silentAt),
    };
  } finally {
    a?.destroy(); // its session is gone (or will be); closeSession could not get through anyway
    await proxy.close();
    if (b !== undefined) await call((cb) => b!.close(cb));
  }
}

async function probeTickTime(connectString: string): Promise<number> {
  // 100 ms, not 1: the library also uses the requested timeout as its TCP connect timeout.
  const asked = 100;
  const c = await connectRealClient(connectString, { sessionTimeoutMs: asked });
  const granted = c.negotiatedTimeoutMs;
  await call((cb) => c.close(cb));
  if (granted <= asked) throw new Error(`cannot infer tickTime: the server granted the ${asked} ms asked for; pass tickTimeMs`);
  return granted / 2;
}

function call<T = {}>(start: (cb: (r: Result<T>) => void) => void): Promise<Result<T>> {
  return new Promise((resolve) => start(resolve));
}

function must(r: Result<unknown>, what: string): void {
  if (r.rc !== 'OK') throw new Error(`expiry probe: ${what} failed: ${r.rc}`);
}
