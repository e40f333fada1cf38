/**
 * What the trace checkers share: zxids as exact numbers (for sets and sorting), where in the trace
 * something happened, and the shape of a verdict.
 */
import { formatZxid, type Zxid } from '../../zk/zxid.js';

const EPOCH_SCALE = 4294967296;

/** A zxid as one exact number: epochs stay far below 2^21, so epoch·2^32 + counter < 2^53. */
export function zkey(z: Zxid): number {
  return z.epoch * EPOCH_SCALE + z.counter;
}

export function fromKey(k: number): Zxid {
  return { epoch: Math.floor(k / EPOCH_SCALE), counter: k % EPOCH_SCALE };
}

export function fmtKey(k: number): string {
  return formatZxid(fromKey(k));
}

/** Where an event sits in the trace: its number (`zksim show --from`) and its time. */
export interface Ref {
  seq: number;
  at: number;
}

export function where(r: Ref): string {
  return `at ${r.at} (event #${r.seq})`;
}

export interface TraceViolation {
  check: string;
  /** One line: what went wrong, naming the servers, clients, zxids and events involved. */
  message: string;
  /** The event where it shows (the later one when two disagree). */
  seq: number;
  at: number;
  nodes: string[];
  zxid?: string;
  epoch?: number;
}

export type TraceCheckStatus = 'pass' | 'fail' | 'unknown';

export interface TraceCheckVerdict {
  check: string;
  status: TraceCheckStatus;
  summary: string;
  /** Every violation found, up to a cap (`violationCount` is exact). */
  violations: TraceViolation[];
  violationCount: number;
}

/** How many violations a verdict keeps: the first ones explain a run; the rest repeat them. */
export const MAX_KEPT_VIOLATIONS = 20;

/** Collects one check's violations. */
export class Findings {
  count = 0;
  readonly kept: TraceViolation[] = [];

  constructor(readonly check: string) {}

  add(ref: Ref, nodes: string[], message: string, extra: { zxid?: number; epoch?: number } = {}): void {
    this.count++;
    if (this.kept.length >= MAX_KEPT_VIOLATIONS) return;
    const v: TraceViolation = { check: this.check, message, seq: ref.seq, at: ref.at, nodes };
    if (extra.zxid !== undefined) v.zxid = fmtKey(extra.zxid);
    if (extra.epoch !== undefined) v.epoch = extra.epoch;
    this.kept.push(v);
  }

  verdict(passSummary: string, failNoun: string): TraceCheckVerdict {
    if (this.count === 0) return { check: this.check, status: 'pass', summary: passSummary, violations: [], violationCount: 0 };
    return { check: this.check, status: 'fail', summary: `${this.count} ${failNoun}`, violations: this.kept.slice(), violationCount: this.count };
  }
}

/** Index of the first element of sorted `xs` greater than `k` (xs.length when none is). */
export function upperBound(xs: readonly number[], k: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The parent of an absolute path ("/" for top-level nodes). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** A value as JSON, cut to a readable width. */
export function short(value: unknown, width = 120): string {
  return clip(JSON.stringify(value) ?? 'undefined', width);
}

export function clip(text: string, width = 120): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
