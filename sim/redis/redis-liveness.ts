/**
 * Liveness for the Redis protocol: once faults have healed and `settleTicks` have passed, lock
 * clients still get the lock. Redis nodes do not talk to each other (independent masters), so
 * the all-pairs ConnectivityLiveness would fail by construction; progress of the workload is the
 * promise that matters here. Unknown, never pass, when faults are still in force at the end or
 * too little quiet time is left to judge.
 */
import type { TraceEvent } from '../kernel/trace/events.js';
import type { Checker, Verdict } from '../check/verdict.js';

const FAULT_ACTIVITY = new Set(['fault', 'heal', 'crash', 'boot', 'pause', 'resume', 'clock']);

export class LockProgressLiveness implements Checker {
  readonly name = 'liveness';
  private quietFrom = 0;
  private readonly acquisitions: number[] = [];
  private end: Extract<TraceEvent, { kind: 'end' }> | undefined;

  constructor(private readonly settleTicks: number) {}

  onEvent(e: TraceEvent): void {
    if (FAULT_ACTIVITY.has(e.kind)) this.quietFrom = e.at;
    if (e.kind === 'end') this.end = e;
    if (e.kind === 'note' && (e.data as { lock?: { event?: string } } | undefined)?.lock?.event === 'acquired') this.acquisitions.push(e.at);
  }

  finish(): Verdict {
    const check = this.name;
    const end = this.end;
    if (end === undefined) return { check, status: 'unknown', summary: 'the trace has no end event', violations: [] };
    if (!end.healed) return { check, status: 'unknown', summary: `faults still active at the end (${end.active.join(', ')}); liveness not judged`, violations: [] };
    const from = this.quietFrom + this.settleTicks;
    if (end.at <= from) {
      return { check, status: 'unknown', summary: `only ${end.at - this.quietFrom} quiet ticks after the last fault (at ${this.quietFrom}); need more than ${this.settleTicks} to judge`, violations: [] };
    }
    const after = this.acquisitions.filter((t) => t >= from).length;
    return after > 0
      ? { check, status: 'pass', summary: `${after} lock acquisition(s) between ${from} and ${end.at} (faults healed at ${this.quietFrom})`, violations: [] }
      : { check, status: 'fail', summary: `no client acquired the lock between ${from} and ${end.at} (faults healed at ${this.quietFrom})`, violations: [`nothing acquired after ${from}`] };
  }
}
