/**
 * One-shot watch ordering, on what each client connection was delivered:
 *
 * - a standard watch (getData/exists/getChildren with watch, or re-set by SetWatches) fires at
 *   most once per registration: an event with no watch left to fire is a violation;
 * - the event it fires is the one for the first committed change of its path after it was set
 *   (the zxid of the reply that set it), of the type that change calls for;
 * - the client sees that event before any reply or pong carrying a zxid at or past the change:
 *   the server queues the notification when it applies the change, and everything it sends on
 *   that connection afterwards comes after it.
 *
 * Persistent watches (addWatch) may fire any number of times; events a SetWatches fires at once
 * (for changes the client missed while away) belong to no registration.
 */
import { Findings, fmtKey, parentPath, where, type Ref, type TraceCheckVerdict } from './common.js';
import type { ClientConn, SentRequest } from './clients.js';
import type { FinishedTrace, TraceCheck } from './model.js';
import type { ServerToClient } from './payloads.js';
import type { TxnRecord } from './txn-catalog.js';
import type { SubTxn, TxnBody } from '../../zk/txn.js';

type Table = 'data' | 'child';

interface Registration {
  client: string;
  server: string;
  conn: number;
  table: Table;
  path: string;
  /** The zxid of the reply that set it: the server's state when it registered. */
  r: number;
  how: string;
  ref: Ref;
  /** The highest zxid the connection carried since, as far as examined. */
  lastChecked: number;
  /** Changes of the path after `r` → the first message that carried a zxid at or past each. */
  crossed: Map<number, { m: number; ref: Ref }>;
  fired: { type: string; ref: Ref } | undefined;
}

interface ConnWatches {
  regs: Map<string, Registration>;
  persistentData: Map<string, string>;
  persistentChild: Map<string, string>;
  /** The last registration that fired, per table and path (to tell "fired twice" apart). */
  spent: Map<string, Registration>;
  /** A SetWatches not answered yet: the paths it may fire at once. */
  setWatches: { data: Set<string>; exist: Set<string>; child: Set<string> } | undefined;
}

const CHANGE_TYPES = new Set(['NODE_CREATED', 'NODE_DELETED', 'NODE_DATA_CHANGED', 'NODE_CHILDREN_CHANGED']);

/** The changes a transaction makes, as (table, path, event type), in the order it makes them. */
function touches(body: TxnBody): { table: Table; path: string; type: string }[] {
  const subs: SubTxn[] =
    body.type === 'multi'
      ? body.txns.some((s) => s.type === 'error')
        ? []
        : body.txns
      : body.type === 'closeSession'
        ? body.paths.map((p) => ({ type: 'delete' as const, path: p }))
        : body.type === 'deleteContainer'
          ? [{ type: 'delete', path: body.path }]
          : body.type === 'createSession'
            ? []
            : [body];
  const out: { table: Table; path: string; type: string }[] = [];
  for (const s of subs) {
    if (s.type === 'create') {
      out.push({ table: 'data', path: s.path, type: 'NODE_CREATED' }, { table: 'child', path: parentPath(s.path), type: 'NODE_CHILDREN_CHANGED' });
    } else if (s.type === 'delete') {
      out.push({ table: 'data', path: s.path, type: 'NODE_DELETED' }, { table: 'child', path: s.path, type: 'NODE_DELETED' }, { table: 'child', path: parentPath(s.path), type: 'NODE_CHILDREN_CHANGED' });
    } else if (s.type === 'setData') {
      out.push({ table: 'data', path: s.path, type: 'NODE_DATA_CHANGED' });
    }
  }
  return out;
}

function insertSorted(xs: number[], k: number): void {
  let i = xs.length;
  if (i > 0 && xs[i - 1] === k) return;
  while (i > 0 && xs[i - 1] > k) i--;
  if (i > 0 && xs[i - 1] === k) return;
  xs.splice(i, 0, k);
}

export class WatchOrder implements TraceCheck {
  readonly name = 'watch-order';
  private readonly findings = new Findings(this.name);
  /** `${table}:${path}` → zxids of every proposed change, sorted. */
  private readonly changes = new Map<string, number[]>();
  private readonly conns = new Map<number, ConnWatches>();
  private readonly finished: Registration[] = [];
  private events = 0;

  txnSeen(rec: TxnRecord): void {
    for (const x of touches(rec.body)) {
      const k = `${x.table}:${x.path}`;
      let list = this.changes.get(k);
      if (list === undefined) this.changes.set(k, (list = []));
      insertSorted(list, rec.key);
    }
  }

  private watches(conn: number): ConnWatches {
    let w = this.conns.get(conn);
    if (w === undefined) {
      w = { regs: new Map(), persistentData: new Map(), persistentChild: new Map(), spent: new Map(), setWatches: undefined };
      this.conns.set(conn, w);
    }
    return w;
  }

