/**
 * A deliberately naive linearizability checker, used as the oracle for the real checker in
 * test/lin-crosscheck.test.ts. It is written from ../shared/formats/history.md alone and shares
 * no code with sim/check/linearizability: it tries every total order of the ops that respects
 * real time (depth-first: an op may be placed next only if no unplaced op returned before its
 * call), replaying the model from `init`. Only for small histories (≤ 8 ops or so).
 *
 * The only optimisation is a set of (placed ops, model state) pairs already known to be dead
 * ends: the rest of the search depends on nothing else, so skipping them cannot change the answer.
 *
 * The `znode` model (zksim's own, README "The znode model") is written here from its rules in
 * words, not from sim/check/linearizability/models.ts: every path starts absent; a present node is
 * {value, version, owner} (owner: the session of an ephemeral create, none for a persistent one);
 * a set or delete with a version (not -1) is a compare-and-set on it; an error answer (NODE_EXISTS,
 * NOT_EMPTY: present; NO_NODE: absent; BAD_VERSION: present with another version) is an
 * observation that changes nothing; an unknown outcome applies iff it could have succeeded;
 * `expire` of a session deletes the node iff that session owns it; reads marked
 * `consistency: "sequential"` promise nothing in real time and are skipped.
 */
import type { History, HistoryOp } from '../../sim/check/linearizability/history.js';

/** A present znode. `owner` is undefined for a persistent node. */
interface Znode {
  value: number | string | null;
  version: number;
  owner: string | undefined;
}

/** register / cas-register: null (absent) or an integer. kv: key → string (missing key = ""). znode: path → node (missing = absent). */
type State =
  | { kind: 'register'; value: number | null }
  | { kind: 'kv'; map: ReadonlyMap<string, string> }
  | { kind: 'znode'; map: ReadonlyMap<string, Znode> };

/** The znode rules, one op on its path (see the head comment). */
function znodeStep(state: Extract<State, { kind: 'znode' }>, op: HistoryOp): State | undefined {
  const { input, output } = op;
  const path = input.key as string;
  const node = state.map.get(path);
  const put = (n: Znode | undefined): State => {
    const map = new Map(state.map);
    if (n === undefined) map.delete(path);
    else map.set(path, n);
    return { kind: 'znode', map };
  };
  /** A set / delete with a version is a compare-and-set; -1 or no version matches any. */
  const anyVersion = input.version === undefined || input.version === -1;
  const versionMatches = node !== undefined && (anyVersion || input.version === node.version);

  if (output.status === 'fail') {
    // An error answer is an observation of the node; it changes nothing.
    switch (output.rc) {
      case 'NODE_EXISTS':
      case 'NOT_EMPTY':
        return node !== undefined ? state : undefined;
      case 'NO_NODE':
        return node === undefined ? state : undefined;
      case 'BAD_VERSION':
        return node !== undefined && !anyVersion && input.version !== node.version ? state : undefined;
      default:
        throw new Error(`a failed znode op needs an rc (got ${JSON.stringify(output.rc)})`);
    }
  }
  const ok = output.status === 'ok';
  switch (input.f) {
    case 'create':
      if (node !== undefined) return ok ? undefined : state; // could not have succeeded
      return put({ value: input.value ?? null, version: 0, owner: input.session });
    case 'delete':
      if (ok) return versionMatches ? put(undefined) : undefined;
      return versionMatches ? put(undefined) : state;
    case 'set': {
      if (!versionMatches) return ok ? undefined : state;
      const next: Znode = { value: input.value ?? null, version: node.version + 1, owner: node.owner };
      if (ok && output.version !== undefined && output.version !== next.version) return undefined; // the answer's stat is the new version
      return put(next);
    }
    case 'get':
      if (!ok) return state; // an unknown read constrains nothing
      if (node === undefined || node.value !== (output.value ?? null)) return undefined;
      return output.version === undefined || output.version === node.version ? state : undefined;
    case 'exists':
      if (!ok) return state;
      if (node === undefined) return undefined;
      return output.version === undefined || output.version === node.version ? state : undefined;
    case 'expire':
      if (input.session === undefined) throw new Error('an expire names its session');
      return node !== undefined && node.owner !== undefined && node.owner === input.session ? put(undefined) : state;
    default:
      throw new Error(`${input.f} is not a znode op`);
  }
}

/** Applies one op to the state per the model tables; undefined if the model rejects it. */
function step(state: State, op: HistoryOp): State | undefined {
  const { input, output } = op;
  if (state.kind === 'znode') return znodeStep(state, op);
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
  const kv = state.map;
  const cur = kv.get(key) ?? '';
  const withKey = (v: string): State => {
    const map = new Map(kv);
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
  if (s.kind === 'znode') return JSON.stringify([...s.map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => [k, n.value, n.version, n.owner ?? null]));
  return JSON.stringify([...s.map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function initialState(h: History): State {
  if (h.model === 'znode') {
    if (h.init !== null) throw new Error(`znode init must be null: every path starts absent (got ${JSON.stringify(h.init)})`);
    return { kind: 'znode', map: new Map() };
  }
  if (h.model === 'kv') {
    if (h.init !== '') throw new Error(`kv init must be "" (got ${JSON.stringify(h.init)})`);
    return { kind: 'kv', map: new Map() };
  }
  if (h.init !== null && typeof h.init !== 'number') throw new Error(`register init must be null or an integer`);
  return { kind: 'register', value: h.init };
}

/** True iff some real-time-respecting total order of all ops (pending ones included) is accepted by the model. */
export function bruteForceLinearizable(h: History): boolean {
  // A plain ZooKeeper read promises nothing in real time: it constrains nothing here.
  const ops = h.ops.filter((op) => op.consistency !== 'sequential');
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
