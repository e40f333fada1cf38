/**
 * Explanations of non-linearizable histories: where the history stops being linearizable, the
 * longest linearizable prefix and its order, and a small core of ops that cannot be linearized
 * together however the rest behaved.
 *
 * Nothing here knows a model's ops. It only derives *weaker* histories from the given one and asks
 * whether they are linearizable (check.ts's search, or RelaxedSearch below when most ops are
 * relaxed), through the model's own `step`, so it works for every model in models.ts, including
 * ones added later. Two derivations, both of which only relax:
 *
 *  - Relaxing an op: its outcome becomes `unknown` and it becomes pending (it returns after
 *    everything). A model accepts an unknown outcome wherever it accepted the recorded one, with the
 *    same effect (or, where the recorded outcome left the state alone, the op can go last instead),
 *    and a pending op may take effect anywhere after its call, or (placed last) effectively never.
 *    So every linearization of a history gives one of the history with an op relaxed: if the
 *    relaxed history is not linearizable, neither is the original, and a core found by relaxing is
 *    a sound explanation.
 *  - Truncating at a return event: ops called after it are left out, and ops that had not returned
 *    by then are relaxed. A left-out op could only ever have been pending and placed last, so
 *    truncating earlier only relaxes more. Linearizability is therefore monotone along the return
 *    events, and binary search finds the first event at which it fails.
 *
 * Both rely on a model accepting an op with an unknown outcome in every state (it "may or may not
 * have happened"), as every model in models.ts does.
 */
import { checkHistory, checkPartitions, type LinResult, type LinVerdict } from './check.js';
import type { History, HistoryOp } from './history.js';
import { partitions, type Partition, type SeqModel, type State } from './models.js';

export interface ExplainOptions {
  /** Polled by every check; once true, the explanation is finished with what is known so far. */
  deadline?: () => boolean;
  /**
   * Step budget of each single check (default DEFAULT_MAX_STEPS_PER_CHECK), so that one hard check
   * cannot use up the deadline. An undecided check keeps its ops in the core (`minimal: false`).
   */
  maxStepsPerCheck?: number;
  /** The verdict of `checkHistory(h)`, if the caller already has it (saves checking the whole history again). */
  result?: LinResult;
}

/** How the failing truncation treats an op. */
export type OpCut = 'complete' | 'relaxed' | 'dropped';

export interface ExplainedOp {
  /** Index into the history's ops. */
  index: number;
  client: number;
  call: number;
  /** null for a pending op. */
  return: number | null;
  label: string;
  /**
   * In the truncation at the failing point: `complete` (kept with its recorded outcome), `relaxed`
   * (called by then but returned later: outcome unknown, pending), or `dropped` (called later).
   */
  cut: OpCut;
  inCore: boolean;
  failingOp: boolean;
  /** Position (0-based) in the prefix's linearization, or null when the prefix does not place it. */
  prefixPos: number | null;
}

export interface LinExplanation {
  history: string;
  model: string;
  /** The failing partition: the kv key or znode path, "" for a register. */
  key: string;
  failingPoint: {
    /** The op whose return ends linearizability: "the op that cannot be placed" (index into the history's ops). */
    op: number;
    /** Its return time: the truncation at this time is the first one that is not linearizable. */
    time: number;
    /** False when the search ran out of time: then this point fails, but an earlier one might too. */
    earliest: boolean;
  };
  /** The longest linearizable truncation, the one just before the failing point. */
  prefix: {
    /** The truncation time, or null when nothing had returned before the failing point. */
    time: number | null;
    /**
     * A linearization of that truncation (indices into the history's ops): every op that had
     * returned by then, and the not-yet-returned ones it lets take effect in between.
     */
    order: number[];
  };
  /** Ops (indices, in call order) that cannot be linearized even when every other op of the partition is relaxed. */
  core: number[];
  /** True when relaxing any single core op makes the rest linearizable. */
  minimal: boolean;
  /** [min call, max return] over the core: the smallest window that cannot be linearized. */
  window: [number, number];
  /** Every op of the failing partition, in the history's order. */
  ops: ExplainedOp[];
  /** Checker calls made and search steps they took. */
  checks: number;
  steps: number;
}

/** A fraction of a second; the hardest checks of the public histories (other than appends) need less. */
export const DEFAULT_MAX_STEPS_PER_CHECK = 300_000;

