/**
 * The sequential specifications of ../shared/formats/history.md, one partition's state at a time.
 * States are plain values (null, a number, a string), so the checker can compare and hash them
 * cheaply; `kv` is checked key by key and `znode` path by path (independent: P-compositionality).
 */
import type { History, HistoryOp } from './history.js';

export type State = number | string | null;

export interface SeqModel {
  /** The new state after `op`, or undefined when the model does not accept `op` in `state`. */
  step(state: State, op: HistoryOp): State | undefined;
  /** True when `op` leaves every state it is accepted in as it was (the checker's pruning needs it). */
  readOnly(op: HistoryOp): boolean;
  /**
   * A key shared by ops that are interchangeable in this model (the same effect in every state),
   * coarser than "same input and output", the checker's default. See check.ts's symmetry reduction.
   */
  equivalence?(op: HistoryOp): string;
}

/** etcd's register and knossos's cas-register: reads, writes, compare-and-set. */
export const registerModel: SeqModel = {
  step(state, op) {
    const { input, output } = op;
    switch (input.f) {
      case 'read':
        if (output.status !== 'ok') return state; // an unknown read constrains nothing
        return state === (output.value ?? null) ? state : undefined;
      case 'write':
        return output.status === 'fail' ? state : (input.value as State);
      case 'cas':
        if (output.status === 'ok') return state === input.from ? (input.to as number) : undefined;
        if (output.status === 'fail') return state !== input.from ? state : undefined;
        return state === input.from ? (input.to as number) : state; // unknown: it applied iff it could
      case 'append':
        return undefined;
    }
  },
  readOnly: (op) => op.input.f === 'read' || (op.input.f === 'cas' && op.output.status === 'fail'),
};

/** porcupine's kv model, for one key: reads, writes (puts) and appends of strings. */
export const kvKeyModel: SeqModel = {
  step(state, op) {
    const { input, output } = op;
    const s = (state ?? '') as string;
    switch (input.f) {
      case 'read':
        if (output.status !== 'ok') return s;
        return s === output.value ? s : undefined;
      case 'write':
        return input.value as string;
      case 'append':
        return s + (input.value as string);
      case 'cas':
        return undefined;
    }
  },
  readOnly: (op) => op.input.f === 'read',
};

/**
 * ZooKeeper's znode, one path at a time: absent (null) or a versioned register with an owner
 * (the session of an ephemeral; "" for persistent). setData and delete with a version are
 * compare-and-set; an error answer (NODE_EXISTS, NO_NODE, BAD_VERSION) is an observation of the
 * state, like a read; an unknown outcome applies iff it could have succeeded. `expire` is the
 * server closing a session: it deletes the node iff that session owns it. Children are not
 * modelled (paths are independent), so NOT_EMPTY only says the node exists.
 */
export const znodeModel: SeqModel = {
  step(state, op) {
    const { input, output } = op;
    const s = state === null ? undefined : decodeZnode(state as string);
    const versionOk = s !== undefined && (input.version === undefined || input.version === -1 || input.version === s.version);
    const failWith = (): State | undefined => {
      switch (output.rc) {
        case 'NODE_EXISTS':
        case 'NOT_EMPTY':
          return s !== undefined ? state : undefined;
        case 'NO_NODE':
          return s === undefined ? state : undefined;
        case 'BAD_VERSION':
          return s !== undefined && !versionOk ? state : undefined;
        default:
          return state;
      }
    };
    if (output.status === 'fail') return failWith();
    const known = output.status === 'ok';
    switch (input.f) {
      case 'create':
        if (s === undefined) return encodeZnode(0, input.session ?? '', input.value ?? null);
        return known ? undefined : state;
      case 'delete':
        if (versionOk) return null;
        return known ? undefined : state;
      case 'set':
        if (versionOk && (!known || output.version === undefined || output.version === s.version + 1)) return encodeZnode(s.version + 1, s.owner, input.value ?? null);
        return known ? undefined : state;
      case 'get':
        if (!known) return state;
        return s !== undefined && s.value === (output.value ?? null) && (output.version === undefined || output.version === s.version) ? state : undefined;
      case 'exists':
        if (!known) return state;
        return s !== undefined && (output.version === undefined || output.version === s.version) ? state : undefined;
      case 'expire':
        return s !== undefined && s.owner === input.session ? null : state;
      default:
        return undefined;
    }
  },
  readOnly: (op) => op.output.status === 'fail' || op.input.f === 'get' || op.input.f === 'exists',
};

/**
 * Stands for every value no successful get returns. A get compares the state's value with what it
 * returned, so such values can never match and are all alike: merging them loses nothing, and
 * makes pending writes of them interchangeable.
 */
export const UNOBSERVED_VALUE = '\u0000unobserved';

/**
 * The path's ops with the values nobody reads replaced by UNOBSERVED_VALUE, and the owner dropped
 * from creates by sessions that never expire on this path (an owner matters only to `expire`).
 */
