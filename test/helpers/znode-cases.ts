/**
 * Hand-written histories of the `znode` model (README "The znode model"; models.ts's comments),
 * one group per rule, each rule on both sides: a history that is linearizable only because the
 * rule holds, and one that is not linearizable only because it holds. test/lin-znode.test.ts
 * checks them against checkHistory and the brute-force oracle; test/lin-mutation.test.ts uses them
 * as part of the corpus every mutant of the znode models must fail on.
 */
import type { History, HistoryOp } from '../../sim/check/linearizability/history.js';

type Input = HistoryOp['input'];
type Output = HistoryOp['output'];

/** One op: sequential by default (op i at [10i, 10i+1]); `at` for a given interval; `pendingFrom` for a pending op. */
export interface ZOp {
  in: Input;
  out: Output;
  at?: [number, number];
  pendingFrom?: number;
  consistency?: HistoryOp['consistency'];
}

export interface ZnodeCase {
  name: string;
  ops: ZOp[];
  linearizable: boolean;
}

/** The history of a case: each op on its own client; pending ops return after everything, in call order. */
export function znodeCaseHistory(c: ZnodeCase): History {
  const ops: HistoryOp[] = c.ops.map((s, i) => {
    const op: HistoryOp =
      s.pendingFrom !== undefined
        ? { client: i, call: s.pendingFrom, return: -1, input: s.in, output: { status: 'unknown' }, pending: true }
        : { client: i, call: (s.at ?? [10 * i, 10 * i + 1])[0], return: (s.at ?? [10 * i, 10 * i + 1])[1], input: s.in, output: s.out };
    if (s.consistency !== undefined) op.consistency = s.consistency;
    return op;
  });
  let last = Math.max(0, ...ops.map((o) => (o.pending ? o.call : o.return)));
  for (const o of ops.filter((o) => o.pending).sort((a, b) => a.call - b.call)) o.return = ++last;
  ops.sort((a, b) => a.call - b.call);
  return { version: 1, name: c.name, model: 'znode', init: null, ops };
}

// ---- op builders (path /a unless given) ----
type At = { at?: [number, number]; path?: string };
const P = '/a';
const ok: Output = { status: 'ok' };
const unknown: Output = { status: 'unknown' };
const fail = (rc: NonNullable<Output['rc']>): Output => ({ status: 'fail', rc });
const ver = (version: number | undefined) => (version === undefined ? {} : { version });

export const create = (value: string | null, o: At & { session?: string } = {}): ZOp => ({ in: { f: 'create', key: o.path ?? P, value, ...(o.session !== undefined ? { session: o.session } : {}) }, out: ok, at: o.at });
export const createExists = (value: string | null, o: At & { session?: string } = {}): ZOp => ({ ...create(value, o), out: fail('NODE_EXISTS') });
export const createUnknown = (value: string | null, o: At & { session?: string } = {}): ZOp => ({ ...create(value, o), out: unknown });
export const createPending = (value: string | null, call: number, o: { session?: string; path?: string } = {}): ZOp => ({ ...create(value, o), out: unknown, pendingFrom: call });

export const del = (o: At & { version?: number } = {}): ZOp => ({ in: { f: 'delete', key: o.path ?? P, ...ver(o.version) }, out: ok, at: o.at });
export const delFail = (rc: 'NO_NODE' | 'BAD_VERSION' | 'NOT_EMPTY', o: At & { version?: number } = {}): ZOp => ({ ...del(o), out: fail(rc) });
export const delUnknown = (o: At & { version?: number } = {}): ZOp => ({ ...del(o), out: unknown });
export const delPending = (call: number, o: { version?: number; path?: string } = {}): ZOp => ({ ...del(o), out: unknown, pendingFrom: call });

/** `answered`: the new data version in the answer's stat. */
export const set = (value: string | null, o: At & { version?: number; answered?: number } = {}): ZOp => ({
  in: { f: 'set', key: o.path ?? P, value, ...ver(o.version) },
  out: { status: 'ok', ...ver(o.answered) },
  at: o.at,
});
export const setFail = (rc: 'NO_NODE' | 'BAD_VERSION', value: string | null, o: At & { version?: number } = {}): ZOp => ({ ...set(value, o), out: fail(rc) });
export const setUnknown = (value: string | null, o: At & { version?: number } = {}): ZOp => ({ ...set(value, o), out: unknown });
export const setPending = (value: string | null, call: number, o: { version?: number; path?: string } = {}): ZOp => ({ ...set(value, o), out: unknown, pendingFrom: call });