const DROPPED = 0;
const RELAXED = 1;
const COMPLETE = 2;

/**
 * `op` with its outcome unknown, pending (returning at `ret`, after every event, as history.md's
 * pending ops do): what the op asked stays, everything its reply said goes.
 */
function relax(op: HistoryOp, ret: number): HistoryOp {
  const { zxid: _reply, ...rest } = op;
  return { ...rest, input: { ...op.input }, output: { status: 'unknown' }, pending: true, return: ret };
}

/**
 * The explanation of why `h` is not linearizable, or undefined when it is linearizable. Throws when
 * the checker cannot decide `h` at all within the deadline (there is no failing partition to explain).
 */
export function explainHistory(h: History, options: ExplainOptions = {}): LinExplanation | undefined {
  const { deadline } = options;
  const result = options.result ?? checkHistory(h, { deadline });
  if (result.verdict === 'linearizable') return undefined;
  if (result.verdict === 'unknown') {
    // Without a verdict there is no failing partition to explain; the caller reports "unknown".
    throw new Error(`cannot explain ${h.name}: the checker could not decide it within its budget`);
  }
  const part = partitions(h).find((p) => p.key === result.failedKey);
  if (part === undefined) throw new Error(`cannot explain ${h.name}: no partition with key ${JSON.stringify(result.failedKey)}`);
  return new Explainer(h, part, options).explain();
}

class Explainer {
  private readonly n: number;
  private readonly relaxedOps: HistoryOp[];
  /** Relaxed ops with the same effect share an id (see RelaxedSearch). */
  private readonly relaxedClass: number[];
  /** Positions (in the partition) of the ops that returned, in return order; ties broken by index into h.ops. */
  private readonly events: number[];
  private readonly rank: Int32Array;
  private checks = 0;
  private steps = 0;
  private readonly maxSteps: number;

  constructor(
    private readonly h: History,
    private readonly part: Partition,
    private readonly options: ExplainOptions,
  ) {
    this.maxSteps = options.maxStepsPerCheck ?? DEFAULT_MAX_STEPS_PER_CHECK;
    const ops = part.ops;
    this.n = ops.length;
    let last = 0;
    for (const op of ops) last = Math.max(last, op.call, op.pending ? op.call : op.return);
    this.relaxedOps = ops.map((op, pos) => relax(op, last + 1 + pos));
    // Relaxed ops that differ only in who called them when have the same effect; a model may merge more.
    const classIds = new Map<string, number>();
    this.relaxedClass = this.relaxedOps.map((op) => {
      const same = part.model.equivalence?.(op);
      const k = same !== undefined ? `model:${same}` : JSON.stringify({ ...op, client: 0, call: 0, return: 0 });
      let id = classIds.get(k);
      if (id === undefined) classIds.set(k, (id = classIds.size));
      return id;
    });
    this.events = ops
      .map((_, pos) => pos)
      .filter((pos) => !ops[pos].pending)
      .sort((a, b) => ops[a].return - ops[b].return || part.index[a] - part.index[b]);
    this.rank = new Int32Array(this.n).fill(-1);
    this.events.forEach((pos, k) => (this.rank[pos] = k));
  }

  private timeUp(): boolean {
    return this.options.deadline?.() === true;
  }

  /**
   * The truncation at event k: ops called after its time are dropped, those among the first k+1
   * returns are complete, the rest relaxed. k = events.length is the partition as recorded.
   */
  private cutAt(k: number): Uint8Array {
    const cut = new Uint8Array(this.n);
    const ops = this.part.ops;
    if (k >= this.events.length) {
      for (let pos = 0; pos < this.n; pos++) cut[pos] = ops[pos].pending ? RELAXED : COMPLETE;
      return cut;
    }
    const t = ops[this.events[k]].return;
    for (let pos = 0; pos < this.n; pos++) {
      if (ops[pos].call > t) cut[pos] = DROPPED;
      else cut[pos] = this.rank[pos] >= 0 && this.rank[pos] <= k ? COMPLETE : RELAXED;
    }
    return cut;
  }

