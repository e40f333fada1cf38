/**
 * Mutation self-test of the linearizability models: each model rule inverted or dropped must make
 * some verdict wrong. Every mutant below wraps one of registerModel, kvKeyModel, znodeModel or
 * znodeExistenceModel (or the partitioning that skips sequential reads) and changes exactly one
 * rule; it is then run, in place of the real model inside `partitions(h)`, through
 * `checkPartitions` on a corpus with known verdicts:
 * - hand: hand-written histories (test/helpers/znode-cases.ts for znode, a few register/kv ones
 *   here, and the cases below aimed at the search's read-only forcing and symmetry reduction);
 * - random: small random histories (test/helpers/lin-gen.ts) judged by the brute-force oracle;
 * - public: for register and kv, the public histories in ../shared/data/lin-histories with their
 *   expected verdicts (those the real checker decides within STEP_BUDGET).
 * A mutant is killed when some definite verdict differs from the reference. A surviving mutant is
 * a rule nothing tests (or a rule that does not matter): either way the test fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPartitions, type LinVerdict } from '../sim/check/linearizability/check.js';
import { parseHistory, type History, type HistoryOp } from '../sim/check/linearizability/history.js';
import { kvKeyModel, partitions, registerModel, znodeExistenceModel, znodeModel, type Partition, type SeqModel, type State } from '../sim/check/linearizability/models.js';
import { bruteForceLinearizable } from './helpers/lin-bruteforce.js';
import { historyArb, kvBody, registerBody, sample, znodeHistoryArb } from './helpers/lin-gen.js';
import { ALL_ZNODE_CASES, create, del, delPending, exists, existsNoNode, createPending, createUnknown, setPending, get, znodeCaseHistory, type ZnodeCase } from './helpers/znode-cases.js';

/** A mutant's search gives up (verdict unknown, never counted as a kill) after this many steps. */
const STEP_BUDGET = 100_000;
const PUBLIC_DIR = join(import.meta.dirname, '..', '..', 'shared', 'data', 'lin-histories');

type Target = 'register' | 'kv' | 'znode' | 'znode-existence' | 'partitions';
const BASE: Record<Exclude<Target, 'partitions'>, SeqModel> = { register: registerModel, kv: kvKeyModel, znode: znodeModel, 'znode-existence': znodeExistenceModel };

// ------------------------------------------------------------------------------------ mutants

type Step = (s: State, op: HistoryOp) => State | undefined;
/** A model whose step is `step(state, op, baseStep)`; other members as the base's unless given. */
function wrap(base: SeqModel, step: (s: State, op: HistoryOp, baseStep: Step) => State | undefined, extra: Partial<SeqModel> = {}): SeqModel {
  const baseStep: Step = (s, op) => base.step(s, op);
  return { ...base, step: (s, op) => step(s, op, baseStep), ...extra };
}
const is = (op: HistoryOp, f: string, status?: HistoryOp['output']['status']): boolean => op.input.f === f && (status === undefined || op.output.status === status);
const withOutput = (op: HistoryOp, output: Partial<HistoryOp['output']>): HistoryOp => ({ ...op, output: { ...op.output, ...output } });
const withInput = (op: HistoryOp, input: Partial<HistoryOp['input']>): HistoryOp => ({ ...op, input: { ...op.input, ...input } });

/**
 * znodeModel's state encoding (models.ts: `${version}|${owner}|${JSON.stringify(value)}`, owner ""
 * for a persistent node, null when absent), for the mutants that rewrite a state; pinned by a test below.
 */
interface Z {
  version: number;
  owner: string;
  value: unknown;
}
function dec(s: State): Z | undefined {
  if (s === null) return undefined;
  const [version, owner, ...rest] = (s as string).split('|');
  return { version: Number(version), owner, value: JSON.parse(rest.join('|')) };
}
const enc = (z: Z): string => `${z.version}|${z.owner}|${JSON.stringify(z.value)}`;
/** The base step, then `f` applied to the node it leaves (when present). */
const rewrite = (s: State, op: HistoryOp, baseStep: Step, f: (after: Z, before: Z | undefined) => Z): State | undefined => {
  const after = baseStep(s, op);
  const z = after === undefined ? undefined : dec(after);
  return z === undefined ? after : enc(f(z, dec(s)));
};

