/**
 * Leader election, latch style (Curator's LeaderLatch): each participant creates an
 * EPHEMERAL_SEQUENTIAL `latch-<seq>` node; the lowest is the leader; every other watches its
 * predecessor and checks again when it goes. Leadership ends with the session (LOST) or `close`.
 */
import type { ZkClient } from '../client/zk-client.js';
import { ensurePath } from './ensure-path.js';
import { bySequence } from './sequential.js';

export class LeaderLatch {
  private me: string | undefined;
  private leader = false;
  private listener: (isLeader: boolean) => void = () => {};

  constructor(
    private readonly zk: ZkClient,
    private readonly dir: string,
    private readonly after: (ms: number, fn: () => void) => void,
  ) {
    zk.onEvent((e) => {
      if (e.type === 'NONE' && e.state === 'EXPIRED') this.set(false);
    });
  }

  /** Called on every change of leadership (true: this participant now leads). */
  onChange(cb: (isLeader: boolean) => void): void {
    this.listener = cb;
  }

  get hasLeadership(): boolean {
    return this.leader;
  }

  start(): void {
    const create = (): void =>
      this.zk.create(`${this.dir}/latch-`, null, 'EPHEMERAL_SEQUENTIAL', (r) => {
        if (r.rc === 'OK') {
          this.me = r.path;
          return this.check();
        }
        if (r.rc === 'NO_NODE') return ensurePath(this.zk, this.dir, this.after, create);
        if (r.rc === 'CONNECTION_LOSS') this.after(100, create);
      });
    create();
  }

  private check(): void {
    const me = this.me;
    if (me === undefined) return;
    this.zk.getChildren(this.dir, false, (r) => {
      if (r.rc !== 'OK') {
        if (r.rc === 'CONNECTION_LOSS') this.after(100, () => this.check());
        return;
      }
      const sorted = bySequence(r.children, (c) => c.startsWith('latch-'));
      const at = sorted.indexOf(me.slice(this.dir.length + 1));
      if (at < 0) return this.set(false);
      if (at === 0) return this.set(true);
      this.zk.exists(
        `${this.dir}/${sorted[at - 1]}`,
        (e) => {
          if (e.type === 'NODE_DELETED') this.check();
        },
        (x) => {
          if (x.rc === 'NO_NODE') this.check();
        },
      );
    });
  }

  private set(isLeader: boolean): void {
    if (this.leader === isLeader) return;
    this.leader = isLeader;
    this.listener(isLeader);
  }

  /** Leaves the election (and leadership, if held). */
  close(cb?: () => void): void {
    const me = this.me;
    this.me = undefined;
    this.set(false);
    if (me === undefined) return cb?.();
    this.zk.delete(me, -1, () => cb?.());
  }
}
