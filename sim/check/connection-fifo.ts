import type { TraceEvent } from '../kernel/trace/events.js';
import { Violations, type Checker, type Verdict } from './verdict.js';

interface FlowState {
  /** msgIds sent on this direction of the connection, not yet delivered or dropped, in order. */
  pending: number[];
  head: number;
  /** The first message of this direction that was lost (lowest msgId, i.e. earliest sent), and where. */
  firstLost: { msgId: number; seq: number } | null;
  /** The receiving side closed: nothing more will be delivered; forget the flow once it drains. */
  receiverClosed: boolean;
}

/**
 * Connections behave like TCP: on each direction of a connection, messages are delivered in the
 * order they were sent, without duplicates, and losses form a suffix: a message is lost only
 * because the connection broke, so nothing sent after a lost message is delivered. (Judged in
 * send order, not trace order: a paused receiver may handle earlier messages after a later one
 * was dropped.) msgIds grow in send order, so they stand for it. Datagrams are not checked here.
 * State for a direction is dropped once its receiver has closed and its messages have their fates,
 * so memory follows the connections that are open, not all that ever were.
 */
export class ConnectionFifo implements Checker {
  readonly name = 'connection-fifo';
  private readonly flows = new Map<string, FlowState>();
  private readonly flowOf = new Map<number, string>(); // msgId -> flow key
  private readonly v = new Violations();
  private directions = 0;
  private delivered = 0;

  onEvent(e: TraceEvent): void {
    switch (e.kind) {
      case 'send': {
        if (e.conn === undefined) return;
        const key = `${e.conn}:${e.from}`;
        let f = this.flows.get(key);
        if (f === undefined) {
          f = { pending: [], head: 0, firstLost: null, receiverClosed: false };
          this.flows.set(key, f);
          this.directions++;
        }
        f.pending.push(e.msgId);
        this.flowOf.set(e.msgId, key);
        return;
      }
      case 'close': {
        const key = `${e.conn}:${e.peer}`;
        const f = this.flows.get(key);
        if (f === undefined) return;
        f.receiverClosed = true;
        this.maybeForget(key, f);
        return;
      }
      case 'deliver':
      case 'drop':
        break;
      default:
        return;
    }
    const key = this.flowOf.get(e.msgId);
    if (key === undefined) return; // a datagram
    this.flowOf.delete(e.msgId);
    const f = this.flows.get(key) as FlowState;
    if (e.kind === 'drop') {
      if (f.firstLost === null || e.msgId < f.firstLost.msgId) f.firstLost = { msgId: e.msgId, seq: e.seq };
    } else {
      this.delivered++;
      if (f.firstLost !== null && e.msgId > f.firstLost.msgId) {
        this.v.add(`#${e.seq}: m${e.msgId} on conn ${key} delivered, but m${f.firstLost.msgId}, sent before it, was lost (#${f.firstLost.seq})`);
      }
      const expected = f.pending[f.head];
      if (expected !== e.msgId) this.v.add(`#${e.seq}: m${e.msgId} on conn ${key} delivered before m${expected}, which was sent earlier`);
    }
    this.remove(f, e.msgId);
    this.maybeForget(key, f);
  }

  private remove(f: FlowState, msgId: number): void {
    if (f.pending[f.head] === msgId) {
      f.head++;
      if (f.head > 1024 && f.head * 2 > f.pending.length) {
        f.pending = f.pending.slice(f.head);
        f.head = 0;
      }
      return;
    }
    const i = f.pending.indexOf(msgId, f.head);
    if (i >= 0) f.pending.splice(i, 1);
  }

  private maybeForget(key: string, f: FlowState): void {
    if (f.receiverClosed && f.head >= f.pending.length) this.flows.delete(key);
  }

  finish(): Verdict {
    return this.v.verdict(this.name, `${this.delivered} message(s) on ${this.directions} connection direction(s) arrived in order`, 'FIFO violation(s)');
  }
}
