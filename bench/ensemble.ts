/**
 * Ensemble benchmark (the [ensemble] issue's reference run): 5 servers, 10 clients with one
 * session each issuing 10 random operations per second (100 client ops/s in all, two thirds
 * writes), 60 simulated seconds, swarm faults on. Three modes: no checks at all; the online ZAB
 * invariants after every kernel event (trace off); and a hashed trace with every checker.
 */
import { validateScenario } from '../sim/scenario/load.js';
import type { Scenario } from '../sim/scenario/schema.js';
import { Simulation } from '../sim/scenario/simulation.js';
import { now } from './common.js';

export function ensembleScenario(durationTicks = 60_000): Scenario {
  return validateScenario(
    {
      version: 1,
      name: 'bench-ensemble',
      seed: 1,
      durationTicks,
      servers: 5,
      protocol: { kind: 'zookeeper', clients: { count: 10, opsPerSecond: 10, keys: 8, sessionTimeoutMs: 10_000 } },
      faults: { swarm: { quietTicks: Math.floor(durationTicks / 4) } },
    },
    'bench-ensemble',
  );
}

export interface EnsembleRun {
  seed: number;
  ms: number;
  kernelEvents: number;
  traceEvents: number;
  simulatedMs: number;
  ok: boolean;
}

/** off: no trace, no checks; invariants: no trace, the ZAB invariants after every event; checked: trace hashed and every checker. */
export type EnsembleMode = 'off' | 'invariants' | 'checked';

export function runEnsemble(scenario: Scenario, seed: number, mode: EnsembleMode): EnsembleRun {
  const sim = new Simulation(scenario, { seed, traceLevel: mode === 'checked' ? 'hash' : 'off', invariants: mode !== 'off' });
  const t0 = now();
  const r = sim.run();
  const ms = now() - t0;
  const ok = r.verdicts.filter((v) => v.check === 'zab-invariants').every((v) => v.status === 'pass');
  return { seed, ms, kernelEvents: r.kernelEvents, traceEvents: r.events, simulatedMs: r.endAt, ok };
}
