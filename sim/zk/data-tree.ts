/**
 * The replicated state: znodes with their stats, the ephemerals of each session, and the watches
 * set on this server. `apply` runs one committed transaction (ZooKeeper's DataTree.processTxn);
 * everything a transaction does was decided when it was prepared (prep.ts), so applying never fails.
 */
import type { Data, ErrorName, MultiOpResult, SessionId, Stat } from '../client/zk-client.js';
import { ERROR_CODES, NO_OWNER } from '../client/zk-client.js';
import type { SubTxn, Txn } from './txn.js';
import { WatchTable, type Notification, type WatcherKey } from './watch-manager.js';
import { nameOf, parentOf, utf8Length } from './paths.js';
import { compareZxid, ZERO_ZXID, type Zxid } from './zxid.js';

export const CONTAINER_OWNER: SessionId = '0x8000000000000000';
const TTL_MAX = 0xffffffffff;

/** ephemeralOwner of a TTL node: top byte 0xff, 16-bit extended type 0 (TTL), 40-bit TTL. */
export function ttlOwner(ttlMs: number): SessionId {
  return `0xff0000${ttlMs.toString(16).padStart(10, '0')}`;
}
export function ttlOf(owner: SessionId): number | undefined {
  return owner.startsWith('0xff0000') ? parseInt(owner.slice(8), 16) : undefined;
}
export function isValidTtl(ttlMs: number): boolean {
  return Number.isInteger(ttlMs) && ttlMs > 0 && ttlMs <= TTL_MAX;
}
/** A session's ephemeral (not a persistent, container or TTL node). */
export function isSessionOwner(owner: SessionId): boolean {
  return owner !== NO_OWNER && owner !== CONTAINER_OWNER && ttlOf(owner) === undefined;
}

export interface ZNode {
  data: Data;
  czxid: Zxid;
  mzxid: Zxid;
  pzxid: Zxid;
  ctime: number;
  mtime: number;
  version: number;
  /** Child creations ever (ZooKeeper's stored cversion; the sequential counter). */
  creations: number;
  aversion: number;
  owner: SessionId;
  /** Child names in creation order. */
  children: Set<string>;
}

export type TxnResult =
  | { rc: 'OK'; path?: string; stat?: Stat; results?: MultiOpResult[]; committed?: boolean }
  | { rc: ErrorName };

export interface Applied {
  result: TxnResult;
  /** Watch notifications in the order the server sends them. */
  notifications: Notification[];
}

export class DataTree {
  readonly nodes = new Map<string, ZNode>();
  /** session → its ephemeral paths, in creation order. */
  readonly ephemerals = new Map<SessionId, Set<string>>();
  /** The most ephemerals each session ever held at once (sizes its Java HashSet's table). */
  readonly ephemeralPeak = new Map<SessionId, number>();
  /** Containers and TTL nodes, the reaper's candidates. */
  readonly reapable = new Set<string>();
  readonly dataWatches = new WatchTable();
  readonly childWatches = new WatchTable();
  lastProcessedZxid: Zxid = ZERO_ZXID;

  constructor() {
    // A fresh server: "/" plus /zookeeper, /zookeeper/quota and /zookeeper/config, all at zxid 0.
    this.nodes.set('/', blankNode('', NO_OWNER, ZERO_ZXID, 0));
    this.addSystemNode('/zookeeper');
    this.addSystemNode('/zookeeper/quota');
    this.addSystemNode('/zookeeper/config');
  }

  private addSystemNode(path: string): void {
    this.nodes.set(path, blankNode('', NO_OWNER, ZERO_ZXID, 0));
    // The parent never "created" it, so its reported cversion goes below zero (zk-ops.md §9.1).
    this.nodes.get(parentOf(path))!.children.add(nameOf(path));
  }

  /** The node at `path`; "" is the root too, as in ZooKeeper's DataTree (getData("") answers). */
  get(path: string): ZNode | undefined {
    return this.nodes.get(path === '' ? '/' : path);
  }

