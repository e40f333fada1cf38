/**
 * The linearizability checker: Wing & Gong's search with Lowe's memoisation, as Porcupine does it,
 * on each independent partition (P-compositionality). Ops are calls and returns on one list; the
 * search linearizes a call whose model step is accepted, removes it from the list, and backtracks
 * when it meets a return it cannot get past. A (set of linearized ops, state) pair it has seen
 * before is never explored twice. Pending ops return after everything, so they may take effect
 * anywhere after their call — or, for an unknown outcome, as late as the end.
 *
 * One pruning on top of Porcupine's search: a read-only op (one that never changes the state: a
 * read, a failed compare) that is accepted now is linearized at once with no alternative tried. If
 * any linearization exists from here, moving such an op to the front of it gives another one:
 * nothing left must precede it (its call is reachable, so every op that returned before it is
 * already placed), it is accepted now, and taking it out of its old place changes no state the
 * rest depends on. So when the search backtracks over such an op, the configuration it was
 * placed in is dead too. (An op that merely happens to leave *this* state alone, like a write of
 * the current value, does not qualify: at its old place it may have changed the state.)
 *
 * And one symmetry reduction: of two interchangeable ops (the same effect in every state: the same
 * input and output, or what the model's `equivalence` groups, e.g. two creates of a znode whose data
 * nobody reads) where one dominates the other — called no later and returned no later (pending ops
 * return at infinity) — the dominating one is placed first. Swapping two such ops in any
 * linearization keeps it valid: an op that had to precede the later-placed one of them had to
 * precede the earlier too, and an op that had to follow the earlier one had to follow the later
 * too, and the states do not change. Each op is tied to the nearest such op before it in call
 * order, so the ties form chains, and sorting each chain by adjacent swaps gives a linearization
 * that respects them all.
 *
 * Out of budget (steps, or a deadline from the caller) the verdict is `unknown`, never `linearizable`.
 */
import type { History, HistoryOp } from './history.js';
import { partitions, type Partition, type State } from './models.js';

export type LinVerdict = 'linearizable' | 'not-linearizable' | 'unknown';

export interface LinResult {
  verdict: LinVerdict;
  /** Search steps taken (over all partitions). */
  steps: number;
  partitions: number;
  /** The partition (kv key or znode path, "" for a register) that could not be linearized. */
  failedKey?: string;
  /** For a failed partition: the most ops the search managed to linearize, and how many it has. */
  bestPrefix?: number;
  partitionOps?: number;
  /** For a failed partition: that longest partial linearization, as indices into the history's ops. */
  bestOrder?: number[];
  /** When linearizable: a linearization of each partition (indices into the history's ops). */
  orders?: { key: string; order: number[] }[];
}

export interface CheckOptions {
  /** Give up (verdict `unknown`) after this many search steps in all. */
  maxSteps?: number;
  /** Polled now and then; true means time is up (verdict `unknown`). */
  deadline?: () => boolean;
}

export function checkHistory(h: History, options: CheckOptions = {}): LinResult {
  return checkPartitions(partitions(h), options);
}

/** The search over given partitions (a test may hand it partitions with a different model). */
export function checkPartitions(parts: Partition[], options: CheckOptions = {}): LinResult {
  // Partitions are searched in turns with a growing quota, as if in parallel (Porcupine checks them
  // concurrently): one that fails quickly ends the check even if another would take very long.
  const searches = parts.map((p) => new PartitionSearch(p));
  let active = searches;
  let steps = 0;
  let quota = 1024;
  const failed = (verdict: LinVerdict, s: PartitionSearch): LinResult => ({
    verdict,
    steps,
    partitions: parts.length,
    failedKey: s.p.key,
    bestPrefix: s.bestOrder.length,
    partitionOps: s.p.ops.length,
    bestOrder: s.bestOrder.map((i) => s.p.index[i]),
  });
  while (active.length > 0) {
    const still: PartitionSearch[] = [];
    for (const s of active) {
      const r = s.run(quota);
      steps += r.steps;
      if (r.outcome === 'not-linearizable') return failed('not-linearizable', s);
      if (r.outcome === 'more') still.push(s);
    }
    active = still;
    if (active.length === 0) break;
    if ((options.maxSteps !== undefined && steps > options.maxSteps) || options.deadline?.() === true) return failed('unknown', active[0]);
    quota = Math.min(quota * 2, 1 << 20);
  }
  return { verdict: 'linearizable', steps, partitions: parts.length, orders: searches.map((s) => ({ key: s.p.key, order: s.bestOrder.map((i) => s.p.index[i]) })) };
}

/** Ops with the same input and output have the same effect in every state, whatever the model. */
function sameOp(op: HistoryOp): string {
  return JSON.stringify([op.input, op.output]);
}

