/**
 * Creates `path` and any missing ancestors as persistent nodes (Curator's
 * creatingParentsIfNeeded), then calls `cb`. NODE_EXISTS is success; CONNECTION_LOSS is retried.
 */
import type { ZkClient } from '../client/zk-client.js';

export function ensurePath(zk: ZkClient, path: string, after: (ms: number, fn: () => void) => void, cb: () => void): void {
  const parts = path.split('/').filter((p) => p !== '');
  const step = (i: number): void => {
    if (i > parts.length) return cb();
    const prefix = `/${parts.slice(0, i).join('/')}`;
    zk.create(prefix, null, 'PERSISTENT', (r) => {
      if (r.rc === 'OK' || r.rc === 'NODE_EXISTS') return step(i + 1);
      if (r.rc === 'CONNECTION_LOSS') return after(100, () => step(i));
      // SESSION_EXPIRED and the like: the recipe's LOST handling takes over.
    });
  };
  step(1);
}

/**
 * Deletes `path`, retrying while the connection is lost, so a release is not forgotten on a
 * flaky link (Curator's guaranteed delete); any answer from a server ends it, then `cb`.
 */
export function guaranteedDelete(zk: ZkClient, path: string, after: (ms: number, fn: () => void) => void, cb?: () => void): void {
  zk.delete(path, -1, (r) => {
    if (r.rc === 'CONNECTION_LOSS') after(100, () => guaranteedDelete(zk, path, after, cb));
    else cb?.();
  });
}