  /** Checks the partition as `cut` says; the order (partition positions) when linearizable. */
  private check(cut: Uint8Array): { verdict: LinVerdict; order?: number[] } {
    const ops: HistoryOp[] = [];
    const index: number[] = [];
    for (let pos = 0; pos < this.n; pos++) {
      if (cut[pos] === DROPPED) continue;
      ops.push(cut[pos] === COMPLETE ? this.part.ops[pos] : this.relaxedOps[pos]);
      index.push(pos);
    }
    const r = checkPartitions([{ ...this.part, ops, index }], { deadline: this.options.deadline, maxSteps: this.maxSteps });
    this.checks++;
    this.steps += r.steps;
    return { verdict: r.verdict, order: r.orders?.[0]?.order };
  }

  /** The same question as `check`, by RelaxedSearch: fast when most ops are relaxed (the core phase). */
  private checkRelaxed(cut: Uint8Array): { verdict: LinVerdict } {
    const complete: HistoryOp[] = [];
    const relaxed: HistoryOp[] = [];
    const classOf: number[] = [];
    for (let pos = 0; pos < this.n; pos++) {
      if (cut[pos] === COMPLETE) complete.push(this.part.ops[pos]);
      else if (cut[pos] === RELAXED) {
        relaxed.push(this.relaxedOps[pos]);
        classOf.push(this.relaxedClass[pos]);
      }
    }
    const search = new RelaxedSearch(this.part.model, this.part.init, complete, relaxed, classOf, this.options.deadline, this.maxSteps);
    const verdict = search.run();
    this.checks++;
    this.steps += search.steps;
    return { verdict };
  }

  explain(): LinExplanation {
    const m = this.events.length;
    // Invariants: truncation lo is linearizable (lo = -1: nothing returned, trivially so), hi is not.
    let lo = -1;
    let hi = m;
    let loOrder: number[] = [];
    let earliest = true;
    while (hi - lo > 1) {
      if (this.timeUp()) {
        earliest = false;
        break;
      }
      const mid = (lo + hi) >> 1;
      const r = this.check(this.cutAt(mid));
      if (r.verdict === 'not-linearizable') hi = mid;
      else if (r.verdict === 'linearizable') {
        lo = mid;
        loOrder = r.order ?? [];
      } else {
        earliest = false;
        break;
      }
    }

    const ops = this.part.ops;
    const failCut = this.cutAt(hi);
    let failPos: number;
    let failTime: number;
    if (hi < m) {
      failPos = this.events[hi];
      failTime = ops[failPos].return;
    } else if (!earliest && m > 0) {
      // Out of time before the search narrowed anything down: all that is known is that the whole fails.
      failPos = this.events[m - 1];
      failTime = ops[failPos].return;
    } else {
      // Only if a model rejects some unknown outcome: then the ops called after the last return matter.
      failPos = 0;
      for (let pos = 1; pos < this.n; pos++) if (ops[pos].call >= ops[failPos].call) failPos = pos;
      failTime = ops[failPos].call;
    }

    // Greedy 1-minimisation, latest return first: the ops closest to the failure are the likeliest to
    // matter, and far older ones tend to be irrelevant in long runs, which are then relaxed in chunks of
    // doubling size (halved again when a chunk turns out to hold a needed op). Every op kept was found
    // needed with a subset of the final relaxed ops relaxed, so by monotonicity it is still needed: the
    // core is 1-minimal. When the failing point is the earliest one, its op is needed without asking:
    // relaxing it gives the linearizable truncation before, up to ops that can go last.
    const current = failCut.slice();
    const candidates = this.events.filter((pos) => current[pos] === COMPLETE && !(earliest && hi < m && pos === failPos)).reverse();
    let minimal = true;
    let size = 1;
    for (let i = 0; i < candidates.length; ) {
      if (this.timeUp()) {
        minimal = false;
        break;
      }
      const chunk = candidates.slice(i, i + size);
      for (const pos of chunk) current[pos] = RELAXED;
      const r = this.checkRelaxed(current);
      if (r.verdict === 'not-linearizable') {
        i += chunk.length;
        size *= 2;
        continue;
      }
      for (const pos of chunk) current[pos] = COMPLETE;
      if (size > 1) size >>= 1;
      else {
        if (r.verdict === 'unknown') minimal = false;
        i++;
      }
    }

    const corePos: number[] = [];
    for (let pos = 0; pos < this.n; pos++) if (current[pos] === COMPLETE) corePos.push(pos);
    corePos.sort((a, b) => ops[a].call - ops[b].call || this.part.index[a] - this.part.index[b]);
    const window: [number, number] = corePos.length > 0 ? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] : [failTime, failTime];
    for (const pos of corePos) {
      window[0] = Math.min(window[0], ops[pos].call);
      window[1] = Math.max(window[1], ops[pos].return);
    }

