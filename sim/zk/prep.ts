/**
 * Preparing a write (ZooKeeper's PrepRequestProcessor): checks a request against the tree *plus*
 * the changes of requests already prepared but not yet applied, in the server's error precedence,
 * and turns it into one transaction. A request that fails becomes an error transaction: it still
 * takes a zxid and is logged and ordered like any write.
 */
import type { CreateMode, Data, ErrorName, MultiOp, SessionId } from '../client/zk-client.js';
import { NO_OWNER } from '../client/zk-client.js';
import { CONTAINER_OWNER, isSessionOwner, isValidTtl, ttlOwner, type DataTree } from './data-tree.js';
import { JavaHashSet } from './java-hash-set.js';
import { parentOf, pathProblem, sequentialSuffix, SPECIAL_PATHS } from './paths.js';
import type { SubTxn, Txn, TxnBody } from './txn.js';
import { compareZxid, type Zxid } from './zxid.js';
import { hasBug, type BugName } from '../bugs/catalog.js';

export type WriteRequest =
  | { op: 'create'; path: string; data: Data; mode: CreateMode; ttlMs?: number }
  | { op: 'delete'; path: string; version: number }
  | { op: 'setData'; path: string; data: Data; version: number }
  | { op: 'multi'; ops: MultiOp[] }
  | { op: 'createSession'; timeoutMs: number }
  | { op: 'closeSession' }
  | { op: 'deleteContainer'; path: string };

/** What prep knows of a node: the tree's view with pending changes laid over it. */
interface Pending {
  zxid: Zxid;
  exists: boolean;
  version: number;
  creations: number;
  childCount: number;
  owner: SessionId;
}

class PrepFailure {
  constructor(readonly rc: ErrorName) {}
}

export interface PrepOptions {
  /** zookeeper.extendedTypesEnabled: TTL nodes are allowed. */
  extendedTypesEnabled: boolean;
  /** Planted bugs switched on (sim/bugs/catalog.ts); absent in a clean run. */
  bugs?: readonly BugName[];
}

export class Prep {
  /** path → its latest pending record (ZooKeeper's outstandingChangesForPath). */
  private readonly pending = new Map<string, Pending>();
  /** Every pending record in the order it was made (ZooKeeper's outstandingChanges). */
  private readonly outstanding: { path: string; rec: Pending }[] = [];
  /** Journal of overwritten records, for rolling back a failed multi. */
  private journal: [string, Pending | undefined][] | undefined;

  constructor(
    private readonly tree: DataTree,
    private readonly options: PrepOptions,
  ) {}

  prepare(req: WriteRequest, sessionId: SessionId, zxid: Zxid, time: number, sessionError?: ErrorName): Txn {
    return { zxid, sessionId, time, body: sessionError !== undefined ? { type: 'error', rc: sessionError } : this.body(req, sessionId, zxid) };
  }

  /** A transaction was applied: its pending records now match the tree. */
  applied(zxid: Zxid): void {
    let n = 0;
    while (n < this.outstanding.length && compareZxid(this.outstanding[n].rec.zxid, zxid) <= 0) n++;
    if (n === 0) return;
    for (const { path, rec } of this.outstanding.splice(0, n)) if (this.pending.get(path) === rec) this.pending.delete(path);
  }

  /** Everything pending is gone (restart, or the server lost its state). */
  reset(): void {
    this.pending.clear();
    this.outstanding.length = 0;
  }

  private body(req: WriteRequest, session: SessionId, zxid: Zxid): TxnBody {
    switch (req.op) {
      case 'createSession':
        return { type: 'createSession', sessionId: session, timeoutMs: req.timeoutMs };
      case 'closeSession':
        return this.closeSession(session, zxid);
      case 'multi':
        return this.multi(req.ops, session, zxid);
      case 'deleteContainer':
        return this.guard(() => this.deleteContainer(req.path, zxid));
      default:
        return this.guard(() => this.sub(req, session, zxid));
    }
  }

