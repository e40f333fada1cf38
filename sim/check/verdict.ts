import type { TraceEvent } from '../kernel/trace/events.js';

export type VerdictStatus = 'pass' | 'fail' | 'unknown';

export interface Verdict {
  /** The checker's name, as scenarios refer to it in `expect`. */
  check: string;
  status: VerdictStatus;
  /** One line: what was checked and what was found. */
  summary: string;
  /** The first violations (at most a handful), each one line with the events' seq numbers. */
  violations: string[];
}

/** A checker reads trace events as they happen (online) and gives a verdict at the end. */
export interface Checker {
  readonly name: string;
  onEvent(event: TraceEvent): void;
  finish(): Verdict;
}

/**
 * A checker that inspects the simulated nodes themselves after every kernel event (an online
 * invariant monitor). The runner calls `afterEvent` whether or not a trace is recorded, so
 * invariants can be checked in the fastest runs too.
 */
export interface Monitor extends Checker {
  afterEvent(): void;
  /** A safety violation was found: the runner stops the run there (the first one is what matters). */
  readonly violated?: boolean;
}

export function isMonitor(c: Checker): c is Monitor {
  return typeof (c as Partial<Monitor>).afterEvent === 'function';
}

/** How many violations a verdict lists (the count is always exact). */
export const MAX_LISTED_VIOLATIONS = 10;

/** Collects violations, keeping only the first few. */
export class Violations {
  count = 0;
  readonly listed: string[] = [];

  add(text: string): void {
    this.count++;
    if (this.listed.length < MAX_LISTED_VIOLATIONS) this.listed.push(text);
  }

  verdict(check: string, passSummary: string, failNoun: string): Verdict {
    return this.count === 0
      ? { check, status: 'pass', summary: passSummary, violations: [] }
      : { check, status: 'fail', summary: `${this.count} ${failNoun}`, violations: this.listed.slice() };
  }
}