function mergeUnobserved(ops: HistoryOp[]): HistoryOp[] {
  const observed = new Set<unknown>();
  const expiring = new Set<string>();
  for (const op of ops) {
    if (op.input.f === 'get' && op.output.status === 'ok') observed.add(op.output.value ?? null);
    if (op.input.f === 'expire' && op.input.session !== undefined) expiring.add(op.input.session);
  }
  return ops.map((op) => {
    if (op.input.f !== 'create' && op.input.f !== 'set') return op;
    const input = { ...op.input };
    if (!observed.has(input.value ?? null)) input.value = UNOBSERVED_VALUE;
    if (input.session !== undefined && !expiring.has(input.session)) delete input.session;
    return { ...op, input };
  });
}

/**
 * The znode model with data and version abstracted away, for a path where no op observes them (no
 * successful get, no version asked or answered): only whether the node exists, and its owner,
 * can decide an op there, so states that differ in nothing else are merged — and pending ops with
 * the same effect become interchangeable.
 */
export const znodeExistenceModel: SeqModel = {
  step(state, op) {
    const { input, output } = op;
    const owner = state as string | null;
    if (output.status === 'fail') {
      if (output.rc === 'NO_NODE') return owner === null ? state : undefined;
      if (output.rc === 'NODE_EXISTS' || output.rc === 'NOT_EMPTY') return owner !== null ? state : undefined;
      return state;
    }
    const known = output.status === 'ok';
    switch (input.f) {
      case 'create':
        if (owner === null) return input.session ?? '';
        return known ? undefined : state;
      case 'delete':
        if (owner !== null) return null;
        return known ? undefined : state;
      case 'set':
      case 'exists':
      case 'get':
        return owner !== null || !known ? state : undefined;
      case 'expire':
        return owner !== null && owner === input.session ? null : state;
      default:
        return undefined;
    }
  },
  readOnly: (op) => op.output.status === 'fail' || op.input.f === 'get' || op.input.f === 'exists' || op.input.f === 'set',
  // Data and versions do not matter here, so ops differing only in them are interchangeable.
  equivalence: (op) => `${op.input.f} ${op.input.session ?? ''} ${op.output.status} ${op.output.rc ?? ''}`,
};

/** Whether any op on the path observes data or versions (then the full znode model is needed). */
function observesDataOrVersion(ops: readonly HistoryOp[]): boolean {
  return ops.some(
    (op) =>
      (op.input.f === 'get' && op.output.status === 'ok') ||
      op.output.version !== undefined ||
      op.output.rc === 'BAD_VERSION' ||
      (op.input.version !== undefined && op.input.version !== -1),
  );
}

interface Znode {
  version: number;
  owner: string;
  value: number | string | null;
}

/** One string per znode state, so the checker can intern and compare states cheaply. */
function encodeZnode(version: number, owner: string, value: number | string | null): string {
  return `${version}|${owner}|${JSON.stringify(value)}`;
}

function decodeZnode(s: string): Znode {
  const a = s.indexOf('|');
  const b = s.indexOf('|', a + 1);
  return { version: Number(s.slice(0, a)), owner: s.slice(a + 1, b), value: JSON.parse(s.slice(b + 1)) as Znode['value'] };
}

export interface Partition {
  /** The key for kv, the path for znode, "" for the registers. */
  key: string;
  ops: HistoryOp[];
  /** Where each op sits in the whole history's ops. */
  index: number[];
  init: State;
  model: SeqModel;
}

/**
 * Independent sub-histories: one per kv key or znode path, the whole history for a register.
 * Plain ZooKeeper reads (`consistency: "sequential"`) are left out: they promise no real-time
 * order, so they constrain nothing here (the session checks judge them).
 */
export function partitions(h: History): Partition[] {
  const kept: number[] = [];
  h.ops.forEach((op, i) => {
    if (op.consistency !== 'sequential') kept.push(i);
  });
  if (h.model === 'register' || h.model === 'cas-register') return [{ key: '', ops: kept.map((i) => h.ops[i]), index: kept, init: h.init as State, model: registerModel }];
  const byKey = new Map<string, number[]>();
  for (const i of kept) {
    const k = h.ops[i].input.key!;
    let list = byKey.get(k);
    if (list === undefined) byKey.set(k, (list = []));
    list.push(i);
  }
  const init: State = h.model === 'kv' ? ((h.init as string) ?? '') : null;
  return [...byKey.keys()].sort().map((key) => {
    const index = byKey.get(key)!;
    const ops = index.map((i) => h.ops[i]);
    if (h.model === 'kv') return { key, ops, index, init, model: kvKeyModel };
    return { key, ops: mergeUnobserved(ops), index, init, model: observesDataOrVersion(ops) ? znodeModel : znodeExistenceModel };
  });
}
