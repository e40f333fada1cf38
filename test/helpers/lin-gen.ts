/**
 * Generators of small random histories for the linearizability tests (test/lin-crosscheck.test.ts,
 * test/lin-explain.test.ts, test/lin-znode.test.ts, test/lin-mutation.test.ts): tiny value domains
 * so both verdicts are common, ≤ 8 ops by default so the brute-force oracle (lin-bruteforce.ts) can
 * judge them.
 *
 * Shape: 1–4 clients, each issuing 1–3 ops one after another on a 0..24 clock (distinct, sorted
 * times paired as call/return, so a client's own ops never overlap while different clients' often
 * do: their times may coincide, and touching intervals are concurrent); a client's last op is
 * pending now and then. At most MAX_OPS ops in all (later clients are cut). HistoryShape changes
 * these numbers.
 */
import fc from 'fast-check';
import { parseHistory, type History, type HistoryModelName, type HistoryOp } from '../../sim/check/linearizability/history.js';

export const MAX_OPS = 8;

/** The initial value each model's generated histories start from (the generators' value domains assume it). */
export const INIT: Record<HistoryModelName, History['init']> = { register: null, 'cas-register': 0, kv: '', znode: null };

/** An op without its times and client (those are assigned per client). */
export type OpBody = Pick<HistoryOp, 'input' | 'output'> & { consistency?: HistoryOp['consistency'] };

export interface HistoryShape {
  /** How often a client's last op is pending (weight of `true` against 4 for `false`). */
  pendingWeight?: number;
  /** At most this many clients (default 4). */
  maxClients?: number;
  /** Each client issues 1 to this many ops (default 3); the clock runs 0..8·perClient. */
  perClient?: number;
  /** At most this many ops in all (default MAX_OPS). */
  maxOps?: number;
}

export function historyArb(model: HistoryModelName, init: History['init'], body: fc.Arbitrary<OpBody>, shape: HistoryShape = {}): fc.Arbitrary<History> {
  const perClient = shape.perClient ?? 3;
  const clock = 8 * perClient;
  const plan = fc.array(body, { minLength: 1, maxLength: perClient }).chain((bodies) =>
    fc.record({
      bodies: fc.constant(bodies),
      times: fc.uniqueArray(fc.integer({ min: 0, max: clock }), { minLength: 2 * bodies.length, maxLength: 2 * bodies.length }),
      lastPending: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: shape.pendingWeight ?? 1, arbitrary: fc.constant(true) }),
    }),
  );
  return fc.array(plan, { minLength: 1, maxLength: shape.maxClients ?? 4 }).map((clients): History => {
    const ops: HistoryOp[] = [];
    const pendingOps: HistoryOp[] = [];
    let budget = shape.maxOps ?? MAX_OPS;
    clients.forEach((c, client) => {
      const times = [...c.times].sort((a, b) => a - b);
      const n = Math.min(c.bodies.length, budget);
      budget -= n;
      for (let i = 0; i < n; i++) {
        const b = c.bodies[i];
        const op: HistoryOp = { client, call: times[2 * i], return: times[2 * i + 1], input: { ...b.input }, output: { ...b.output } };
        if (b.consistency !== undefined) op.consistency = b.consistency;
        if (c.lastPending && i === n - 1) {
          // Pending: status unknown, nothing answered, returns after every other time (set below).
          op.pending = true;
          op.output = { status: 'unknown' };
          pendingOps.push(op);
        }
        ops.push(op);
      }
    });
    // Pending returns: after the last real event, one each, in call order.
    let last = Math.max(...ops.map((o) => (o.pending ? o.call : Math.max(o.call, o.return))));
    for (const op of [...pendingOps].sort((a, b) => a.call - b.call)) op.return = ++last;
    ops.sort((a, b) => a.call - b.call);
    const h: History = { version: 1, name: 'generated', model, init, ops };
    // Round-trip through the parser: generated histories must be valid interchange files.
    return parseHistory(JSON.stringify(h), 'generated.json');
  });
}

// ---------------------------------------------------------------- register / cas-register / kv

/**
 * How reads that got no answer (status unknown) are drawn among a register's reads:
 * `within` (the default): a quarter of the op weight is reads, one in five of them unanswered;
 * `beside`: answered reads weigh 3 and unanswered ones 1 next to writes and cas (lin-explain's shape);
 * `none`: every read is answered.
 */
export type UnknownReads = 'within' | 'beside' | 'none';

