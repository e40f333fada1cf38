import { Fnv1a64 } from './hash.js';
import type { TraceEvent, TraceEventInput, TraceHeader } from './events.js';

/** Where encoded trace lines go (a file, memory, a comparer). Lines come without "\n". */
export interface TraceSink {
  write(line: string): void;
  /** Called once after the last line. */
  close?(): void;
}

/**
 * - `full`: events are encoded, hashed, written to the sink and passed to subscribers.
 * - `hash`: events are encoded and hashed (the fingerprint) and passed to subscribers; no sink.
 * - `off`: nothing is recorded (benchmarks of the bare machinery). No fingerprint, no checkers.
 */
export type TraceLevel = 'full' | 'hash' | 'off';

export type TraceSubscriber = (event: TraceEvent) => void;

/** Keeps every line in memory (tests, the browser). */
export class MemorySink implements TraceSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

/**
 * Records a run: numbers events, encodes each canonically as one JSON line, folds the line into
 * the rolling FNV-1a-64 fingerprint, and hands it to the sink and to online subscribers
 * (checkers). The header is written to the sink but is not part of the fingerprint, so the same
 * behaviour under another zksim version keeps its hash.
 */
export class Trace {
  readonly enabled: boolean;
  private seq = 0;
  private readonly hasher = new Fnv1a64();
  private readonly subscribers: TraceSubscriber[] = [];

  constructor(
    readonly level: TraceLevel,
    private readonly sink: TraceSink | undefined = undefined,
  ) {
    this.enabled = level !== 'off';
  }

  /** Number of events recorded. */
  get count(): number {
    return this.seq;
  }

  /** The run's fingerprint so far (16 hex digits). */
  hash(): string {
    return this.hasher.hex();
  }

  subscribe(fn: TraceSubscriber): void {
    this.subscribers.push(fn);
  }

  writeHeader(header: TraceHeader): void {
    if (this.level === 'full' && this.sink !== undefined) this.sink.write(JSON.stringify(header));
  }

  /** Records one event at time `at`. Callers check `enabled` first to avoid building payloads. */
  emit(at: number, event: TraceEventInput): void {
    if (!this.enabled) return;
    // Encode the payload, then number it: the line's keys come out as seq, at, kind, payload...
    // without copying the event. Callers always pass a fresh object, so it may take seq and at.
    const seq = this.seq++;
    const line = `{"seq":${seq},"at":${at},${JSON.stringify(event).slice(1)}`;
    const full = event as TraceEvent;
    full.seq = seq;
    full.at = at;
    this.hasher.update(line).update('\n');
    if (this.sink !== undefined && this.level === 'full') this.sink.write(line);
    const subs = this.subscribers;
    for (let i = 0; i < subs.length; i++) subs[i](full);
  }

  close(): void {
    this.sink?.close?.();
  }
}
