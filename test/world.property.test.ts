import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../sim/scenario/load.js';
import { runScenario } from '../sim/scenario/simulation.js';
import type { FaultSpec } from '../sim/world/fault-spec.js';

/**
 * Property runs of the ping-pong protocol under generated fault schedules. On a failure fast-check
 * prints the seed and the path; re-run with `fc.assert(prop, { seed, path })` to replay it, and the
 * failing scenario is in the error message.
 */
const DURATION = 20_000;
const QUIET_FROM = 12_000;

const node = fc.constantFrom('s1', 's2', 's3', 's4', 'random', 'random-minority', 'all');
const at = fc.integer({ min: 0, max: QUIET_FROM - 1 });
const dur = fc.integer({ min: 1, max: 4000 });

const faultArb: fc.Arbitrary<FaultSpec> = fc.oneof(
  fc.record({ kind: fc.constant('partition' as const), at, durationTicks: dur, groups: fc.constant(['random-minority', 'rest']).map((g) => [...g]) }),
  fc.record({ kind: fc.constant('isolate' as const), at, durationTicks: dur, node }),
  fc.record({ kind: fc.constant('one-way' as const), at, durationTicks: dur, from: node, to: node }),
  fc.record({ kind: fc.constant('bridge' as const), at, durationTicks: dur }),
  fc.record({ kind: fc.constant('ring' as const), at, durationTicks: dur }),
  fc.record({ kind: fc.constant('clog' as const), at, durationTicks: dur, from: node, to: node }),
  fc.record({ kind: fc.constant('swizzle-clog' as const), at, stepTicks: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('kill-connections' as const), at, nodes: node }),
  fc.record({
    kind: fc.constant('network' as const),
    at,
    durationTicks: dur,
    latency: fc.record({ minTicks: fc.constant(1), maxTicks: fc.integer({ min: 1, max: 100 }) }),
  }),
  fc.record({ kind: fc.constant('crash' as const), at, node, mode: fc.constantFrom('process' as const, 'machine' as const), restartAfterTicks: dur, tornWrite: fc.boolean() }),
  fc.record({ kind: fc.constant('pause' as const), at, node, durationTicks: dur }),
  fc.record({ kind: fc.constant('clock-jump' as const), at, node, deltaTicks: fc.integer({ min: -50_000, max: 50_000 }) }),
  fc.record({ kind: fc.constant('clock-drift' as const), at, node, ppm: fc.integer({ min: -200_000, max: 200_000 }) }),
  fc.record({ kind: fc.constant('slow-disk' as const), at, node, factor: fc.integer({ min: 1, max: 100 }), durationTicks: dur }),
  fc.record({ kind: fc.constant('disk-full' as const), at, node, durationTicks: dur }),
);

function scenario(seed: number, faults: FaultSpec[], tcpTimeoutTicks: number): unknown {
  return {
    version: 1,
    name: 'property',
    seed,
    durationTicks: DURATION,
    servers: 4,
    protocol: { kind: 'pingpong', pingIntervalTicks: 50, reconnectTicks: 200, syncEvery: 5 },
    network: { latency: { minTicks: 1, maxTicks: 20, tailRate: 0.05, tailMaxTicks: 300 }, connectTimeoutTicks: 1000, tcpTimeoutTicks },
    // the swizzle and every duration end by QUIET_FROM + 4000; the last 4000 ticks are quiet
    faults: [...faults, { at: QUIET_FROM + 4000 - 1, kind: 'heal' }],
    checks: { liveness: { settleTicks: 2000 } },
  };
}

describe('the world under generated faults (ping-pong over connections)', () => {
  it('keeps per-connection FIFO, accounts for every message, and recovers liveness once faults heal', () => {
    let judged = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(faultArb, { maxLength: 12 }),
        fc.constantFrom(500, 3000, 30_000),
        (seed, faults, tcp) => {
          const s = validateScenario(scenario(seed, faults, tcp), 'property');
          const r = runScenario(s);
          const status = Object.fromEntries(r.verdicts.map((v) => [v.check, v]));
          const context = JSON.stringify(s);
          for (const check of ['connection-fifo', 'message-accounting', 'pingpong-sequence', 'pingpong-durability']) {
            expect(status[check].status, `${check}: ${status[check].violations.join('; ')}\nscenario: ${context}`).toBe('pass');
          }
          expect(status.liveness.status, `liveness: ${status.liveness.summary} ${status.liveness.violations.join('; ')}\nscenario: ${context}`).not.toBe('fail');
          if (status.liveness.status === 'pass') judged++;
        },
      ),
      { numRuns: 60 },
    );
    // The quiet period is long enough that liveness is actually judged in most runs.
    expect(judged).toBeGreaterThan(30);
  });

  it('swarm schedules (one per seed) keep every check green, liveness included', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const s = validateScenario(
        {
          version: 1,
          name: 'swarm',
          seed,
          durationTicks: 60_000,
          servers: 5,
          protocol: { kind: 'pingpong' },
          faults: { swarm: { quietTicks: 25_000 } },
        },
        'swarm',
      );
      const r = runScenario(s);
      for (const v of r.verdicts) expect(v.status, `seed ${seed}: ${v.check}: ${v.summary} ${v.violations.join('; ')}`).toBe('pass');
    }
  });
});
