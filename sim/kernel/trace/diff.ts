import { formatEvent } from './format.js';
import { parseEvent } from './parse.js';

export interface Divergence {
  /** 0-based index of the first event that differs (equal to its `seq` in both traces). */
  index: number;
  /** The event line in each trace, or undefined where that trace ended. */
  a: string | undefined;
  b: string | undefined;
  /** Top-level fields whose values differ (empty when one side ended). */
  fields: string[];
  /** Both events, one readable line each. */
  summary: string;
}

/**
 * Walks two streams of event lines (headers excluded) in step and returns the first place where
 * they differ, or null when they are identical. Streams, so neither trace is held in memory.
 */
export function firstDivergence(a: Iterable<string>, b: Iterable<string>): Divergence | null {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (let index = 0; ; index++) {
    const ra = ia.next();
    const rb = ib.next();
    if (ra.done && rb.done) return null;
    const la = ra.done ? undefined : ra.value;
    const lb = rb.done ? undefined : rb.value;
    if (la === lb) continue;
    return describeDivergence(index, la, lb);
  }
}

export function describeDivergence(index: number, a: string | undefined, b: string | undefined): Divergence {
  const lineNo = index + 2; // the header is line 1
  const ea = a === undefined ? undefined : safeParse(a, lineNo);
  const eb = b === undefined ? undefined : safeParse(b, lineNo);
  const fields: string[] = [];
  if (ea !== undefined && eb !== undefined) {
    const keys = new Set([...Object.keys(ea), ...Object.keys(eb)]);
    for (const k of keys) if (JSON.stringify(ea[k]) !== JSON.stringify(eb[k])) fields.push(k);
  }
  const show = (e: Record<string, unknown> | undefined, raw: string | undefined): string =>
    raw === undefined ? '(trace ended)' : e === undefined ? raw : formatEvent(parseEvent(raw, lineNo));
  const summary =
    `first divergence at event ${index} (line ${lineNo})` +
    (fields.length > 0 ? `, fields: ${fields.join(', ')}` : '') +
    `\n  A: ${show(ea, a)}\n  B: ${show(eb, b)}`;
  return { index, a, b, fields, summary };
}

function safeParse(line: string, lineNo: number): Record<string, unknown> | undefined {
  try {
    return parseEvent(line, lineNo) as unknown as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
