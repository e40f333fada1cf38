import { isMonitor, type Checker, type Verdict, type VerdictStatus } from '../check/verdict.js';
import { Kernel, type RunStats } from '../kernel/kernel.js';
import { TRACE_FORMAT_VERSION, type TraceHeader } from '../kernel/trace/events.js';
import { Trace, type TraceLevel, type TraceSink } from '../kernel/trace/trace.js';
import { ZKSIM_VERSION } from '../version.js';
import { World } from '../world/world.js';
import { createCheckers } from './checkers.js';
import { PROTOCOLS } from './protocols.js';
import { effectiveSeed, resolveRunConfig, type RunConfig } from './resolve.js';
import type { Scenario } from './schema.js';

/** The storm guard's floor: normal runs stay below a few thousand events per simulated second. */
export const DEFAULT_STORM_EVENTS_PER_SECOND = 200_000;

/**
 * The storm guard's default for a scenario: the floor plus 100 events per operation per second
 * the scenario offers (clients, lock clients, built-in load). A busy run makes a few events per
 * operation, so only a livelock comes near it.
 */
export function defaultStormLimit(s: Scenario): number {
  const p = s.protocol as { clients?: { count: number; opsPerSecond?: number }; locks?: { clients: number }; load?: { writesPerSecond: number } };
  const ops = (p.clients === undefined ? 0 : p.clients.count * (p.clients.opsPerSecond ?? 10)) + (p.locks === undefined ? 0 : p.locks.clients * 20) + (p.load?.writesPerSecond ?? 0);
  return DEFAULT_STORM_EVENTS_PER_SECOND + Math.ceil(100 * ops);
}

export interface SimulationOptions {
  /** Overrides the scenario's seed. */
  seed?: string | number;
  /** Where trace lines go (a file, memory). Omitted: the trace is only hashed and checked. */
  sink?: TraceSink;
  /** `off` disables the trace, the fingerprint and the trace-reading checkers (benchmarks, sweeps). */
  traceLevel?: TraceLevel;
  /**
   * Online invariant monitors (e.g. the ZAB invariants) after every kernel event. Default: on
   * whenever checkers run; with `traceLevel: 'off'` they can still be turned on alone.
   */
  invariants?: boolean;
}

export interface ExpectationResult {
  check: string;
  expected: VerdictStatus | 'any';
  actual: VerdictStatus;
  met: boolean;
}

export interface RunResult {
  scenario: string;
  seed: string;
  /** Trace events recorded. */
  events: number;
  /** Kernel events executed. */
  kernelEvents: number;
  endAt: number;
  /** The run's fingerprint: FNV-1a 64 over every event line. */
  traceHash: string;
  verdicts: Verdict[];
  expectations: ExpectationResult[];
  /** Every expectation met. */
  ok: boolean;
  /** A safety violation stopped the run early (time, and the check that found it). */
  stoppedAt?: { at: number; check: string };
}

/**
 * One run of a scenario, step by step if you like: `start()`, then `stepOnce()` / `runUntil()`,
 * then `finish()`. `run()` does all three.
 */
export class Simulation {
  readonly kernel: Kernel;
  readonly trace: Trace;
  readonly world: World;
  readonly config: RunConfig;
  readonly checkers: Checker[];
  private started = false;
  /** Runs the online monitors after each kernel event, and the storm guard; true (stop) once either fired. */
  private readonly afterEvent: () => boolean;
  /** Kernel events per simulated second beyond which the run is a message storm (a livelock). */
  private readonly stormLimit: number;
  private stormWindow = 0;
  private stormEvents = 0;
  /** Where the storm guard cut the run: the servers kept each other busy and never settled. */
  storm: { at: number; events: number } | undefined;
  /** Where a monitor's safety violation stopped the run. */
  stoppedAt: { at: number; check: string } | undefined;
  private finished: RunResult | undefined;

