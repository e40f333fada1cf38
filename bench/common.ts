/**
 * Shared helpers for the benchmark suite: the timer workload's LCG, timing, medians, progress
 * lines on stderr and table formatting. Wall-clock time is fine here (bench/ is not simulation
 * code); nothing under sim/ may read it.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// ------------------------------------------------------------------ the timer workload

/** Parameters of the timer workload run by both the baseline heap and the kernel. */
export interface TimerWorkload {
  /** Concurrent timers; each re-arms itself when it fires. */
  timers: number;
  /** Events to execute (timer firings). */
  events: number;
  /** Seed of the LCG that draws the delays. */
  seed: number;
  /** Delays are uniform integers in [1, maxDelay]. */
  maxDelay: number;
}

/** Result of one timer-workload run; `checksum` and `endAt` prove both sides did the same work. */
export interface TimerRun {
  events: number;
  ms: number;
  endAt: number;
  checksum: number;
}

/**
 * The LCG step (Numerical Recipes constants, mod 2^32). Kept as a plain function of the state so
 * both implementations inline the same arithmetic; state lives in the caller's closure.
 */
export function lcgNext(state: number): number {
  return (Math.imul(state, 1664525) + 1013904223) >>> 0;
}

/** Maps an LCG state to a delay in [1, maxDelay] (upper bits: the low bits of an LCG are weak). */
export function lcgDelay(state: number, maxDelay: number): number {
  return 1 + ((state >>> 8) % maxDelay);
}

/** Folds an executed event into a run checksum (order-sensitive, 32-bit). */
export function mix(checksum: number, at: number, id: number): number {
  return (Math.imul(checksum ^ at, 0x01000193) + id) >>> 0;
}

// ------------------------------------------------------------------ timing and statistics

export function now(): number {
  return performance.now();
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function spread(xs: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...xs), max: Math.max(...xs) };
}

let gcFn: (() => void) | null | undefined;

/**
 * A full collection between timed runs, so one run's garbage is not collected on the next one's
 * clock. Uses global.gc under --expose-gc, else enables the flag at run time (a documented V8
 * trick: the flag applies to contexts created afterwards).
 */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') gcFn = g;
    else {
      try {
        setFlagsFromString('--expose-gc');
        gcFn = runInNewContext('gc') as () => void;
      } catch {
        gcFn = null;
      }
    }
  }
  if (gcFn !== null) gcFn();
}

// ------------------------------------------------------------------ progress on stderr

const tty = process.stderr.isTTY === true;

/** One status line on stderr: rewritten in place on a terminal, one line per update otherwise. */
export function progress(text: string): void {
  if (tty) process.stderr.write(`\r\x1b[K${text}`);
  else process.stderr.write(`${text}\n`);
}

/** Ends the current status line (keeps it visible). */
export function progressDone(text: string): void {
  if (tty) process.stderr.write(`\r\x1b[K${text}\n`);
  else process.stderr.write(`${text}\n`);
}

// ------------------------------------------------------------------ formatting

/** 1234567 -> "1.23M", 12345 -> "12.3k". */
export function si(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e9) return `${(x / 1e9).toPrecision(digits)}G`;
  if (abs >= 1e6) return `${(x / 1e6).toPrecision(digits)}M`;
  if (abs >= 1e3) return `${(x / 1e3).toPrecision(digits)}k`;
  return x.toPrecision(digits);
}

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A plain-text table with right-aligned columns except the first. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ------------------------------------------------------------------ paths

/** The repository root, from either bench/ (sources) or dist/bench/ (compiled). */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${'/'}dist${'/'}`) ? resolve(here, '../..') : resolve(here, '..');
}