  clientRequest(c: ClientConn, r: SentRequest): void {
    const sw = r.req.setWatches;
    if (sw === undefined) return;
    this.watches(c.conn).setWatches = { data: new Set(sw.data), exist: new Set(sw.exist), child: new Set(sw.child) };
  }

  clientReceived(c: ClientConn, m: ServerToClient, sent: SentRequest | undefined, ref: Ref): void {
    const w = this.watches(c.conn);
    if (m.t === 'reply' || m.t === 'pong') {
      for (const reg of w.regs.values()) this.advance(reg, m.zxid, ref);
    }
    if (m.t === 'event') return this.onEvent(c, w, m.type, m.path, ref);
    if (m.t !== 'reply' || sent === undefined) return;
    const req = sent.req;
    const path = req.path ?? '';
    switch (req.op) {
      case 'getData':
      case 'exists':
      case 'getChildren':
        // getData and getChildren leave no watch on a missing node; exists does.
        if (req.watch === true && (m.rc === 'OK' || (req.op === 'exists' && m.rc === 'NO_NODE'))) this.register(c, w, req.op === 'getChildren' ? 'child' : 'data', path, m.zxid, req.op, ref);
        return;
      case 'setWatches': {
        const sw = w.setWatches;
        w.setWatches = undefined;
        const lists = req.setWatches!;
        if (m.rc !== 'OK') return;
        for (const p of lists.data) if (sw === undefined || sw.data.has(p)) this.register(c, w, 'data', p, m.zxid, 'setWatches', ref);
        for (const p of lists.exist) if (sw === undefined || sw.exist.has(p)) this.register(c, w, 'data', p, m.zxid, 'setWatches', ref);
        for (const p of lists.child) if (sw === undefined || sw.child.has(p)) this.register(c, w, 'child', p, m.zxid, 'setWatches', ref);
        for (const [mode, paths] of [['PERSISTENT', lists.persistent], ['PERSISTENT_RECURSIVE', lists.persistentRecursive]] as const) {
          for (const p of paths) {
            w.persistentData.set(p, mode);
            w.persistentChild.set(p, mode);
          }
        }
        return;
      }
      case 'addWatch':
        if (m.rc !== 'OK') return;
        w.persistentData.set(path, req.mode ?? 'PERSISTENT');
        w.persistentChild.set(path, req.mode ?? 'PERSISTENT');
        return;
      case 'removeWatches': {
        if (m.rc !== 'OK') return;
        const tables: Table[] = req.mode === 'DATA' ? ['data'] : req.mode === 'CHILDREN' ? ['child'] : ['data', 'child'];
        for (const table of tables) {
          (table === 'data' ? w.persistentData : w.persistentChild).delete(path);
          const reg = w.regs.get(`${table}:${path}`);
          if (reg === undefined) continue;
          w.regs.delete(`${table}:${path}`);
          this.finished.push(reg);
        }
        return;
      }
      default:
        return;
    }
  }

  clientClosed(c: ClientConn): void {
    const w = this.conns.get(c.conn);
    if (w === undefined) return;
    for (const reg of w.regs.values()) this.finished.push(reg);
    this.conns.delete(c.conn);
  }

  private register(c: ClientConn, w: ConnWatches, table: Table, path: string, r: number, how: string, ref: Ref): void {
    const key = `${table}:${path}`;
    // The server keeps one watch per path and connection: asking again changes nothing.
    if (w.regs.has(key)) return;
    // In 3.8 a one-shot watch replaces a persistent one on the same path and table.
    (table === 'data' ? w.persistentData : w.persistentChild).delete(path);
    w.regs.set(key, { client: c.client, server: c.server, conn: c.conn, table, path, r, how, ref, lastChecked: r, crossed: new Map(), fired: undefined });
  }