  private guard(f: () => SubTxn): SubTxn {
    try {
      return f();
    } catch (e) {
      if (e instanceof PrepFailure) return { type: 'error', rc: e.rc };
      throw e;
    }
  }

  private multi(ops: MultiOp[], session: SessionId, zxid: Zxid): TxnBody {
    this.journal = [];
    const logLength = this.outstanding.length;
    const txns: SubTxn[] = [];
    let failed = false;
    for (const op of ops) {
      if (failed) {
        txns.push({ type: 'error', rc: 'RUNTIME_INCONSISTENCY' });
        continue;
      }
      const t = this.guard(() => this.sub(op, session, zxid));
      if (t.type === 'error') {
        failed = true;
        this.rollback();
        this.outstanding.length = logLength;
        // Ops before the failure report OK (rolled back), as the server lays out an aborted multi.
        for (let i = 0; i < txns.length; i++) txns[i] = { type: 'error', rc: 'OK' };
      }
      txns.push(t);
    }
    this.journal = undefined;
    return { type: 'multi', txns };
  }

  private sub(op: MultiOp | Exclude<WriteRequest, { op: 'multi' | 'createSession' | 'closeSession' | 'deleteContainer' }>, session: SessionId, zxid: Zxid): SubTxn {
    switch (op.op) {
      case 'create':
        return this.create(op.path, op.data, op.mode, op.ttlMs, session, zxid);
      case 'delete': {
        const parentPath = this.parentForDelete(op.path);
        this.record(parentPath);
        const node = this.record(op.path);
        if (op.version !== -1 && node.version !== op.version) throw new PrepFailure('BAD_VERSION');
        if (node.childCount > 0) throw new PrepFailure('NOT_EMPTY');
        this.removePending(op.path, parentPath, node, zxid);
        return { type: 'delete', path: op.path };
      }
      case 'setData': {
        if (pathProblem(op.path) !== undefined) throw new PrepFailure('BAD_ARGUMENTS');
        const node = this.record(op.path);
        const version = nextVersion(node.version, op.version);
        this.set(op.path, { ...node, zxid, version });
        return { type: 'setData', path: op.path, data: op.data, version };
      }
      case 'check': {
        if (pathProblem(op.path) !== undefined) throw new PrepFailure('BAD_ARGUMENTS');
        nextVersion(this.record(op.path).version, op.version);
        return { type: 'check', path: op.path };
      }
    }
  }

  private create(path: string, data: Data, mode: CreateMode, ttlMs: number | undefined, session: SessionId, zxid: Zxid): SubTxn {
    const isTtl = mode === 'PERSISTENT_WITH_TTL' || mode === 'PERSISTENT_SEQUENTIAL_WITH_TTL';
    if (isTtl && !this.options.extendedTypesEnabled) throw new PrepFailure('UNIMPLEMENTED');
    if (isTtl ? ttlMs === undefined || !isValidTtl(ttlMs) : ttlMs !== undefined) throw new PrepFailure('BAD_ARGUMENTS');
    const lastSlash = path.lastIndexOf('/');
    if (lastSlash === -1 || path.includes('\0')) throw new PrepFailure('BAD_ARGUMENTS');
    const parentPath = lastSlash === 0 ? '/' : path.slice(0, lastSlash);
    const parent = this.record(parentPath);
    // Planted 'sequence-suffix-reused': numChildren drops with every delete (cversion never does), so a suffix already handed out comes round again.
    const counter = hasBug(this.options.bugs, 'sequence-suffix-reused') ? parent.childCount : parent.creations;
    const fullPath = mode.includes('SEQUENTIAL') ? path + sequentialSuffix(counter) : path;
    if (pathProblem(fullPath) !== undefined) throw new PrepFailure('BAD_ARGUMENTS');
    if (this.lookup(fullPath)?.exists) throw new PrepFailure('NODE_EXISTS');
    if (isSessionOwner(parent.owner)) throw new PrepFailure('NO_CHILDREN_FOR_EPHEMERALS');
    const owner = mode === 'EPHEMERAL' || mode === 'EPHEMERAL_SEQUENTIAL' ? session : mode === 'CONTAINER' ? CONTAINER_OWNER : isTtl ? ttlOwner(ttlMs!) : NO_OWNER;
    this.set(parentPath, { ...parent, zxid, creations: parent.creations + 1, childCount: parent.childCount + 1 });
    this.set(fullPath, { zxid, exists: true, version: 0, creations: 0, childCount: 0, owner });
    const txn: SubTxn = { type: 'create', path: fullPath, data, owner };
    if (isTtl) txn.ttlMs = ttlMs;
    return txn;
  }

