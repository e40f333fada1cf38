import type { Input, NodeId, NodeProgram, StepContext } from '../contract/node.js';
import type { TimerHandle } from '../kernel/kernel.js';
import type { RandomStream } from '../kernel/rng.js';
import type { NodeClock } from './clock.js';
import type { NodeDisk } from './disk.js';
import type { NodeStatus } from './network.js';

/** An input that reached a paused node and waits for it to resume. */
export interface Pending {
  input: Input<unknown>;
  msgId: number | undefined;
  /** For a timer that expired during the pause: its handle, to tell whether it is still armed. */
  timer?: TimerHandle;
  /** Discarded before its turn (the node closed the connection it belongs to). */
  discarded?: boolean;
}

/** The context object a node's handler sees; refreshed before every step. */
export interface MutableContext extends StepContext {
  now: number;
  wallNow: number;
  incarnation: number;
}

/**
 * The runtime around one simulated node: its volatile state (gone on a crash), its incarnation,
 * its timers, the backlog that builds up while the process is paused, and its clock and disk
 * (which survive crashes).
 */
export class NodeHost<S> {
  status: NodeStatus = 'machine-down';
  incarnation = 0;
  state: S | undefined = undefined;
  /** The node handles nothing before this time (a stop-the-world pause); -1 when running. */
  pausedUntil = -1;
  backlog: Pending[] = [];
  readonly timers = new Map<string, TimerHandle>();
  role: string | undefined = undefined;
  readonly ctx: MutableContext;

  constructor(
    readonly id: NodeId,
    readonly clock: NodeClock,
    readonly disk: NodeDisk,
    rng: RandomStream,
    peers: readonly NodeId[],
    readonly program: NodeProgram<S, unknown>,
  ) {
    this.ctx = { self: id, now: 0, wallNow: 0, incarnation: 0, random: rng, peers };
  }

  get paused(): boolean {
    return this.pausedUntil >= 0;
  }

  refreshContext(globalNow: number): StepContext {
    const ctx = this.ctx;
    ctx.now = this.clock.mono(globalNow);
    ctx.wallNow = this.clock.wall(globalNow);
    ctx.incarnation = this.incarnation;
    return ctx;
  }
}

export type AnyProgram = NodeProgram<unknown, unknown>;