interface Mutant {
  id: string;
  target: Target;
  /** The rule (as models.ts / README state it) and how the mutant breaks it. */
  rule: string;
  change: string;
  model?: SeqModel;
  /** For `partitions` mutants: the partitions to search instead of partitions(h). */
  parts?: (h: History) => Partition[];
}

const R = registerModel;
const K = kvKeyModel;
const ZM = znodeModel;
const E = znodeExistenceModel;

/** The mutants. Read this table to see which rules the model tests pin down. */
const MUTANTS: Mutant[] = [
  // ---- register / cas-register ----
  { id: 'R1', target: 'register', rule: 'read ok: state === value', change: 'accepted regardless of value', model: wrap(R, (s, op, b) => (is(op, 'read', 'ok') ? s : b(s, op))) },
  { id: 'R2', target: 'register', rule: 'read ok: null is not 0', change: 'null read as 0', model: wrap(R, (s, op, b) => (is(op, 'read', 'ok') ? ((s ?? 0) === (op.output.value ?? 0) ? s : undefined) : b(s, op))) },
  { id: 'R3', target: 'register', rule: 'read unknown: no constraint', change: 'treated as a read of null', model: wrap(R, (s, op, b) => (is(op, 'read', 'unknown') ? (s === null ? s : undefined) : b(s, op))) },
  { id: 'R4', target: 'register', rule: 'write: state = value', change: 'write does not change the state', model: wrap(R, (s, op, b) => (is(op, 'write') ? s : b(s, op))) },
  { id: 'R5', target: 'register', rule: 'write unknown: applies', change: 'unknown write never applies', model: wrap(R, (s, op, b) => (is(op, 'write', 'unknown') ? s : b(s, op))) },
  { id: 'R6', target: 'register', rule: 'cas ok: needs state === from', change: 'cas ok accepted on any state', model: wrap(R, (s, op, b) => (is(op, 'cas', 'ok') ? (op.input.to as number) : b(s, op))) },
  { id: 'R7', target: 'register', rule: 'cas ok: state = to', change: 'cas ok does not write', model: wrap(R, (s, op, b) => (is(op, 'cas', 'ok') ? (s === op.input.from ? s : undefined) : b(s, op))) },
  { id: 'R8', target: 'register', rule: 'cas fail: needs state !== from', change: 'cas fail accepted when equal', model: wrap(R, (s, op, b) => (is(op, 'cas', 'fail') ? s : b(s, op))) },
  { id: 'R9', target: 'register', rule: 'cas unknown: applies iff state === from', change: 'unknown cas never applies', model: wrap(R, (s, op, b) => (is(op, 'cas', 'unknown') ? s : b(s, op))) },
  { id: 'R10', target: 'register', rule: 'cas unknown: applies iff state === from', change: 'unknown cas always applies', model: wrap(R, (s, op, b) => (is(op, 'cas', 'unknown') ? (op.input.to as number) : b(s, op))) },
  { id: 'R11', target: 'register', rule: 'readOnly: only reads and failed cas', change: 'readOnly claims a write is read-only', model: { ...R, readOnly: (op) => op.input.f === 'write' || R.readOnly(op) } },
  { id: 'R12', target: 'register', rule: 'readOnly: only reads and failed cas', change: 'readOnly claims an unknown cas is read-only', model: { ...R, readOnly: (op) => is(op, 'cas', 'unknown') || R.readOnly(op) } },
  // ---- kv ----
  { id: 'K1', target: 'kv', rule: 'append: state + value', change: 'append prepends', model: wrap(K, (s, op, b) => (is(op, 'append') ? (op.input.value as string) + ((s ?? '') as string) : b(s, op))) },
  { id: 'K2', target: 'kv', rule: 'append: state + value', change: 'append replaces', model: wrap(K, (s, op, b) => (is(op, 'append') ? (op.input.value as string) : b(s, op))) },
  { id: 'K3', target: 'kv', rule: 'write: state = value', change: 'write appends', model: wrap(K, (s, op, b) => (is(op, 'write') ? ((s ?? '') as string) + (op.input.value as string) : b(s, op))) },
  { id: 'K4', target: 'kv', rule: 'write: state = value', change: 'write does not change the state', model: wrap(K, (s, op, b) => (is(op, 'write') ? s : b(s, op))) },
  { id: 'K5', target: 'kv', rule: 'read ok: state === value', change: 'accepted regardless of value', model: wrap(K, (s, op, b) => (is(op, 'read', 'ok') ? s : b(s, op))) },
  { id: 'K6', target: 'kv', rule: 'read unknown: no constraint', change: 'treated as a read of ""', model: wrap(K, (s, op, b) => (is(op, 'read', 'unknown') ? (s === '' ? s : undefined) : b(s, op))) },
  { id: 'K7', target: 'kv', rule: 'readOnly: only reads', change: 'readOnly claims a write is read-only', model: { ...K, readOnly: (op) => op.input.f === 'write' || K.readOnly(op) } },
  // ---- znode (full model) ----
  { id: 'Z1', target: 'znode', rule: 'create ok: needs absent', change: 'create ok accepted when present (replaces)', model: wrap(ZM, (s, op, b) => (is(op, 'create', 'ok') && s !== null ? enc({ version: 0, owner: op.input.session ?? '', value: op.input.value ?? null }) : b(s, op))) },
  { id: 'Z2', target: 'znode', rule: 'create ok: node present after', change: 'create does not create', model: wrap(ZM, (s, op, b) => (is(op, 'create', 'ok') ? (s === null ? s : undefined) : b(s, op))) },
  { id: 'Z3', target: 'znode', rule: 'NODE_EXISTS: an observation that it is present', change: 'NODE_EXISTS accepted when absent', model: wrap(ZM, (s, op, b) => (op.output.rc === 'NODE_EXISTS' ? s : b(s, op))) },
  { id: 'Z4', target: 'znode', rule: 'NO_NODE: an observation that it is absent', change: 'NO_NODE accepted when present', model: wrap(ZM, (s, op, b) => (op.output.rc === 'NO_NODE' ? s : b(s, op))) },
  { id: 'Z5', target: 'znode', rule: 'BAD_VERSION: present with another version', change: 'BAD_VERSION accepted when the version matches', model: wrap(ZM, (s, op, b) => (op.output.rc === 'BAD_VERSION' ? (s !== null ? s : undefined) : b(s, op))) },
  { id: 'Z6', target: 'znode', rule: 'create unknown: applies iff absent', change: 'unknown create never applies', model: wrap(ZM, (s, op, b) => (is(op, 'create', 'unknown') ? s : b(s, op))) },
  { id: 'Z7', target: 'znode', rule: 'delete unknown: applies iff it could succeed', change: 'unknown delete never applies', model: wrap(ZM, (s, op, b) => (is(op, 'delete', 'unknown') ? s : b(s, op))) },
  { id: 'Z8', target: 'znode', rule: 'set unknown: applies iff it could succeed', change: 'unknown set never applies', model: wrap(ZM, (s, op, b) => (is(op, 'set', 'unknown') ? s : b(s, op))) },
  { id: 'Z9', target: 'znode', rule: 'delete with a version: compare-and-set', change: 'delete ignores its version', model: wrap(ZM, (s, op, b) => b(s, is(op, 'delete') && op.output.status !== 'fail' ? withInput(op, { version: -1 }) : op)) },
  { id: 'Z10', target: 'znode', rule: 'set with a version: compare-and-set', change: 'set ignores its version', model: wrap(ZM, (s, op, b) => b(s, is(op, 'set') && op.output.status !== 'fail' ? withInput(op, { version: -1 }) : op)) },
  { id: 'Z11', target: 'znode', rule: 'set: version + 1', change: 'set does not bump the version', model: wrap(ZM, (s, op, b) => (is(op, 'set') && op.output.status !== 'fail' ? rewrite(s, op, b, (z, before) => ({ ...z, version: before?.version ?? z.version })) : b(s, op))) },
  { id: 'Z12', target: 'znode', rule: 'set ok: answered version is the new one', change: "set's answered version not checked", model: wrap(ZM, (s, op, b) => b(s, is(op, 'set', 'ok') ? withOutput(op, { version: undefined }) : op)) },
  { id: 'Z13', target: 'znode', rule: 'get ok: value matches', change: 'get ignores the value', model: wrap(ZM, (s, op, b) => b(s, is(op, 'get', 'ok') && s !== null ? withOutput(op, { value: dec(s)!.value as string }) : op)) },
  { id: 'Z14', target: 'znode', rule: 'get ok: version matches', change: 'get ignores the version', model: wrap(ZM, (s, op, b) => b(s, is(op, 'get', 'ok') ? withOutput(op, { version: undefined }) : op)) },
  { id: 'Z15', target: 'znode', rule: 'exists ok: needs present', change: 'exists ok accepted when absent', model: wrap(ZM, (s, op, b) => (is(op, 'exists', 'ok') && s === null ? s : b(s, op))) },
  { id: 'Z16', target: 'znode', rule: 'expire: deletes iff the session owns the node', change: 'expire deletes regardless of owner', model: wrap(ZM, (s, op, b) => (is(op, 'expire') ? null : b(s, op))) },
  { id: 'Z17', target: 'znode', rule: 'expire: deletes iff the session owns the node', change: 'expire never deletes', model: wrap(ZM, (s, op, b) => (is(op, 'expire') ? s : b(s, op))) },
  { id: 'Z18', target: 'znode', rule: 'create: the owner is the session', change: 'create records no owner (ephemeral as persistent)', model: wrap(ZM, (s, op, b) => (is(op, 'create') ? rewrite(s, op, b, (z, before) => (before === undefined ? { ...z, owner: '' } : z)) : b(s, op))) },
  { id: 'Z19', target: 'znode', rule: 'set: keeps the owner', change: 'set drops the owner', model: wrap(ZM, (s, op, b) => (is(op, 'set') && op.output.status !== 'fail' ? rewrite(s, op, b, (z) => ({ ...z, owner: '' })) : b(s, op))) },
  { id: 'Z20', target: 'znode', rule: 'delete ok: absent after', change: 'delete does not delete', model: wrap(ZM, (s, op, b) => (is(op, 'delete', 'ok') ? (b(s, op) === undefined ? undefined : s) : b(s, op))) },
  { id: 'Z21', target: 'znode', rule: 'readOnly: only failed ops, get and exists', change: 'readOnly claims a create is read-only', model: { ...ZM, readOnly: (op) => op.input.f === 'create' || ZM.readOnly(op) } },
  { id: 'Z22', target: 'znode', rule: 'default equivalence: same input and output', change: 'ops of one kind and status called interchangeable, whatever their data', model: { ...ZM, equivalence: (op) => `${op.input.f} ${op.output.status}` } },
  // ---- znode, existence model ----
  { id: 'E1', target: 'znode-existence', rule: 'create ok: needs absent', change: 'create ok accepted when present', model: wrap(E, (s, op, b) => (is(op, 'create', 'ok') && s !== null ? (op.input.session ?? '') : b(s, op))) },
  { id: 'E2', target: 'znode-existence', rule: 'NODE_EXISTS / NOT_EMPTY: present', change: 'NODE_EXISTS / NOT_EMPTY accepted when absent', model: wrap(E, (s, op, b) => (op.output.rc === 'NODE_EXISTS' || op.output.rc === 'NOT_EMPTY' ? s : b(s, op))) },
  { id: 'E3', target: 'znode-existence', rule: 'NO_NODE: absent', change: 'NO_NODE accepted when present', model: wrap(E, (s, op, b) => (op.output.rc === 'NO_NODE' ? s : b(s, op))) },
  { id: 'E4', target: 'znode-existence', rule: 'create unknown: applies iff absent', change: 'unknown create never applies', model: wrap(E, (s, op, b) => (is(op, 'create', 'unknown') ? s : b(s, op))) },
  { id: 'E5', target: 'znode-existence', rule: 'delete unknown: applies iff present', change: 'unknown delete never applies', model: wrap(E, (s, op, b) => (is(op, 'delete', 'unknown') ? s : b(s, op))) },
  { id: 'E6', target: 'znode-existence', rule: 'delete ok: absent after', change: 'delete does not delete', model: wrap(E, (s, op, b) => (is(op, 'delete', 'ok') ? (s !== null ? s : undefined) : b(s, op))) },
  { id: 'E7', target: 'znode-existence', rule: 'set / exists ok: need present', change: 'set / exists ok accepted when absent', model: wrap(E, (s, op, b) => ((is(op, 'set', 'ok') || is(op, 'exists', 'ok')) ? s : b(s, op))) },
  { id: 'E8', target: 'znode-existence', rule: 'expire: deletes iff the session owns the node', change: 'expire deletes regardless of owner', model: wrap(E, (s, op, b) => (is(op, 'expire') ? null : b(s, op))) },
  { id: 'E9', target: 'znode-existence', rule: 'expire: deletes iff the session owns the node', change: 'expire never deletes', model: wrap(E, (s, op, b) => (is(op, 'expire') ? s : b(s, op))) },
  { id: 'E10', target: 'znode-existence', rule: 'create: the owner is the session', change: 'create records no owner', model: wrap(E, (s, op, b) => (is(op, 'create') && s === null ? (b(s, op) === undefined ? undefined : '') : b(s, op))) },
  { id: 'E11', target: 'znode-existence', rule: 'readOnly: failed ops, get, exists, set', change: 'readOnly claims a create or delete is read-only', model: { ...E, readOnly: (op) => op.input.f === 'create' || op.input.f === 'delete' || E.readOnly(op) } },
  { id: 'E12', target: 'znode-existence', rule: 'equivalence: same f, session, status and rc', change: 'equivalence ignores the session', model: { ...E, equivalence: (op) => `${op.input.f} ${op.output.status} ${op.output.rc ?? ''}` } },
  { id: 'E13', target: 'znode-existence', rule: 'equivalence: same f, session, status and rc', change: 'all ops in one class', model: { ...E, equivalence: () => 'all' } },
  { id: 'E14', target: 'znode-existence', rule: 'equivalence: same f, session, status and rc', change: 'equivalence ignores the status', model: { ...E, equivalence: (op) => `${op.input.f} ${op.input.session ?? ''}` } },
  // ---- partitions (what the checker leaves out) ----
  {
    id: 'P1',
    target: 'partitions',
    rule: "consistency 'sequential': skipped",
    change: 'sequential reads checked as linearizable',
    parts: (h) => partitions({ ...h, ops: h.ops.map((o) => (o.consistency === 'sequential' ? { ...o, consistency: undefined } : o)) }),
  },
  {
    id: 'P2',
    target: 'partitions',
    rule: "consistency 'sync': checked",
    change: 'sync reads skipped like sequential ones',
    parts: (h) => partitions({ ...h, ops: h.ops.map((o) => (o.consistency === 'sync' ? { ...o, consistency: 'sequential' as const } : o)) }),
  },
];