/** A 32-bit mix (murmur3's finaliser): spreads op indices and state ids over the hash space. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Memo of (linearized set, state) pairs. The set's hash is kept up to date by the search (XOR of
 * one fixed code per op, so adding or removing an op is O(1)); sets are stored once in an arena.
 */
class Cache {
  private capacity = 1 << 12;
  private slots = new Int32Array(this.capacity).fill(-1);
  private hashes = new Uint32Array(this.capacity);
  private arena: Uint32Array;
  private stateOf: Int32Array;
  private count = 0;

  constructor(private readonly words: number) {
    this.arena = new Uint32Array(1024 * words);
    this.stateOf = new Int32Array(1024);
  }

  /** Adds the pair; false when it was already there. */
  add(bits: Uint32Array, setHash: number, state: number): boolean {
    const h = mix(setHash ^ Math.imul(state + 1, 0x9e3779b1));
    const mask = this.capacity - 1;
    const { words, slots, hashes, arena, stateOf } = this;
    let i = h & mask;
    for (;;) {
      const e = slots[i];
      if (e < 0) break;
      if (hashes[i] === h && stateOf[e] === state) {
        let same = true;
        const base = e * words;
        for (let w = 0; w < words; w++) {
          if (arena[base + w] !== bits[w]) {
            same = false;
            break;
          }
        }
        if (same) return false;
      }
      i = (i + 1) & mask;
    }
    const e = this.count++;
    if (e >= this.stateOf.length) this.growArena();
    this.arena.set(bits, e * words);
    this.stateOf[e] = state;
    slots[i] = e;
    hashes[i] = h;
    if (this.count * 2 > this.capacity) this.rehash();
    return true;
  }

  private growArena(): void {
    const arena = new Uint32Array(this.arena.length * 2);
    arena.set(this.arena);
    this.arena = arena;
    const stateOf = new Int32Array(this.stateOf.length * 2);
    stateOf.set(this.stateOf);
    this.stateOf = stateOf;
  }

  private rehash(): void {
    const { slots: oldSlots, hashes: oldHashes } = this;
    this.capacity *= 2;
    const mask = this.capacity - 1;
    this.slots = new Int32Array(this.capacity).fill(-1);
    this.hashes = new Uint32Array(this.capacity);
    for (let j = 0; j < oldSlots.length; j++) {
      const e = oldSlots[j];
      if (e < 0) continue;
      let i = oldHashes[j] & mask;
      while (this.slots[i] >= 0) i = (i + 1) & mask;
      this.slots[i] = e;
      this.hashes[i] = oldHashes[j];
    }
  }
}

/**
 * One partition's search, resumable so partitions can take turns. The event list lives in typed
 * arrays: events 0..2n-1 (op i's call is 2i, its return 2i+1) and a head at 2n; -1 ends the list.
 */
class PartitionSearch {
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly head: number;
  private readonly bits: Uint32Array;
  private readonly cache: Cache;
  private readonly codes: Uint32Array;
  /** Ops that never change the state: they may be forced (see the head comment). */
  private readonly readOnly: Uint8Array;
  /** For an op interchangeable with an earlier one that dominates it, that one (-1: none). */
  private readonly before: Int32Array;
  /** Interned model states: id → state, state → id. */
  private readonly states: State[] = [];
  private readonly stateIds = new Map<State, number>();
  /** The stack of linearized ops: the op, the state before it, and whether it was forced. */
  private readonly stackOp: Int32Array;
  private readonly stackState: Int32Array;
  private readonly stackForced: Uint8Array;
  private depth = 0;
  private setHash = 0;
  private state: number;
  private event: number;
  /** The longest partial linearization saved so far; see `best`. */
  private saved: number[] = [];
  /**
   * Depth of a longer partial linearization that is still on the stack, not yet copied (0: none):
   * copying at every new maximum would cost O(n²) on a history that linearizes straight through.
   */
  private unsaved = 0;

  /** The longest partial linearization found (the whole one once linearizable). */
  get bestOrder(): number[] {
    this.save();
    return this.saved;
  }

  private save(): void {
    if (this.unsaved > this.saved.length) this.saved = Array.from(this.stackOp.subarray(0, this.unsaved));
    this.unsaved = 0;
  }