    // Ops the prefix's linearization placed after every op that had returned took no visible effect: leave them out.
    const loCut = lo >= 0 ? this.cutAt(lo) : new Uint8Array(this.n);
    let keep = loOrder.length;
    while (keep > 0 && loCut[loOrder[keep - 1]] !== COMPLETE) keep--;
    const prefixOrder = loOrder.slice(0, keep);
    const prefixPos = new Map(prefixOrder.map((pos, i) => [pos, i]));

    const inCore = new Set(corePos);
    const idx = this.part.index;
    return {
      history: this.h.name,
      model: this.h.model,
      key: this.part.key,
      failingPoint: { op: idx[failPos], time: failTime, earliest },
      prefix: { time: lo >= 0 ? ops[this.events[lo]].return : null, order: prefixOrder.map((pos) => idx[pos]) },
      core: corePos.map((pos) => idx[pos]),
      minimal,
      window,
      ops: ops.map((op, pos) => ({
        index: idx[pos],
        client: op.client,
        call: op.call,
        return: op.pending ? null : op.return,
        label: opLabel(this.h.ops[idx[pos]]), // the recorded op: the partition may have merged unread values
        cut: failCut[pos] === COMPLETE ? 'complete' : failCut[pos] === RELAXED ? 'relaxed' : 'dropped',
        inCore: inCore.has(pos),
        failingOp: pos === failPos,
        prefixPos: prefixPos.get(pos) ?? null,
      })),
      checks: this.checks,
      steps: this.steps,
    };
  }
}

/**
 * Is there a linearization of `complete` (ops with their recorded outcomes and intervals) when the
 * `relaxed` ops (outcome unknown, pending) may each take effect at any point after their call?
 *
 * check.ts's search treats every pending op as one more op to place, so with dozens of them it
 * tries every subset of them before each return; the core phase, which relaxes nearly everything,
 * then grows exponentially (doubling per relaxed op on the etcd histories). Three facts about
 * relaxed ops, which need nothing of the model beyond "an unknown outcome is accepted in every
 * state", cut that down:
 *
 *  - One that would leave the state as it is need never be placed there: taking it out and placing
 *    it last gives a linearization too. So relaxed ops are placed only to change the state, and the
 *    search succeeds once every complete op is placed.
 *  - Ones with the same effect (the same op but for its times, or what the model's `equivalence`
 *    says) are interchangeable, except that one called earlier is available sooner: a linearization
 *    can always use them in call order. So the search only counts how many of each class are used.
 *  - Using fewer of each class never hurts: what is left is a superset, called no later. So between
 *    two complete ops the search goes straight to the states some run of relaxed ops can reach, each
 *    with the least-used ways to reach it (a breadth-first closure), and a dead end (placed complete
 *    ops, state, uses) also rules out every (same ops, same state, more uses).
 *
 * A complete read-only op that is accepted is placed at once, with no alternative, as check.ts does.
 */
class RelaxedSearch {
  steps = 0;
  /** Complete ops in call order, with doubly linked lists of the unplaced ones by call and by return. */
  private readonly ops: HistoryOp[];
  private readonly nextC: Int32Array;
  private readonly prevC: Int32Array;
  private readonly nextR: Int32Array;
  private readonly prevR: Int32Array;
  private readonly head: number;
  private readonly readOnly: Uint8Array;
  /** Relaxed ops by class, each in call order. */
  private readonly classes: HistoryOp[][];
  /** How many of each class the current node has used. */
  private readonly used: Uint16Array;
  /** The placed set, 16 ops a word, then two words for the state's id: the memo key, as characters. */
  private readonly bits: Uint16Array;
  private readonly stateIds = new Map<State, number>();
  /** Per (placed set, state): the uses-per-class vectors known to be dead ends. */
  private readonly dead = new Map<string, Uint16Array[]>();

