/**
 * Network benchmark: the ping-pong test protocol among 5 nodes, message-heavy (every node pings
 * every peer each tick), with faults recurring throughout the run: a clogged link, a partitioned
 * link, a latency tail (the `network` fault), a stop-the-world pause and a process crash with
 * restart. Built through the scenario API (validateScenario + Simulation) exactly as the CLI runs
 * a scenario.
 *
 * Counting deliveries: with the trace off nothing is recorded, so the count comes from a separate
 * counting pass that runs the same scenario through `World` with the protocol wrapped in a program
 * that counts `deliver` / `datagram` inputs (each is exactly one traced `deliver` event). A run is
 * deterministic and the trace level never changes behaviour, so every timed run delivers the same
 * messages; each timed run checks that it executed the same number of kernel events (and, when
 * traced, produced the same fingerprint), and `crossCheck` verifies on a short run that the
 * wrapper's count equals the number of `deliver` events in the trace.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeProgram } from '../sim/contract/node.js';
import { Kernel } from '../sim/kernel/kernel.js';
import { Trace, type TraceLevel } from '../sim/kernel/trace/trace.js';
import { FileSink } from '../sim/cli/file-sink.js';
import { validateScenario } from '../sim/scenario/load.js';
import { PROTOCOLS } from '../sim/scenario/protocols.js';
import { effectiveSeed, resolveRunConfig } from '../sim/scenario/resolve.js';
import type { Scenario } from '../sim/scenario/schema.js';
import { Simulation } from '../sim/scenario/simulation.js';
import { World } from '../sim/world/world.js';
import { now } from './common.js';

export interface PingPongParams {
  durationTicks: number;
  pingIntervalTicks: number;
  seed: number;
}

/** The recurring fault schedule: every fault heals on its own and comes back. */
export function recurringFaults(durationTicks: number): unknown[] {
  const faults: unknown[] = [];
  const end = durationTicks - 1;
  // A clogged link s1 -> s2: 400 ticks of every 2,000 (data piles up, then flows in order).
  for (let t = 500; t < end; t += 2_000) faults.push({ at: t, kind: 'clog', from: 's1', to: 's2', durationTicks: 400 });
  // A partitioned link s4 <-> s5 for 1,500 ticks of every 10,000 (held in TCP buffers, below the TCP timeout).
  for (let t = 3_000; t < end; t += 10_000) faults.push({ at: t, kind: 'partition', groups: [['s4'], ['s5']], durationTicks: 1_500 });
  // A latency tail: 2% of messages take up to 100 ticks, 6,000 ticks of every 10,000.
  for (let t = 1_000; t < end; t += 10_000) {
    faults.push({ at: t, kind: 'network', latency: { minTicks: 1, maxTicks: 5, tailRate: 0.02, tailMaxTicks: 100 }, durationTicks: 6_000 });
  }
  // A GC pause of s3: 300 ticks of every 10,000 (its inputs queue up, then it catches up).
  for (let t = 5_000; t < end; t += 10_000) faults.push({ at: t, kind: 'pause', node: 's3', durationTicks: 300 });
  // kill -9 of s5 every 20,000 ticks, restarted 500 ticks later (connections reset and rebuilt).
  for (let t = 8_000; t < end; t += 20_000) faults.push({ at: t, kind: 'crash', node: 's5', mode: 'process', restartAfterTicks: 500 });
  return faults;
}

export function pingPongScenario(p: PingPongParams): Scenario {
  return validateScenario(
    {
      version: 1,
      name: 'bench-pingpong',
      description: '5-node ping-pong, a ping to every peer every tick, recurring faults',
      seed: p.seed,
      durationTicks: p.durationTicks,
      servers: 5,
      protocol: { kind: 'pingpong', transport: 'connection', pingIntervalTicks: p.pingIntervalTicks, syncEvery: 1_000 },
      network: { latency: { minTicks: 1, maxTicks: 5 } },
      faults: recurringFaults(p.durationTicks),
      // The run ends with faults recurring: liveness cannot be judged, which is expected.
      expect: { liveness: 'any' },
    },
    'bench',
  );
}

