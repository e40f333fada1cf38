/**
 * A quorum server's database (ZooKeeper's ZKDatabase + FileTxnSnapLog): the tree, the transaction
 * log as it is on disk (committed or not), the committed-proposal window used for DIFF syncs, the
 * two epoch files, and snapshots. It issues the disk effects and tells its owner when an fsync made
 * log entries durable or an epoch file is safely written.
 *
 * Restart rebuilds the tree from the newest readable snapshot plus *every* later logged
 * transaction, committed or not, as ZooKeeper does: it is the next leader's TRUNC/DIFF/SNAP that
 * removes an uncommitted suffix.
 */
import type { DurableView, Effect } from '../../contract/node.js';
import type { SessionId } from '../../client/zk-client.js';
import { DataTree, type Applied, type TreeSnapshot } from '../data-tree.js';
import type { Txn, TxnBody } from '../txn.js';
import { compareZxid, formatZxid, ZERO_ZXID, type Zxid } from '../zxid.js';

export const TXN_LOG = 'txnlog';
export const ACCEPTED_EPOCH = 'acceptedEpoch';
export const CURRENT_EPOCH = 'currentEpoch';
/**
 * The marker a learner creates before taking its synced history and currentEpoch to disk at
 * NEWLEADER, and removes once currentEpoch is written (Learner.syncWithLeader). A restart that
 * finds it with a log ahead of currentEpoch knows the write was interrupted and completes it
 * (QuorumPeer.loadDataBase); without it such a server would refuse to start for ever.
 */
export const UPDATING_EPOCH = 'updatingEpoch';

function snapshotFile(z: Zxid): string {
  return `snapshot.${z.epoch.toString(16).padStart(8, '0')}${z.counter.toString(16).padStart(8, '0')}`;
}

interface SnapshotFile {
  zxid: Zxid;
  tree: TreeSnapshot;
  sessions: [SessionId, number][];
  /** Taken when a SNAP from a leader replaced the tree (the txn log before it may hold txns outside this history). */
  fromSync?: true;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the database only issues disk and note effects
type Fx = Effect<any>[];

export class ReplicaDb {
  tree = new DataTree();
  /** The log as on disk, in order (index i is record i of TXN_LOG). */
  log: Txn[] = [];
  /** The last `commitLogCount` committed transactions, for DIFF syncs. */
  committedLog: Txn[] = [];
  sessions = new Map<SessionId, number>();
  /**
   * Every transaction this incarnation applied, in order, for the invariant monitors; `gen` counts
   * rebuilds of the tree (TRUNC, SNAP), after which the order starts again.
   */
  readonly applied: { zxid: Zxid; body: TxnBody; gen: number }[] = [];
  private gen = 0;
  private accepted = 0;
  private current = 0;
  /**
   * Before Zab 1.0 (ZOOKEEPER-335, 3.3.x) there were no epoch files: both epochs are the epoch of
   * the last zxid, and writing one writes nothing.
   */
  private readonly preZab10: boolean;

  /** The epoch of the last LEADERINFO accepted (file `acceptedEpoch`; paper: f.p). */
  get acceptedEpoch(): number {
    return this.preZab10 ? this.lastProcessedZxid.epoch : this.accepted;
  }

  set acceptedEpoch(v: number) {
    this.accepted = v;
  }

  /** The epoch of the last NEWLEADER accepted (file `currentEpoch`; paper: f.a); votes carry it. */
  get currentEpoch(): number {
    return this.preZab10 ? this.lastProcessedZxid.epoch : this.current;
  }