// ------------------------------------------------------------------------------------ corpus

interface Item {
  label: string;
  h: History;
  expected: LinVerdict;
}
type Part = 'hand' | 'random' | 'public';

const verdict = (linearizable: boolean): LinVerdict => (linearizable ? 'linearizable' : 'not-linearizable');

/** lin-models style register / kv histories: ops one after another unless `at` is given. */
type Spec = { in: HistoryOp['input']; out: HistoryOp['output']; at?: [number, number] };
function seqHistory(name: string, model: History['model'], init: History['init'], specs: Spec[], linearizable: boolean): Item {
  const ops = specs.map((s, i): HistoryOp => ({ client: i, call: (s.at ?? [10 * i, 10 * i + 1])[0], return: (s.at ?? [10 * i, 10 * i + 1])[1], input: s.in, output: s.out }));
  ops.sort((a, b) => a.call - b.call);
  return { label: name, h: { version: 1, name, model, init, ops }, expected: verdict(linearizable) };
}
const rd = (value: number | null, at?: [number, number]): Spec => ({ in: { f: 'read' }, out: { status: 'ok', value }, at });
const wr = (value: number, at?: [number, number], status: 'ok' | 'unknown' = 'ok'): Spec => ({ in: { f: 'write', value }, out: { status }, at });
const cas = (from: number, to: number, status: 'ok' | 'fail' | 'unknown', at?: [number, number]): Spec => ({ in: { f: 'cas', from, to }, out: { status }, at });
const kget = (value: string, at?: [number, number]): Spec => ({ in: { f: 'read', key: 'a' }, out: { status: 'ok', value }, at });
const kput = (value: string, at?: [number, number]): Spec => ({ in: { f: 'write', key: 'a', value }, out: { status: 'ok' }, at });
const kapp = (value: string, at?: [number, number]): Spec => ({ in: { f: 'append', key: 'a', value }, out: { status: 'ok' }, at });

