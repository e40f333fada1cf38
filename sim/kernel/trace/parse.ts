import { TRACE_FORMAT_VERSION, type TraceEvent, type TraceHeader } from './events.js';

/** A trace that cannot be read; the message names the line and the field. */
export class TraceFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'TraceFormatError';
  }
}

/** Parses and checks the header line (line 1). Rejects traces written by a newer format. */
export function parseHeader(line: string | undefined): TraceHeader {
  if (line === undefined || line.trim() === '') throw new TraceFormatError(1, 'the trace is empty; expected a header line');
  let h: unknown;
  try {
    h = JSON.parse(line);
  } catch {
    throw new TraceFormatError(1, 'the header is not valid JSON');
  }
  if (typeof h !== 'object' || h === null || (h as { type?: unknown }).type !== 'zksim-trace') {
    throw new TraceFormatError(1, 'field "type": expected "zksim-trace" (is this a zksim trace?)');
  }
  const header = h as Record<string, unknown>;
  if (typeof header.format !== 'number' || !Number.isInteger(header.format)) {
    throw new TraceFormatError(1, 'field "format": expected an integer format version');
  }
  if (header.format > TRACE_FORMAT_VERSION) {
    throw new TraceFormatError(
      1,
      `field "format": this trace has format ${header.format}, newer than the ${TRACE_FORMAT_VERSION} this zksim reads (written by zksim ${String(header.zksim)}); upgrade zksim to read it`,
    );
  }
  if (typeof header.seed !== 'string') throw new TraceFormatError(1, 'field "seed": expected a string');
  if (!('scenario' in header)) throw new TraceFormatError(1, 'field "scenario": missing');
  return header as unknown as TraceHeader;
}

/** Parses one event line; `lineNo` is 1-based in the file (the header is line 1). */
export function parseEvent(line: string, lineNo: number): TraceEvent {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch {
    throw new TraceFormatError(lineNo, 'not valid JSON');
  }
  if (typeof e !== 'object' || e === null) throw new TraceFormatError(lineNo, 'expected a JSON object');
  const ev = e as Record<string, unknown>;
  for (const field of ['seq', 'at'] as const) {
    if (typeof ev[field] !== 'number' || !Number.isInteger(ev[field])) {
      throw new TraceFormatError(lineNo, `field "${field}": expected an integer`);
    }
  }
  if (typeof ev.kind !== 'string') throw new TraceFormatError(lineNo, 'field "kind": expected a string');
  return ev as unknown as TraceEvent;
}
