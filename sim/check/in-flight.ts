import type { TraceEvent } from '../kernel/trace/events.js';

/**
 * Messages a checker follows from their `send` to their `deliver`: a duplicate is followed as a
 * copy of its original, a drop forgets the message. `arrived` hands back what was noted at send
 * time once the message (or a copy) is delivered.
 */
export class InFlight<T> {
  private readonly sent = new Map<number, T>();

  track(msgId: number, value: T): void {
    this.sent.set(msgId, value);
  }

  /** Feed it every event; for a delivery of a tracked message, what was noted when it was sent. */
  arrived(e: TraceEvent): T | undefined {
    if (e.kind === 'duplicate') {
      const m = this.sent.get(e.of);
      if (m !== undefined) this.sent.set(e.msgId, m);
    } else if (e.kind === 'drop') {
      this.sent.delete(e.msgId);
    } else if (e.kind === 'deliver') {
      const m = this.sent.get(e.msgId);
      this.sent.delete(e.msgId);
      return m;
    }
    return undefined;
  }
}
