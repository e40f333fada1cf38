/**
 * A run's client history as an interchange-format history of the `znode` model, which is what
 * `zksim run --history` writes and the linearizability checker reads. Plain reads are marked
 * `sequential` (ZooKeeper lets them be stale); a read right after the session's sync is marked
 * `sync`. An op refused for a reason that says nothing about the znode (SESSION_EXPIRED,
 * SESSION_MOVED, ...) did not happen and is left out, as Knossos leaves out `:fail` ops. Each
 * closeSession becomes an `expire` op on every path its session created an ephemeral at.
 */
import { ZNODE_RCS, type History, type HistoryOp } from '../linearizability/history.js';
import type { SessionClose, ZkClientOp } from './client-ops.js';

export interface ZnodeHistoryOptions {
  name: string;
  source?: string;
  /** Leave out reads that promise nothing in real time (for the writes-only check). */
  withReads?: 'all' | 'sync' | 'none';
}

export function znodeHistory(ops: readonly ZkClientOp[], closes: readonly SessionClose[], opts: ZnodeHistoryOptions): History {
  const withReads = opts.withReads ?? 'all';
  const clients = new Map<string, number>();
  const clientOf = (process: string): number => {
    let c = clients.get(process);
    if (c === undefined) clients.set(process, (c = clients.size));
    return c;
  };
  const out: HistoryOp[] = [];
  const pendings: HistoryOp[] = [];
  const ephemeralPaths = new Map<string, Set<string>>();
  for (const o of ops) {
    const h = toOp(o, clientOf(o.process), withReads);
    if (h === undefined) continue;
    if (o.op === 'create-ephemeral' && h.input.session !== undefined) {
      let paths = ephemeralPaths.get(h.input.session);
      if (paths === undefined) ephemeralPaths.set(h.input.session, (paths = new Set()));
      paths.add(o.path);
    }
    (h.pending ? pendings : out).push(h);
  }
  const server = clientOf('server');
  for (const c of closes) {
    for (const path of [...(ephemeralPaths.get(c.session) ?? [])].sort()) {
      const op: HistoryOp = { client: server, call: c.call, return: c.return ?? 0, input: { f: 'expire', key: path, session: c.session }, output: { status: c.return === undefined ? 'unknown' : 'ok' } };
      if (c.return === undefined) op.pending = true;
      (op.pending ? pendings : out).push(op);
    }
  }
  // Pending ops return after everything, each later than the last (the format's rule).
  let last = 0;
  for (const o of out) last = Math.max(last, o.return, o.call);
  for (const o of pendings) last = Math.max(last, o.call);
  pendings.sort((a, b) => a.call - b.call || a.client - b.client);
  for (const p of pendings) p.return = ++last;
  const all = [...out, ...pendings].sort((a, b) => a.call - b.call || a.return - b.return || a.client - b.client);
  return { version: 1, name: opts.name, ...(opts.source !== undefined ? { source: opts.source } : {}), model: 'znode', init: null, ops: all };
}

const RCS = new Set<string>(ZNODE_RCS);

function toOp(o: ZkClientOp, client: number, withReads: 'all' | 'sync' | 'none'): HistoryOp | undefined {
  const read = o.op === 'getData' || o.op === 'exists' || o.op === 'getData-after-sync';
  if (o.op === 'sync') return undefined;
  if (read && (withReads === 'none' || (withReads === 'sync' && o.op !== 'getData-after-sync'))) return undefined;
  // A write that lost its connection may still be applied later (the request can be in a leader's
  // pipeline), so an unknown outcome is pending: it may take effect at any time after its call.
  const status = o.return === undefined ? 'unknown' : o.outcome!;
  const pending = status === 'unknown';
  if (status === 'fail' && !RCS.has(o.rc!)) return undefined; // refused: it did not happen
  if (read && status === 'unknown') return undefined; // constrains nothing
  const f = o.op === 'create' || o.op === 'create-ephemeral' ? 'create' : o.op === 'setData' ? 'set' : o.op === 'delete' ? 'delete' : o.op === 'exists' ? 'exists' : 'get';
  const input: HistoryOp['input'] = { f, key: o.path };
  if (f === 'create' || f === 'set') input.value = o.value ?? null;
  if (f === 'set' || f === 'delete') input.version = -1;
  if (o.op === 'create-ephemeral' && o.session != null) input.session = o.session;
  const output: HistoryOp['output'] = { status };
  if (status === 'fail') output.rc = o.rc as HistoryOp['output']['rc'];
  if (status === 'ok' && f === 'get') output.value = o.data ?? null;
  // Without reads nothing observes data, and the set answers' versions are the session checks' to
  // verify (against the committed txn): leaving them out lets the checker merge states that differ
  // only in data or version (models.ts, znodeExistenceModel).
  if (status === 'ok' && o.version !== undefined && (f === 'get' || f === 'exists' || (f === 'set' && withReads !== 'none'))) output.version = o.version;
  const op: HistoryOp = { client, call: o.call, return: pending ? 0 : o.return!, input, output };
  if (pending) op.pending = true;
  if (read) op.consistency = o.op === 'getData-after-sync' ? 'sync' : 'sequential';
  if (o.zxid !== undefined) op.zxid = o.zxid;
  return op;
}
