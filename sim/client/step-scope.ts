import type { Effect, NodeId, StepContext } from '../contract/node.js';
import type { Random } from '../contract/random.js';

/**
 * A client process's view of the step it is in: application code calls into the process at any
 * depth, and whatever it causes is collected as the step's effects; the clock and randomness are
 * the step's. Used by the ZooKeeper and the Redis client processes alike.
 */
export abstract class StepScope<M> {
  abstract readonly node: NodeId;
  private current: Effect<M>[] | undefined;
  private ctx!: StepContext;

  /** Runs `fn` as part of a step, collecting the effects it causes. */
  within(ctx: StepContext, fn: () => void): Effect<M>[] {
    const effects: Effect<M>[] = [];
    this.ctx = ctx;
    this.current = effects;
    try {
      fn();
    } finally {
      this.current = undefined;
    }
    return effects;
  }

  /** The effects of the step in progress; `misuse` says how to use the process instead. */
  protected stepEffects(misuse: string): Effect<M>[] {
    if (this.current === undefined) throw new Error(misuse);
    return this.current;
  }

  now(): number {
    return this.ctx.now;
  }

  wallNow(): number {
    return this.ctx.wallNow;
  }

  get random(): Random {
    return this.ctx.random;
  }
}