  statOf(node: ZNode): Stat {
    return {
      czxid: node.czxid,
      mzxid: node.mzxid,
      pzxid: node.pzxid,
      ctime: node.ctime,
      mtime: node.mtime,
      version: node.version,
      cversion: 2 * node.creations - node.children.size,
      aversion: node.aversion,
      ephemeralOwner: node.owner,
      dataLength: utf8Length(node.data),
      numChildren: node.children.size,
    };
  }

  /** Children names sorted (the server's own order is a hash order clients cannot rely on). */
  childrenOf(node: ZNode): string[] {
    return [...node.children].sort();
  }

  // ------------------------------------------------------------------ applying transactions

  apply(txn: Txn): Applied {
    const notifications: Notification[] = [];
    if (compareZxid(txn.zxid, this.lastProcessedZxid) > 0) this.lastProcessedZxid = txn.zxid;
    const body = txn.body;
    switch (body.type) {
      case 'multi': {
        const aborted = body.txns.some((t) => t.type === 'error');
        if (aborted) {
          const results = body.txns.map((t) => {
            const rc = t.type === 'error' ? t.rc : 'OK';
            return { type: 'error' as const, rc, code: rc === 'OK' ? 0 : errorCode(rc) };
          });
          return { result: { rc: 'OK', results, committed: false }, notifications };
        }
        const results = body.txns.map((t) => this.applySub(t, txn, notifications) as MultiOpResult);
        return { result: { rc: 'OK', results, committed: true }, notifications };
      }
      case 'createSession':
        this.ephemerals.set(body.sessionId, this.ephemerals.get(body.sessionId) ?? new Set());
        return { result: { rc: 'OK' }, notifications };
      case 'closeSession':
        for (const path of body.paths) if (this.nodes.has(path)) this.deleteNode(path, txn.zxid, notifications);
        this.ephemerals.delete(body.sessionId);
        this.ephemeralPeak.delete(body.sessionId);
        return { result: { rc: 'OK' }, notifications };
      case 'deleteContainer':
        if (this.nodes.has(body.path)) this.deleteNode(body.path, txn.zxid, notifications);
        return { result: { rc: 'OK' }, notifications };
      default: {
        const r = this.applySub(body, txn, notifications);
        if (r.type === 'error') return { result: { rc: r.rc as ErrorName }, notifications };
        return { result: { rc: 'OK', ...(r.type === 'create' ? { path: r.path } : r.type === 'setData' ? { stat: r.stat } : {}) }, notifications };
      }
    }
  }

  private applySub(t: SubTxn, txn: Txn, out: Notification[]): MultiOpResult {
    switch (t.type) {
      case 'create':
        this.createNode(t.path, t.data, t.owner, txn.zxid, txn.time, out);
        return { type: 'create', rc: 'OK', path: t.path };
      case 'delete':
        // A txn that does not fit this tree (only a diverged replica gets one) changes nothing, as
        // ZooKeeper's processTxn swallows the KeeperException; the ZAB invariants report the divergence.
        if (!this.nodes.has(t.path)) return { type: 'error', rc: 'NO_NODE', code: ERROR_CODES.NO_NODE };
        this.deleteNode(t.path, txn.zxid, out);
        return { type: 'delete', rc: 'OK' };
      case 'setData': {
        if (!this.nodes.has(t.path)) return { type: 'error', rc: 'NO_NODE', code: ERROR_CODES.NO_NODE };
        const node = this.nodes.get(t.path)!;
        node.data = t.data;
        node.version = t.version;
        node.mzxid = txn.zxid;
        node.mtime = txn.time;
        this.dataWatches.trigger(t.path, 'NODE_DATA_CHANGED', out);
        return { type: 'setData', rc: 'OK', stat: this.statOf(node) };
      }
      case 'check':
        return { type: 'check', rc: 'OK' };
      case 'error':
        return { type: 'error', rc: t.rc, code: t.rc === 'OK' ? 0 : errorCode(t.rc) };
    }
  }