  constructor(
    private readonly model: SeqModel,
    private readonly init: State,
    complete: HistoryOp[],
    relaxed: HistoryOp[],
    /** Relaxed ops with the same effect share a class id. */
    classOf: number[],
    private readonly deadline: (() => boolean) | undefined,
    private readonly maxSteps: number | undefined,
  ) {
    const n = complete.length;
    this.ops = [...complete].sort((a, b) => a.call - b.call);
    this.readOnly = Uint8Array.from(this.ops, (op) => (model.readOnly(op) ? 1 : 0));
    this.head = n;
    this.nextC = new Int32Array(n + 1);
    this.prevC = new Int32Array(n + 1);
    this.nextR = new Int32Array(n + 1);
    this.prevR = new Int32Array(n + 1);
    const link = (order: number[], next: Int32Array, prev: Int32Array): void => {
      let p = n;
      for (const i of order) {
        next[p] = i;
        prev[i] = p;
        p = i;
      }
      next[p] = -1;
    };
    const byCall = this.ops.map((_, i) => i);
    link(byCall, this.nextC, this.prevC);
    link([...byCall].sort((a, b) => this.ops[a].return - this.ops[b].return), this.nextR, this.prevR);
    this.bits = new Uint16Array(Math.ceil(n / 16) + 2);
    const byClass = new Map<number, HistoryOp[]>();
    relaxed.forEach((op, j) => {
      let list = byClass.get(classOf[j]);
      if (list === undefined) byClass.set(classOf[j], (list = []));
      list.push(op);
    });
    this.classes = [...byClass.values()].map((list) => list.sort((a, b) => a.call - b.call));
    this.used = new Uint16Array(this.classes.length);
  }

  run(): LinVerdict {
    try {
      return this.search() ? 'linearizable' : 'not-linearizable';
    } catch (e) {
      if (e === OUT_OF_BUDGET) return 'unknown';
      throw e;
    }
  }

  private tick(): void {
    this.steps++;
    if ((this.maxSteps !== undefined && this.steps > this.maxSteps) || ((this.steps & 4095) === 0 && this.deadline?.() === true)) throw OUT_OF_BUDGET;
  }

  private key(state: State): string {
    let id = this.stateIds.get(state);
    if (id === undefined) this.stateIds.set(state, (id = this.stateIds.size));
    const buf = this.bits;
    buf[buf.length - 2] = id & 0xffff;
    buf[buf.length - 1] = id >>> 16;
    return String.fromCharCode.apply(null, buf as unknown as number[]);
  }

  private isDead(key: string): boolean {
    const list = this.dead.get(key);
    return list !== undefined && list.some((v) => atMost(v, this.used));
  }

  private markDead(key: string): void {
    const used = this.used;
    const list = this.dead.get(key);
    if (list === undefined) {
      this.dead.set(key, [used.slice()]);
      return;
    }
    // Drop the entries this one subsumes, so lists stay short.
    let j = 0;
    for (const v of list) if (!atMost(used, v)) list[j++] = v;
    list.length = j;
    list.push(used.slice());
  }

  private place(i: number): void {
    const { nextC, prevC, nextR, prevR } = this;
    nextC[prevC[i]] = nextC[i];
    if (nextC[i] >= 0) prevC[nextC[i]] = prevC[i];
    nextR[prevR[i]] = nextR[i];
    if (nextR[i] >= 0) prevR[nextR[i]] = prevR[i];
    this.bits[i >> 4] |= 1 << (i & 15);
  }

  /** Undoes place(i); calls come in the reverse order of their place(), as the depth-first search makes them. */
  private unplace(i: number): void {
    const { nextC, prevC, nextR, prevR } = this;
    nextC[prevC[i]] = i;
    if (nextC[i] >= 0) prevC[nextC[i]] = i;
    nextR[prevR[i]] = i;
    if (nextR[i] >= 0) prevR[nextR[i]] = i;
    this.bits[i >> 4] &= ~(1 << (i & 15));
  }