type Read = At & { consistency?: HistoryOp['consistency'] };
/** get answered with data `value` and (if given) data version `version`. */
export const get = (value: string | null, version?: number, o: Read = {}): ZOp => ({ in: { f: 'get', key: o.path ?? P }, out: { status: 'ok', value, ...ver(version) }, at: o.at, consistency: o.consistency });
export const getNoNode = (o: Read = {}): ZOp => ({ in: { f: 'get', key: o.path ?? P }, out: fail('NO_NODE'), at: o.at, consistency: o.consistency });
export const getUnknown = (o: Read = {}): ZOp => ({ in: { f: 'get', key: o.path ?? P }, out: unknown, at: o.at, consistency: o.consistency });
export const exists = (version?: number, o: Read = {}): ZOp => ({ in: { f: 'exists', key: o.path ?? P }, out: { status: 'ok', ...ver(version) }, at: o.at, consistency: o.consistency });
export const existsNoNode = (o: Read = {}): ZOp => ({ in: { f: 'exists', key: o.path ?? P }, out: fail('NO_NODE'), at: o.at, consistency: o.consistency });

export const expire = (session: string, o: At = {}): ZOp => ({ in: { f: 'expire', key: o.path ?? P, session }, out: ok, at: o.at });
export const expirePending = (session: string, call: number, o: { path?: string } = {}): ZOp => ({ ...expire(session, o), out: unknown, pendingFrom: call });

const c = (name: string, linearizable: boolean, ops: ZOp[]): ZnodeCase => ({ name, ops, linearizable });

/** Two pending creates and a pending delete, then seen as there, gone, there again; `more` after that. */
const twoCreatesOneDelete = (...more: ZOp[]): ZOp[] => [
  createPending('x', 0),
  createPending('y', 1),
  delPending(2),
  exists(undefined, { at: [3, 4] }),
  existsNoNode({ at: [5, 6] }),
  exists(undefined, { at: [7, 8] }),
  ...more,
];