  set currentEpoch(v: number) {
    this.current = v;
  }
  /** What the last TRUNC this incarnation obeyed removed: the log after `to`, up to `upTo` (for the invariant monitors). */
  truncated: { to: Zxid; upTo: Zxid } | undefined;
  /** The currentEpoch a restart would read (written and fsynced), for the invariant monitors. */
  durableCurrentEpoch = 0;
  /** Epoch-file writes in flight, by fsync ref: kept apart from the continuations, which a role end drops. */
  private readonly epochWrites = new Map<string, { file: string; value: number }>();
  /** The snapshot the tree was last built from (ZERO base when none). */
  private base: SnapshotFile | undefined;
  /** Every readable snapshot on disk, oldest first (a TRUNC rebuilds from one at or below its target). */
  private snapshots: SnapshotFile[] = [];
  private durableCount = 0;
  private syncingTo: number | undefined;
  private readonly continuations = new Map<string, () => void>();
  private nextRef = 0;
  /** Waiting for the log to be durable up to a length. */
  private durableWaiters: { length: number; then: () => void }[] = [];

  constructor(
    private readonly commitLogCount: number,
    opts: { preZab10?: boolean } = {},
  ) {
    this.preZab10 = opts.preZab10 === true;
  }

  /** Loads what survived on disk. Returns why the server must not start, if it must not. */
  static load(disk: DurableView, commitLogCount: number, fx: Fx, opts: { preZab10?: boolean } = {}): { db: ReplicaDb; problem?: string } {
    const db = new ReplicaDb(commitLogCount, opts);
    // Epoch files are replaced atomically in ZooKeeper (temp file + rename): here each is a small log
    // whose last intact record is the value, so a torn write leaves the previous value.
    // Bit rot in the newest record, though, is an unreadable file: ZooKeeper will not start on it.
    const unreadable: string[] = [];
    const epoch = (name: string): number | undefined => {
      const all = disk.readLog(name);
      const lastRecord = all.at(-1);
      if (lastRecord !== undefined && !lastRecord.ok && lastRecord.reason === 'checksum') unreadable.push(name);
      const records = all.filter((r) => r.ok);
      return records.length === 0 ? undefined : ((records.at(-1) as { data: unknown }).data as number);
    };
    const a = epoch(ACCEPTED_EPOCH);
    const c = epoch(CURRENT_EPOCH);
    if (unreadable.length > 0) return { db, problem: `cannot read ${unreadable.join(' and ')}: the file fails its checksum` };
    const updating = disk.readLog(UPDATING_EPOCH).some((r) => r.ok);
    for (const name of disk.files().filter((f) => f.startsWith('snapshot.')).sort()) {
      const r = disk.readFile(name);
      if (r === undefined || !r.ok || r.data === null) continue; // unreadable, or retired by a TRUNC
      db.snapshots.push(r.data as SnapshotFile);
    }
    db.base = db.snapshots.at(-1);
    const records = disk.readLog(TXN_LOG);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (!r.ok && r.reason === 'checksum') return { db, problem: `${TXN_LOG} record ${i} fails its checksum` };
      if (!r.ok) {
        fx.push({ kind: 'truncate', file: TXN_LOG, length: i, ref: 'db:truncate' });
        break;
      }
      db.log.push(r.data as Txn);
    }
    db.durableCount = db.log.length;
    db.rebuild();
    if (db.preZab10) return { db };
    const last = db.lastLoggedZxid();
    // A missing epoch file reads as the epoch of the last logged zxid (QuorumPeer.loadDataBase).
    db.acceptedEpoch = a ?? last.epoch;
    db.currentEpoch = c ?? last.epoch;
    if (last.epoch > db.currentEpoch && updating) {
      db.currentEpoch = last.epoch;
      fx.push({ kind: 'append', file: CURRENT_EPOCH, record: last.epoch, ref: 'db:epoch' }, { kind: 'fsync', file: CURRENT_EPOCH, ref: 'db:epoch' });
    }
    // Done at boot before anything else reaches the disk, which runs operations in order.
    if (updating) fx.push({ kind: 'truncate', file: UPDATING_EPOCH, length: 0, ref: 'db:truncate' });
    db.durableCurrentEpoch = db.currentEpoch;
    if (db.acceptedEpoch < db.currentEpoch) return { db, problem: `acceptedEpoch ${db.acceptedEpoch} is less than currentEpoch ${db.currentEpoch}` };
    // ZooKeeper refuses to start when its log runs ahead of the epoch it accepted.
    if (last.epoch > db.currentEpoch) return { db, problem: `the current epoch ${db.currentEpoch} is older than the last zxid ${formatZxid(last)}` };
    return { db };
  }

