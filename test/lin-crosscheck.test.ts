/**
 * Cross-check of the linearizability checker against the brute-force oracle
 * (test/helpers/lin-bruteforce.ts) on thousands of small random histories of each model.
 * Values come from tiny domains so that both verdicts are common; the test also counts the
 * verdicts, so a generator that (after some change) only produced one kind would fail here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../sim/check/linearizability/check.js';
import { parseHistory, type History, type HistoryModelName, type HistoryOp } from '../sim/check/linearizability/history.js';
import { bruteForceLinearizable } from './helpers/lin-bruteforce.js';

const MAX_OPS = 8;
/** Histories per register model; each kv case (1 key, 2 keys) gets 2/3 of this. The whole file runs in ~1 s. */
const NUM_RUNS = 3000;

/** An op without its times and client (those are assigned per client below). */
type OpBody = Pick<HistoryOp, 'input' | 'output'>;

const intVal = fc.constantFrom(0, 1);
const regReadValue = fc.constantFrom<number | null>(null, 0, 1);

/** `register` (etcd): reads may see null, cas may fail; statuses ok / fail (cas) / unknown. */
const registerBody: fc.Arbitrary<OpBody> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.oneof(
      { weight: 4, arbitrary: regReadValue.map((value): OpBody => ({ input: { f: 'read' }, output: { status: 'ok', value } })) },
      { weight: 1, arbitrary: fc.constant<OpBody>({ input: { f: 'read' }, output: { status: 'unknown' } }) },
    ),
  },
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

/** `cas-register` (knossos): init 0, no `fail` status and no null reads (knossos preprocessing). */
const casRegisterBody: fc.Arbitrary<OpBody> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(0, 1, 2).map((value): OpBody => ({ input: { f: 'read' }, output: { status: 'ok', value } })) },
      { weight: 1, arbitrary: fc.constant<OpBody>({ input: { f: 'read' }, output: { status: 'unknown' } }) },
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ value: fc.constantFrom(0, 1, 2), status: fc.constantFrom<'ok' | 'unknown'>('ok', 'ok', 'ok', 'unknown') })
      .map(({ value, status }): OpBody => ({ input: { f: 'write', value }, output: { status } })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ from: fc.constantFrom(0, 1, 2), to: fc.constantFrom(0, 1, 2), status: fc.constantFrom<'ok' | 'unknown'>('ok', 'ok', 'ok', 'unknown') })
      .map(({ from, to, status }): OpBody => ({ input: { f: 'cas', from, to }, output: { status } })),
  },
);

/** `kv` with 1 or 2 keys: read / write / append over single letters. */
function kvBody(keys: readonly string[]): fc.Arbitrary<OpBody> {
  const key = fc.constantFrom(...keys);
  const letter = fc.constantFrom('x', 'y');
  const status = fc.constantFrom<'ok' | 'unknown'>('ok', 'ok', 'ok', 'ok', 'unknown');
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({ key, value: fc.constantFrom('', 'x', 'y', 'xy', 'yx', 'xx'), status })
        .map(({ key, value, status }): OpBody =>
          status === 'ok' ? { input: { f: 'read', key }, output: { status, value } } : { input: { f: 'read', key }, output: { status } },
        ),
    },
    {
      weight: 2,
      arbitrary: fc.record({ key, value: letter, status }).map(({ key, value, status }): OpBody => ({ input: { f: 'write', key, value }, output: { status } })),
    },
    {
      weight: 2,
      arbitrary: fc.record({ key, value: letter, status }).map(({ key, value, status }): OpBody => ({ input: { f: 'append', key, value }, output: { status } })),
    },
  );
}

/**
 * 1–4 clients, each issuing 1–3 ops one after another (its 2n times are distinct, sorted and
 * paired as call/return, so its own ops never overlap), all on a 0..24 clock so that different
 * clients overlap often (their times may coincide: touching intervals are concurrent). A client's
 * last op is pending one time in five. At most MAX_OPS ops in all (later clients are cut).
 */
