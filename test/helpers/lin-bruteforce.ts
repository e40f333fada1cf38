/**
 * A deliberately naive linearizability checker, used as the oracle for the real checker in
 * test/lin-crosscheck.test.ts. It is written from ../shared/formats/history.md alone and shares
 * no code with sim/check/linearizability: it tries every total order of the ops that respects
 * real time (depth-first: an op may be placed next only if no unplaced op returned before its
 * call), replaying the model from `init`. Only for small histories (≤ 8 ops or so).
 *
 * The only optimisation is a set of (placed ops, model state) pairs already known to be dead
 * ends: the rest of the search depends on nothing else, so skipping them cannot change the answer.
 */
import type { History, HistoryOp } from '../../sim/check/linearizability/history.js';

/** register / cas-register: null (absent) or an integer. kv: key → string (missing key = ""). */
type State = { kind: 'register'; value: number | null } | { kind: 'kv'; map: ReadonlyMap<string, string> };

/** Applies one op to the state per the model tables; undefined if the model rejects it. */
function step(state: State, op: HistoryOp): State | undefined {
  const { input, output } = op;
  if (state.kind === 'register') {
    // Same table for `register` and `cas-register` (only `init` differs).
    const s = state.value;
    switch (input.f) {
      case 'read':
        if (output.status === 'unknown') return state; // no constraint
        if (output.status === 'ok') return s === (output.value ?? null) ? state : undefined;
        throw new Error(`read with status ${output.status} is not in the register table`);
      case 'write':
        if (output.status === 'ok' || output.status === 'unknown') return { kind: 'register', value: input.value as number };
        throw new Error(`write with status ${output.status} is not in the register table`);
      case 'cas':
        if (output.status === 'ok') return s === input.from ? { kind: 'register', value: input.to as number } : undefined;
        if (output.status === 'fail') return s !== input.from ? state : undefined;
        /* unknown */ return s === input.from ? { kind: 'register', value: input.to as number } : state;
      default:
        throw new Error(`${input.f} is not a register op`);
    }
  }
  const key = input.key as string;
  const cur = state.map.get(key) ?? '';
  const withKey = (v: string): State => {
    const map = new Map(state.map);
    map.set(key, v);
    return { kind: 'kv', map };
  };
  switch (input.f) {
    case 'read':
      if (output.status === 'unknown') return state; // "Reads with this status place no constraint on the value."
      return cur === output.value ? state : undefined;
    case 'write':
      return withKey(input.value as string);
    case 'append':
      return withKey(cur + (input.value as string));
    default:
      throw new Error(`${input.f} is not a kv op`);
  }
}

function stateKey(s: State): string {
  if (s.kind === 'register') return JSON.stringify(s.value);
  return JSON.stringify([...s.map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function initialState(h: History): State {
  if (h.model === 'kv') {
    if (h.init !== '') throw new Error(`kv init must be "" (got ${JSON.stringify(h.init)})`);
    return { kind: 'kv', map: new Map() };
  }
  if (h.init !== null && typeof h.init !== 'number') throw new Error(`register init must be null or an integer`);
  return { kind: 'register', value: h.init };
}

/** True iff some real-time-respecting total order of all ops (pending ones included) is accepted by the model. */
export function bruteForceLinearizable(h: History): boolean {
  const ops = h.ops;
  const n = ops.length;
  if (n > 20) throw new Error(`bruteForceLinearizable is for small histories (got ${n} ops)`);
  const placed: boolean[] = new Array(n).fill(false);
  const dead = new Set<string>();

  const dfs = (count: number, state: State): boolean => {
    if (count === n) return true;
    const memo = `${placed.map((p) => (p ? 1 : 0)).join('')}|${stateKey(state)}`;
    if (dead.has(memo)) return false;
    for (let i = 0; i < n; i++) {
      if (placed[i]) continue;
      // Real time: ops[i] may go next only if no unplaced op must precede it (j.return < i.call).
      let blocked = false;
      for (let j = 0; j < n; j++) if (j !== i && !placed[j] && ops[j].return < ops[i].call) blocked = true;
      if (blocked) continue;
      const next = step(state, ops[i]);
      if (next === undefined) continue;
      placed[i] = true;
      const ok = dfs(count + 1, next);
      placed[i] = false;
      if (ok) return true;
    }
    dead.add(memo);
    return false;
  };
  return dfs(0, initialState(h));
}
