/**
 * Invariants every recorded golden file must satisfy (../shared/formats/zk-ops.md), beyond what
 * parseGolden checks field by field. A recorder bug (a lost event, a wrong zxid, a stale snapshot)
 * shows up here without needing a server. Returns the problems found; empty means the file is sound.
 */
import type { GoldenFile, GoldenStat, NodeEntry } from '../../sim/conformance/golden.js';
import { TRANSACTION_OPS } from '../../sim/conformance/golden.js';

export function goldenProblems(g: GoldenFile): string[] {
  const problems: string[] = [];
  const bad = (i: number | string, msg: string) => problems.push(`${typeof i === 'number' ? `op ${i}` : i}: ${msg}`);

  // §6: the fresh server's tree.
  const root = g.initialTree.find((e) => e.path === '/');
  if (g.initialTree.length !== 1 || root === undefined) bad('initialTree', 'a fresh server has only / outside /zookeeper');
  else if (root.data !== '' || root.stat.cversion !== -1 || root.stat.numChildren !== 1 || root.stat.czxid !== 0 || root.stat.pzxid !== 0) {
    bad('initialTree', `unexpected fresh root ${JSON.stringify(root)}`);
  }

  // §1: the first `clients` ops open slots 0..clients-1 as sessions 0..clients-1.
  for (let k = 0; k < g.clients; k++) {
    const op = g.ops[k];
    if (op?.op !== 'open' || op.client !== k || op.session !== k) bad(k, `the first ${g.clients} ops must open slots 0..${g.clients - 1} in order`);
  }

  // §7: transactions are numbered 1, 2, 3, … with no gaps; reads have none.
  let txn = 0;
  // Replays sessions per slot and the tree through the deltas (§2, §6).
  const slotSession = new Map<number, number>();
  const tree = new Map(g.initialTree.map((e) => [e.path, e]));
  checkSorted(g.initialTree, 'initialTree', bad);
  for (const op of g.ops) {
    const i = op.i;
    if (TRANSACTION_OPS.has(op.op)) {
      if (op.zxid !== ++txn) bad(i, `zxid ${op.zxid}, expected ${txn}`);
    }
    if (op.op === 'open') {
      const s = g.sessions[op.session];
      if (slotSession.has(op.client)) bad(i, `open on slot ${op.client}, which holds session ${slotSession.get(op.client)}`);
      if (s === undefined || s.label !== op.session || s.client !== op.client || s.openedAt !== i) bad(i, `sessions[${op.session}] does not record this open`);
      if (op.session !== [...g.sessions].filter((x) => x.openedAt < i).length) bad(i, 'session labels must follow creation order');
      slotSession.set(op.client, op.session);
    } else {
      if (slotSession.get(op.client) !== op.session) bad(i, `slot ${op.client} holds session ${slotSession.get(op.client)}, op says ${op.session}`);
      if (op.op === 'close') {
        if (g.sessions[op.session]?.closedAt !== i) bad(i, `sessions[${op.session}].closedAt is not ${i}`);
        slotSession.delete(op.client);
      }
    }
    // §1: never mutate / or /zookeeper….
    for (const p of mutatedPaths(op)) if (p === '/' || p === '/zookeeper' || p.startsWith('/zookeeper/')) bad(i, `mutates ${p}`);
    // §5: multi result layout.
    if (op.op === 'multi' && op.result.rc === 'OK' && 'results' in op.result) {
      const r = op.result;
      if (r.results.length !== op.args.ops.length) bad(i, `${r.results.length} sub-results for ${op.args.ops.length} sub-ops`);
      if (!r.committed) {
        const f = r.failedIndex ?? -1;
        const layout = r.results.every((s, k) =>
          s.type === 'error' && (k < f ? s.rc === 'OK' && s.code === 0 : k === f ? s.rc === r.firstError : s.rc === 'RUNTIME_INCONSISTENCY' && s.code === -2),
        );
        if (f < 0 || !layout) bad(i, `aborted multi with an unexpected result layout ${JSON.stringify(r)}`);
      } else if (r.results.some((s) => s.type === 'error')) bad(i, 'committed multi with an error entry');
    }
    // §8: grouped by slot, ascending; only sessions that exist.
    op.events.forEach((e, k) => {
      if (k > 0 && op.events[k - 1].client > e.client) bad(i, 'events not grouped by client slot in ascending order');
      if (g.sessions[e.session]?.client !== e.client) bad(i, `event for session ${e.session} on slot ${e.client}`);
    });
    if (!TRANSACTION_OPS.has(op.op) && (op.events.length > 0 || op.delta.set.length > 0 || op.delta.removed.length > 0)) {
      bad(i, 'a read changed the tree or fired events');
    }
    // §6: apply the delta: removed first, then upserts.
    checkSorted(op.delta.set, `op ${i} delta.set`, bad);
    for (const p of op.delta.removed) if (!tree.delete(p)) bad(i, `delta removes ${p}, which is not in the tree`);
    for (const e of op.delta.set) tree.set(e.path, e);
    for (const e of tree.values()) if (!statWithin(e.stat, txn)) bad(i, `${e.path} has a zxid above ${txn}`);
  }
  for (const s of g.sessions) if (s.closedAt === null && slotSession.get(s.client) !== s.label) bad(`session ${s.label}`, 'closedAt null but not open at the end');

  const replayed = JSON.stringify([...tree.keys()].sort().map((p) => tree.get(p)));
  if (replayed !== JSON.stringify(g.finalTree)) bad('finalTree', 'initialTree + deltas does not give finalTree');
  checkSorted(g.finalTree, 'finalTree', bad);
  return problems;
}

function mutatedPaths(op: GoldenFile['ops'][number]): string[] {
  if (op.op === 'create' || op.op === 'delete' || op.op === 'setData') return [op.args.path];
  if (op.op === 'multi') return op.args.ops.filter((s) => s.op !== 'check').map((s) => s.path);
  return [];
}

function statWithin(s: GoldenStat, txn: number): boolean {
  return s.czxid <= txn && s.mzxid <= txn && s.pzxid <= txn;
}

function checkSorted(entries: NodeEntry[], where: string, bad: (i: string, msg: string) => void): void {
  for (let k = 1; k < entries.length; k++) if (!(entries[k - 1].path < entries[k].path)) bad(where, 'not sorted by path');
}
