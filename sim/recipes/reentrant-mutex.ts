/**
 * A reentrant mutex with the behaviour of Apache Curator's InterProcessMutex (3.x/5.x), written
 * from its documented behaviour:
 * - node naming: `<dir>/_c_<guid>-lock-<seq>`: EPHEMERAL_SEQUENTIAL in *protected mode*: the guid,
 *   fixed per acquisition attempt, lets a create whose reply was lost (CONNECTION_LOSS) find the
 *   node it may have made instead of making a second one (which would be an orphan blocking
 *   everyone until the session ends);
 * - ordering: children sorted by the 10-digit sequence suffix; the lowest holds the lock, each other
 *   watches only its predecessor (getData with a watcher, as Curator does);
 * - reentrancy: acquiring again while holding only counts up; the node goes on the last release;
 * - guaranteed delete: a release whose delete fails with CONNECTION_LOSS is retried until the
 *   server answers (Curator's guaranteed() delete in the background);
 * - connection states: SUSPENDED (connection lost, session maybe alive) is reported, and LOST
 *   (session expired) ends the hold: the recipe reports `lost`;
 * - revocation: another client may ask the holder to give the lock up by writing `__REVOKE__` into
 *   the holder's node (Revoker.attemptRevoke); a holder made revocable gets a callback.
 */
import type { ZkClient } from '../client/zk-client.js';
import { ensurePath, guaranteedDelete } from './ensure-path.js';
import { sequenceOf } from './sequential.js';
import { deleteOwnDuplicates } from './own-duplicates.js';
import { zxidToken, LockListeners, type Acquired, type LockRecipe } from './lock.js';

export const REVOKE_MESSAGE = '__REVOKE__';
const LOCK_NAME = 'lock-';

export class ReentrantMutex extends LockListeners implements LockRecipe {
  readonly name = 'reentrant';
  /** Holds (count > 0) and the node that represents the hold. */
  private count = 0;
  private node: string | undefined;
  private token = 0;
  private waiting: ((r: Acquired) => void)[] = [];
  private guid = '';
  /** Every guid this session's attempts used: a late create of any of them is ours to delete. */
  private readonly guidPrefixes = new Set<string>();
  private suspended: () => void = () => {};
  private revoke: (() => void) | undefined;

  constructor(
    private readonly zk: ZkClient,
    private readonly dir: string,
    private readonly after: (ms: number, fn: () => void) => void,
    /** A fresh guid per acquisition attempt (from the process's seeded stream). */
    private readonly newGuid: () => string,
  ) {
    super();
    zk.onEvent((e) => {
      if (e.type !== 'NONE') return;
      if (e.state === 'DISCONNECTED') this.suspended();
      if (e.state === 'EXPIRED' && (this.count > 0 || this.node !== undefined)) {
        this.count = 0;
        this.node = undefined;
        this.waiting = [];
        this.lost('session expired (LOST)');
      }
    });
  }

  /** Curator's SUSPENDED: the connection is gone, the session may still be alive. */
  onSuspended(cb: () => void): void {
    this.suspended = cb;
  }

  /** Curator's makeRevocable: called when another client asks for the lock to be given up. */
  makeRevocable(cb: () => void): void {
    this.revoke = cb;
  }

  /** How many times the holder has acquired without releasing (0: not held). */
  get holdCount(): number {
    return this.count;
  }

  /** The lock node of the current hold (the same one across reentrant acquires). */
  get lockNode(): string | undefined {
    return this.count > 0 ? this.node : undefined;
  }

  acquire(cb: (r: Acquired) => void): void {
    if (this.count > 0) {
      this.count++;
      return cb({ token: this.token, node: this.node! });
    }
    this.waiting.push(cb);
    if (this.waiting.length > 1) return; // an attempt is under way; it answers everyone
    this.guid = this.newGuid();
    this.guidPrefixes.add(`_c_${this.guid}-`);
    this.create();
  }

  private prefix(): string {
    return `${this.dir}/_c_${this.guid}-${LOCK_NAME}`;
  }

