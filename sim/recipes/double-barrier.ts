/**
 * The ZooKeeper double barrier recipe: `size` participants enter — nobody starts computing until
 * all have entered — and leave — nobody finishes until all have left. Entering: create an
 * ephemeral child named after the participant, then if the children reach `size` create `ready`,
 * else wait for `ready` to appear. Leaving: delete your node; the lowest participant waits for the
 * highest to go, the others wait for the lowest, until no participant node is left.
 */
import type { ZkClient } from '../client/zk-client.js';
import { ensurePath } from './ensure-path.js';

const READY = 'ready';

export class DoubleBarrier {
  constructor(
    private readonly zk: ZkClient,
    private readonly dir: string,
    private readonly name: string,
    private readonly size: number,
    private readonly after: (ms: number, fn: () => void) => void,
  ) {}

  private get me(): string {
    return `${this.dir}/${this.name}`;
  }

  enter(cb: () => void): void {
    let done = false;
    const finish = (): void => {
      if (!done) {
        done = true;
        cb();
      }
    };
    const watchReady = (): void =>
      this.zk.exists(
        `${this.dir}/${READY}`,
        (e) => {
          if (e.type === 'NODE_CREATED') finish();
        },
        (r) => {
          if (r.rc === 'OK') return finish();
          if (r.rc === 'CONNECTION_LOSS') return this.after(100, watchReady);
          this.zk.getChildren(this.dir, false, (c) => {
            if (c.rc === 'OK' && c.children.filter((x) => x !== READY).length >= this.size) {
              this.zk.create(`${this.dir}/${READY}`, null, 'PERSISTENT', () => finish());
            }
          });
        },
      );
    const create = (): void =>
      this.zk.create(this.me, null, 'EPHEMERAL', (r) => {
        if (r.rc === 'OK' || r.rc === 'NODE_EXISTS') return watchReady();
        if (r.rc === 'NO_NODE') return ensurePath(this.zk, this.dir, this.after, create);
        if (r.rc === 'CONNECTION_LOSS') this.after(100, create);
      });
    create();
  }

  leave(cb: () => void): void {
    const loop = (): void =>
      this.zk.getChildren(this.dir, false, (r) => {
        if (r.rc !== 'OK') {
          if (r.rc === 'CONNECTION_LOSS') this.after(100, loop);
          return;
        }
        const names = r.children.filter((c) => c !== READY).sort();
        if (names.length === 0) return cb();
        const mine = names.includes(this.name);
        if (names.length === 1 && mine) return this.zk.delete(this.me, -1, () => cb());
        const lowest = names[0] === this.name;
        if (mine && !lowest) return this.zk.delete(this.me, -1, () => loop());
        // The lowest waits for the highest to go; one already gone waits for the lowest.
        const target = lowest ? names[names.length - 1] : names[0];
        this.zk.exists(
          `${this.dir}/${target}`,
          (e) => {
            if (e.type === 'NODE_DELETED') loop();
          },
          (x) => {
            if (x.rc === 'NO_NODE') loop();
          },
        );
      });
    loop();
  }
}
