/**
 * The sequential specifications of ../shared/formats/history.md, one partition's state at a time.
 * States are plain values (null, a number, a string), so the checker can compare and hash them
 * cheaply; `kv` is checked key by key (its keys are independent: P-compositionality).
 */
import type { History, HistoryOp } from './history.js';

export type State = number | string | null;

export interface SeqModel {
  /** The new state after `op`, or undefined when the model does not accept `op` in `state`. */
  step(state: State, op: HistoryOp): State | undefined;
  /** True when `op` leaves every state it is accepted in as it was (the checker's pruning needs it). */
  readOnly(op: HistoryOp): boolean;
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

export interface Partition {
  /** The key for kv, "" for the registers. */
  key: string;
  ops: HistoryOp[];
  /** Where each op sits in the whole history's ops. */
  index: number[];
  init: State;
  model: SeqModel;
}

/** Independent sub-histories: one per kv key, the whole history for a register. */
export function partitions(h: History): Partition[] {
  if (h.model !== 'kv') return [{ key: '', ops: h.ops, index: h.ops.map((_, i) => i), init: h.init as State, model: registerModel }];
  const byKey = new Map<string, number[]>();
  h.ops.forEach((op, i) => {
    const k = op.input.key!;
    let list = byKey.get(k);
    if (list === undefined) byKey.set(k, (list = []));
    list.push(i);
  });
  return [...byKey.keys()].sort().map((key) => {
    const index = byKey.get(key)!;
    return { key, ops: index.map((i) => h.ops[i]), index, init: (h.init as string) ?? '', model: kvKeyModel };
  });
}
