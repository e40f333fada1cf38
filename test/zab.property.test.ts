// Random fault schedules against ensembles: the ZAB invariants hold throughout, and once the
// faults heal a leader is established and every replica converges (liveness).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZabInvariants } from '../sim/check/zab-invariants.js';
import { EnsembleWorld } from '../sim/harness/ensemble-world.js';
import type { FaultSpec } from '../sim/world/fault-spec.js';
import { validateScenario } from '../sim/scenario/load.js';
import { runScenario } from '../sim/scenario/simulation.js';

/**
 * fast-check's seed: fixed by default so CI is repeatable; ZAB_SEED=random explores new cases,
 * ZAB_SEED=N replays one exploration (a failure prints its seed and path).
 */
const SEED = process.env.ZAB_SEED === 'random' ? undefined : Number(process.env.ZAB_SEED ?? 20261125);
const seeded = SEED === undefined ? {} : { seed: SEED };

type Fault = DistributiveOmit<FaultSpec, 'at'> & { at: number };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const FAULT_PHASE = 40_000;

function faultArb(n: number): fc.Arbitrary<Fault> {
  const node = fc.integer({ min: 1, max: n }).map((i) => `s${i}`);
  const at = fc.integer({ min: 500, max: FAULT_PHASE - 1000 });
  const duration = fc.integer({ min: 100, max: 15_000 });
  return fc.oneof(
    fc.record({ at, kind: fc.constant('crash' as const), node, mode: fc.constantFrom('process' as const, 'machine' as const), restartAfterTicks: duration }),
    fc.record({ at, kind: fc.constant('isolate' as const), node, durationTicks: duration }),
    fc.record({ at, kind: fc.constant('pause' as const), node, durationTicks: duration }),
    fc.record({ at, kind: fc.constant('kill-connections' as const), nodes: node.map((x) => [x]) }),
    fc.record({
      at,
      kind: fc.constant('partition' as const),
      groups: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => `s${i + 1}`), { minLength: 1, maxLength: n - 1 }).map((g) => [g, 'rest']),
      durationTicks: duration,
    }),
  ) as fc.Arbitrary<Fault>;
}

function run(n: number, seed: number, faults: Fault[]) {
  const ew = new EnsembleWorld({ servers: n, seed: String(seed) });
  const inv = new ZabInvariants(ew.world, ew.servers);
  ew.trace.subscribe(() => inv.check());
  ew.world.faults.schedule(faults as FaultSpec[]);
  let writes = 0;
  while (ew.now < FAULT_PHASE) {
    ew.advance(250);
    if (ew.write({ op: 'create', path: `/w${writes}`, data: String(writes), mode: 'PERSISTENT' }) !== undefined) writes++;
  }
  // Liveness phase: everything heals; a leader must serve and all replicas converge.
  ew.fault({ kind: 'heal' });
  for (const s of ew.servers) if (!ew.world.isUp(s)) ew.fault({ kind: 'restart', node: s });
  ew.runUntil(() => ew.settled(), 120_000);
  // The leader may still be paused (its inputs wait): retry until a write is proposed.
  const healedAt = ew.now;
  let final: string | undefined;
  while ((final = ew.write({ op: 'create', path: '/final', data: 'x', mode: 'PERSISTENT' })) === undefined && ew.now < healedAt + 60_000) {
    ew.advance(100);
    ew.runUntil(() => ew.settled(), 120_000);
  }
  expect(final).toBeDefined();
  const treeOf = (s: string) => {
    const t = ew.peer(s)!.db.tree;
    return t.sortedPaths().map((p) => `${p}=${t.get(p)!.data}`).join(' ');
  };
  // Every replica catches up within a bound (a server paused past the heal resumes, times out, resyncs).
  ew.runUntil(() => ew.settled() && new Set(ew.servers.map(treeOf)).size === 1 && treeOf(ew.servers[0]).includes('/final='), 120_000);
  return { inv: inv.finish(), trees: ew.servers.map(treeOf), writes };
}

describe('ZAB under random faults', () => {
  for (const n of [3, 5]) {
    it(`${n} servers: invariants hold, then a leader serves and replicas converge`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(faultArb(n), { maxLength: Number(process.env.ZAB_FAULTS ?? 6) }), (seed, faults) => {
          const r = run(n, seed, faults);
          expect(r.inv.violations).toEqual([]);
          expect(new Set(r.trees).size).toBe(1);
          expect(r.trees[0]).toContain('/final=x');
        }),
        { numRuns: Number(process.env.ZAB_RUNS ?? (n === 3 ? 40 : 20)), verbose: 1, ...seeded },
      );
    }, 300_000);
  }
});

describe('ZAB with clients under random faults', () => {
  it('5 servers and 4 clients: invariants hold; after healing every client is connected with nothing hanging', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(faultArb(5), { maxLength: Number(process.env.ZAB_FAULTS ?? 6) }), (seed, faults) => {
        const scenario = validateScenario(
          {
            version: 1,
            name: 'property-clients',
            seed,
            durationTicks: 100_000,
            servers: 5,
            protocol: { kind: 'zookeeper', clients: { count: 4, opsPerSecond: 10, keys: 6, sessionTimeoutMs: 8000 } },
            faults: faults.map((f) => ({ ...f, at: Math.min(f.at, 40_000) })),
            checks: { liveness: { settleTicks: 45_000 } },
          },
          'property-clients',
        );
        const r = runScenario(scenario);
        for (const v of r.verdicts) expect(v.status, `${v.check}: ${v.summary} ${v.violations.join(' | ')}`).toBe('pass');
      }),
      { numRuns: Number(process.env.ZAB_RUNS ?? 15), verbose: 1, ...seeded },
    );
  }, 300_000);
});