  constructor(
    readonly scenario: Scenario,
    options: SimulationOptions = {},
  ) {
    const seed = effectiveSeed(scenario, options.seed);
    this.config = resolveRunConfig(scenario, seed);
    this.kernel = new Kernel(seed);
    const level = options.traceLevel ?? (options.sink === undefined ? 'hash' : 'full');
    this.trace = new Trace(level, options.sink);
    const entry = PROTOCOLS[scenario.protocol.kind];
    this.world = new World(this.kernel, this.trace, this.config.world, entry.program(this.config.protocol));
    const all = createCheckers(scenario, this.config.protocol, this.world);
    const invariants = options.invariants ?? level !== 'off';
    this.checkers = level === 'off' ? (invariants ? all.filter(isMonitor) : []) : invariants ? all : all.filter((c) => !isMonitor(c));
    for (const c of this.checkers) if (level !== 'off') this.trace.subscribe((e) => c.onEvent(e));
    const monitors = this.checkers.filter(isMonitor);
    this.stormLimit = scenario.checks?.liveness?.stormEventsPerSecond ?? defaultStormLimit(scenario);
    this.afterEvent = () => {
      for (const m of monitors) {
        m.afterEvent();
        if (m.violated === true && this.stoppedAt === undefined) this.stoppedAt = { at: this.kernel.now, check: m.name };
      }
      return this.stormGuard() || this.stoppedAt !== undefined;
    };
  }

  /**
   * A livelock that spins without time passing (servers that keep answering each other, such as
   * ZOOKEEPER-1419's election whose votes never settle) would run for hours and write gigabytes:
   * past the limit of events in one simulated second the run stops and liveness fails.
   */
  private stormGuard(): boolean {
    const now = this.kernel.now;
    if (now >= this.stormWindow + 1000) {
      this.stormWindow = now - (now % 1000);
      this.stormEvents = 0;
    }
    if (++this.stormEvents <= this.stormLimit || this.storm !== undefined) return false;
    this.storm = { at: now, events: this.stormEvents };
    if (this.stoppedAt === undefined) this.stoppedAt = { at: now, check: 'liveness' };
    return true;
  }

  get header(): TraceHeader {
    return {
      type: 'zksim-trace',
      format: TRACE_FORMAT_VERSION,
      zksim: ZKSIM_VERSION,
      seed: this.config.seed,
      scenario: this.scenario,
      config: this.config,
    };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.trace.writeHeader(this.header);
    this.world.start();
  }

  stepOnce(): boolean {
    this.start();
    const next = this.kernel.nextEventAt();
    if (next === undefined || next > this.config.durationTicks || this.stoppedAt !== undefined) return false;
    const stepped = this.kernel.stepOnce();
    this.afterEvent();
    return stepped;
  }

  /** Runs up to time `t` (capped at the scenario's end). */
  runUntil(t: number, stop?: () => boolean): RunStats {
    this.start();
    if (this.stoppedAt !== undefined) return { executed: 0, stoppedBy: 'stop-condition' };
    const monitor = this.afterEvent;
    const check = stop === undefined ? monitor : () => monitor() || stop();
    return this.kernel.runUntil(Math.min(t, this.config.durationTicks), check);
  }

  /** Ends the run at the scenario's end time, closes the trace and gives the verdicts. */
  finish(): RunResult {
    if (this.finished !== undefined) return this.finished;
    this.start();
    if (this.kernel.now < this.config.durationTicks && this.stoppedAt === undefined) this.kernel.runUntil(this.config.durationTicks, this.afterEvent);
    this.world.finish();
    this.trace.close();
    const verdicts = this.checkers.map((c) => c.finish());
    if (this.storm !== undefined) {
      const storm: Verdict = {
        check: 'liveness',
        status: 'fail',
        summary: `message storm: more than ${this.stormLimit.toLocaleString('en-US')} events within one simulated second at ${this.storm.at} ms; the run was cut there, with the servers busy answering each other and never settling (a livelock)`,
        violations: [`more than ${this.stormLimit} events in the simulated second from ${this.stormWindow} ms (checks.liveness.stormEventsPerSecond)`],
      };
      const i = verdicts.findIndex((v) => v.check === 'liveness');
      if (i >= 0) verdicts[i] = storm;
      else verdicts.push(storm);
    }
    const expect = this.scenario.expect ?? {};
    const expectations = verdicts.map((v): ExpectationResult => {
      const expected = expect[v.check] ?? 'pass';
      return { check: v.check, expected, actual: v.status, met: expected === 'any' || expected === v.status };
    });
    this.finished = {
      scenario: this.scenario.name,
      seed: this.config.seed,
      events: this.trace.count,
      kernelEvents: this.kernel.executed,
      endAt: this.kernel.now,
      traceHash: this.trace.hash(),
      verdicts,
      expectations,
      ok: expectations.every((e) => e.met),
      ...(this.stoppedAt !== undefined ? { stoppedAt: this.stoppedAt } : {}),
    };
    return this.finished;
  }

  run(): RunResult {
    this.start();
    return this.finish();
  }
}

/** Runs a validated scenario to its end. */
export function runScenario(scenario: Scenario, options: SimulationOptions = {}): RunResult {
  return new Simulation(scenario, options).run();
}