  private createNode(path: string, data: Data, owner: SessionId, zxid: Zxid, time: number, out: Notification[]): void {
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath)!;
    parent.creations++;
    parent.children.add(nameOf(path));
    if (compareZxid(zxid, parent.pzxid) > 0) parent.pzxid = zxid;
    this.nodes.set(path, blankNode(data, owner, zxid, time));
    if (isSessionOwner(owner)) {
      let set = this.ephemerals.get(owner);
      if (set === undefined) this.ephemerals.set(owner, (set = new Set()));
      set.add(path);
      if (set.size > (this.ephemeralPeak.get(owner) ?? 0)) this.ephemeralPeak.set(owner, set.size);
    } else if (owner !== NO_OWNER) this.reapable.add(path);
    this.dataWatches.trigger(path, 'NODE_CREATED', out);
    this.childWatches.trigger(parentPath, 'NODE_CHILDREN_CHANGED', out);
  }

  private deleteNode(path: string, zxid: Zxid, out: Notification[]): void {
    const node = this.nodes.get(path)!;
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath)!;
    parent.children.delete(nameOf(path));
    if (compareZxid(zxid, parent.pzxid) > 0) parent.pzxid = zxid;
    this.nodes.delete(path);
    if (isSessionOwner(node.owner)) this.ephemerals.get(node.owner)?.delete(path);
    this.reapable.delete(path);
    const told = this.dataWatches.trigger(path, 'NODE_DELETED', out);
    this.childWatches.trigger(path, 'NODE_DELETED', out, told);
    this.childWatches.trigger(parentPath, 'NODE_CHILDREN_CHANGED', out);
  }

  // ------------------------------------------------------------------ watches

  removeWatcher(watcher: WatcherKey): void {
    this.dataWatches.removeWatcher(watcher);
    this.childWatches.removeWatcher(watcher);
  }

  // ------------------------------------------------------------------ snapshots

  /** Everything but the watches, as plain JSON (watches live in memory only). */
  snapshot(): TreeSnapshot {
    const nodes: TreeSnapshot['nodes'] = [];
    for (const [path, n] of this.nodes) {
      nodes.push([path, n.data, [n.czxid, n.mzxid, n.pzxid], n.ctime, n.mtime, n.version, n.creations, n.aversion, n.owner, [...n.children]]);
    }
    return { lastProcessedZxid: this.lastProcessedZxid, nodes };
  }

  static fromSnapshot(s: TreeSnapshot): DataTree {
    const t = new DataTree();
    t.nodes.clear();
    for (const [path, data, [czxid, mzxid, pzxid], ctime, mtime, version, creations, aversion, owner, children] of s.nodes) {
      t.nodes.set(path, { data, czxid, mzxid, pzxid, ctime, mtime, version, creations, aversion, owner, children: new Set(children) });
      if (isSessionOwner(owner)) {
        let set = t.ephemerals.get(owner);
        if (set === undefined) t.ephemerals.set(owner, (set = new Set()));
        set.add(path);
        t.ephemeralPeak.set(owner, set.size);
      } else if (owner !== NO_OWNER) t.reapable.add(path);
    }
    t.lastProcessedZxid = s.lastProcessedZxid;
    return t;
  }

  /** Paths in plain string order with their node (tests, conformance, digests). */
  sortedPaths(): string[] {
    return [...this.nodes.keys()].sort();
  }
}

export interface TreeSnapshot {
  lastProcessedZxid: Zxid;
  nodes: [string, Data, [Zxid, Zxid, Zxid], number, number, number, number, number, SessionId, string[]][];
}

function blankNode(data: Data, owner: SessionId, zxid: Zxid, time: number): ZNode {
  return { data, czxid: zxid, mzxid: zxid, pzxid: zxid, ctime: time, mtime: time, version: 0, creations: 0, aversion: 0, owner, children: new Set() };
}

function errorCode(rc: ErrorName): number {
  return ERROR_CODES[rc];
}
