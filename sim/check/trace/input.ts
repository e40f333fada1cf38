/**
 * Field checks for trace events. Every field a checker relies on is checked where it is read, so
 * a damaged or hand-edited trace fails with the line and the field rather than with a wrong
 * verdict. (No file access here: the checkers also run on events in memory, e.g. in a browser.)
 */
import type { TraceEvent } from '../../kernel/trace/events.js';
import { TraceFormatError } from '../../kernel/trace/parse.js';

export { TraceFormatError };

export type Obj = Record<string, unknown>;

/** Field checks for one line: each names the field by its path in the event. */
export class FieldReader {
  constructor(readonly line: number) {}

  fail(field: string, expected: string, got: unknown): never {
    throw new TraceFormatError(this.line, `field "${field}": expected ${expected}, got ${JSON.stringify(got) ?? 'nothing'}`);
  }

  obj(o: Obj, field: string, path: string): Obj {
    const v = o[field];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Obj;
  }

  str(o: Obj, field: string, path: string): string {
    const v = o[field];
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v as string;
  }

  int(o: Obj, field: string, path: string): number {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(path, 'an integer', v);
    return v as number;
  }

  bool(o: Obj, field: string, path: string): boolean {
    const v = o[field];
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v as boolean;
  }

  strings(o: Obj, field: string, path: string): string[] {
    const v = o[field];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(path, 'a list of strings', v);
    return v as string[];
  }

  /** A zxid `{epoch, counter}` of non-negative integers. */
  zxid(o: Obj, field: string, path: string): { epoch: number; counter: number } {
    const z = this.obj(o, field, path);
    const epoch = this.int(z, 'epoch', `${path}.epoch`);
    const counter = this.int(z, 'counter', `${path}.counter`);
    if (epoch < 0 || counter < 0) this.fail(path, 'a zxid with a non-negative epoch and counter', z);
    return { epoch, counter };
  }
}

/**
 * The generic fields of the kinds the checkers read (payloads are checked where they are used).
 * Returns the event, typed.
 */
export function checkEventFields(e: TraceEvent, line: number): TraceEvent {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new TraceFormatError(line, 'expected a JSON object');
  const r = new FieldReader(line);
  const o = e as unknown as Obj;
  r.int(o, 'seq', 'seq');
  r.int(o, 'at', 'at');
  r.str(o, 'kind', 'kind');
  switch (e.kind) {
    case 'send':
      r.int(o, 'msgId', 'msgId');
      r.str(o, 'from', 'from');
      r.str(o, 'to', 'to');
      r.str(o, 'port', 'port');
      if (o.conn !== undefined) r.int(o, 'conn', 'conn');
      break;
    case 'deliver':
    case 'drop':
      r.int(o, 'msgId', 'msgId');
      r.str(o, 'to', 'to');
      break;
    case 'note':
      r.str(o, 'node', 'node');
      if (o.data !== undefined) r.obj(o, 'data', 'data');
      break;
    case 'boot':
    case 'crash':
    case 'role':
      r.str(o, 'node', 'node');
      break;
    case 'connect':
      r.int(o, 'conn', 'conn');
      r.str(o, 'from', 'from');
      r.str(o, 'to', 'to');
      r.str(o, 'port', 'port');
      break;
    case 'close':
      r.int(o, 'conn', 'conn');
      r.str(o, 'node', 'node');
      break;
    default:
      break;
  }
  return e;
}