/** Grouped by rule; each group has both sides. */
export const ZNODE_CASES: Record<string, ZnodeCase[]> = {
  'create ok (applies iff absent; version 0)': [
    c('create on an absent node', true, [create('x')]),
    c('create on a present node', false, [create('x'), create('y')]),
    c('create on a present node (data read)', false, [create('x'), create('y'), get('y', 0)]),
    c('create again after a delete', true, [create('x'), del(), create('y'), get('y', 0)]),
    c('a created node has version 0', true, [create('x'), get('x', 0)]),
    c('a created node does not have version 1', false, [create('x'), get('x', 1)]),
    c('a created node holds its data', false, [create('x'), get('y')]),
    c('create null data reads back null (null is data, not absence)', true, [create(null), get(null, 0)]),
    c('concurrent creates: only one can be ok', false, [create('x', { at: [0, 5] }), create('y', { at: [1, 6] })]),
  ],
  'create fail NODE_EXISTS (an observation: present)': [
    c('NODE_EXISTS on a present node', true, [create('x'), createExists('y')]),
    c('NODE_EXISTS on an absent node', false, [createExists('y')]),
    c('NODE_EXISTS on an absent node (data read)', false, [createExists('y'), create('x'), get('x', 0)]),
    c('NODE_EXISTS after a delete', false, [create('x'), del(), createExists('y')]),
    c('NODE_EXISTS changes nothing', true, [create('x'), createExists('y'), get('x', 0)]),
    c('NODE_EXISTS does not write its data', false, [create('x'), createExists('y'), get('y')]),
    c('concurrent creates: one ok, one NODE_EXISTS', true, [create('x', { at: [0, 5] }), createExists('y', { at: [1, 6] })]),
  ],
  'create unknown (applies iff absent)': [
    c('unknown create on an absent node applies', true, [createUnknown('x'), get('x', 0)]),
    c('unknown create on an absent node cannot be skipped', false, [createUnknown('x'), getNoNode()]),
    c('unknown create on a present node changes nothing', true, [create('x'), createUnknown('y'), get('x', 0)]),
    c('unknown create on a present node does not write', false, [create('x'), createUnknown('y'), get('y')]),
    c('unknown create, existence only: applies', true, [createUnknown('x'), exists()]),
    c('unknown create, existence only: cannot be skipped', false, [createUnknown('x'), existsNoNode()]),
  ],
  'delete ok (present, version matches; then absent)': [
    c('delete a present node', true, [create('x'), del(), getNoNode()]),
    c('a deleted node is gone', false, [create('x'), del(), get('x')]),
    c('delete an absent node', false, [del()]),
    c('delete twice', false, [create('x'), del(), del()]),
    c('delete with version -1 on version 1', true, [create('x'), set('y'), del({ version: -1 })]),
    c('delete with the current version (compare-and-set)', true, [create('x'), del({ version: 0 })]),
    c('delete with another version cannot be ok', false, [create('x'), del({ version: 1 })]),
    c('delete with version 1 after one set', true, [create('x'), set('y'), del({ version: 1 })]),
    c('delete with version 0 after one set', false, [create('x'), set('y'), del({ version: 0 })]),
    c('delete, existence only', true, [create('x'), del(), existsNoNode()]),
    c('delete, existence only: gone', false, [create('x'), del(), exists()]),
  ],
  'delete fail NO_NODE / BAD_VERSION / NOT_EMPTY': [
    c('NO_NODE on an absent node', true, [delFail('NO_NODE')]),
    c('NO_NODE on a present node', false, [create('x'), delFail('NO_NODE')]),
    c('BAD_VERSION with another version', true, [create('x'), delFail('BAD_VERSION', { version: 1 }), get('x', 0)]),
    c('BAD_VERSION with the current version', false, [create('x'), delFail('BAD_VERSION', { version: 0 })]),
    c('BAD_VERSION with version -1 (any)', false, [create('x'), delFail('BAD_VERSION', { version: -1 })]),
    c('BAD_VERSION on an absent node', false, [delFail('BAD_VERSION', { version: 1 })]),
    c('BAD_VERSION does not delete', false, [create('x'), delFail('BAD_VERSION', { version: 1 }), getNoNode()]),
    c('NOT_EMPTY on a present node', true, [create('x'), delFail('NOT_EMPTY'), exists()]),
    c('NOT_EMPTY on an absent node', false, [delFail('NOT_EMPTY')]),
  ],
  'delete unknown (applies iff it could succeed)': [
    c('unknown delete of a present node applies', true, [create('x'), delUnknown(), getNoNode()]),
    c('unknown delete of a present node cannot be skipped', false, [create('x'), delUnknown(), get('x')]),
    c('unknown delete with a wrong version does not apply', true, [create('x'), delUnknown({ version: 1 }), get('x', 0)]),
    c('unknown delete with a wrong version cannot delete', false, [create('x'), delUnknown({ version: 1 }), getNoNode()]),
    c('unknown delete with the right version applies', false, [create('x'), delUnknown({ version: 0 }), get('x', 0)]),
    c('unknown delete of an absent node is accepted', true, [delUnknown(), create('x'), get('x', 0)]),
    c('unknown delete, existence only: applies', false, [create('x'), delUnknown(), exists()]),
  ],
  'set ok (present, version matches; version + 1, answered version checked)': [
    c('set bumps the version', true, [create('x'), set('y'), get('y', 1)]),
    c('set does not keep the version', false, [create('x'), set('y'), get('y', 0)]),
    c('set writes its data', false, [create('x'), set('y'), get('x')]),
    c('two sets: version 2', true, [create('x'), set('y'), set('x'), get('x', 2)]),
    c('set answers the new version', true, [create('x'), set('y', { answered: 1 })]),
    c('set cannot answer the old version', false, [create('x'), set('y', { answered: 0 })]),
    c('second set answers version 2', true, [create('x'), set('y'), set('z', { answered: 2 })]),
    c('second set cannot answer version 1', false, [create('x'), set('y'), set('z', { answered: 1 })]),
    c('set on an absent node', false, [set('y')]),
    c('set after a delete', false, [create('x'), del(), set('y')]),
    c('set with the current version (compare-and-set)', true, [create('x'), set('y', { version: 0 }), get('y', 1)]),
    c('set with another version cannot be ok', false, [create('x'), set('y', { version: 1 })]),
    c('set with version 1 after one set', true, [create('x'), set('y', { version: 0 }), set('z', { version: 1 }), get('z', 2)]),
    c('set with version 0 after one set', false, [create('x'), set('y', { version: 0 }), set('z', { version: 0 })]),
    c('set keeps the ephemeral owner', true, [create('x', { session: 's1' }), set('y'), expire('s1'), getNoNode()]),
    c('set keeps the ephemeral owner: expire deletes it', false, [create('x', { session: 's1' }), set('y'), expire('s1'), get('y', 1)]),
    c('set, existence only', true, [create('x'), set('y'), exists()]),
    c('set, existence only: needs a node', false, [set('y'), create('x')]),
  ],
  'set fail NO_NODE / BAD_VERSION': [
    c('NO_NODE on an absent node', true, [setFail('NO_NODE', 'y')]),
    c('NO_NODE on a present node', false, [create('x'), setFail('NO_NODE', 'y')]),
    c('BAD_VERSION with another version', true, [create('x'), setFail('BAD_VERSION', 'y', { version: 3 }), get('x', 0)]),
    c('BAD_VERSION changes nothing', false, [create('x'), setFail('BAD_VERSION', 'y', { version: 3 }), get('y', 1)]),
    c('BAD_VERSION with the current version', false, [create('x'), setFail('BAD_VERSION', 'y', { version: 0 })]),
    c('BAD_VERSION with version 0 after a set', true, [create('x'), set('y'), setFail('BAD_VERSION', 'z', { version: 0 })]),
    c('BAD_VERSION with version -1 (any)', false, [create('x'), setFail('BAD_VERSION', 'y', { version: -1 })]),
    c('BAD_VERSION on an absent node', false, [setFail('BAD_VERSION', 'y', { version: 0 })]),
  ],
  'set unknown (applies iff it could succeed)': [
    c('unknown set of a present node applies', true, [create('x'), setUnknown('y'), get('y', 1)]),
    c('unknown set of a present node cannot be skipped', false, [create('x'), setUnknown('y'), get('x', 0)]),
    c('unknown set with a wrong version does not apply', true, [create('x'), setUnknown('y', { version: 3 }), get('x', 0)]),
    c('unknown set with a wrong version cannot write', false, [create('x'), setUnknown('y', { version: 3 }), get('y', 1)]),
    c('unknown set with the right version applies', true, [create('x'), setUnknown('y', { version: 0 }), get('y', 1)]),
    c('unknown set of an absent node is accepted, no effect', true, [setUnknown('y'), create('x'), get('x', 0)]),
    c('unknown set of an absent node does not create', false, [setUnknown('y'), get('y')]),
  ],
  'get ok (value and version) / get NO_NODE / get unknown': [
    c('get of an absent node', false, [get(null)]),
    c('get without a version checks the value only', true, [create('x'), set('y'), get('y')]),
    c('get version after set', false, [create('x'), set('y'), get('y', 0)]),
    c('get NO_NODE on an absent node', true, [getNoNode()]),
    c('get NO_NODE on a present node', false, [create('x'), getNoNode()]),
    c('get NO_NODE after an expire of the owner', true, [create('x', { session: 's1' }), expire('s1'), getNoNode()]),
    c('unknown get constrains nothing', true, [create('x'), getUnknown(), get('x', 0)]),
    c('unknown get does not hide a stale read', false, [create('x'), getUnknown(), set('y'), get('x', 0)]),
    c('reads do not change the node', true, [create('x'), get('x', 0), get('x', 0), exists(0)]),
    c('a read cannot go back in time', false, [create('x', { at: [0, 1] }), set('y', { at: [2, 9] }), get('y', 1, { at: [3, 4] }), get('x', 0, { at: [5, 6] })]),
    c('a read concurrent with a create may miss it', true, [create('x', { at: [0, 5] }), getNoNode({ at: [1, 2] }), get('x', 0, { at: [3, 4] })]),
  ],
  'exists ok / exists NO_NODE': [
    c('exists on a present node', true, [create('x'), exists(0)]),
    c('exists on an absent node', false, [exists()]),
    c('exists answers the data version', true, [create('x'), set('y'), exists(1)]),
    c('exists cannot answer an old version', false, [create('x'), set('y'), exists(0)]),
    c('exists NO_NODE on an absent node', true, [existsNoNode()]),
    c('exists NO_NODE on a present node', false, [create('x'), existsNoNode()]),
  ],
  'expire (deletes the node iff the session owns it)': [
    c("expire deletes its session's ephemeral", true, [create('x', { session: 's1' }), expire('s1'), getNoNode()]),
    c("expire cannot leave its session's ephemeral", false, [create('x', { session: 's1' }), expire('s1'), get('x', 0)]),
    c('expire does not delete a persistent node', true, [create('x'), expire('s1'), get('x', 0)]),
    c('expire cannot delete a persistent node', false, [create('x'), expire('s1'), getNoNode()]),
    c("expire does not delete another session's ephemeral", true, [create('x', { session: 's2' }), expire('s1'), get('x', 0)]),
    c("expire cannot delete another session's ephemeral", false, [create('x', { session: 's2' }), expire('s1'), getNoNode()]),
    c('expire of an absent node changes nothing', true, [expire('s1'), getNoNode(), create('x', { session: 's1' }), exists()]),
    c('expire of an absent node creates nothing', false, [expire('s1'), exists()]),
    c('expire after the node was recreated by another session', true, [create('x', { session: 's1' }), del(), create('y', { session: 's2' }), expire('s1'), exists()]),
    c('expire after the node was recreated by its own session', false, [create('x', { session: 's2' }), del(), create('y', { session: 's1' }), expire('s1'), exists()]),
    c('expire, existence only: deletes the owner\'s', false, [create('x', { session: 's1' }), expire('s1'), exists()]),
    c('expire, existence only: keeps another\'s', true, [create('x', { session: 's2' }), expire('s1'), exists()]),
    c('expire, existence only: keeps a persistent node', true, [create('x'), expire('s1'), exists()]),
    c('pending expire may not have happened yet', true, [create('x', { session: 's1', at: [0, 1] }), expirePending('s1', 2), get('x', 0, { at: [3, 4] })]),
    c('pending expire may have happened', true, [create('x', { session: 's1', at: [0, 1] }), expirePending('s1', 2), get('x', 0, { at: [3, 4] }), getNoNode({ at: [5, 6] })]),
    c('pending expire, once seen, stays', false, [create('x', { session: 's1', at: [0, 1] }), expirePending('s1', 2), getNoNode({ at: [3, 4] }), get('x', 0, { at: [5, 6] })]),
  ],
  'pending ops (may take effect anywhere after their call)': [
    c('pending create may take effect late', true, [createPending('x', 0), getNoNode({ at: [1, 2] }), get('x', 0, { at: [3, 4] })]),
    c('pending create, once seen, stays', false, [createPending('x', 0), get('x', 0, { at: [1, 2] }), getNoNode({ at: [3, 4] })]),
    c('pending create cannot take effect before its call', false, [get('x', 0, { at: [0, 1] }), createPending('x', 5)]),
    c('pending create may never take effect', true, [createPending('x', 0), getNoNode({ at: [1, 2] })]),
    c('pending delete may take effect late', true, [create('x', { at: [0, 1] }), delPending(2), get('x', 0, { at: [3, 4] }), getNoNode({ at: [5, 6] })]),
    c('pending delete, once seen, stays', false, [create('x', { at: [0, 1] }), delPending(2), getNoNode({ at: [3, 4] }), get('x', 0, { at: [5, 6] })]),
    c('pending set may take effect late', true, [create('x', { at: [0, 1] }), setPending('y', 2), get('x', 0, { at: [3, 4] }), get('y', 1, { at: [5, 6] })]),
    c('pending set, once seen, stays', false, [create('x', { at: [0, 1] }), setPending('y', 2), get('y', 1, { at: [3, 4] }), get('x', 0, { at: [5, 6] })]),
    c('pending sets are not interchangeable when data is read', true, [
      create('x', { at: [0, 1] }),
      setPending('y', 2),
      setPending('z', 3),
      get('z', 1, { at: [4, 5] }),
      get('y', 2, { at: [6, 7] }),
    ]),
    c('pending sets: each applies once', false, [create('x', { at: [0, 1] }), setPending('y', 2), setPending('z', 3), get('z', 1, { at: [4, 5] }), get('y', 1, { at: [6, 7] })]),
    // Existence only: interchangeable pending ops (same f, same session) placed in call order.
    c('two pending creates and a pending delete: exists, gone, exists again', true, twoCreatesOneDelete()),
    c('two pending creates and one pending delete cannot delete twice', false, twoCreatesOneDelete(existsNoNode({ at: [9, 10] }))),
    c('a later-called pending delete may go before an earlier-called pending create', true, [
      create('x', { at: [0, 1] }),
      createPending('y', 2),
      delPending(3),
      existsNoNode({ at: [4, 5] }),
      exists(undefined, { at: [6, 7] }),
    ]),
    c("pending creates of different sessions are not interchangeable", true, [
      createPending('x', 0, { session: 's1' }),
      createPending('y', 1, { session: 's2' }),
      exists(undefined, { at: [2, 3] }),
      expire('s2', { at: [4, 5] }),
      existsNoNode({ at: [6, 7] }),
      exists(undefined, { at: [8, 9] }),
    ]),
    c('pending ephemeral creates: expire of a session that never created', false, [
      createPending('x', 0, { session: 's1' }),
      exists(undefined, { at: [2, 3] }),
      expire('s2', { at: [4, 5] }),
      existsNoNode({ at: [6, 7] }),
    ]),
    c('two pending creates of one session and its expire: two lifetimes at most', false, [
      createPending('x', 0, { session: 's1' }),
      createPending('y', 1, { session: 's1' }),
      exists(undefined, { at: [2, 3] }),
      expire('s1', { at: [4, 5] }),
      exists(undefined, { at: [6, 7] }),
      existsNoNode({ at: [8, 9] }),
    ]),
  ],
  "consistency: 'sequential' reads are skipped, 'sync' reads checked": [
    c('a stale sequential get is fine', true, [create('x'), set('y'), get('x', 0, { consistency: 'sequential' })]),
    c('the same stale get, sync', false, [create('x'), set('y'), get('x', 0, { consistency: 'sync' })]),
    c('the same stale get, no consistency (linearizable read)', false, [create('x'), set('y'), get('x', 0)]),
    c('a sequential NO_NODE after a create is fine', true, [create('x'), getNoNode({ consistency: 'sequential' })]),
    c('a sync NO_NODE after a create', false, [create('x'), getNoNode({ consistency: 'sync' })]),
    c('a sequential exists of an absent node is fine', true, [exists(0, { consistency: 'sequential' })]),
    c('a sync exists of an absent node', false, [exists(0, { consistency: 'sync' })]),
    c('a sequential read of a value never written is skipped', true, [create('x'), get('nope', 7, { consistency: 'sequential' })]),
    c('a sync read showing the current state', true, [create('x'), set('y'), get('y', 1, { consistency: 'sync' })]),
  ],
  'paths are independent': [
    c('another path is still absent', true, [create('x'), getNoNode({ path: '/b' })]),
    c('a create does not reach another path', false, [create('x'), get('x', 0, { path: '/b' })]),
    c('an expire deletes only on its own path', false, [create('x', { session: 's1' }), create('x', { session: 's1', path: '/b' }), expire('s1'), exists(undefined, { path: '/b' }), exists()]),
    c('each path with its own versions', true, [create('x'), create('x', { path: '/b' }), set('y'), get('y', 1), get('x', 0, { path: '/b' })]),
  ],
};

export const ALL_ZNODE_CASES: ZnodeCase[] = Object.values(ZNODE_CASES).flat();