  /** Depth-first, with an explicit stack: a partition may have more ops than the call stack has frames. */
  private search(): boolean {
    const stack: Frame[] = [];
    let ret = this.open(this.init, stack);
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      if (ret !== undefined) {
        // A child has finished: take back the move that led to it.
        this.unplace(f.move);
        this.used.set(f.used);
        if (ret) {
          stack.pop();
          continue;
        }
        if (f.closure === undefined) {
          // It was a forced move: this node stands or falls with it.
          this.markDead(f.key);
          stack.pop();
          continue;
        }
      }
      const child = this.nextMove(f);
      if (child === undefined) {
        this.markDead(f.key);
        stack.pop();
        ret = false;
        continue;
      }
      ret = this.open(child, stack);
    }
    return ret === true;
  }

  /** A new node: true when every complete op is placed, false when known dead, else its frame is pushed. */
  private open(state: State, stack: Frame[]): boolean | undefined {
    const first = this.nextR[this.head];
    if (first < 0) return true;
    this.tick();
    const key = this.key(state);
    if (this.isDead(key)) return false;
    // An op may go next once every complete op that returned before its call is placed.
    stack.push({ state, key, frontier: this.ops[first].return, used: this.used.slice(), closure: undefined, j: 0, cursor: -1, move: -1 });
    return undefined;
  }

  /** Places the frame's next complete op (after a run of relaxed ones) and returns the state after it; undefined when none is left. */
  private nextMove(f: Frame): State | undefined {
    const { ops, nextC, head, model } = this;
    if (f.closure === undefined) {
      for (let i = nextC[head]; i >= 0 && ops[i].call <= f.frontier; i = nextC[i]) {
        if (this.readOnly[i] === 0 || model.step(f.state, ops[i]) !== f.state) continue;
        // It could go first in any linearization from here, so this node stands or falls with it.
        this.place(i);
        f.move = i;
        return f.state;
      }
      f.closure = this.closure(f);
    }
    f.move = -1;
    for (; f.j < f.closure.length; f.j++, f.cursor = -1) {
      const e = f.closure[f.j];
      for (let i = f.cursor < 0 ? nextC[head] : nextC[f.cursor]; i >= 0 && ops[i].call <= f.frontier; i = nextC[i]) {
        const after = model.step(e.state, ops[i]);
        if (after === undefined) continue;
        f.cursor = i;
        f.move = i;
        this.used.set(e.used);
        this.place(i);
        return after;
      }
    }
    return undefined;
  }

  /**
   * Every state a run of available relaxed ops can lead to from the frame's, each with the least-used
   * ways to get there (breadth first, so fewer uses come first); the frame's own state and uses first.
   */
  private closure(f: Frame): { state: State; used: Uint16Array }[] {
    const { classes, model } = this;
    const entries = [{ state: f.state, used: f.used }];
    const ways = new Map<State, Uint16Array[]>([[f.state, [f.used]]]);
    for (let q = 0; q < entries.length; q++) {
      const { state, used } = entries[q];
      for (let k = 0; k < classes.length; k++) {
        const op = classes[k][used[k]];
        if (op === undefined || op.call > f.frontier) continue;
        const after = model.step(state, op);
        if (after === undefined || after === state) continue;
        const u = used.slice();
        u[k]++;
        let list = ways.get(after);
        // Breadth first: any way there with no more uses of any class is already listed.
        if (list?.some((v) => atMost(v, u))) continue;
        this.tick();
        if (list === undefined) ways.set(after, (list = []));
        list.push(u);
        entries.push({ state: after, used: u });
      }
    }
    return entries;
  }
}

/** v ≤ u in every class. */
function atMost(v: Uint16Array, u: Uint16Array): boolean {
  for (let k = 0; k < v.length; k++) if (v[k] > u[k]) return false;
  return true;
}

/** A node of RelaxedSearch. */
interface Frame {
  state: State;
  key: string;
  frontier: number;
  used: Uint16Array;
  /** The relaxed runs from here (undefined until the forced move, if any, is ruled out). */
  closure: { state: State; used: Uint16Array }[] | undefined;
  /** Where the search of the moves is: closure entry j, after complete op `cursor` (-1: from the start). */
  j: number;
  cursor: number;
  /** The complete op placed for the child being searched, -1 when none. */
  move: number;
}

const OUT_OF_BUDGET = Symbol('out of budget');