const REGISTER_HAND: Item[] = [
  seqHistory('read null first', 'register', null, [rd(null)], true),
  seqHistory('read 0 is not null', 'register', null, [rd(0)], false),
  seqHistory('read what was written', 'register', null, [wr(1), rd(1)], true),
  seqHistory('stale read', 'register', null, [wr(1), wr(2), rd(1)], false),
  seqHistory('unknown read constrains nothing', 'register', null, [wr(1), { in: { f: 'read' }, out: { status: 'unknown' } }, rd(1)], true),
  seqHistory('unknown write applies', 'register', null, [wr(1, undefined, 'unknown'), rd(1)], true),
  seqHistory('cas ok', 'register', null, [wr(0), cas(0, 1, 'ok'), rd(1)], true),
  seqHistory('cas ok on another state', 'register', null, [wr(2), cas(0, 1, 'ok')], false),
  seqHistory('cas fail when equal', 'register', null, [wr(0), cas(0, 1, 'fail')], false),
  seqHistory('unknown cas applies when it can', 'register', null, [wr(0), cas(0, 1, 'unknown'), rd(0)], false),
  seqHistory('unknown cas does not apply when it cannot', 'register', null, [wr(2), cas(0, 1, 'unknown'), rd(1)], false),
  // A write of the current value must not be forced where it stands: it may have to go later
  // (the search tries the earlier-called write first, so a forcing mutant places it there).
  seqHistory('forcing: a write of the current value may belong later', 'register', null, [wr(1, [0, 1]), wr(1, [2, 10]), wr(2, [3, 10]), rd(1, [11, 12])], true),
  // An unknown cas that cannot apply now may apply later.
  seqHistory('forcing: an unknown cas may apply later', 'register', null, [wr(0, [0, 1]), cas(1, 2, 'unknown', [2, 10]), wr(1, [3, 4]), rd(2, [11, 12])], true),
  seqHistory('cas-register: init 0', 'cas-register', 0, [cas(0, 1, 'ok'), rd(1)], true),
];
const KV_HAND: Item[] = [
  seqHistory('kv: read "" first', 'kv', '', [kget('')], true),
  seqHistory('kv: write replaces', 'kv', '', [kput('x'), kput('y'), kget('y')], true),
  seqHistory('kv: write does not append', 'kv', '', [kput('x'), kput('y'), kget('xy')], false),
  seqHistory('kv: appends in order', 'kv', '', [kapp('x'), kapp('y'), kget('xy')], true),
  seqHistory('kv: appends do not prepend', 'kv', '', [kapp('x'), kapp('y'), kget('yx')], false),
  seqHistory('kv: unknown read constrains nothing', 'kv', '', [kput('x'), { in: { f: 'read', key: 'a' }, out: { status: 'unknown' } }, kget('x')], true),
  seqHistory('kv forcing: a write of the current value may belong later', 'kv', '', [kput('x', [0, 1]), kput('x', [2, 10]), kput('y', [3, 10]), kget('x', [11, 12])], true),
];
/** Aimed at the search's pruning (read-only forcing) and the existence model's symmetry reduction. */
const ZNODE_SEARCH_CASES: ZnodeCase[] = [
  {
    name: 'forcing: an unknown create on a present node may apply later',
    linearizable: true,
    ops: [create('x', { at: [0, 1] }), createPending('y', 2), del({ at: [3, 4] }), get('y', 0, { at: [5, 6] })],
  },
  {
    name: 'forcing, existence only: a pending create may apply after a delete',
    linearizable: true,
    ops: [create('x', { at: [0, 1] }), createPending('y', 2), del({ at: [3, 4] }), exists(undefined, { at: [5, 6] })],
  },
  {
    name: 'equivalence: completed unknown creates are not interchangeable (the later-called one returned first)',
    linearizable: true,
    ops: [createUnknown('x', { at: [0, 10] }), createUnknown('y', { at: [1, 2] }), del({ at: [3, 4] }), exists(undefined, { at: [11, 12] })],
  },
  {
    name: 'equivalence: a pending delete may precede an earlier-called pending create',
    linearizable: true,
    ops: [create('x', { at: [0, 1] }), createPending('y', 2), delPending(3), existsNoNode({ at: [4, 5] }), exists(undefined, { at: [6, 7] })],
  },
  {
    name: 'equivalence: pending sets with different data are not interchangeable',
    linearizable: true,
    ops: [create('x', { at: [0, 1] }), setPending('y', 2), setPending('z', 3), get('z', 1, { at: [4, 5] }), get('y', 2, { at: [6, 7] })],
  },
];

