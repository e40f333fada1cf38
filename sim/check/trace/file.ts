/**
 * Checking a trace file: the header first (a trace from a newer format is refused, naming the
 * version), then the events streamed line by line, so a trace larger than memory can be checked.
 */
import type { TraceEvent, TraceHeader } from '../../kernel/trace/events.js';
import { parseEvent, parseHeader } from '../../kernel/trace/parse.js';
import { readLines } from '../../cli/line-reader.js';
import { checkTraceEvents, type TraceCheckReport } from './index.js';

export interface TraceFileReport extends TraceCheckReport {
  file: string;
  header: TraceHeader;
}

/** Throws a TraceFormatError (line, field) for a malformed trace; file-system errors as they come. */
export function checkTraceFile(path: string): TraceFileReport {
  const lines = readLines(path);
  const first = lines.next();
  const header = parseHeader(first.done ? undefined : first.value);
  function* events(): Generator<{ event: TraceEvent; line: number }> {
    let line = 1;
    for (let next = lines.next(); !next.done; next = lines.next()) {
      line++;
      yield { event: parseEvent(next.value, line), line };
    }
  }
  return { file: path, header, ...checkTraceEvents(events()) };
}