function fmt(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return '?';
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** A field's value, unquoted when it reads as a word (an error code, a session id). */
function fmtField(v: unknown): string {
  return typeof v === 'string' && /^[A-Za-z0-9_][\w.:-]*$/.test(v) ? v : fmt(v);
}

/**
 * A short label: `write 3`, `read → 2`, `cas 1→2 ✗`, `append "x" ?`. Fields it does not know (a
 * later model's) are shown as name=value, so no model needs a case here.
 */
export function opLabel(op: HistoryOp): string {
  const input = op.input as Record<string, unknown>;
  const output = op.output as Record<string, unknown>;
  const parts: string[] = [String(input.f)];
  if (input.from !== undefined || input.to !== undefined) parts.push(`${fmt(input.from)}→${fmt(input.to)}`);
  else if (input.value !== undefined) parts.push(fmt(input.value));
  for (const [name, v] of Object.entries(input)) {
    if (!['f', 'key', 'value', 'from', 'to'].includes(name) && v !== undefined) parts.push(`${name}=${fmtField(v)}`);
  }
  if (op.output.status === 'ok' && output.value !== undefined) parts.push(`→ ${fmt(output.value)}`);
  for (const [name, v] of Object.entries(output)) {
    if (name !== 'status' && name !== 'value' && v !== undefined) parts.push(`${name}=${fmtField(v)}`);
  }
  if (op.output.status === 'fail') parts.push('✗');
  else if (op.output.status === 'unknown') parts.push(op.pending ? '…' : '?');
  return parts.join(' ');
}

/** A one-line reason, when the failing op's own outcome says what could not happen. */
export function explanationReason(h: History, ex: LinExplanation): string | undefined {
  const op = h.ops[ex.failingPoint.op];
  if (!ex.core.includes(ex.failingPoint.op)) return undefined;
  const what = (s: string): string => `no order of the core ops lets ${opLabel(op)} ${s}`;
  if (op.output.status === 'ok' && op.output.value !== undefined) return what(`see ${fmt(op.output.value)}`);
  if (op.output.status === 'fail') return what('fail');
  if (op.output.status === 'ok' && op.input.from !== undefined) return what(`find ${fmt(op.input.from)}`);
  return undefined;
}

/** Core ops listed one a line, at most. */
const CORE_LINES = 24;

function interval(op: HistoryOp): string {
  return `[${op.call}, ${op.pending ? '…' : op.return}]`;
}

/** A few lines for a terminal: the key, the op that cannot be placed, the core, the window, the prefix. */
export function explanationText(h: History, ex: LinExplanation): string {
  const lines: string[] = [];
  const where = ex.key === '' ? `the ${ex.model}` : `key ${JSON.stringify(ex.key)}`;
  lines.push(`${h.name}: not linearizable, on ${where} (${ex.ops.length} ops)`);
  const fop = h.ops[ex.failingPoint.op];
  lines.push(
    `cannot place op ${ex.failingPoint.op} (client ${fop.client}, ${interval(fop)}) ${opLabel(fop)}: ` +
      (ex.failingPoint.earliest
        ? `the history stops being linearizable at its return, t=${ex.failingPoint.time}`
        : `the history up to t=${ex.failingPoint.time} is not linearizable (search stopped early; an earlier point may fail too)`),
  );
  lines.push(
    `core: ${ex.core.length} op${ex.core.length === 1 ? '' : 's'} that cannot be linearized even with every other op relaxed` +
      (ex.minimal ? ' (relaxing any one of them makes it linearizable):' : ' (not minimised: out of time):'),
  );
  // A core that was not minimised can be most of the history: list its ends only.
  const shown = ex.core.length <= CORE_LINES ? ex.core : [...ex.core.slice(0, CORE_LINES - 5), -1, ...ex.core.slice(-4)];
  const idxWidth = shown.reduce((w, i) => Math.max(w, String(i).length), 1);
  const ivWidth = shown.reduce((w, i) => (i < 0 ? w : Math.max(w, interval(h.ops[i]).length)), 1);
  for (const i of shown) {
    if (i < 0) {
      lines.push(`  … ${ex.core.length - shown.length + 1} more …`);
      continue;
    }
    const op = h.ops[i];
    const mark = i === ex.failingPoint.op ? '   <- cannot be placed' : '';
    lines.push(`  #${String(i).padEnd(idxWidth)}  client ${String(op.client).padEnd(3)} ${interval(op).padEnd(ivWidth)}  ${opLabel(op)}${mark}`);
  }
  lines.push(`window: [${ex.window[0]}, ${ex.window[1]}]`);
  const reason = explanationReason(h, ex);
  if (reason !== undefined) lines.push(`reason: ${reason}`);
  const order = ex.prefix.order;
  if (ex.prefix.time === null) lines.push('prefix: empty (nothing had returned before the failing point)');
  else {
    const show = (i: number): string => `#${i} ${opLabel(h.ops[i])}`;
    const items = order.length <= 10 ? order.map(show) : [...order.slice(0, 4).map(show), `… ${order.length - 8} more …`, ...order.slice(-4).map(show)];
    lines.push(`prefix: linearizable up to t=${ex.prefix.time}, ${order.length} ops in this order: ${items.join(', ')}`);
  }
  return lines.join('\n');
}
