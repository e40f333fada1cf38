/**
 * The naive lock: one EPHEMERAL znode is the lock; whoever creates it holds it, and everyone else
 * watches it and races to create it again when it goes — so every release wakes every waiter
 * (the herd effect the standard recipe avoids). Fencing token: the lock node's czxid.
 */
import type { ZkClient } from '../client/zk-client.js';
import { guaranteedDelete } from './ensure-path.js';
import { zxidToken, LockListeners, type Acquired, type LockRecipe } from './lock.js';

export class NaiveLock extends LockListeners implements LockRecipe {
  readonly name = 'naive';
  private held = false;
  private want: ((r: Acquired) => void) | undefined;

  constructor(
    private readonly zk: ZkClient,
    private readonly path: string,
    private readonly after: (ms: number, fn: () => void) => void,
  ) {
    super();
    zk.onEvent((e) => {
      if (e.type === 'NONE' && e.state === 'EXPIRED' && this.held) {
        this.held = false;
        this.lost('session expired');
      }
    });
  }

  acquire(cb: (r: Acquired) => void): void {
    this.want = cb;
    this.attempt();
  }

  private attempt(): void {
    if (this.want === undefined) return;
    this.zk.create(this.path, null, 'EPHEMERAL', (r) => {
      if (r.rc === 'OK') return this.granted();
      if (r.rc === 'NODE_EXISTS') {
        return this.zk.exists(
          this.path,
          (e) => {
            this.notified(this.path);
            if (e.type === 'NODE_DELETED') this.attempt();
          },
          (x) => {
            if (x.rc === 'NO_NODE') this.attempt();
          },
        );
      }
      if (r.rc !== 'SESSION_EXPIRED') this.after(100, () => this.attempt());
    });
  }

  private granted(): void {
    this.zk.exists(this.path, false, (r) => {
      if (r.rc !== 'OK') {
        if (r.rc === 'CONNECTION_LOSS') this.after(100, () => this.granted());
        return;
      }
      this.held = true;
      const cb = this.want;
      this.want = undefined;
      cb?.({ token: zxidToken(r.stat.czxid), node: this.path });
    });
  }

  release(cb?: () => void): void {
    if (!this.held) return cb?.();
    this.held = false;
    guaranteedDelete(this.zk, this.path, this.after, cb);
  }
}
