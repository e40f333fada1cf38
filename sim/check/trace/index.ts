/**
 * Trace checkers: after the fact, from the trace alone (no access to node memory), whether a
 * ZooKeeper run kept its promises. See README "Checking a trace after the fact".
 */
import type { TraceEvent } from '../../kernel/trace/events.js';
import type { TraceCheckVerdict } from './common.js';
import { TraceModel, type TraceCheck } from './model.js';
import { AckedDurability } from './acked-durability.js';
import { Ephemerals } from './ephemerals.js';
import { OneLeaderPerEpoch } from './one-leader-per-epoch.js';
import { PrefixConsistency } from './prefix-consistency.js';
import { SequentialNames } from './sequential-names.js';
import { WatchOrder } from './watch-order.js';

export type { TraceCheckStatus, TraceCheckVerdict, TraceViolation } from './common.js';
export { TraceFormatError } from './input.js';

export interface TraceCheckReport {
  /** Events read. */
  events: number;
  /** Every check passed (or had nothing to check). */
  ok: boolean;
  verdicts: TraceCheckVerdict[];
  /** The trace has no `end` event: it was cut short, and end-of-run checks saw a partial run. */
  truncated: boolean;
}

/** The checks, in the order they are reported. */
export function traceChecks(): TraceCheck[] {
  return [new OneLeaderPerEpoch(), new PrefixConsistency(), new AckedDurability(), new SequentialNames(), new WatchOrder(), new Ephemerals()];
}

/**
 * Checks events in trace order. Each item is an event, or `{ event, line }` when the line it came
 * from is known (for error messages; otherwise events are taken to follow a header on line 1).
 * A malformed event throws a TraceFormatError naming the line and the field.
 */
export function checkTraceEvents(events: Iterable<TraceEvent | { event: TraceEvent; line: number }>): TraceCheckReport {
  const checks = traceChecks();
  const model = new TraceModel(checks);
  let line = 1;
  for (const item of events) {
    line++;
    if (typeof item === 'object' && item !== null && 'event' in item && typeof item.event === 'object') {
      line = item.line;
      model.onEvent(item.event, item.line);
    } else {
      model.onEvent(item as TraceEvent, line);
    }
  }
  const done = model.finish();
  const verdicts = checks.map((c): TraceCheckVerdict => {
    if (!done.zookeeper) return { check: c.name, status: 'unknown', summary: 'nothing to check: no ZooKeeper server activity in this trace', violations: [], violationCount: 0 };
    return c.finish(done);
  });
  return { events: done.events, ok: verdicts.every((v) => v.status !== 'fail'), verdicts, truncated: done.end === undefined };
}
