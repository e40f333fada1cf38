import { EventQueue, type QueuedEvent } from './event-queue.js';
import { RandomStreams, type RandomStream } from './rng.js';

/** Below this many queued events, cancelled ones are left for pop() to skip. */
const COMPACT_MIN = 1024;

/** What runs when a scheduled event comes due. */
export type EventAction = (event: KernelEvent) => void;

export interface KernelEvent extends QueuedEvent {
  readonly action: EventAction;
  /** Free slot for the scheduler's own use (e.g. the timer name a node asked for). */
  readonly data: unknown;
}

/** Returned by schedule(); pass it to cancel(). */
export type TimerHandle = KernelEvent;

export interface RunStats {
  /** Events executed by this call. */
  executed: number;
  /** Why the run stopped. */
  stoppedBy: 'time-limit' | 'queue-empty' | 'stop-condition' | 'event-limit';
}

/**
 * The discrete-event kernel: an integer virtual clock and one queue of events ordered by
 * (at, seq). Nothing here reads wall-clock time or ambient randomness; the clock moves only when
 * the next event is taken from the queue.
 */
export class Kernel {
  /** Current virtual time in ticks (1 tick = 1 ms of simulated time by convention). */
  now = 0;
  /** Events executed so far (cancelled events are not counted). */
  executed = 0;
  readonly random: RandomStreams;

  private readonly queue = new EventQueue<KernelEvent>();
  private nextSeq = 0;
  private live = 0;

  constructor(readonly seed: string) {
    this.random = new RandomStreams(seed);
  }

  /** The seeded stream for a named consumer ("network", "faults", "node:s1", ...). */
  rng(name: string): RandomStream {
    return this.random.get(name);
  }

  /** Events scheduled and neither run nor cancelled. */
  get pending(): number {
    return this.live;
  }

  /** Schedules `action` at absolute time `at` (an integer, not before now). */
  schedule(at: number, action: EventAction, data: unknown = undefined): TimerHandle {
    if (!Number.isSafeInteger(at)) throw new RangeError(`kernel: event time must be an integer, got ${at}`);
    if (at < this.now) throw new RangeError(`kernel: cannot schedule at ${at}, before now (${this.now})`);
    const event: KernelEvent = { at, seq: this.nextSeq++, cancelled: false, action, data };
    this.queue.push(event);
    this.live++;
    return event;
  }

  /** Schedules `action` `delay` ticks from now. */
  after(delay: number, action: EventAction, data: unknown = undefined): TimerHandle {
    return this.schedule(this.now + delay, action, data);
  }

  /** Cancels a scheduled event; cancelling twice or after it ran does nothing. Returns whether it acted. */
  cancel(handle: TimerHandle): boolean {
    if (handle.cancelled) return false;
    handle.cancelled = true;
    // An event that already ran is marked cancelled too (see stepOnce), so `live` stays exact.
    this.live--;
    const size = this.queue.size;
    if (size > COMPACT_MIN && size > 2 * this.live) this.queue.compact();
    return true;
  }

  /** Time of the next live event, or undefined when none is scheduled. */
  nextEventAt(): number | undefined {
    this.queue.skipCancelled();
    return this.queue.peek()?.at;
  }

  /** Runs the next live event. Returns false when the queue is empty. */
  stepOnce(): boolean {
    const queue = this.queue;
    for (;;) {
      const event = queue.pop();
      if (event === undefined) return false;
      if (event.cancelled) continue;
      event.cancelled = true; // ran: a later cancel() of this handle is a no-op
      this.live--;
      this.now = event.at;
      this.executed++;
      event.action(event);
      return true;
    }
  }

  /**
   * Runs events due at or before `until`, then advances the clock to `until`.
   * `stop` is checked after every event; `maxEvents` bounds the work of this call.
   */
  runUntil(until: number, stop?: () => boolean, maxEvents = Number.POSITIVE_INFINITY): RunStats {
    if (until < this.now) throw new RangeError(`kernel: runUntil(${until}) is before now (${this.now})`);
    const queue = this.queue;
    let executed = 0;
    for (;;) {
      if (executed >= maxEvents) return { executed, stoppedBy: 'event-limit' };
      const top = queue.peek();
      if (top === undefined) {
        this.now = until;
        return { executed, stoppedBy: 'queue-empty' };
      }
      if (top.cancelled) {
        queue.pop();
        continue;
      }
      if (top.at > until) {
        this.now = until;
        return { executed, stoppedBy: 'time-limit' };
      }
      queue.pop();
      top.cancelled = true;
      this.live--;
      this.now = top.at;
      this.executed++;
      executed++;
      top.action(top);
      if (stop !== undefined && stop()) return { executed, stoppedBy: 'stop-condition' };
    }
  }
}