/** Wraps a program so that it counts the messages handed to it (each is one traced `deliver`). */
export function countingProgram<S, M>(inner: NodeProgram<S, M>, counter: { delivered: number }): NodeProgram<S, M> {
  const program: NodeProgram<S, M> = {
    boot: (ctx, disk) => inner.boot(ctx, disk),
    step(state, input, ctx) {
      if (input.kind === 'deliver' || input.kind === 'datagram') counter.delivered++;
      return inner.step(state, input, ctx);
    },
  };
  const inspect = inner.inspect;
  if (inspect !== undefined) program.inspect = (s) => inspect.call(inner, s);
  return program;
}

export interface CountResult {
  delivered: number;
  kernelEvents: number;
  /** Trace events (0 when the trace is off). */
  traceEvents: number;
  /** Trace `deliver` events (only when traced). */
  traceDelivers: number;
  traceHash: string;
}

/** Runs the scenario through World with the counting wrapper (the way Simulation builds it). */
export function countDeliveries(scenario: Scenario, level: TraceLevel): CountResult {
  const config = resolveRunConfig(scenario, effectiveSeed(scenario));
  const kernel = new Kernel(config.seed);
  const trace = new Trace(level);
  const counter = { delivered: 0 };
  let traceDelivers = 0;
  trace.subscribe((e) => {
    if (e.kind === 'deliver') traceDelivers++;
  });
  const entry = PROTOCOLS[scenario.protocol.kind];
  const program = entry.program(config.protocol);
  if (typeof program === 'function') throw new Error('the ping-pong benchmark counts a single program');
  const world = new World(kernel, trace, config.world, countingProgram(program, counter));
  world.start();
  kernel.runUntil(config.durationTicks);
  world.finish();
  trace.close();
  return { delivered: counter.delivered, kernelEvents: kernel.executed, traceEvents: trace.count, traceDelivers, traceHash: trace.hash() };
}

/**
 * Checks the counting method on `scenario`: the wrapper's count equals the traced `deliver` events,
 * and wrapping the program changes nothing (same fingerprint as a plain Simulation run).
 */
export function crossCheck(scenario: Scenario): { delivered: number; ok: boolean; detail: string } {
  const counted = countDeliveries(scenario, 'hash');
  const plain = new Simulation(scenario, { traceLevel: 'hash' }).run();
  const ok = counted.delivered === counted.traceDelivers && counted.traceHash === plain.traceHash && counted.kernelEvents === plain.kernelEvents;
  const detail =
    `wrapper counted ${counted.delivered}, trace has ${counted.traceDelivers} deliver events; ` +
    `fingerprint ${counted.traceHash} vs Simulation ${plain.traceHash}; kernel events ${counted.kernelEvents} vs ${plain.kernelEvents}`;
  return { delivered: counted.delivered, ok, detail };
}

export type PingPongMode = 'off' | 'hash' | 'file';

export interface PingPongRun {
  ms: number;
  kernelEvents: number;
  traceEvents: number;
  traceHash: string;
  /** Size of the trace file (mode `file`). */
  traceBytes: number;
  ok: boolean;
}

/** One timed run through the public Simulation API. Only `sim.run()` is timed (plus closing the file). */
export function runPingPong(scenario: Scenario, mode: PingPongMode): PingPongRun {
  let dir: string | undefined;
  let sink: FileSink | undefined;
  try {
    if (mode === 'file') {
      dir = mkdtempSync(join(tmpdir(), 'zksim-bench-'));
      sink = new FileSink(join(dir, 'trace.ndjson'));
    }
    const sim = mode === 'file' ? new Simulation(scenario, { sink }) : new Simulation(scenario, { traceLevel: mode });
    const t0 = now();
    const r = sim.run();
    const ms = now() - t0;
    const traceBytes = sink === undefined ? 0 : statSync(sink.path).size;
    return { ms, kernelEvents: r.kernelEvents, traceEvents: r.events, traceHash: r.traceHash, traceBytes, ok: r.ok };
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
