/**
 * The `znode` model (zksim's own: a ZooKeeper znode per path, README "The znode model"):
 * - every rule on both sides, with hand-written histories (test/helpers/znode-cases.ts), each
 *   checked by checkHistory and by the brute-force oracle (test/helpers/lin-bruteforce.ts, which
 *   has its own znode semantics, written from the rules and sharing no code with models.ts);
 * - a fast-check cross-check of checkHistory against the oracle on thousands of small random
 *   znode histories, with and without observed data/versions, so that both the full model and the
 *   existence model (with its interchangeable-pending symmetry reduction) are exercised.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory, checkPartitions, type LinVerdict } from '../sim/check/linearizability/check.js';
import { parseHistory, type History } from '../sim/check/linearizability/history.js';
import { partitions, znodeExistenceModel, znodeModel, type Partition } from '../sim/check/linearizability/models.js';
import { bruteForceLinearizable } from './helpers/lin-bruteforce.js';
import { MAX_OPS, znodeHistoryArb, type ZnodeMode } from './helpers/lin-gen.js';
import { ALL_ZNODE_CASES, ZNODE_CASES, znodeCaseHistory } from './helpers/znode-cases.js';

const verdictOf = (linearizable: boolean): LinVerdict => (linearizable ? 'linearizable' : 'not-linearizable');

/** The same search with every existence-model partition judged by the full znode model instead. */
function withFullModel(h: History): LinVerdict {
  return checkPartitions(partitions(h).map((p): Partition => (p.model === znodeExistenceModel ? { ...p, model: znodeModel } : p))).verdict;
}

/** Pending ops on an existence-model path that the model calls interchangeable with another one. */
function interchangeablePending(h: History): number {
  let n = 0;
  for (const p of partitions(h)) {
    if (p.model !== znodeExistenceModel) continue;
    const keys = p.ops.map((op) => znodeExistenceModel.equivalence!(op)).filter((k): k is string => k !== undefined);
    n += keys.length - new Set(keys).size;
  }
  return n;
}

