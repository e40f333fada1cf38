/**
 * A read/write lock (the ZooKeeper "Shared Locks" recipe; Curator's InterProcessReadWriteLock
 * orders the same way): readers create `read-<seq>`, writers `write-<seq>`, EPHEMERAL_SEQUENTIAL in
 * one directory. A reader holds once no write node comes before its own (it watches the last
 * such write node); a writer holds once its node is the lowest (it watches its predecessor). So
 * readers share, a writer excludes everyone, and arrival order is kept (no writer starvation).
 */
import type { ZkClient } from '../client/zk-client.js';
import { ensurePath, guaranteedDelete } from './ensure-path.js';
import { zxidToken, type Acquired } from './lock.js';
import { bySequence } from './sequential.js';

export type Mode = 'read' | 'write';

export class ReadWriteLock {
  constructor(
    private readonly zk: ZkClient,
    private readonly dir: string,
    private readonly after: (ms: number, fn: () => void) => void,
  ) {}

  /** Acquires in `mode`; `cb` gets the grant (the node and its czxid as token). */
  acquire(mode: Mode, cb: (r: Acquired) => void): void {
    const create = (): void =>
      this.zk.create(`${this.dir}/${mode}-`, null, 'EPHEMERAL_SEQUENTIAL', (r) => {
        if (r.rc === 'OK') return this.check(mode, r.path, cb);
        if (r.rc === 'NO_NODE') return ensurePath(this.zk, this.dir, this.after, create);
        if (r.rc === 'CONNECTION_LOSS') this.after(100, create);
      });
    create();
  }

  private check(mode: Mode, me: string, cb: (r: Acquired) => void): void {
    this.zk.getChildren(this.dir, false, (r) => {
      if (r.rc !== 'OK') {
        if (r.rc === 'CONNECTION_LOSS') this.after(100, () => this.check(mode, me, cb));
        return;
      }
      const sorted = bySequence(r.children, (c) => c.startsWith('read-') || c.startsWith('write-'));
      const at = sorted.indexOf(me.slice(this.dir.length + 1));
      if (at < 0) return; // session gone
      // What must go first: for a writer, anyone before it; for a reader, the last writer before it.
      const blocking = mode === 'write' ? sorted[at - 1] : sorted.slice(0, at).filter((c) => c.startsWith('write-')).at(-1);
      if (blocking === undefined) {
        return this.zk.exists(me, false, (x) => {
          if (x.rc === 'OK') cb({ token: zxidToken(x.stat.czxid), node: me });
        });
      }
      this.zk.exists(
        `${this.dir}/${blocking}`,
        (e) => {
          if (e.type === 'NODE_DELETED') this.check(mode, me, cb);
        },
        (x) => {
          if (x.rc === 'NO_NODE') this.check(mode, me, cb);
        },
      );
    });
  }

  release(node: string, cb?: () => void): void {
    guaranteedDelete(this.zk, node, this.after, cb);
  }
}
