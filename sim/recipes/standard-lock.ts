/**
 * ZooKeeper's lock recipe (the "Locks" recipe of the ZooKeeper documentation): each contender
 * creates an EPHEMERAL_SEQUENTIAL child `<guid>-lock-<seq>` of the lock directory; the lowest
 * sequence number holds the lock; every other contender watches only its predecessor, so a
 * release wakes one waiter (no herd effect). The fencing token is the czxid of the holder's node.
 * As the documentation prescribes, a create whose reply is lost (CONNECTION_LOSS) is followed by
 * getChildren to look for a node with the contender's guid before creating again. Without a guid
 * generator the recipe just retries the create — the mistake the guid exists for: the first
 * create may have succeeded, and its orphan node then blocks the lock, for its own client too,
 * until that session ends (test/recipes-mutex.test.ts shows it).
 */
import type { ZkClient } from '../client/zk-client.js';
import { ensurePath, guaranteedDelete } from './ensure-path.js';
import { sequenceOf } from './sequential.js';
import { deleteOwnDuplicates } from './own-duplicates.js';
import { zxidToken, LockListeners, type Acquired, type LockRecipe } from './lock.js';
import { hasBug, type BugName } from '../bugs/catalog.js';

const PREFIX = 'lock-';

export class StandardLock extends LockListeners implements LockRecipe {
  readonly name = 'standard';
  private me: string | undefined;
  private guid = '';
  /** Every guid this session's attempts used: a late create of any of them is ours to delete. */
  private readonly guidPrefixes = new Set<string>();
  private want: ((r: Acquired) => void) | undefined;

  constructor(
    private readonly zk: ZkClient,
    private readonly dir: string,
    private readonly after: (ms: number, fn: () => void) => void,
    /** A fresh guid per acquisition (the process's seeded stream); omitted: no lost-reply recovery. */
    private readonly newGuid?: () => string,
    /** Planted bugs switched on (sim/bugs/catalog.ts); absent in a clean run. */
    private readonly bugs?: readonly BugName[],
  ) {
    super();
    zk.onEvent((e) => {
      if (e.type === 'NONE' && e.state === 'EXPIRED' && this.me !== undefined) {
        this.me = undefined;
        this.want = undefined;
        this.lost('session expired');
      }
    });
  }

  acquire(cb: (r: Acquired) => void): void {
    this.want = cb;
    this.guid = this.newGuid?.() ?? '';
    if (this.guid !== '') this.guidPrefixes.add(`${this.guid}-`);
    this.create();
  }

  private prefix(): string {
    return this.guid === '' ? PREFIX : `${this.guid}-${PREFIX}`;
  }

  private create(): void {
    this.zk.create(`${this.dir}/${this.prefix()}`, null, 'EPHEMERAL_SEQUENTIAL', (r) => {
      if (r.rc === 'OK') {
        this.me = r.path;
        return this.check();
      }
      if (r.rc === 'NO_NODE') return ensurePath(this.zk, this.dir, this.after, () => this.create());
      if (r.rc === 'SESSION_EXPIRED') return;
      // CONNECTION_LOSS: the create may have happened. With a guid, look for our node first.
      this.after(100, () => (this.guid === '' ? this.create() : this.findOrCreate()));
    });
  }

  private findOrCreate(): void {
    this.zk.getChildren(this.dir, false, (r) => {
      if (r.rc === 'CONNECTION_LOSS') return this.after(100, () => this.findOrCreate());
      if (r.rc !== 'OK') return r.rc === 'NO_NODE' ? this.create() : undefined;
      const ours = r.children.find((c) => c.startsWith(`${this.guid}-${PREFIX}`));
      if (ours === undefined) return this.create();
      this.me = `${this.dir}/${ours}`;
      this.check();
    });
  }

  private check(): void {
    const me = this.me;
    if (me === undefined || this.want === undefined) return;
    this.zk.getChildren(this.dir, false, (r) => {
      if (r.rc !== 'OK') {
        if (r.rc !== 'SESSION_EXPIRED') this.after(100, () => this.check());
        return;
      }
      const mine = me.slice(this.dir.length + 1);
      const sorted = r.children.filter((c) => c.includes(PREFIX)).sort((a, b) => sequenceOf(a) - sequenceOf(b) || (a < b ? -1 : 1));
      const at = sorted.indexOf(mine);
      if (at < 0) return; // my node is gone: the session expired (onEvent reports it)
      if (deleteOwnDuplicates(this.zk, this.dir, sorted, this.guidPrefixes, mine, () => this.check())) return;
      if (at === 0) return this.granted(me);
      // Planted 'lock-watches-wrong-predecessor': the first child as getChildren lists it. Names start
      // with a guid, so that is not the lowest sequence: it may be a later node, or the waiter's own.
      const pred = `${this.dir}/${hasBug(this.bugs, 'lock-watches-wrong-predecessor') ? r.children[0] : sorted[at - 1]}`;
      this.zk.exists(
        pred,
        (e) => {
          this.notified(pred);
          if (e.type === 'NODE_DELETED') this.check();
        },
        (x) => {
          if (x.rc === 'NO_NODE') this.check(); // gone before the watch was set
          else if (x.rc !== 'OK' && x.rc !== 'SESSION_EXPIRED') this.after(100, () => this.check());
        },
      );
    });
  }

  private granted(me: string): void {
    // The token is the node's czxid: the order in which the ensemble granted the lock.
    this.zk.exists(me, false, (r) => {
      if (r.rc !== 'OK') {
        if (r.rc !== 'SESSION_EXPIRED' && r.rc !== 'NO_NODE') this.after(100, () => this.granted(me));
        return;
      }
      const cb = this.want;
      this.want = undefined;
      cb?.({ token: zxidToken(r.stat.czxid), node: me });
    });
  }

  release(cb?: () => void): void {
    const me = this.me;
    this.me = undefined;
    if (me === undefined) return cb?.();
    guaranteedDelete(this.zk, me, this.after, cb);
  }
}
