/**
 * The linearizability checker: Wing & Gong's search with Lowe's memoisation, as Porcupine does it,
 * on each independent partition (P-compositionality). Ops are calls and returns on one list; the
 * search linearizes a call whose model step is accepted, removes it from the list, and backtracks
 * when it meets a return it cannot get past. A (set of linearized ops, state) pair it has seen
 * before is never explored twice. Pending ops return after everything, so they may take effect
 * anywhere after their call — or, for an unknown outcome, as late as the end.
 *
 * Out of budget (steps, or a deadline from the caller) the verdict is `unknown`, never `linearizable`.
 */
import type { History, HistoryOp } from './history.js';
import { partitions, type Partition, type SeqModel, type State } from './models.js';

export type LinVerdict = 'linearizable' | 'not-linearizable' | 'unknown';

export interface LinResult {
  verdict: LinVerdict;
  /** Search steps taken (over all partitions). */
  steps: number;
  partitions: number;
  /** The partition (kv key, or "" for a register) that could not be linearized. */
  failedKey?: string;
  /** For a failed partition: the most ops the search managed to linearize, and how many it has. */
  bestPrefix?: number;
  partitionOps?: number;
}

export interface CheckOptions {
  /** Give up (verdict `unknown`) after this many search steps in all. */
  maxSteps?: number;
  /** Polled now and then; true means time is up (verdict `unknown`). */
  deadline?: () => boolean;
}

interface Entry {
  /** Index of the op in its partition; -1 for the list head. */
  id: number;
  call: boolean;
  time: number;
  op: HistoryOp | undefined;
  match: Entry | undefined;
  prev: Entry | undefined;
  next: Entry | undefined;
}

export function checkHistory(h: History, options: CheckOptions = {}): LinResult {
  const parts = partitions(h);
  // Partitions are searched in turns with a growing quota, as if in parallel (Porcupine checks them
  // concurrently): one that fails quickly ends the check even if another would take very long.
  let active = parts.map((p) => ({ p, search: new PartitionSearch(p) }));
  let steps = 0;
  let quota = 1024;
  while (active.length > 0) {
    const still: typeof active = [];
    for (const a of active) {
      const r = a.search.run(quota);
      steps += r.steps;
      if (r.outcome === 'not-linearizable') {
        return { verdict: 'not-linearizable', steps, partitions: parts.length, failedKey: a.p.key, bestPrefix: a.search.best, partitionOps: a.p.ops.length };
      }
      if (r.outcome === 'more') still.push(a);
    }
    active = still;
    if (active.length === 0) break;
    if ((options.maxSteps !== undefined && steps > options.maxSteps) || options.deadline?.() === true) {
      const a = active[0];
      return { verdict: 'unknown', steps, partitions: parts.length, failedKey: a.p.key, bestPrefix: a.search.best, partitionOps: a.p.ops.length };
    }
    quota = Math.min(quota * 2, 1 << 20);
  }
  return { verdict: 'linearizable', steps, partitions: parts.length };
}

/** The call and return events of a partition as one list, in time order (calls first on ties). */
function buildList(ops: HistoryOp[]): Entry {
  const events: Entry[] = [];
  ops.forEach((op, id) => {
    const call: Entry = { id, call: true, time: op.call, op, match: undefined, prev: undefined, next: undefined };
    const ret: Entry = { id, call: false, time: op.pending ? Number.POSITIVE_INFINITY : op.return, op, match: undefined, prev: undefined, next: undefined };
    call.match = ret;
    events.push(call, ret);
  });
  // Touching intervals are concurrent: at equal times calls come before returns.
  events.sort((a, b) => a.time - b.time || (a.call === b.call ? a.id - b.id : a.call ? -1 : 1));
  const head: Entry = { id: -1, call: false, time: Number.NEGATIVE_INFINITY, op: undefined, match: undefined, prev: undefined, next: undefined };
  let prev = head;
  for (const e of events) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }
  return head;
}

function lift(e: Entry): void {
  e.prev!.next = e.next;
  e.next!.prev = e.prev;
  const m = e.match!;
  m.prev!.next = m.next;
  if (m.next !== undefined) m.next.prev = m.prev;
}

function unlift(e: Entry): void {
  const m = e.match!;
  m.prev!.next = m;
  if (m.next !== undefined) m.next.prev = m;
  e.prev!.next = e;
  e.next!.prev = e;
}

/** Memo of (linearized set, state) pairs, keyed by a hash of both. */
class Cache {
  private readonly buckets = new Map<number, { bits: Uint32Array; state: State }[]>();

  /** Adds the pair; false when it was already there. */
  add(bits: Uint32Array, state: State): boolean {
    const h = hashOf(bits, state);
    let list = this.buckets.get(h);
    if (list === undefined) this.buckets.set(h, (list = []));
    for (const c of list) if (c.state === state && sameBits(c.bits, bits)) return false;
    list.push({ bits: bits.slice(), state });
    return true;
  }
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hashOf(bits: Uint32Array, state: State): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i], 0x01000193);
  if (state === null) h = Math.imul(h ^ 0x9e3779b9, 0x01000193);
  else if (typeof state === 'number') h = Math.imul(h ^ (state | 0) ^ 0x27d4eb2d, 0x01000193);
  else for (let i = 0; i < state.length; i++) h = Math.imul(h ^ state.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One partition's search, resumable so partitions can take turns. */
class PartitionSearch {
  private readonly model: SeqModel;
  private readonly head: Entry;
  private readonly bits: Uint32Array;
  private readonly cache = new Cache();
  private readonly stack: { entry: Entry; state: State }[] = [];
  private state: State;
  private entry: Entry | undefined;
  /** The most ops linearized at once so far. */
  best = 0;

  constructor(private readonly p: Partition) {
    this.model = p.model;
    this.head = buildList(p.ops);
    this.bits = new Uint32Array(Math.max(1, Math.ceil(p.ops.length / 32)));
    this.state = p.init;
    this.entry = this.head.next;
  }

  /** Up to `quota` steps: the verdict, or `more` when the search is not over. */
  run(quota: number): { outcome: 'linearizable' | 'not-linearizable' | 'more'; steps: number } {
    const { model, head, bits, cache, stack } = this;
    let { state, entry } = this;
    let steps = 0;
    try {
      while (head.next !== undefined) {
        if (steps++ >= quota) return { outcome: 'more', steps };
        const e = entry!;
        if (e.call) {
          const next = model.step(state, e.op!);
          if (next !== undefined) {
            const w = e.id >>> 5;
            const bit = 1 << (e.id & 31);
            bits[w] |= bit;
            if (cache.add(bits, next)) {
              stack.push({ entry: e, state });
              if (stack.length > this.best) this.best = stack.length;
              state = next;
              lift(e);
              entry = head.next;
              continue;
            }
            bits[w] &= ~bit;
          }
          entry = e.next;
        } else {
          // A return we cannot get past: undo the last linearization and try its next alternative.
          const top = stack.pop();
          if (top === undefined) return { outcome: 'not-linearizable', steps };
          const t = top.entry;
          bits[t.id >>> 5] &= ~(1 << (t.id & 31));
          state = top.state;
          unlift(t);
          entry = t.next;
        }
      }
      this.best = this.p.ops.length;
      return { outcome: 'linearizable', steps };
    } finally {
      this.state = state;
      this.entry = entry;
    }
  }
}