  private create(): void {
    this.zk.create(this.prefix(), null, 'EPHEMERAL_SEQUENTIAL', (r) => {
      if (r.rc === 'OK') {
        this.node = r.path;
        return this.check();
      }
      if (r.rc === 'NO_NODE') return ensurePath(this.zk, this.dir, this.after, () => this.create());
      if (r.rc === 'CONNECTION_LOSS') return this.after(100, () => this.findOrCreate());
      // SESSION_EXPIRED: the LOST handler reports it.
    });
  }

  /** Protected mode: after a lost reply, look for a node with our guid before creating another. */
  private findOrCreate(): void {
    this.zk.getChildren(this.dir, false, (r) => {
      if (r.rc === 'CONNECTION_LOSS') return this.after(100, () => this.findOrCreate());
      if (r.rc !== 'OK') return r.rc === 'NO_NODE' ? this.create() : undefined;
      const ours = r.children.find((c) => c.startsWith(`_c_${this.guid}-`));
      if (ours === undefined) return this.create();
      this.node = `${this.dir}/${ours}`;
      this.check();
    });
  }

  private check(): void {
    const me = this.node;
    if (me === undefined || this.waiting.length === 0) return;
    this.zk.getChildren(this.dir, false, (r) => {
      if (r.rc !== 'OK') {
        if (r.rc === 'CONNECTION_LOSS') this.after(100, () => this.check());
        return;
      }
      const sorted = r.children.filter((c) => c.includes(LOCK_NAME)).sort((a, b) => sequenceOf(a) - sequenceOf(b) || (a < b ? -1 : 1));
      const mine = me.slice(this.dir.length + 1);
      const at = sorted.indexOf(mine);
      if (at < 0) return; // our node is gone: the session expired (LOST reported by onEvent)
      if (deleteOwnDuplicates(this.zk, this.dir, sorted, this.guidPrefixes, mine, () => this.check())) return;
      if (at === 0) return this.granted(me);
      const pred = `${this.dir}/${sorted[at - 1]}`;
      this.zk.getData(
        pred,
        (e) => {
          this.notified(pred);
          if (e.type === 'NODE_DELETED' || e.type === 'NODE_DATA_CHANGED') this.check();
        },
        (x) => {
          if (x.rc === 'NO_NODE') this.check();
          else if (x.rc === 'CONNECTION_LOSS') this.after(100, () => this.check());
        },
      );
    });
  }

  private granted(me: string): void {
    // getData with a watcher: the token (czxid), and word of a revocation request later.
    const watch = (e: { type: string }) => {
      if (e.type === 'NODE_DATA_CHANGED' && this.node === me && this.count > 0) this.readRevocation(me);
    };
    this.zk.getData(me, watch, (r) => {
      if (r.rc !== 'OK') {
        if (r.rc === 'CONNECTION_LOSS') this.after(100, () => this.granted(me));
        return;
      }
      this.count = 1;
      this.token = zxidToken(r.stat.czxid);
      const waiting = this.waiting;
      this.waiting = [];
      // The first waiter acquires; any others that asked meanwhile are reentrant acquires.
      waiting.forEach((cb, i) => {
        if (i > 0) this.count++;
        cb({ token: this.token, node: me });
      });
      if (r.data === REVOKE_MESSAGE) this.revoke?.();
    });
  }

  private readRevocation(me: string): void {
    this.zk.getData(me, false, (r) => {
      if (r.rc === 'OK' && r.data === REVOKE_MESSAGE) this.revoke?.();
    });
  }

  release(cb?: () => void): void {
    if (this.count === 0) return cb?.();
    this.count--;
    if (this.count > 0) return cb?.();
    const me = this.node;
    this.node = undefined;
    if (me === undefined) return cb?.();
    // Guaranteed delete: retried until a server answers (the session's end removes it anyway).
    guaranteedDelete(this.zk, me, this.after, cb);
  }
}

/** Asks the holder of `node` to give the lock up (Curator's Revoker.attemptRevoke). */
export function attemptRevoke(zk: ZkClient, node: string, cb: (ok: boolean) => void): void {
  zk.setData(node, REVOKE_MESSAGE, -1, (r) => cb(r.rc === 'OK'));
}