function randomItems(label: string, hs: History[]): Item[] {
  return hs.map((h, i) => ({ label: `${label} #${i}`, h, expected: verdict(bruteForceLinearizable(h)) }));
}

interface IndexEntry {
  file: string;
  name: string;
  model: string;
  expected: LinVerdict;
}

/** The public histories the real checker decides within STEP_BUDGET (most of them, in milliseconds). */
function publicItems(models: string[]): Item[] {
  const index = join(PUBLIC_DIR, 'index.json');
  if (!existsSync(index)) return [];
  const entries = (JSON.parse(readFileSync(index, 'utf8')) as IndexEntry[]).filter((e) => models.includes(e.model));
  const items: Item[] = [];
  for (const e of entries) {
    const h = parseHistory(readFileSync(join(PUBLIC_DIR, e.file), 'utf8'), e.file);
    if (checkPartitions(partitions(h), { maxSteps: STEP_BUDGET }).verdict === 'unknown') continue;
    items.push({ label: e.name, h, expected: e.expected });
  }
  return items;
}

const znodeHand = (cases: ZnodeCase[]): Item[] => cases.map((c) => ({ label: c.name, h: znodeCaseHistory(c), expected: verdict(c.linearizable) }));

/** The corpus for each target, by part; built once (random ones with fixed seeds: deterministic). */
function buildCorpus(): Record<Target, Record<Part, Item[]>> {
  const znodeHandItems = znodeHand([...ALL_ZNODE_CASES, ...ZNODE_SEARCH_CASES]);
  const znodeRandom = [
    ...randomItems('znode 1 path', sample(znodeHistoryArb(['/a'], 'full'), 101, 800)),
    ...randomItems('znode 2 paths', sample(znodeHistoryArb(['/a', '/b'], 'full'), 102, 500)),
  ];
  const existenceRandom = [
    ...randomItems('znode existence', sample(znodeHistoryArb(['/a'], 'existence'), 103, 800)),
    ...randomItems('znode pending-burst', sample(znodeHistoryArb(['/a'], 'pending-burst'), 104, 600)),
  ];
  return {
    register: {
      hand: REGISTER_HAND,
      random: [...randomItems('register', sample(historyArb('register', null, registerBody), 201, 1000)), ...randomItems('register init 0', sample(historyArb('cas-register', 0, registerBody), 202, 400))],
      public: publicItems(['register', 'cas-register']),
    },
    kv: {
      hand: KV_HAND,
      random: [...randomItems('kv 1 key', sample(historyArb('kv', '', kvBody(['a'])), 301, 600)), ...randomItems('kv 2 keys', sample(historyArb('kv', '', kvBody(['a', 'b'])), 302, 400))],
      public: publicItems(['kv']),
    },
    znode: { hand: znodeHandItems, random: znodeRandom, public: [] },
    'znode-existence': { hand: znodeHandItems, random: existenceRandom, public: [] },
    partitions: { hand: znodeHandItems, random: znodeRandom, public: [] },
  };
}

