/**
 * A scriptable test node for exercising the world: each node runs a script of steps at given
 * times (on its own monotonic clock, first incarnation only) and records every input it gets,
 * with the clock readings it saw. Tests then assert on what arrived, when, and on the trace.
 */
import type { ConnId, DurableView, Effect, Input, NodeId, NodeProgram, StepContext } from '../../sim/contract/node.js';
import { Kernel } from '../../sim/kernel/kernel.js';
import type { TraceEvent } from '../../sim/kernel/trace/events.js';
import { MemorySink, Trace } from '../../sim/kernel/trace/trace.js';
import { DEFAULT_CLOCK, DEFAULT_DISK, DEFAULT_NETWORK, type ClockConfig, type DiskConfig, type NetworkConfig } from '../../sim/world/config.js';
import type { FaultSpec } from '../../sim/world/fault-spec.js';
import { World } from '../../sim/world/world.js';

export interface ProbeState {
  /** Open connections by peer (the latest one). */
  conns: Map<NodeId, ConnId>;
  role: string | undefined;
}

export type Step = (state: ProbeState, ctx: StepContext) => Effect<unknown>[];

export interface Seen {
  node: NodeId;
  /** Global time (kernel.now) when the node handled the input. */
  at: number;
  mono: number;
  wall: number;
  incarnation: number;
  input: Input<unknown>;
}

export interface ProbeOptions {
  nodes?: NodeId[];
  seed?: string;
  network?: Partial<NetworkConfig>;
  disk?: Partial<DiskConfig>;
  clocks?: Record<NodeId, ClockConfig>;
  faults?: FaultSpec[];
  /** Steps per node: at `at` ticks on the node's monotonic clock, do `step`. */
  script?: Record<NodeId, Array<{ at: number; step: Step }>>;
  /** Extra reaction to every input (after the recording). */
  react?: (node: NodeId, state: ProbeState, input: Input<unknown>, ctx: StepContext) => Effect<unknown>[];
  /** What the node does at boot (every incarnation), given its disk. */
  boot?: (node: NodeId, state: ProbeState, ctx: StepContext, disk: DurableView) => Effect<unknown>[];
  /** Role to report from inspect(). */
  roles?: Record<NodeId, string>;
}

export interface Probe {
  kernel: Kernel;
  world: World<ProbeState, unknown>;
  events: TraceEvent[];
  lines: string[];
  seen: Seen[];
  run(until: number): void;
  finish(): void;
  /** Inputs of one kind seen by one node. */
  inputs<K extends Input<unknown>['kind']>(node: NodeId, kind: K): Array<Seen & { input: Extract<Input<unknown>, { kind: K }> }>;
  /** Trace events of one kind. */
  ofKind<K extends TraceEvent['kind']>(kind: K): Array<Extract<TraceEvent, { kind: K }>>;
}

export function probe(o: ProbeOptions = {}): Probe {
  const nodes = o.nodes ?? ['s1', 's2', 's3'];
  const kernel = new Kernel(o.seed ?? 'probe');
  const sink = new MemorySink();
  const trace = new Trace('full', sink);
  const events: TraceEvent[] = [];
  trace.subscribe((e) => events.push(e));
  const seen: Seen[] = [];
  const program: NodeProgram<ProbeState, unknown> = {
    boot(ctx, disk) {
      const state: ProbeState = { conns: new Map(), role: o.roles?.[ctx.self] };
      const effects: Effect<unknown>[] = [...(o.boot?.(ctx.self, state, ctx, disk) ?? [])];
      if (ctx.incarnation === 1) {
        (o.script?.[ctx.self] ?? []).forEach((s, i) => effects.push({ kind: 'set-timer', timer: `script:${i}`, afterTicks: s.at - ctx.now }));
      }
      return { state, effects };
    },
    step(state, input, ctx) {
      seen.push({ node: ctx.self, at: kernel.now, mono: ctx.now, wall: ctx.wallNow, incarnation: ctx.incarnation, input });
      const effects: Effect<unknown>[] = [];
      if (input.kind === 'connected') state.conns.set(input.to, input.conn);
      if (input.kind === 'accepted') state.conns.set(input.from, input.conn);
      if (input.kind === 'timer' && input.timer.startsWith('script:')) {
        const s = o.script?.[ctx.self]?.[Number(input.timer.slice(7))];
        if (s !== undefined) effects.push(...s.step(state, ctx));
      }
      effects.push(...(o.react?.(ctx.self, state, input, ctx) ?? []));
      return { state, effects };
    },
    inspect: (state) => ({ role: state.role }),
  };
  const clocks: Record<NodeId, ClockConfig> = {};
  for (const n of nodes) clocks[n] = o.clocks?.[n] ?? DEFAULT_CLOCK;
  const world = new World<ProbeState, unknown>(
    kernel,
    trace,
    {
      nodes,
      network: { ...DEFAULT_NETWORK, ...o.network },
      disk: { ...DEFAULT_DISK, ...o.disk },
      clocks,
      faults: o.faults ?? [],
    },
    program,
  );
  world.start();
  return {
    kernel,
    world,
    events,
    lines: sink.lines,
    seen,
    run: (until) => {
      kernel.runUntil(until);
    },
    finish: () => world.finish(),
    inputs: (node, kind) => seen.filter((s) => s.node === node && s.input.kind === kind) as never,
    ofKind: (kind) => events.filter((e) => e.kind === kind) as never,
  };
}

/** A step that connects to `peer` on `port`. */
export const connectTo =
  (peer: NodeId, port = 'p'): Step =>
  () => [{ kind: 'connect', to: peer, port, ref: `to-${peer}` }];

/** A step that sends `msg` on the connection to `peer`. */
export const sendTo =
  (peer: NodeId, msg: unknown): Step =>
  (state) => {
    const conn = state.conns.get(peer);
    if (conn === undefined) throw new Error(`probe: no connection to ${peer}`);
    return [{ kind: 'send', conn, msg }];
  };

export const datagramTo =
  (peer: NodeId, msg: unknown, port = 'p'): Step =>
  () => [{ kind: 'send-datagram', to: peer, port, msg }];

/** The payloads delivered to `node`, in order. */
export function delivered(p: Probe, node: NodeId): unknown[] {
  return p.seen.filter((s) => s.node === node && (s.input.kind === 'deliver' || s.input.kind === 'datagram')).map((s) => (s.input as { msg: unknown }).msg);
}