function historyArb(model: HistoryModelName, body: fc.Arbitrary<OpBody>): fc.Arbitrary<History> {
  const plan = fc.array(body, { minLength: 1, maxLength: 3 }).chain((bodies) =>
    fc.record({
      bodies: fc.constant(bodies),
      times: fc.uniqueArray(fc.integer({ min: 0, max: 24 }), { minLength: 2 * bodies.length, maxLength: 2 * bodies.length }),
      lastPending: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  );
  return fc.array(plan, { minLength: 1, maxLength: 4 }).map((clients): History => {
    const ops: HistoryOp[] = [];
    const pendingOps: HistoryOp[] = [];
    let budget = MAX_OPS;
    clients.forEach((c, client) => {
      const times = [...c.times].sort((a, b) => a - b);
      const n = Math.min(c.bodies.length, budget);
      budget -= n;
      for (let i = 0; i < n; i++) {
        const b = c.bodies[i];
        const op: HistoryOp = { client, call: times[2 * i], return: times[2 * i + 1], input: { ...b.input }, output: { ...b.output } };
        if (c.lastPending && i === n - 1) {
          // Pending: status unknown, no value, return after every other time (set below).
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
    const h: History = { version: 1, name: 'generated', model, init: model === 'register' ? null : model === 'cas-register' ? 0 : '', ops };
    // Round-trip through the parser: the generated histories must be valid interchange files.
    return parseHistory(JSON.stringify(h), 'generated.json');
  });
}

const cases: { label: string; model: HistoryModelName; body: fc.Arbitrary<OpBody> }[] = [
  { label: 'register', model: 'register', body: registerBody },
  { label: 'cas-register', model: 'cas-register', body: casRegisterBody },
  { label: 'kv, 1 key', model: 'kv', body: kvBody(['a']) },
  { label: 'kv, 2 keys', model: 'kv', body: kvBody(['a', 'b']) },
];

describe('checkHistory agrees with the brute-force oracle on small random histories', () => {
  for (const { label, model, body } of cases) {
    const runs = model === 'kv' ? Math.round((NUM_RUNS * 2) / 3) : NUM_RUNS;
    it(`${label} (${runs} histories)`, () => {
      const counts = { linearizable: 0, 'not-linearizable': 0 };
      const shape = { ops: 0, withPending: 0, withUnknown: 0, withFail: 0, eightOps: 0 };
      fc.assert(
        fc.property(historyArb(model, body), (h) => {
          const expected = bruteForceLinearizable(h) ? 'linearizable' : 'not-linearizable';
          counts[expected]++;
          shape.ops += h.ops.length;
          if (h.ops.some((o) => o.pending)) shape.withPending++;
          if (h.ops.some((o) => !o.pending && o.output.status === 'unknown')) shape.withUnknown++;
          if (h.ops.some((o) => o.output.status === 'fail')) shape.withFail++;
          if (h.ops.length === MAX_OPS) shape.eightOps++;
          const got = checkHistory(h).verdict;
          if (got !== expected) throw new Error(`checkHistory says ${got}, brute force says ${expected}:\n${JSON.stringify(h)}`);
        }),
        { numRuns: runs },
      );
      console.log(
        `lin-crosscheck ${label}: ${counts.linearizable} linearizable, ${counts['not-linearizable']} not-linearizable; ` +
          `mean ${(shape.ops / runs).toFixed(1)} ops, ${shape.eightOps} with ${MAX_OPS} ops, ${shape.withPending} with pending ops, ` +
          `${shape.withUnknown} with completed unknown ops, ${shape.withFail} with failed cas`,
      );
      // Both verdicts must be common, or the property says little.
      expect(counts.linearizable).toBeGreaterThan(runs * 0.15);
      expect(counts['not-linearizable']).toBeGreaterThan(runs * 0.15);
    });
  }
});