function readBodies(values: fc.Arbitrary<number | null>, unknownReads: UnknownReads): fc.WeightedArbitrary<OpBody>[] {
  const answered = values.map((value): OpBody => ({ input: { f: 'read' }, output: { status: 'ok', value } }));
  const unanswered = fc.constant<OpBody>({ input: { f: 'read' }, output: { status: 'unknown' } });
  if (unknownReads === 'none') return [{ weight: 3, arbitrary: answered }];
  if (unknownReads === 'beside') return [{ weight: 3, arbitrary: answered }, { weight: 1, arbitrary: unanswered }];
  return [{ weight: 3, arbitrary: fc.oneof({ weight: 4, arbitrary: answered }, { weight: 1, arbitrary: unanswered }) }];
}

const intVal = fc.constantFrom(0, 1);

/** `register` (etcd): values 0/1, reads may see null, cas may fail; statuses ok / fail (cas) / unknown. */
export function registerBodyWith(unknownReads: UnknownReads = 'within'): fc.Arbitrary<OpBody> {
  return fc.oneof(
    ...readBodies(fc.constantFrom<number | null>(null, 0, 1), unknownReads),
    {
      weight: 3,
      arbitrary: fc
        .record({ value: intVal, status: fc.constantFrom<'ok' | 'unknown'>('ok', 'ok', 'ok', 'unknown') })
        .map(({ value, status }): OpBody => ({ input: { f: 'write', value }, output: { status } })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ from: intVal, to: intVal, status: fc.constantFrom<'ok' | 'fail' | 'unknown'>('ok', 'ok', 'fail', 'unknown') })
        .map(({ from, to, status }): OpBody => ({ input: { f: 'cas', from, to }, output: { status } })),
    },
  );
}

export const registerBody: fc.Arbitrary<OpBody> = registerBodyWith();

/** `cas-register` (knossos): values 0–2 from init 0, no `fail` status and no null reads (knossos preprocessing). */
export function casRegisterBodyWith(unknownReads: UnknownReads = 'within'): fc.Arbitrary<OpBody> {
  const val = fc.constantFrom(0, 1, 2);
  const status = fc.constantFrom<'ok' | 'unknown'>('ok', 'ok', 'ok', 'unknown');
  return fc.oneof(
    ...readBodies(val, unknownReads),
    { weight: 2, arbitrary: fc.record({ value: val, status }).map(({ value, status }): OpBody => ({ input: { f: 'write', value }, output: { status } })) },
    { weight: 3, arbitrary: fc.record({ from: val, to: val, status }).map(({ from, to, status }): OpBody => ({ input: { f: 'cas', from, to }, output: { status } })) },
  );
}

export const casRegisterBody: fc.Arbitrary<OpBody> = casRegisterBodyWith();

/** Values a kv read sees by default. */
export const KV_READ_VALUES = ['', 'x', 'y', 'xy', 'yx', 'xx'] as const;

/** `kv` over `keys`: read / write / append of single letters; reads see one of `readValues`. */
export function kvBody(keys: readonly string[], readValues: readonly string[] = KV_READ_VALUES): fc.Arbitrary<OpBody> {
  const key = fc.constantFrom(...keys);
  const letter = fc.constantFrom('x', 'y');
  const status = fc.constantFrom<'ok' | 'unknown'>('ok', 'ok', 'ok', 'ok', 'unknown');
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({ key, value: fc.constantFrom(...readValues), status })
        .map(({ key, value, status }): OpBody => (status === 'ok' ? { input: { f: 'read', key }, output: { status, value } } : { input: { f: 'read', key }, output: { status } })),
    },
    { weight: 2, arbitrary: fc.record({ key, value: letter, status }).map(({ key, value, status }): OpBody => ({ input: { f: 'write', key, value }, output: { status } })) },
    { weight: 2, arbitrary: fc.record({ key, value: letter, status }).map(({ key, value, status }): OpBody => ({ input: { f: 'append', key, value }, output: { status } })) },
  );
}

// ---------------------------------------------------------------- znode

export const SESSIONS = ['s1', 's2'] as const;
type Status = HistoryOp['output']['status'];
type Rc = NonNullable<HistoryOp['output']['rc']>;

/**
 * `full`: everything, data and versions observed (the full znode model is needed).
 * `existence`: no successful get, no version asked or answered, no BAD_VERSION — the checker
 * then uses znodeExistenceModel on the path, with interchangeable pending ops.
 */
export type ZnodeMode = 'full' | 'existence' | 'pending-burst';
/* `pending-burst`: existence only, with more clients, most of them ending in a pending op, and
 * sessions from a smaller set: many pending ops the existence model calls interchangeable. */