  /** The tree from the base snapshot plus every logged transaction after it. */
  private rebuild(): void {
    this.gen++;
    this.tree = this.base === undefined ? new DataTree() : DataTree.fromSnapshot(this.base.tree);
    this.sessions = new Map(this.base?.sessions ?? []);
    this.committedLog = [];
    const from = this.base?.zxid ?? ZERO_ZXID;
    // A zxid logged twice (a retained database re-synced what its log already had, ZOOKEEPER-2845)
    // replays once: ZooKeeper applies the copy too, and it changes nothing.
    for (const txn of this.log) if (compareZxid(txn.zxid, from) > 0 && compareZxid(txn.zxid, this.tree.lastProcessedZxid) > 0) this.apply(txn);
  }

  /** Counts rebuilds of the tree; `applied` entries of the current generation describe the tree. */
  get generation(): number {
    return this.gen;
  }

  /** The zxid of the snapshot the tree was built from (ZERO when none): history before it is not in the log. */
  get snapshotZxid(): Zxid {
    return this.base?.zxid ?? ZERO_ZXID;
  }

  get lastProcessedZxid(): Zxid {
    return this.tree.lastProcessedZxid;
  }

  /** The newest zxid in the log (or of the snapshot when the log is empty). */
  lastLoggedZxid(): Zxid {
    const last = this.log.at(-1)?.zxid ?? ZERO_ZXID;
    const snap = this.base?.zxid ?? ZERO_ZXID;
    return compareZxid(last, snap) >= 0 ? last : snap;
  }

  /** Applies a committed transaction to the tree. */
  apply(txn: Txn): Applied {
    const applied = this.tree.apply(txn);
    this.applied.push({ zxid: txn.zxid, body: txn.body, gen: this.gen });
    const b = txn.body;
    if (b.type === 'createSession') this.sessions.set(b.sessionId, b.timeoutMs);
    if (b.type === 'closeSession') this.sessions.delete(b.sessionId);
    this.committedLog.push(txn);
    if (this.committedLog.length > this.commitLogCount) this.committedLog.shift();
    return applied;
  }

  /**
   * ZKDatabase.fastForwardDataBase: when a role ends, apply what is in the log but not in memory,
   * so the zxid this server reports (vote, ACKEPOCH) matches its log (the ZOOKEEPER-2845 fix).
   * Otherwise a logged, never-committed proposal hides from the next leader's TRUNC and reappears
   * at the next restart.
   */
  fastForward(upTo = this.log.length): number {
    let n = 0;
    for (let i = 0; i < upTo; i++) {
      const txn = this.log[i];
      if (compareZxid(txn.zxid, this.tree.lastProcessedZxid) > 0) {
        this.apply(txn);
        n++;
      }
    }
    return n;
  }

  /** After activation the tree reports (epoch, 0) even without a transaction in that epoch. */
  markEpochStart(z: Zxid): void {
    if (compareZxid(z, this.tree.lastProcessedZxid) > 0) this.tree.lastProcessedZxid = z;
  }

  // ------------------------------------------------------------------ the log

  /** Hands a transaction to the log; `durable()` reports it once an fsync covered it. */
  append(txn: Txn, fx: Fx, deferFsync = false): void {
    this.log.push(txn);
    fx.push({ kind: 'append', file: TXN_LOG, record: txn, ref: 'db:append' });
    if (this.syncingTo === undefined && !deferFsync) this.startFsync(fx);
  }

