/**
 * Replays a golden file into the simulated standalone server through simulated clients, and
 * compares, op by op, at the five tiers of ../shared/formats/zk-ops.md §10: (1) rc, (2) payloads,
 * (3) zxids, (4) watch events, (5) the whole tree after the op.
 */
import type { NodeId } from '../contract/node.js';
import type { SessionId } from '../client/zk-client.js';
import type { SimZkClient } from '../client/sim-client.js';
import { ZkWorld } from '../harness/zk-world.js';
import { TRANSACTION_OPS, type GoldenEvent, type GoldenFile, type GoldenResult, type NodeEntry, type OpRecord } from './golden.js';
import { issueOp } from './issue-op.js';
import { nodeEntry, normaliseResult, relativeZxid, type NormaliseContext } from './normalise.js';
import type { DataTree } from '../zk/data-tree.js';

export type Tier = 1 | 2 | 3 | 4 | 5;
export const TIERS: readonly Tier[] = [1, 2, 3, 4, 5];
export const TIER_NAMES: Record<Tier, string> = { 1: 'rc', 2: 'payload', 3: 'zxids', 4: 'watch events', 5: 'tree' };

export interface Mismatch {
  tier: Tier;
  /** Op index; -1 for the initial tree. */
  op: number;
  opName: string;
  expected: unknown;
  actual: unknown;
}

export interface ConformanceReport {
  seed: number;
  ops: number;
  /** Tier k passes when every op passes the checks of tiers 1..k. */
  tiers: Record<Tier, boolean>;
  /** The first op that failed the lowest failing tier. */
  firstMismatch?: Mismatch;
  /** Closes whose events matched only as a multiset (the format allows it; we emulate the order). */
  closeOrderDiffers: number;
}

const SESSION_TIMEOUT_MS = 30_000;

export function replayGolden(g: GoldenFile): ConformanceReport {
  const slots: NodeId[] = Array.from({ length: g.clients }, (_, i) => `c${i}`);
  const zw = new ZkWorld({ seed: `golden-${g.seed}`, clients: slots, sessionTimeoutMs: SESSION_TIMEOUT_MS });
  const tree = (): DataTree => zw.server()!.tree;
  const labels = new Map<SessionId, number>();
  const ctx: NormaliseContext = { baseZxid: tree().lastProcessedZxid, labelOf: (id) => labels.get(id) };
  const handles: (SimZkClient | undefined)[] = slots.map(() => undefined);
  const slotLabel: (number | undefined)[] = slots.map(() => undefined);
  let collected: GoldenEvent[] = [];
  const firsts = new Map<Tier, Mismatch>();
  let closeOrderDiffers = 0;
  const miss = (m: Mismatch) => {
    if (!firsts.has(m.tier)) firsts.set(m.tier, m);
  };

  let expectedTree = g.initialTree;
  const initial = snapshotTree(tree(), ctx);
  if (!deepEqual(initial, expectedTree)) miss({ tier: 5, op: -1, opName: 'initialTree', expected: expectedTree, actual: initial });

  for (const op of g.ops) {
    collected = [];
    const slot = op.client;
    let raw: Record<string, unknown> & { rc: string };
    if (op.op === 'open') {
      const label = op.session;
      let h!: SimZkClient;
      zw.call(slots[slot], (p) => (h = p.connect({ sessionTimeoutMs: SESSION_TIMEOUT_MS })));
      zw.runUntil(() => h.state !== 'CONNECTING');
      handles[slot] = h;
      slotLabel[slot] = label;
      if (h.sessionId !== null) labels.set(h.sessionId, label);
      h.onEvent((e) => {
        if (e.type !== 'NONE') collected.push({ client: slot, session: label, type: e.type as GoldenEvent['type'], path: e.path });
      });
      raw = h.state === 'CONNECTED' ? { rc: 'OK' } : { rc: 'SESSION_EXPIRED', code: -112 };
    } else if (op.op === 'close') {
      const h = handleOf(handles, slot, op);
      raw = zw.perform(slots[slot], (_p, done) => h.close(done));
      handles[slot] = undefined;
    } else {
      const h = handleOf(handles, slot, op);
      raw = zw.perform(slots[slot], (_p, done) => issueOp(h, op, done)) as typeof raw;
    }
    // The barrier: each open session reads "/" so every notification caused by the op has arrived.
    handles.forEach((h, i) => {
      if (h !== undefined) zw.perform(slots[i], (_p, done) => h.exists('/', false, done));
    });
    const issuer = op.op === 'open' || op.op === 'close' ? op.session : slotLabel[slot]!;
    const result = normaliseResult(op.op, raw as never, ctx, issuer);
    compareOp(op, result, miss);
    if (TRANSACTION_OPS.has(op.op)) {
      const z = relativeZxid(tree().lastProcessedZxid, ctx.baseZxid);
      if (z !== op.zxid) miss({ tier: 3, op: op.i, opName: op.op, expected: { zxid: op.zxid }, actual: { zxid: z } });
    }
    const actualEvents = [...collected].sort((a, b) => a.client - b.client);
    if (!deepEqual(actualEvents, op.events)) {
      if (op.op === 'close' && deepEqual(sortEvents(actualEvents), sortEvents(op.events))) closeOrderDiffers++;
      else miss({ tier: 4, op: op.i, opName: op.op, expected: op.events, actual: actualEvents });
    }
    expectedTree = applyDelta(expectedTree, op.delta);
    const actualTree = snapshotTree(tree(), ctx);
    if (!deepEqual(actualTree, expectedTree)) miss({ tier: 5, op: op.i, opName: op.op, expected: diffTrees(expectedTree, actualTree).expected, actual: diffTrees(expectedTree, actualTree).actual });
  }
  const finalTree = snapshotTree(tree(), ctx);
  if (!deepEqual(finalTree, g.finalTree)) miss({ tier: 5, op: g.ops.length, opName: 'finalTree', expected: g.finalTree, actual: finalTree });

  const tiers = {} as Record<Tier, boolean>;
  let firstMismatch: Mismatch | undefined;
  let ok = true;
  for (const t of TIERS) {
    const m = firsts.get(t);
    if (m !== undefined && ok) {
      ok = false;
      firstMismatch = m;
    }
    tiers[t] = ok;
  }
  return { seed: g.seed, ops: g.ops.length, tiers, ...(firstMismatch !== undefined ? { firstMismatch } : {}), closeOrderDiffers };
}