describe('znode model rules (hand-written histories, both sides of each rule)', () => {
  for (const [rule, cases] of Object.entries(ZNODE_CASES)) {
    describe(rule, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const h = znodeCaseHistory(c);
        // Every hand history is a valid interchange file.
        expect(() => parseHistory(JSON.stringify(h), `${c.name}.json`)).not.toThrow();
        const want = verdictOf(c.linearizable);
        expect(verdictOf(bruteForceLinearizable(h)), 'brute-force oracle').toBe(want);
        expect(checkHistory(h).verdict, 'checkHistory').toBe(want);
        // The existence abstraction loses nothing: the full model gives the same verdict.
        expect(withFullModel(h), 'with the full znode model on every path').toBe(want);
      });
    });
  }

  it('the hand cases have both sides of every rule and use both znode models', () => {
    for (const [rule, cases] of Object.entries(ZNODE_CASES)) {
      expect(cases.some((c) => c.linearizable), `${rule}: a linearizable case`).toBe(true);
      expect(cases.some((c) => !c.linearizable), `${rule}: a non-linearizable case`).toBe(true);
    }
    const models = ALL_ZNODE_CASES.flatMap((c) => partitions(znodeCaseHistory(c)).map((p) => p.model));
    const full = models.filter((m) => m === znodeModel).length;
    const existence = models.filter((m) => m === znodeExistenceModel).length;
    console.log(`lin-znode: ${ALL_ZNODE_CASES.length} hand cases; partitions: ${full} full znode model, ${existence} existence model`);
    expect(full).toBeGreaterThan(20);
    expect(existence).toBeGreaterThan(20);
    // The symmetry reduction has something to reduce in some hand cases.
    expect(ALL_ZNODE_CASES.filter((c) => interchangeablePending(znodeCaseHistory(c)) > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('an existence-only history is judged by znodeExistenceModel, one that reads data by znodeModel', () => {
    const existence = znodeCaseHistory(ZNODE_CASES['pending ops (may take effect anywhere after their call)'].find((c) => c.name.startsWith('two pending creates and a pending'))!);
    expect(partitions(existence)[0].model).toBe(znodeExistenceModel);
    const full = znodeCaseHistory(ZNODE_CASES['set ok (present, version matches; version + 1, answered version checked)'][0]);
    expect(partitions(full)[0].model).toBe(znodeModel);
  });

  it('an empty znode history is linearizable', () => {
    expect(checkHistory({ version: 1, name: 'empty', model: 'znode', init: null, ops: [] }).verdict).toBe('linearizable');
  });
});

/** Histories per configuration (5 configurations; LIN_ZNODE_RUNS overrides). The whole describe runs in about 2 s. */
const NUM_RUNS = Number(process.env.LIN_ZNODE_RUNS ?? 1500);

const configs: { label: string; paths: string[]; mode: ZnodeMode }[] = [
  { label: '1 path, data and versions observed', paths: ['/a'], mode: 'full' },
  { label: '2 paths, data and versions observed', paths: ['/a', '/b'], mode: 'full' },
  { label: '1 path, existence only', paths: ['/a'], mode: 'existence' },
  { label: '2 paths, existence only', paths: ['/a', '/b'], mode: 'existence' },
  { label: '1 path, existence only, many pending ops', paths: ['/a'], mode: 'pending-burst' },
];

describe('checkHistory agrees with the brute-force oracle on small random znode histories', () => {
  const models = { full: 0, existence: 0 };
  const totals = { histories: 0, linearizable: 0, notLinearizable: 0 };

  for (const { label, paths, mode } of configs) {
    it(`${label} (${NUM_RUNS} histories)`, () => {
      const counts = { linearizable: 0, 'not-linearizable': 0 };
      const shape = { withPartitions: 0, ops: 0, eightOps: 0, pending: 0, unknown: 0, fail: 0, ephemeral: 0, expire: 0, sequential: 0, sync: 0, interchangeable: 0, fullParts: 0, existenceParts: 0, firstIsExistence: 0 };
      const result = fc.check(
        fc.property(znodeHistoryArb(paths, mode), (h) => {
          const linearizable = bruteForceLinearizable(h);
          const expected = verdictOf(linearizable);
          counts[linearizable ? 'linearizable' : 'not-linearizable']++;
          shape.ops += h.ops.length;
          if (h.ops.length === MAX_OPS) shape.eightOps++;
          if (h.ops.some((o) => o.pending)) shape.pending++;
          if (h.ops.some((o) => !o.pending && o.output.status === 'unknown')) shape.unknown++;
          if (h.ops.some((o) => o.output.status === 'fail')) shape.fail++;
          if (h.ops.some((o) => o.input.f === 'create' && o.input.session !== undefined)) shape.ephemeral++;
          if (h.ops.some((o) => o.input.f === 'expire')) shape.expire++;
          if (h.ops.some((o) => o.consistency === 'sequential')) shape.sequential++;
          if (h.ops.some((o) => o.consistency === 'sync')) shape.sync++;
          if (interchangeablePending(h) > 0) shape.interchangeable++;
          const parts = partitions(h);
          for (const p of parts) {
            if (p.model === znodeModel) shape.fullParts++;
            else if (p.model === znodeExistenceModel) shape.existenceParts++;
          }
          if (parts.length > 0) shape.withPartitions++; // (none when every op is a sequential read)
          if (parts.length > 0 && parts[0].model === znodeExistenceModel) shape.firstIsExistence++;
          const got = checkHistory(h).verdict;
          if (got !== expected) throw new Error(`checkHistory says ${got}, brute force says ${expected}:\n${JSON.stringify(h)}`);
          // On existence-only paths the abstraction must not change the verdict either.
          if (parts.some((p) => p.model === znodeExistenceModel)) {
            const full = withFullModel(h);
            if (full !== expected) throw new Error(`with the full znode model on every path: ${full}, brute force says ${expected}:\n${JSON.stringify(h)}`);
          }
        }),
        { numRuns: NUM_RUNS },
      );
      if (result.failed) {
        // The seed and path replay the failure: fc.assert(prop, { seed, path, endOnFailure: true }).
        throw new Error(
          `lin-znode cross-check (${label}) failed: seed ${result.seed}, path "${result.counterexamplePath}"\n` +
            `counterexample: ${JSON.stringify(result.counterexample?.[0])}\n${String(result.errorInstance)}`,
        );
      }
      console.log(
        `lin-znode ${label}: ${counts.linearizable} linearizable, ${counts['not-linearizable']} not; mean ${(shape.ops / NUM_RUNS).toFixed(1)} ops, ` +
          `${shape.eightOps} with ${MAX_OPS} ops, ${shape.pending} with pending, ${shape.unknown} with completed unknown, ${shape.fail} with error answers, ` +
          `${shape.ephemeral} with ephemeral creates, ${shape.expire} with expires, ${shape.sequential} with sequential reads, ${shape.sync} with sync reads; ` +
          `partitions: ${shape.fullParts} znodeModel, ${shape.existenceParts} znodeExistenceModel (first partition existence in ${shape.firstIsExistence}); ` +
          `${shape.interchangeable} histories with interchangeable pending ops`,
      );
      totals.histories += NUM_RUNS;
      totals.linearizable += counts.linearizable;
      totals.notLinearizable += counts['not-linearizable'];
      models.full += shape.fullParts;
      models.existence += shape.existenceParts;
      // Both verdicts common, or the property says little.
      expect(counts.linearizable).toBeGreaterThan(NUM_RUNS * 0.1);
      expect(counts['not-linearizable']).toBeGreaterThan(NUM_RUNS * 0.1);
      expect(shape.pending).toBeGreaterThan(NUM_RUNS * 0.2);
      expect(shape.ephemeral).toBeGreaterThan(NUM_RUNS * 0.2);
      expect(shape.expire).toBeGreaterThan(NUM_RUNS * 0.2);
      if (mode !== 'full') {
        // Nothing observes data or version: every partition uses the existence model...
        expect(shape.fullParts).toBe(0);
        expect(shape.firstIsExistence).toBe(shape.withPartitions);
        expect(shape.withPartitions).toBeGreaterThan(NUM_RUNS * 0.9);
        // ...and the symmetry reduction has interchangeable pending ops to work on.
        expect(shape.interchangeable).toBeGreaterThan(NUM_RUNS * (mode === 'pending-burst' ? 0.15 : 0.015));
      } else {
        expect(shape.fullParts).toBeGreaterThan(NUM_RUNS * 0.5);
        expect(shape.sequential).toBeGreaterThan(NUM_RUNS * 0.1);
        expect(shape.sync).toBeGreaterThan(NUM_RUNS * 0.1);
      }
    });
  }

  it('both znode models were exercised', () => {
    console.log(`lin-znode cross-check: ${totals.histories} histories (${totals.linearizable} linearizable, ${totals.notLinearizable} not); partitions: ${models.full} znodeModel, ${models.existence} znodeExistenceModel`);
    expect(models.full).toBeGreaterThan(1000);
    expect(models.existence).toBeGreaterThan(1000);
  });
});
