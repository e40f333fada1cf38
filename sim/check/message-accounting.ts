import type { TraceEvent } from '../kernel/trace/events.js';
import { Violations, type Checker, type Verdict } from './verdict.js';

/**
 * Every message has exactly one fate: each `send` (or `duplicate`) is answered by one `deliver`
 * or one `drop` with its msgId, or is listed as in flight by the `end` event; nothing is
 * delivered or dropped that was never sent. This is what lets a space-time diagram be drawn
 * from the trace without guessing.
 */
export class MessageAccounting implements Checker {
  readonly name = 'message-accounting';
  private readonly open = new Map<number, number>(); // msgId -> seq of its send
  private readonly v = new Violations();
  private sent = 0;
  private delivered = 0;
  private dropped = 0;
  private ended = false;

  onEvent(e: TraceEvent): void {
    switch (e.kind) {
      case 'send':
      case 'duplicate':
        if (this.open.has(e.msgId)) this.v.add(`#${e.seq}: m${e.msgId} sent twice`);
        this.open.set(e.msgId, e.seq);
        this.sent++;
        break;
      case 'deliver':
      case 'drop':
        if (!this.open.delete(e.msgId)) this.v.add(`#${e.seq}: m${e.msgId} ${e.kind === 'deliver' ? 'delivered' : 'dropped'} but not in flight`);
        if (e.kind === 'deliver') this.delivered++;
        else this.dropped++;
        break;
      case 'end': {
        this.ended = true;
        const listed = new Set(e.inFlight);
        if (listed.size !== e.inFlight.length) this.v.add(`#${e.seq}: the end event lists a message in flight twice`);
        for (const [msgId, seq] of this.open) {
          if (!listed.has(msgId)) this.v.add(`m${msgId} (sent at #${seq}) has no deliver or drop and is not listed in flight`);
        }
        for (const msgId of listed) if (!this.open.has(msgId)) this.v.add(`#${e.seq}: m${msgId} listed in flight but not outstanding`);
        break;
      }
    }
  }

  finish(): Verdict {
    if (!this.ended) this.v.add('the trace has no end event');
    return this.v.verdict(
      this.name,
      `${this.sent} sent: ${this.delivered} delivered, ${this.dropped} dropped, ${this.open.size} in flight at the end`,
      'message(s) without exactly one fate',
    );
  }
}
