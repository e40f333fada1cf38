/**
 * What each path held after every committed transaction, from the committed transactions the
 * servers applied as the ZAB invariant monitor saw them from boot (it separately vouches that
 * servers agree on them), so a read can be compared with the state at its reply's zxid.
 */
import type { TxnBody, SubTxn } from '../../zk/txn.js';
import { isSessionOwner } from '../../zk/data-tree.js';
import { compareZxid, formatZxid, type Zxid } from '../../zk/zxid.js';

export type ZnodeState = { data: string | null; version: number } | null;

export interface CommittedTxn {
  zxid: Zxid;
  body: TxnBody;
}

export class CommittedStates {
  /** Per path: the state after each committed txn touching it, in zxid order. */
  private readonly byPath = new Map<string, { zxid: Zxid; state: ZnodeState }[]>();
  /** zxid (hex) → the txn, for acknowledged writes. */
  readonly txns = new Map<string, TxnBody>();
  /** Session closes that left some of the session's ephemerals in place (ZooKeeper deletes them all). */
  readonly closesLeavingEphemerals: { session: string; zxid: Zxid; paths: string[] }[] = [];
  /** Each session's ephemerals along the committed history. */
  private readonly ephemerals = new Map<string, Set<string>>();
  /** path → the session owning the ephemeral there. */
  private readonly ownerOf = new Map<string, string>();
  constructor(committed: Iterable<CommittedTxn>) {
    const sorted = [...committed].sort((a, b) => compareZxid(a.zxid, b.zxid));
    for (const t of sorted) {
      this.txns.set(formatZxid(t.zxid), t.body);
      this.applyBody(t.zxid, t.body);
    }
  }

  private set(path: string, zxid: Zxid, state: ZnodeState, owner?: string): void {
    const was = this.ownerOf.get(path);
    if (was !== undefined) {
      this.ephemerals.get(was)?.delete(path);
      this.ownerOf.delete(path);
    }
    if (state !== null && owner !== undefined && isSessionOwner(owner)) {
      let own = this.ephemerals.get(owner);
      if (own === undefined) this.ephemerals.set(owner, (own = new Set()));
      own.add(path);
      this.ownerOf.set(path, owner);
    }
    let list = this.byPath.get(path);
    if (list === undefined) this.byPath.set(path, (list = []));
    list.push({ zxid, state });
  }

  private applyBody(zxid: Zxid, body: TxnBody): void {
    switch (body.type) {
      case 'multi':
        if (!body.txns.some((t) => t.type === 'error')) for (const t of body.txns) this.applySub(zxid, t);
        return;
      case 'closeSession': {
        for (const p of body.paths) this.set(p, zxid, null);
        const left = [...(this.ephemerals.get(body.sessionId) ?? [])].filter((p) => !body.paths.includes(p));
        if (left.length > 0) this.closesLeavingEphemerals.push({ session: body.sessionId, zxid, paths: left.sort() });
        this.ephemerals.delete(body.sessionId);
        return;
      }
      case 'deleteContainer':
        this.set(body.path, zxid, null);
        return;
      case 'createSession':
        return;
      default:
        this.applySub(zxid, body);
    }
  }

  private applySub(zxid: Zxid, t: SubTxn): void {
    if (t.type === 'create') this.set(t.path, zxid, { data: t.data, version: 0 }, t.owner);
    else if (t.type === 'delete') this.set(t.path, zxid, null);
    else if (t.type === 'setData') this.set(t.path, zxid, { data: t.data, version: t.version });
  }

  /** The state of `path` once everything up to `zxid` was applied (absent before its first txn). */
  stateAt(path: string, zxid: Zxid): ZnodeState {
    const list = this.byPath.get(path) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareZxid(list[mid].zxid, zxid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1].state : null;
  }
}