function handleOf(handles: (SimZkClient | undefined)[], slot: number, op: OpRecord): SimZkClient {
  const h = handles[slot];
  if (h === undefined) throw new Error(`op ${op.i} (${op.op}) uses client slot ${slot}, which has no open session`);
  return h;
}

function compareOp(op: OpRecord, actual: GoldenResult, miss: (m: Mismatch) => void): void {
  const expected = op.result;
  if (expected.rc !== actual.rc) {
    miss({ tier: 1, op: op.i, opName: op.op, expected, actual });
    return;
  }
  if (!deepEqual(withoutZxids(expected), withoutZxids(actual))) miss({ tier: 2, op: op.i, opName: op.op, expected, actual });
  else if (!deepEqual(expected, actual)) miss({ tier: 3, op: op.i, opName: op.op, expected, actual });
}

const ZXID_FIELDS = new Set(['czxid', 'mzxid', 'pzxid']);
function withoutZxids(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutZxids);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!ZXID_FIELDS.has(k)) out[k] = withoutZxids(x);
  return out;
}

/** The tree as golden files list it: every node but the /zookeeper subtree, sorted by path. */
export function snapshotTree(tree: DataTree, ctx: NormaliseContext): NodeEntry[] {
  const out: NodeEntry[] = [];
  for (const path of tree.sortedPaths()) {
    if (path === '/zookeeper' || path.startsWith('/zookeeper/')) continue;
    const node = tree.get(path)!;
    out.push(nodeEntry(path, node.data, tree.statOf(node), ctx));
  }
  return out;
}

export function applyDelta(tree: readonly NodeEntry[], delta: { set: NodeEntry[]; removed: string[] }): NodeEntry[] {
  const m = new Map(tree.map((e) => [e.path, e] as const));
  for (const p of delta.removed) m.delete(p);
  for (const e of delta.set) m.set(e.path, e);
  return [...m.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Only the entries that differ, so a tier-5 report stays readable. */
function diffTrees(expected: NodeEntry[], actual: NodeEntry[]): { expected: NodeEntry[]; actual: NodeEntry[] } {
  const key = (e: NodeEntry) => JSON.stringify(e);
  const a = new Set(actual.map(key));
  const x = new Set(expected.map(key));
  return { expected: expected.filter((e) => !a.has(key(e))), actual: actual.filter((e) => !x.has(key(e))) };
}

function sortEvents(events: GoldenEvent[]): string[] {
  return events.map((e) => JSON.stringify(e)).sort();
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