// ------------------------------------------------------------------------------------ running

/** The verdict with the mutant in place of its base model (undefined: the mutant has nothing to act on here). */
function mutantVerdict(m: Mutant, h: History): LinVerdict | undefined {
  if (m.target === 'partitions') return checkPartitions(m.parts!(h), { maxSteps: STEP_BUDGET }).verdict;
  const base = BASE[m.target];
  const parts = partitions(h);
  if (!parts.some((p) => p.model === base)) return undefined;
  return checkPartitions(
    parts.map((p) => (p.model === base ? { ...p, model: m.model! } : p)),
    { maxSteps: STEP_BUDGET },
  ).verdict;
}

interface Kill {
  part: Part;
  label: string;
  expected: LinVerdict;
  got: LinVerdict;
}

/** The first item of each corpus part on which the mutant's verdict is definite and wrong. */
function killsOf(m: Mutant, corpus: Record<Part, Item[]>): Kill[] {
  const kills: Kill[] = [];
  for (const part of ['hand', 'random', 'public'] as const) {
    for (const item of corpus[part]) {
      const got = mutantVerdict(m, item.h);
      if (got === undefined || got === 'unknown' || got === item.expected) continue;
      kills.push({ part, label: item.label, expected: item.expected, got });
      break;
    }
  }
  return kills;
}