  private deleteContainer(path: string, zxid: Zxid): SubTxn {
    const parentPath = this.parentForDelete(path);
    const node = this.record(path);
    if (node.childCount > 0) throw new PrepFailure('NOT_EMPTY');
    // Only a session's ephemeral is refused; a plain persistent node (owner 0) is deleted, as in ZooKeeper.
    if (isSessionOwner(node.owner)) throw new PrepFailure('BAD_VERSION');
    this.removePending(path, parentPath, node, zxid);
    return { type: 'delete', path };
  }

  private closeSession(session: SessionId, zxid: Zxid): TxnBody {
    const tree = this.tree;
    const own = tree.ephemerals.get(session) ?? new Set<string>();
    const es = JavaHashSet.withHistory(own, tree.ephemeralPeak.get(session) ?? own.size).clone();
    // Every pending change in order, as ZooKeeper walks outstandingChanges: a later create by another
    // session of a path this session deleted must not end up in the list.
    for (const { path, rec } of this.outstanding) {
      if (!rec.exists) es.remove(path);
      else if (rec.owner === session) es.add(path);
    }
    // Planted 'ephemerals-survive-expiry': what the txn does not list, no replica deletes; the nodes outlive their session for good.
    const paths = hasBug(this.options.bugs, 'ephemerals-survive-expiry') ? [] : es.order();
    for (const path of paths) {
      const node = this.lookup(path);
      if (node !== undefined) this.set(path, { ...node, zxid, exists: false });
    }
    return { type: 'closeSession', sessionId: session, paths };
  }

  // ------------------------------------------------------------------ pending records

  private parentForDelete(path: string): string {
    const lastSlash = path.lastIndexOf('/');
    if (lastSlash === -1 || path.includes('\0') || SPECIAL_PATHS.has(path)) throw new PrepFailure('BAD_ARGUMENTS');
    return parentOf(path);
  }

  private lookup(path: string): Pending | undefined {
    const p = this.pending.get(path);
    if (p !== undefined) return p;
    const n = this.tree.get(path);
    if (n === undefined) return undefined;
    return { zxid: n.mzxid, exists: true, version: n.version, creations: n.creations, childCount: n.children.size, owner: n.owner };
  }

  /** The node as prep sees it; NO_NODE when it is missing or deleted by a pending request. */
  private record(path: string): Pending {
    const r = this.lookup(path);
    if (r === undefined || !r.exists) throw new PrepFailure('NO_NODE');
    return r;
  }

  private removePending(path: string, parentPath: string, node: Pending, zxid: Zxid): void {
    const parent = this.record(parentPath);
    this.set(parentPath, { ...parent, zxid, childCount: parent.childCount - 1 });
    this.set(path, { ...node, zxid, exists: false });
  }

  private set(path: string, rec: Pending): void {
    this.journal?.push([path, this.pending.get(path)]);
    this.pending.set(path, rec);
    this.outstanding.push({ path, rec });
  }

  private rollback(): void {
    const j = this.journal!;
    for (let i = j.length - 1; i >= 0; i--) {
      const [path, old] = j[i];
      if (old === undefined) this.pending.delete(path);
      else this.pending.set(path, old);
    }
    j.length = 0;
  }
}

/** checkAndIncVersion: -1 matches anything; the version wraps as a Java int (3.8 has no ZOOKEEPER-4743 skip of -1). */
function nextVersion(current: number, expected: number): number {
  if (expected !== -1 && expected !== current) throw new PrepFailure('BAD_VERSION');
  return (current + 1) | 0;
}
