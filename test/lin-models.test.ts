/**
 * Pins every row of the model tables in ../shared/formats/history.md (register, cas-register,
 * kv), the real-time rule and the treatment of unknown and pending ops, with tiny hand-written
 * histories. Each rule has cases on both sides, so inverting or dropping any single rule
 * (or using `<=` for real time, or `==`/truthiness for null vs 0) flips some expected verdict.
 * Each expectation is checked against checkHistory and against the brute-force oracle.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../sim/check/linearizability/check.js';
import type { History, HistoryModelName, HistoryOp } from '../sim/check/linearizability/history.js';
import { bruteForceLinearizable } from './helpers/lin-bruteforce.js';

type Input = HistoryOp['input'];
type Output = HistoryOp['output'];
/** [call, return] or 'pending' (call given, returns after everything). */
interface OpSpec {
  in: Input;
  out: Output;
  at?: [number, number];
  pendingFrom?: number;
}

const INIT: Record<HistoryModelName, History['init']> = { register: null, 'cas-register': 0, kv: '', znode: null };

/** Ops without `at` run one after another (each on its own client, at [10i, 10i+1]). */
function history(model: HistoryModelName, specs: OpSpec[]): History {
  const ops: HistoryOp[] = specs.map((s, i) => {
    if (s.pendingFrom !== undefined) return { client: i, call: s.pendingFrom, return: -1, input: s.in, output: { status: 'unknown' }, pending: true };
    const [call, ret] = s.at ?? [10 * i, 10 * i + 1];
    return { client: i, call, return: ret, input: s.in, output: s.out };
  });
  let last = Math.max(0, ...ops.map((o) => (o.pending ? o.call : o.return)));
  for (const o of ops.filter((o) => o.pending).sort((a, b) => a.call - b.call)) o.return = ++last;
  ops.sort((a, b) => a.call - b.call);
  return { version: 1, name: 'hand', model, init: INIT[model], ops };
}

// Register op builders.
const read = (value: number | null, at?: [number, number]): OpSpec => ({ in: { f: 'read' }, out: { status: 'ok', value }, at });
const readUnknown = (at?: [number, number]): OpSpec => ({ in: { f: 'read' }, out: { status: 'unknown' }, at });
const write = (value: number, at?: [number, number]): OpSpec => ({ in: { f: 'write', value }, out: { status: 'ok' }, at });
const writeUnknown = (value: number, at?: [number, number]): OpSpec => ({ in: { f: 'write', value }, out: { status: 'unknown' }, at });
const writePending = (value: number, call: number): OpSpec => ({ in: { f: 'write', value }, out: { status: 'unknown' }, pendingFrom: call });
const cas = (from: number, to: number, status: 'ok' | 'fail' | 'unknown', at?: [number, number]): OpSpec => ({ in: { f: 'cas', from, to }, out: { status }, at });
const casPending = (from: number, to: number, call: number): OpSpec => ({ in: { f: 'cas', from, to }, out: { status: 'unknown' }, pendingFrom: call });
// kv op builders.
const get = (key: string, value: string, at?: [number, number]): OpSpec => ({ in: { f: 'read', key }, out: { status: 'ok', value }, at });
const put = (key: string, value: string, at?: [number, number]): OpSpec => ({ in: { f: 'write', key, value }, out: { status: 'ok' }, at });
const append = (key: string, value: string, at?: [number, number]): OpSpec => ({ in: { f: 'append', key, value }, out: { status: 'ok' }, at });
const appendPending = (key: string, value: string, call: number): OpSpec => ({ in: { f: 'append', key, value }, out: { status: 'unknown' }, pendingFrom: call });

type Case = [name: string, model: HistoryModelName, ops: OpSpec[], linearizable: boolean];

