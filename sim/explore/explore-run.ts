/**
 * One run of a sweep: a base scenario at one seed, judged by its checkers, with the coverage
 * probes, the availability figures and the sizes the shrinker reduces (faults, client operations).
 */
import type { TraceEvent } from '../kernel/trace/events.js';
import type { Scenario } from '../scenario/schema.js';
import { Simulation } from '../scenario/simulation.js';
import type { FaultSpec } from '../world/fault-spec.js';
import { AvailabilityTracker, type Availability } from './availability.js';
import { ProbeCounter, type ProbeCounts } from './probes.js';

export interface RunSummary {
  seed: number;
  /** fail: some check failed; unknown: none failed but some could not judge; else pass. */
  status: 'pass' | 'fail' | 'unknown';
  /** Failed checks, most telling first (safety before liveness). */
  failed: string[];
  unknown: string[];
  /** The first violation of each failed check. */
  violations: { check: string; summary: string; first?: string }[];
  probes: ProbeCounts;
  availability: Availability;
  /** Faults the run applied (heals not counted) and operations its clients started. */
  faults: number;
  clientOps: number;
  events: number;
  traceHash: string;
}

/**
 * Which failed check names a failure: a safety violation explains a liveness failure more often
 * than the other way round, so safety checks come first; the rest keep their order.
 */
const CHECK_PRIORITY = ['zab-invariants', 'lock-exclusion', 'lock-fencing', 'linearizability', 'zk-sessions', 'zk-session-expiry', 'zk-watches', 'connection-fifo', 'message-accounting'];

export function orderChecks(checks: readonly string[]): string[] {
  const rank = (c: string): number => {
    const i = CHECK_PRIORITY.indexOf(c);
    return i < 0 ? CHECK_PRIORITY.length : i;
  };
  return [...checks].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The scenario a seed of a base actually ran: its seed fixed and its swarm faults written out. */
export function concreteScenario(base: Scenario, seed: number): Scenario {
  const sim = new Simulation(base, { seed, traceLevel: 'off', invariants: false });
  const faults = sim.config.world.faults as FaultSpec[];
  const { faults: _f, ...rest } = base;
  return { ...rest, seed, ...(faults.length === 0 ? {} : { faults: faults.map((f) => ({ ...f })) }) } as Scenario;
}

export function countFaults(s: Scenario): number {
  return Array.isArray(s.faults) ? s.faults.filter((f) => f.kind !== 'heal').length : 0;
}

/** Runs a scenario (at `seed`, or its own) with probes and summary. */
export function exploreRun(scenario: Scenario, seed?: number): RunSummary {
  const sim = new Simulation(scenario, seed === undefined ? {} : { seed });
  const cfg = sim.config.protocol as { servers?: number; observers?: number };
  const voters = (cfg.servers ?? 1) - (cfg.observers ?? 0);
  const probes = new ProbeCounter(Math.floor(voters / 2) + 1);
  const availability = new AvailabilityTracker();
  let clientOps = 0;
  sim.trace.subscribe((e: TraceEvent) => {
    probes.onEvent(e);
    availability.onEvent(e);
    if (e.kind === 'note') {
      const d = (e as { data?: { client?: { phase?: string }; lock?: { event?: string } } }).data;
      if (d?.client?.phase === 'invoke' || d?.lock?.event === 'want') clientOps++;
    }
  });
  const r = sim.run();
  // A check the scenario expects to fail (or does not care about) is no finding.
  const expected = new Map(r.expectations.map((x) => [x.check, x.expected]));
  const finding = (check: string): boolean => expected.get(check) === 'pass' || expected.get(check) === 'unknown';
  const failed = orderChecks(r.verdicts.filter((v) => v.status === 'fail' && finding(v.check)).map((v) => v.check));
  const unknown = r.verdicts.filter((v) => v.status === 'unknown' && finding(v.check)).map((v) => v.check);
  const byCheck = new Map(r.verdicts.map((v) => [v.check, v]));
  return {
    seed: Number(sim.config.seed),
    status: failed.length > 0 ? 'fail' : unknown.length > 0 ? 'unknown' : 'pass',
    failed,
    unknown,
    violations: failed.map((c) => {
      const v = byCheck.get(c)!;
      return { check: c, summary: v.summary, ...(v.violations.length > 0 ? { first: v.violations[0] } : {}) };
    }),
    probes: probes.result(),
    availability: availability.finish(r.endAt),
    faults: sim.config.world.faults.filter((f) => f.kind !== 'heal').length,
    clientOps,
    events: r.events,
    traceHash: r.traceHash,
  };
}
