/**
 * Cross-check of the linearizability checker against the brute-force oracle
 * (test/helpers/lin-bruteforce.ts) on thousands of small random histories of each model.
 * Values come from tiny domains so that both verdicts are common; the test also counts the
 * verdicts, so a generator that (after some change) only produced one kind would fail here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../sim/check/linearizability/check.js';
import type { HistoryModelName } from '../sim/check/linearizability/history.js';
import { bruteForceLinearizable } from './helpers/lin-bruteforce.js';
import { casRegisterBody, historyArb, INIT, kvBody, MAX_OPS, registerBody, type OpBody } from './helpers/lin-gen.js';

/** Histories per register model; each kv case (1 key, 2 keys) gets 2/3 of this. The whole file runs in ~1 s. */
const NUM_RUNS = 3000;

// The generators and the history shape are test/helpers/lin-gen.ts's defaults: 1–4 clients of 1–3
// sequential ops each on a 0..24 clock, a client's last op pending one time in five, ≤ MAX_OPS ops.
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
        fc.property(historyArb(model, INIT[model], body), (h) => {
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