export function znodeBody(paths: readonly string[], mode: ZnodeMode): fc.Arbitrary<OpBody> {
  const key = fc.constantFrom(...paths);
  const value = fc.constantFrom('x', 'y');
  const full = mode === 'full';
  // Existence mode: fewer distinct (f, session) pairs, so that pending ops are often interchangeable.
  const session = full
    ? fc.constantFrom<string | undefined>(undefined, undefined, ...SESSIONS)
    : mode === 'existence'
      ? fc.constantFrom<string | undefined>(undefined, undefined, 's1', 's1', 's2')
      : fc.constantFrom<string | undefined>(undefined, 's1');
  /** Expected version of a set / delete: -1 (any), or a compare-and-set on 0 or 1 (full mode). */
  const inVersion = full ? fc.constantFrom<number | undefined>(undefined, -1, 0, 1) : fc.constantFrom<number | undefined>(undefined, -1);
  const outVersion = full ? fc.constantFrom<number | undefined>(undefined, 0, 1, 2) : fc.constant<number | undefined>(undefined);
  const consistency = fc.constantFrom<OpBody['consistency']>(undefined, undefined, 'sync', 'sequential');
  const withStatus = (statuses: readonly ('ok' | 'unknown' | Rc)[]) => fc.constantFrom(...statuses);
  const out = (s: 'ok' | 'unknown' | Rc, extra: Partial<HistoryOp['output']> = {}): HistoryOp['output'] =>
    s === 'ok' || s === 'unknown' ? { status: s, ...(s === 'ok' ? extra : {}) } : { status: 'fail', rc: s };
  const clean = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T; // drops undefined fields

  const create = fc
    .record({ key, value, session, s: withStatus(['ok', 'ok', 'NODE_EXISTS', 'unknown']) })
    .map(({ key, value, session, s }): OpBody => clean({ input: { f: 'create', key, value, session }, output: out(s) }));
  const del = fc
    .record({ key, version: inVersion, s: withStatus(full ? ['ok', 'ok', 'NO_NODE', 'BAD_VERSION', 'unknown'] : ['ok', 'ok', 'NO_NODE', 'NOT_EMPTY', 'unknown']) })
    .map(({ key, version, s }): OpBody => clean({ input: { f: 'delete', key, version }, output: out(s) }));
  const set = fc
    .record({ key, value, version: inVersion, v: outVersion, s: withStatus(full ? ['ok', 'ok', 'NO_NODE', 'BAD_VERSION', 'unknown'] : ['ok', 'ok', 'NO_NODE', 'unknown']) })
    .map(({ key, value, version, v, s }): OpBody => clean({ input: { f: 'set', key, value, version }, output: out(s, { version: v }) }));
  const get = fc
    .record({ key, value, v: outVersion, s: withStatus(full ? ['ok', 'ok', 'NO_NODE', 'unknown'] : ['NO_NODE', 'unknown']), consistency })
    .map(({ key, value, v, s, consistency }): OpBody => clean({ input: { f: 'get', key }, output: out(s, { value, version: v }), consistency }));
  const exists = fc
    .record({ key, v: outVersion, s: withStatus(['ok', 'ok', 'NO_NODE']), consistency })
    .map(({ key, v, s, consistency }): OpBody => clean({ input: { f: 'exists', key }, output: out(s, { version: v }), consistency }));
  const expire = fc
    .record({ key, session: mode === 'pending-burst' ? fc.constantFrom('s1', 's1', 's2') : fc.constantFrom(...SESSIONS), s: withStatus(['ok', 'ok', 'unknown']) })
    .map(({ key, session, s }): OpBody => ({ input: { f: 'expire', key, session }, output: { status: s as Status } }));
  return fc.oneof(
    { weight: 4, arbitrary: create },
    { weight: full ? 2 : 3, arbitrary: del },
    { weight: full ? 2 : 1, arbitrary: set },
    { weight: full ? 3 : 1, arbitrary: get },
    { weight: full ? 2 : 3, arbitrary: exists },
    { weight: 2, arbitrary: expire },
  );
}

export function znodeHistoryArb(paths: readonly string[], mode: ZnodeMode): fc.Arbitrary<History> {
  // More pending ops than the register generators: pending creates, deletes and expires are what
  // the existence model's interchangeable-pending reduction is about.
  const shape: HistoryShape = mode === 'full' ? { pendingWeight: 2 } : mode === 'existence' ? { pendingWeight: 4 } : { pendingWeight: 12, maxClients: 6 };
  return historyArb('znode', null, znodeBody(paths, mode), shape);
}

/** Deterministic samples (for corpora that are computed once, e.g. the mutation test's). */
export function sample<T>(arb: fc.Arbitrary<T>, seed: number, numRuns: number): T[] {
  return fc.sample(arb, { seed, numRuns });
}
