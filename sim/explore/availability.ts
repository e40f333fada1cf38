/**
 * When a run had no established leader, and how long each election took, from the trace: the
 * explorer's report plots these per run. A leader is established from its `established` note until
 * it leaves the LEADING role or crashes; every gap is a window of unavailability, and a gap that
 * ended with a new leader is one election (from losing the leader, or from boot, to the next one).
 */
import type { TraceEvent } from '../kernel/trace/events.js';

export interface Availability {
  /** Time with no established leader, in ticks. */
  unavailableTicks: number;
  /** The windows without a leader, [from, to) (the last may end at the end of the run). */
  windows: [number, number][];
  /** How long each completed election took, in ticks. */
  elections: number[];
}

/** Windows listed per run at most (the total is always exact). */
const MAX_WINDOWS = 50;

export class AvailabilityTracker {
  private leader: string | undefined;
  private downSince: number | undefined = 0;
  private unavailable = 0;
  private readonly windows: [number, number][] = [];
  private readonly elections: number[] = [];

  onEvent(e: TraceEvent): void {
    const ev = e as TraceEvent & { node?: string; role?: string; data?: { zab?: string } };
    if (e.kind === 'note' && ev.data?.zab === 'established' && ev.node !== undefined) {
      if (this.downSince !== undefined) {
        this.close(e.at);
        this.elections.push(e.at - this.downSince);
        this.downSince = undefined;
      }
      this.leader = ev.node;
    } else if ((e.kind === 'crash' || (e.kind === 'role' && ev.role !== 'LEADING')) && ev.node === this.leader) {
      this.leader = undefined;
      this.downSince = e.at;
    }
  }

  private close(at: number): void {
    const from = this.downSince ?? at;
    this.unavailable += at - from;
    if (this.windows.length < MAX_WINDOWS) this.windows.push([from, at]);
  }

  finish(endAt: number): Availability {
    if (this.downSince !== undefined) {
      this.close(endAt);
      this.downSince = undefined;
    }
    return { unavailableTicks: this.unavailable, windows: this.windows, elections: this.elections };
  }
}