  /** Starts the fsync of what was appended with `deferFsync`, unless one is running (it chains). */
  flush(fx: Fx): void {
    if (this.syncingTo === undefined && this.durableCount < this.log.length) this.startFsync(fx);
  }

  private startFsync(fx: Fx): void {
    this.syncingTo = this.log.length;
    fx.push({ kind: 'fsync', file: TXN_LOG, ref: 'db:fsync' });
  }

  /** Log entries known durable (the first `durableLength` records survive a power loss). */
  get durableLength(): number {
    return this.durableCount;
  }

  /** Log entries not known durable yet. */
  get unsynced(): number {
    return this.log.length - this.durableCount;
  }

  /**
   * A disk completion. Returns the transactions an fsync just made durable (in log order), runs
   * any epoch/snapshot continuation, or reports a failed operation.
   */
  onDiskDone(ref: string, ok: boolean, fx: Fx): { durable: Txn[]; failed?: string } {
    if (!ok && ref !== 'db:truncate') return { durable: [], failed: ref };
    if (ref === 'db:fsync') {
      const from = this.durableCount;
      this.durableCount = Math.min(this.syncingTo ?? from, this.log.length);
      this.syncingTo = undefined;
      if (this.log.length > this.durableCount) this.startFsync(fx);
      const ready = this.durableWaiters.filter((w) => w.length <= this.durableCount);
      this.durableWaiters = this.durableWaiters.filter((w) => w.length > this.durableCount);
      for (const w of ready) w.then();
      return { durable: this.log.slice(from, this.durableCount) };
    }
    const w = this.epochWrites.get(ref);
    if (w !== undefined) {
      this.epochWrites.delete(ref);
      if (w.file === CURRENT_EPOCH) this.durableCurrentEpoch = w.value;
    }
    const k = this.continuations.get(ref);
    if (k !== undefined) {
      this.continuations.delete(ref);
      k();
    }
    return { durable: [] };
  }

  /**
   * Whether the log holds `z` in its fsynced part (for the invariant monitors). The newest record
   * with that zxid counts: below a SNAP the log may keep an older history's txn under the same zxid.
   * A fresh commit sits near the end of the log, so looking from the end is cheap.
   */
  durablyLogged(z: Zxid): boolean {
    for (let i = this.log.length - 1; i >= 0; i--) if (compareZxid(this.log[i].zxid, z) === 0) return i < this.durableCount;
    return false;
  }

  /**
   * Whether `z` would survive a power loss here: in the fsynced log, or inside a snapshot taken
   * at or after it (for the invariant monitors; a snapshot counts once written, never crying wolf).
   */
  durablyHolds(z: Zxid): boolean {
    return this.durablyLogged(z) || this.snapshots.some((s) => compareZxid(s.zxid, z) >= 0);
  }

  /** Runs `then` once everything appended so far is durable (at once if it already is). */
  afterDurable(then: () => void): void {
    if (this.durableCount >= this.log.length) then();
    else this.durableWaiters.push({ length: this.log.length, then });
  }

  /** TRUNC: keep the log up to `zxid`, and rebuild the tree from it, as ZKDatabase.truncateLog does. */
  truncateTo(zxid: Zxid, fx: Fx): void {
    let keep = this.log.length;
    while (keep > 0 && compareZxid(this.log[keep - 1].zxid, zxid) > 0) keep--;
    if (keep === this.log.length) return;
    this.truncated = { to: zxid, upTo: this.log[this.log.length - 1].zxid };
    this.log.length = keep;
    this.durableCount = Math.min(this.durableCount, keep);
    for (const w of this.durableWaiters) w.length = Math.min(w.length, keep);
    if (this.syncingTo !== undefined) this.syncingTo = Math.min(this.syncingTo, keep);
    fx.push({ kind: 'truncate', file: TXN_LOG, length: keep, ref: 'db:truncate' });
    // Snapshots newer than the target hold truncated transactions: retire them (a restart must not
    // bring those back) and rebuild from the newest one at or below the target.
    for (const snap of this.snapshots.filter((x) => compareZxid(x.zxid, zxid) > 0)) {
      fx.push({ kind: 'write', file: snapshotFile(snap.zxid), data: null, ref: 'db:retire' }, { kind: 'fsync', file: snapshotFile(snap.zxid), ref: 'db:retire' });
    }
    this.snapshots = this.snapshots.filter((x) => compareZxid(x.zxid, zxid) <= 0);
    this.base = this.snapshots.at(-1);
    this.rebuild();
  }