const cases: Case[] = [
  // ---- register: read ok (state === value; null === null counts) ----
  ['register: read null before any write', 'register', [read(null)], true],
  ['register: read 0 before any write (null is not 0)', 'register', [read(0)], false],
  ['register: read 1 before any write', 'register', [read(1)], false],
  ['register: read after write sees it', 'register', [write(1), read(1)], true],
  ['register: read after write sees another value', 'register', [write(1), read(2)], false],
  ['register: read null after a write of 0 (0 is not null)', 'register', [write(0), read(null)], false],
  ['register: read 0 after a write of 0', 'register', [write(0), read(0)], true],
  ['register: reads do not change the state', 'register', [write(1), read(1), read(1)], true],
  // ---- register: read unknown (always; unchanged) ----
  ['register: unknown read constrains nothing', 'register', [write(1), readUnknown(), read(1)], true],
  ['register: unknown read before any write', 'register', [readUnknown(), read(null)], true],
  // ---- register: write ok / unknown (always; state = v) ----
  ['register: second write replaces the first', 'register', [write(1), write(2), read(2)], true],
  ['register: stale read after a second write', 'register', [write(1), write(2), read(1)], false],
  ['register: completed unknown write took effect', 'register', [writeUnknown(1), read(1)], true],
  ['register: completed unknown write cannot be skipped', 'register', [writeUnknown(1), read(null)], false],
  ['register: completed unknown write then stale read', 'register', [write(2), writeUnknown(1), read(2)], false],
  // ---- register: cas ok (state === from; state = to) ----
  ['register: cas ok on matching state', 'register', [write(0), cas(0, 1, 'ok'), read(1)], true],
  ['register: cas ok applies its write', 'register', [write(0), cas(0, 1, 'ok'), read(0)], false],
  ['register: cas ok on a different state', 'register', [write(2), cas(0, 1, 'ok')], false],
  ['register: cas ok from 0 on null (absent)', 'register', [cas(0, 1, 'ok')], false],
  // ---- register: cas fail (state !== from; unchanged) ----
  ['register: cas fail on a different state', 'register', [write(2), cas(0, 1, 'fail'), read(2)], true],
  ['register: cas fail does not write', 'register', [write(2), cas(0, 1, 'fail'), read(1)], false],
  ['register: cas fail when the state was from', 'register', [write(0), cas(0, 1, 'fail')], false],
  ['register: cas fail from 0 on null (absent)', 'register', [cas(0, 1, 'fail'), read(null)], true],
  ['register: cas fail may be ordered where the state differs', 'register', [write(0, [0, 1]), cas(0, 1, 'fail', [2, 7]), write(2, [3, 4]), read(2, [8, 9])], true],
  // ---- register: cas unknown (always; to if state === from, else unchanged) ----
  ['register: unknown cas with matching state applies', 'register', [write(0), cas(0, 1, 'unknown'), read(1)], true],
  ['register: unknown cas with matching state cannot be skipped', 'register', [write(0), cas(0, 1, 'unknown'), read(0)], false],
  ['register: unknown cas with another state is accepted, unchanged', 'register', [write(2), cas(0, 1, 'unknown'), read(2)], true],
  ['register: unknown cas with another state does not write', 'register', [write(2), cas(0, 1, 'unknown'), read(1)], false],
  // ---- register: pending ops (unknown, may be linearized anywhere after the call) ----
  ['register: pending write may go after everything', 'register', [write(1, [0, 1]), writePending(2, 2), read(1, [3, 4])], true],
  ['register: pending write may take effect', 'register', [write(1, [0, 1]), writePending(2, 2), read(2, [3, 4])], true],
  ['register: pending write cannot take effect before its call', 'register', [read(1, [0, 1]), writePending(1, 5)], false],
  ['register: pending write, once seen, stays', 'register', [writePending(1, 0), read(1, [1, 2]), read(null, [3, 4])], false],
  ['register: pending cas may or may not apply (not yet)', 'register', [write(0, [0, 1]), casPending(0, 1, 2), read(0, [3, 4])], true],
  ['register: pending cas may or may not apply (applied)', 'register', [write(0, [0, 1]), casPending(0, 1, 2), read(0, [3, 4]), read(1, [5, 6])], true],
  ['register: pending cas, once seen, stays', 'register', [write(0, [0, 1]), casPending(0, 1, 2), read(1, [3, 4]), read(0, [5, 6])], false],
  ['register: pending cas with a non-matching state cannot write', 'register', [write(2, [0, 1]), casPending(0, 1, 2), read(1, [3, 4])], false],
  // ---- real time: A before B iff A.return < B.call (touching intervals are concurrent) ----
  ['real time: sequential write then read null', 'register', [write(1, [0, 4]), read(null, [5, 6])], false],
  ['real time: touching intervals are concurrent', 'register', [write(1, [0, 5]), read(null, [5, 6])], true],
  ['real time: overlapping intervals are concurrent', 'register', [write(1, [0, 6]), read(null, [5, 7])], true],
  ['real time: a read may not go before a write it follows', 'register', [write(1, [0, 1]), write(2, [2, 3]), read(1, [4, 5])], false],
  ['real time: overlapping writes in either order', 'register', [write(1, [0, 1]), write(2, [2, 6]), read(1, [4, 5]), read(2, [7, 8])], true],
  ['real time: order is not by call time', 'register', [write(1, [0, 9]), write(2, [1, 2]), read(1, [10, 11])], true],
  ['real time: order is not by return time', 'register', [write(1, [0, 3]), write(2, [1, 2]), read(2, [10, 11])], true],
  ['real time: reads cannot go back in time', 'register', [write(1, [0, 1]), write(2, [2, 9]), read(2, [3, 4]), read(1, [5, 6])], false],
  // ---- cas-register: same table, init 0 ----
  ['cas-register: init is 0', 'cas-register', [read(0)], true],
  ['cas-register: init is not null', 'cas-register', [read(null)], false],
  ['cas-register: cas from 0 at the start', 'cas-register', [cas(0, 1, 'ok'), read(1)], true],
  ['cas-register: cas from 1 at the start', 'cas-register', [cas(1, 2, 'ok')], false],
  ['cas-register: write then cas', 'cas-register', [write(2), cas(2, 1, 'ok'), read(1)], true],
  ['cas-register: cas ok applies its write', 'cas-register', [write(2), cas(2, 1, 'ok'), read(2)], false],
  ['cas-register: unknown read (knossos nil read) constrains nothing', 'cas-register', [write(2), readUnknown(), read(2)], true],
  ['cas-register: unknown cas applies when from matches', 'cas-register', [cas(0, 1, 'unknown'), read(0)], false],
  ['cas-register: unknown cas does not write when from differs', 'cas-register', [cas(1, 2, 'unknown'), read(0)], true],
  ['cas-register: pending cas may or may not apply', 'cas-register', [casPending(0, 1, 0), read(0, [1, 2]), read(1, [3, 4])], true],
  ['cas-register: pending write may go after everything', 'cas-register', [writePending(3, 0), read(0, [1, 2])], true],
  // ---- kv: read (state[k] === value; every key starts as "") ----
  ['kv: read "" before any write', 'kv', [get('a', '')], true],
  ['kv: read a value before any write', 'kv', [get('a', 'x')], false],
  ['kv: read after write', 'kv', [put('a', 'x'), get('a', 'x')], true],
  ['kv: read "" after write', 'kv', [put('a', 'x'), get('a', '')], false],
  // ---- kv: write (state[k] = v, replacing) ----
  ['kv: write replaces', 'kv', [put('a', 'x'), put('a', 'y'), get('a', 'y')], true],
  ['kv: write does not append', 'kv', [put('a', 'x'), put('a', 'y'), get('a', 'xy')], false],
  ['kv: write with an empty value', 'kv', [put('a', 'x'), put('a', ''), get('a', '')], true],
  // ---- kv: append (state[k] = state[k] + v) ----
  ['kv: append to the initial ""', 'kv', [append('a', 'x'), get('a', 'x')], true],
  ['kv: appends concatenate in order', 'kv', [append('a', 'x'), append('a', 'y'), get('a', 'xy')], true],
  ['kv: appends do not prepend', 'kv', [append('a', 'x'), append('a', 'y'), get('a', 'yx')], false],
  ['kv: append does not replace', 'kv', [append('a', 'x'), append('a', 'y'), get('a', 'y')], false],
  ['kv: append after a write', 'kv', [put('a', 'x'), append('a', 'y'), get('a', 'xy')], true],
  ['kv: write after an append replaces', 'kv', [append('a', 'x'), put('a', 'y'), get('a', 'y')], true],
  ['kv: concurrent appends in either order', 'kv', [append('a', 'x', [0, 5]), append('a', 'y', [1, 6]), get('a', 'yx', [7, 8])], true],
  // ---- kv: unknown status (from the general `status` rules: an unknown read constrains nothing) ----
  ['kv: unknown read constrains nothing', 'kv', [put('a', 'x'), { in: { f: 'read', key: 'a' }, out: { status: 'unknown' } }, get('a', 'x')], true],
  ['kv: completed unknown append took effect', 'kv', [put('a', 'x'), { in: { f: 'append', key: 'a', value: 'y' }, out: { status: 'unknown' } }, get('a', 'x')], false],
  ['kv: pending append may go after everything', 'kv', [put('a', 'x', [0, 1]), appendPending('a', 'y', 2), get('a', 'x', [3, 4])], true],
  ['kv: pending append may take effect', 'kv', [put('a', 'x', [0, 1]), appendPending('a', 'y', 2), get('a', 'x', [3, 4]), get('a', 'xy', [5, 6])], true],
  // ---- kv: keys are independent ----
  ['kv: another key is still ""', 'kv', [put('a', 'x'), get('b', '')], true],
  ['kv: a write does not reach another key', 'kv', [put('a', 'x'), get('b', 'x')], false],
  ['kv: an append does not reach another key', 'kv', [put('b', 'y'), append('a', 'x'), get('b', 'yx')], false],
  ['kv: each key with its own state', 'kv', [put('a', 'x'), put('b', 'y'), append('a', 'y'), get('a', 'xy'), get('b', 'y')], true],
  ['kv: one bad key makes the history not linearizable', 'kv', [put('a', 'x'), put('b', 'y'), get('a', 'x'), get('b', 'x')], false],
  ['kv: stale read on one key among good ones', 'kv', [put('b', 'y'), put('a', 'x'), put('a', 'z'), get('b', 'y'), get('a', 'x')], false],
];

describe('model rules (history.md tables)', () => {
  it.each(cases)('%s', (_name, model, specs, linearizable) => {
    const h = history(model, specs);
    const want = linearizable ? 'linearizable' : 'not-linearizable';
    expect(bruteForceLinearizable(h) ? 'linearizable' : 'not-linearizable', 'brute-force oracle').toBe(want);
    expect(checkHistory(h).verdict, 'checkHistory').toBe(want);
  });

  it('an empty history is linearizable', () => {
    for (const model of ['register', 'cas-register', 'kv'] as const) {
      expect(checkHistory({ version: 1, name: 'empty', model, init: INIT[model], ops: [] }).verdict).toBe('linearizable');
    }
  });
});