  constructor(readonly p: Partition) {
    const n = p.ops.length;
    this.head = 2 * n;
    this.next = new Int32Array(2 * n + 1);
    this.prev = new Int32Array(2 * n + 1);
    this.codes = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.codes[i] = mix(i + 1) || 1;
    this.readOnly = Uint8Array.from(p.ops, (op) => (p.model.readOnly(op) ? 1 : 0));
    this.before = new Int32Array(n).fill(-1);
    const key = p.model.equivalence ?? sameOp;
    const ret = (i: number): number => (p.ops[i].pending ? Number.POSITIVE_INFINITY : p.ops[i].return);
    const last = new Map<string, number>();
    const byCall = p.ops.map((_, i) => i).sort((a, b) => p.ops[a].call - p.ops[b].call || ret(a) - ret(b) || a - b);
    for (const i of byCall) {
      const k = key(p.ops[i]);
      const j = last.get(k);
      // Only a dominating predecessor (called no later, returned no later) may be required first.
      if (j !== undefined && ret(j) <= ret(i)) this.before[i] = j;
      last.set(k, i);
    }
    const words = Math.max(1, Math.ceil(n / 32));
    this.bits = new Uint32Array(words);
    this.cache = new Cache(words);
    this.stackOp = new Int32Array(n);
    this.stackState = new Int32Array(n);
    this.stackForced = new Uint8Array(n);
    this.state = this.intern(p.init);
    this.buildList();
    this.event = this.next[this.head];
  }

  private intern(s: State): number {
    let id = this.stateIds.get(s);
    if (id === undefined) {
      id = this.states.length;
      this.states.push(s);
      this.stateIds.set(s, id);
    }
    return id;
  }

  /** Calls and returns in time order; touching intervals are concurrent, so calls come first on ties. */
  private buildList(): void {
    const ops = this.p.ops;
    const order: number[] = [];
    for (let i = 0; i < ops.length; i++) order.push(2 * i, 2 * i + 1);
    const time = (e: number): number => {
      const op = ops[e >> 1];
      return (e & 1) === 0 ? op.call : op.pending ? Number.POSITIVE_INFINITY : op.return;
    };
    order.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || (a >> 1) - (b >> 1));
    let prev = this.head;
    for (const e of order) {
      this.next[prev] = e;
      this.prev[e] = prev;
      prev = e;
    }
    this.next[prev] = -1;
  }

  /** Up to `quota` steps: the verdict, or `more` when the search is not over. */
  run(quota: number): { outcome: 'linearizable' | 'not-linearizable' | 'more'; steps: number } {
    const { next, prev, head, bits, cache, codes, readOnly, before, states, stackOp, stackState, stackForced } = this;
    const ops = this.p.ops;
    const model = this.p.model;
    let { state, event, depth, setHash } = this;
    let steps = 0;
    // Undoes the top linearization; returns the event to resume from, or -2 when the stack is empty.
    const backtrack = (): number => {
      if (this.unsaved > 0) this.save(); // the stack is about to lose its longest run
      for (;;) {
        if (depth === 0) return -2;
        depth--;
        const op = stackOp[depth];
        bits[op >>> 5] &= ~(1 << (op & 31));
        setHash ^= codes[op];
        state = stackState[depth];
        const c = 2 * op;
        const r = c + 1;
        // Relink the return, then the call (the reverse of lifting them out).
        next[prev[r]] = r;
        if (next[r] >= 0) prev[next[r]] = r;
        next[prev[c]] = c;
        prev[next[c]] = c;
        if (stackForced[depth] === 0) return next[c];
      }
    };
    try {
      while (next[head] >= 0) {
        if (steps++ >= quota) return { outcome: 'more', steps };
        const e = event;
        if ((e & 1) === 0) {
          const op = e >> 1;
          const b = before[op];
          if (b >= 0 && (bits[b >>> 5] & (1 << (b & 31))) === 0) {
            // Interchangeable with an earlier-called pending op not yet placed: place that one first.
            event = next[e];
            continue;
          }
          const from = states[state];
          const after = model.step(from, ops[op]);
          if (after !== undefined) {
            const same = after === from;
            const forced = same && readOnly[op] === 1;
            const to = same ? state : this.intern(after);
            const w = op >>> 5;
            const bit = 1 << (op & 31);
            bits[w] |= bit;
            setHash ^= codes[op];
            if (cache.add(bits, setHash, to)) {
              stackOp[depth] = op;
              stackState[depth] = state;
              stackForced[depth] = forced ? 1 : 0;
              depth++;
              if (depth > this.saved.length && depth > this.unsaved) this.unsaved = depth;
              state = to;
              // Lift the call and its return out of the list.
              next[prev[e]] = next[e];
              prev[next[e]] = prev[e];
              const r = e + 1;
              next[prev[r]] = next[r];
              if (next[r] >= 0) prev[next[r]] = prev[r];
              event = next[head];
              continue;
            }
            bits[w] &= ~bit;
            setHash ^= codes[op];
            if (forced) {
              // Its configuration was explored and failed, and it could have gone first: so did this one.
              event = backtrack();
              if (event === -2) return { outcome: 'not-linearizable', steps };
              continue;
            }
          }
          event = next[e];
        } else {
          // A return we cannot get past: undo the last linearization and try its next alternative.
          event = backtrack();
          if (event === -2) return { outcome: 'not-linearizable', steps };
        }
      }
      return { outcome: 'linearizable', steps };
    } finally {
      this.state = state;
      this.event = event;
      this.depth = depth;
      this.setHash = setHash;
    }
  }
}