  /**
   * SNAP: the leader's state replaces ours and is persisted at once (the ZOOKEEPER-3642 fix). The
   * log stays as it is, as in ZooKeeper: what it holds at or below the snapshot is never replayed.
   */
  replaceWith(snapshot: TreeSnapshot, sessions: [SessionId, number][], zxid: Zxid, fx: Fx): void {
    this.base = { zxid, tree: snapshot, sessions };
    this.rebuild();
    this.tree.lastProcessedZxid = zxid;
    this.writeSnapshot(fx, undefined, true);
  }

  /**
   * The txn log is this server's history only from here on: a SNAP replaced the tree at this zxid,
   * and the log entries before it may be txns of a history that lost (ZERO: the whole log is).
   */
  get logHistoryFrom(): Zxid {
    let from = ZERO_ZXID;
    for (const s of this.snapshots) if (s.fromSync === true && compareZxid(s.zxid, from) > 0) from = s.zxid;
    return from;
  }

  writeSnapshot(fx: Fx, then?: () => void, fromSync = false): void {
    const z = this.tree.lastProcessedZxid;
    const file = snapshotFile(z);
    const data: SnapshotFile = { zxid: z, tree: this.tree.snapshot(), sessions: [...this.sessions], ...(fromSync ? { fromSync: true as const } : {}) };
    this.snapshots = [...this.snapshots.filter((x) => compareZxid(x.zxid, z) < 0), data];
    fx.push({ kind: 'write', file, data, ref: 'db:snapshot' });
    const ref = `db:k${this.nextRef++}`;
    if (then !== undefined) this.continuations.set(ref, then);
    fx.push({ kind: 'fsync', file, ref });
  }

  /** Writes an epoch file; `then` runs once it is durable (ACKEPOCH, NEWLEADER ACK wait for it). */
  writeEpoch(file: typeof ACCEPTED_EPOCH | typeof CURRENT_EPOCH, value: number, fx: Fx, then: () => void): void {
    if (this.preZab10) {
      then(); // nothing to write before Zab 1.0 (ZOOKEEPER-335)
      return;
    }
    if (file === ACCEPTED_EPOCH) this.acceptedEpoch = value;
    else this.currentEpoch = value;
    const ref = `db:k${this.nextRef++}`;
    this.continuations.set(ref, then);
    this.epochWrites.set(ref, { file, value });
    fx.push({ kind: 'append', file, record: value, ref: 'db:epoch' }, { kind: 'fsync', file, ref });
  }

  /** NEWLEADER: the history and currentEpoch are about to be written (see UPDATING_EPOCH). */
  markUpdatingEpoch(fx: Fx): void {
    if (this.preZab10) return;
    fx.push({ kind: 'append', file: UPDATING_EPOCH, record: 1, ref: 'db:epoch' }, { kind: 'fsync', file: UPDATING_EPOCH, ref: 'db:epoch' });
  }

  /** currentEpoch is durable: the marker goes. */
  clearUpdatingEpoch(fx: Fx): void {
    fx.push({ kind: 'truncate', file: UPDATING_EPOCH, length: 0, ref: 'db:truncate' });
  }

  /** A role ended: its pending continuations must not run in the next one. */
  dropContinuations(): void {
    this.continuations.clear();
    this.durableWaiters = [];
  }
}