  /** The connection carried zxid `z`: note each change of the watched path it has now passed. */
  private advance(reg: Registration, z: number, ref: Ref): void {
    if (z <= reg.lastChecked) return;
    const list = this.changes.get(`${reg.table}:${reg.path}`);
    if (list !== undefined) {
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid] <= reg.lastChecked) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < list.length && list[i] <= z; i++) if (!reg.crossed.has(list[i])) reg.crossed.set(list[i], { m: z, ref });
    }
    reg.lastChecked = z;
  }

  private onEvent(c: ClientConn, w: ConnWatches, type: string, path: string, ref: Ref): void {
    if (!CHANGE_TYPES.has(type)) return;
    this.events++;
    const tables: Table[] = type === 'NODE_DELETED' ? ['data', 'child'] : type === 'NODE_CHILDREN_CHANGED' ? ['child'] : ['data'];
    let matched = false;
    for (const table of tables) {
      const key = `${table}:${path}`;
      const reg = w.regs.get(key);
      if (reg === undefined) continue;
      matched = true;
      reg.fired = { type, ref };
      w.regs.delete(key);
      w.spent.set(key, reg);
      this.finished.push(reg);
    }
    if (matched || this.persistent(w, type, path)) return;
    const sw = w.setWatches;
    if (sw !== undefined) {
      const from = type === 'NODE_CREATED' ? [sw.exist] : type === 'NODE_DATA_CHANGED' ? [sw.data] : type === 'NODE_CHILDREN_CHANGED' ? [sw.child] : [sw.data, sw.child];
      const hit = from.filter((s) => s.has(path));
      if (hit.length > 0) {
        for (const s of hit) s.delete(path);
        return;
      }
    }
    const spent = tables.map((t) => w.spent.get(`${t}:${path}`)).find((r) => r !== undefined);
    const who = `${c.client} (connection ${c.conn} to ${c.server})`;
    if (spent !== undefined && spent.fired !== undefined) {
      this.findings.add(ref, [c.client, c.server], `${who} got ${type} ${path} ${where(ref)}, but its one-shot ${spent.table} watch on ${path} (set by ${spent.how} ${where(spent.ref)}) had already fired with ${spent.fired.type} ${where(spent.fired.ref)}: fired twice for one registration`);
    } else {
      this.findings.add(ref, [c.client, c.server], `${who} got ${type} ${path} ${where(ref)} without a watch on ${path} on that connection`);
    }
  }

  private persistent(w: ConnWatches, type: string, path: string): boolean {
    if (type === 'NODE_CHILDREN_CHANGED') return w.persistentChild.get(path) === 'PERSISTENT';
    if (w.persistentData.has(path)) return true;
    for (let p = path; p !== '/'; ) {
      p = parentPath(p);
      if (w.persistentData.get(p) === 'PERSISTENT_RECURSIVE') return true;
    }
    return false;
  }

  finish(t: FinishedTrace): TraceCheckVerdict {
    const f = this.findings;
    const all = [...this.finished];
    for (const w of this.conns.values()) all.push(...w.regs.values());
    let fired = 0;
    for (const reg of all) {
      if (reg.fired !== undefined) fired++;
      const list = this.changes.get(`${reg.table}:${reg.path}`) ?? [];
      let i = 0;
      while (i < list.length && list[i] <= reg.r) i++;
      while (i < list.length && !t.committed.has(list[i])) i++;
      const z = i < list.length ? list[i] : undefined;
      const who = `${reg.client} (connection ${reg.conn} to ${reg.server})`;
      const set = `its ${reg.table} watch on ${reg.path} (set by ${reg.how} ${where(reg.ref)} at ${fmtKey(reg.r)})`;
      const crossing = z === undefined ? undefined : reg.crossed.get(z);
      if (reg.fired !== undefined) {
        if (z === undefined) {
          f.add(reg.fired.ref, [reg.client, reg.server], `${who} got ${reg.fired.type} ${reg.path} ${where(reg.fired.ref)} for ${set}, but no committed change of ${reg.path} follows ${fmtKey(reg.r)}`);
          continue;
        }
        const expected = touches(t.catalog.get(z)!.body).find((x) => x.table === reg.table && x.path === reg.path)!.type;
        if (expected !== reg.fired.type) {
          f.add(reg.fired.ref, [reg.client, reg.server], `${who} got ${reg.fired.type} ${reg.path} ${where(reg.fired.ref)} for ${set}, but the first change after it, ${fmtKey(z)}, calls for ${expected}`, { zxid: z });
        }
        if (crossing !== undefined) {
          f.add(reg.fired.ref, [reg.client, reg.server], `${who} saw zxid ${fmtKey(crossing.m)} ${where(crossing.ref)}, past the change ${fmtKey(z)} of ${reg.path}, before the ${reg.fired.type} event for ${set} ${where(reg.fired.ref)}`, { zxid: z });
        }
      } else if (crossing !== undefined) {
        f.add(crossing.ref, [reg.client, reg.server], `${who} saw zxid ${fmtKey(crossing.m)} ${where(crossing.ref)}, past the change ${fmtKey(z!)} of ${reg.path}, without ever getting the event for ${set}`, { zxid: z });
      }
    }
    return f.verdict(
      all.length === 0 ? 'no watches set: nothing to check' : `${all.length} one-shot watch registration(s), ${fired} fired: each at most once, for the first committed change after it was set, before any reply or pong reflecting that change (${this.events} event(s) delivered)`,
      'violation(s) of watch ordering',
    );
  }
}