describe('mutation self-test of the linearizability models', () => {
  let corpus: Record<Target, Record<Part, Item[]>>;
  beforeAll(() => {
    corpus = buildCorpus();
  });

  it(`the table has ≥ 20 mutants, with distinct ids, covering every model (${MUTANTS.length} mutants)`, () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
    for (const t of ['register', 'kv', 'znode', 'znode-existence', 'partitions'] as const) expect(MUTANTS.some((m) => m.target === t), t).toBe(true);
  });

  it("znodeModel's state encoding is what the mutants assume", () => {
    const op = (f: HistoryOp['input']['f'], extra: Partial<HistoryOp['input']> = {}): HistoryOp => ({ client: 0, call: 0, return: 1, input: { f, key: '/a', ...extra }, output: { status: 'ok' } });
    const s1 = znodeModel.step(null, op('create', { value: 'x', session: 's1' }));
    expect(s1).toBe('0|s1|"x"');
    expect(dec(s1!)).toEqual({ version: 0, owner: 's1', value: 'x' });
    expect(znodeModel.step(s1!, op('set', { value: 'a|b' }))).toBe(enc({ version: 1, owner: 's1', value: 'a|b' }));
    expect(znodeModel.step(null, op('create', { value: null }))).toBe('0||null');
    expect(znodeExistenceModel.step(null, op('create', { session: 's1' }))).toBe('s1');
  });

  it('the unmutated checker gives every corpus item its reference verdict', () => {
    const sizes: string[] = [];
    for (const t of Object.keys(corpus) as Target[]) {
      for (const part of ['hand', 'random', 'public'] as const) {
        const items = corpus[t][part];
        if (t === 'partitions' || (t === 'znode-existence' && part === 'hand')) continue; // the same items as znode's
        sizes.push(`${t} ${part} ${items.length}`);
        const wrong = items.filter((it) => checkPartitions(partitions(it.h), { maxSteps: STEP_BUDGET }).verdict !== it.expected).map((it) => it.label);
        expect(wrong, `${t} ${part}`).toEqual([]);
      }
    }
    console.log(`lin-mutation corpus: ${sizes.join(', ')}`);
    // Every hand case agrees with the brute-force oracle too.
    for (const it of [...REGISTER_HAND, ...KV_HAND, ...znodeHand(ZNODE_SEARCH_CASES)]) expect(verdict(bruteForceLinearizable(it.h)), it.label).toBe(it.expected);
    expect(corpus.register.public.length + corpus.kv.public.length === 0 || corpus.register.public.length > 150).toBe(true);
  });

  it('every mutant makes some verdict wrong', { timeout: 60_000 }, () => {
    const rows: string[] = [];
    const survivors: string[] = [];
    const byPart: Record<Part, number> = { hand: 0, random: 0, public: 0 };
    for (const m of MUTANTS) {
      const kills = killsOf(m, corpus[m.target]);
      for (const k of kills) byPart[k.part]++;
      if (kills.length === 0) survivors.push(`${m.id} (${m.target}: ${m.rule} — ${m.change})`);
      const first = kills[0];
      rows.push(
        `  ${m.id.padEnd(4)} ${m.target.padEnd(16)} ${`${m.change}`.padEnd(52)} ${kills.length === 0 ? 'SURVIVED' : `killed by ${kills.map((k) => k.part).join('+')}; first: ${first.part} "${first.label}" (expected ${first.expected}, got ${first.got})`}`,
      );
    }
    console.log(`lin-mutation: ${MUTANTS.length} mutants, ${MUTANTS.length - survivors.length} killed (parts killing: hand ${byPart.hand}, random ${byPart.random}, public ${byPart.public})\n${rows.join('\n')}`);
    expect(survivors).toEqual([]);
  });
});
