import type { TraceEvent } from '../kernel/trace/events.js';
import { Violations, type Checker, type Verdict } from './verdict.js';

/**
 * The test protocol's own view of its channels: on every channel (a connection direction, or the
 * datagrams from one incarnation of a node to another node) the pings delivered are numbered
 * 0, 1, 2, ... with no gap, repeat or inversion. Holds on connections; datagrams break it.
 */
export class PingPongSequence implements Checker {
  readonly name = 'pingpong-sequence';
  private readonly incarnation = new Map<string, number>();
  private readonly inFlight = new Map<number, { channel: string; n: number }>();
  /** Per channel: the highest ping delivered, pings still in flight, and whether the receiver closed. */
  private readonly channels = new Map<string, { last: number; pending: number; closed: boolean }>();
  private readonly v = new Violations();
  private delivered = 0;
  private channelCount = 0;

  onEvent(e: TraceEvent): void {
    switch (e.kind) {
      case 'boot':
        this.incarnation.set(e.node, e.incarnation);
        break;
      case 'send': {
        const msg = e.msg as { t?: string; n?: number };
        if (msg?.t !== 'ping' || typeof msg.n !== 'number') return;
        const channel = e.conn === undefined ? `datagram ${e.from}#${this.incarnation.get(e.from) ?? 0}>${e.to}` : `conn ${e.conn} ${e.from}>${e.to}`;
        this.inFlight.set(e.msgId, { channel, n: msg.n });
        this.channel(channel).pending++;
        break;
      }
      case 'duplicate': {
        const orig = this.inFlight.get(e.of);
        if (orig !== undefined) {
          this.inFlight.set(e.msgId, orig);
          this.channel(orig.channel).pending++;
        }
        break;
      }
      case 'close': {
        // Nothing more reaches the closing side on this connection: forget the channel into it once drained.
        const key = `conn ${e.conn} ${e.peer}>${e.node}`;
        const c = this.channels.get(key);
        if (c !== undefined) {
          c.closed = true;
          if (c.pending === 0) this.channels.delete(key);
        }
        break;
      }
      case 'drop':
      case 'deliver': {
        const p = this.inFlight.get(e.msgId);
        if (p === undefined) return;
        this.inFlight.delete(e.msgId);
        const c = this.channel(p.channel);
        c.pending--;
        if (e.kind === 'deliver') {
          this.delivered++;
          if (p.n !== c.last + 1) {
            const what = p.n > c.last + 1 ? `gap: ping ${p.n} after ${c.last}` : `out of order or repeated: ping ${p.n} after ${c.last}`;
            this.v.add(`#${e.seq}: ${p.channel}: ${what}`);
          }
          c.last = Math.max(c.last, p.n);
        }
        if (c.closed && c.pending === 0) this.channels.delete(p.channel);
        break;
      }
    }
  }

  private channel(key: string): { last: number; pending: number; closed: boolean } {
    let c = this.channels.get(key);
    if (c === undefined) {
      c = { last: -1, pending: 0, closed: false };
      this.channels.set(key, c);
      this.channelCount++;
    }
    return c;
  }

  finish(): Verdict {
    return this.v.verdict(this.name, `${this.delivered} ping(s) on ${this.channelCount} channel(s), each channel gap-free and in order`, 'sequence violation(s)');
  }
}

/**
 * What a node reported durable (its fsync completed) survives any crash: the count it recovers
 * at the next boot is at least the last count it called durable.
 */
export class PingPongDurability implements Checker {
  readonly name = 'pingpong-durability';
  private readonly durable = new Map<string, { count: number; seq: number }>();
  private readonly v = new Violations();
  private recoveries = 0;

  onEvent(e: TraceEvent): void {
    if (e.kind !== 'note' || typeof e.data !== 'object' || e.data === null) return;
    const d = e.data as { durable?: number; recovered?: number };
    if (typeof d.durable === 'number') this.durable.set(e.node, { count: d.durable, seq: e.seq });
    if (typeof d.recovered === 'number') {
      const claim = this.durable.get(e.node);
      if (claim !== undefined) {
        this.recoveries++;
        if (d.recovered < claim.count) this.v.add(`#${e.seq}: ${e.node} recovered ${d.recovered}, but called ${claim.count} durable at #${claim.seq}`);
      }
    }
  }

  finish(): Verdict {
    return this.v.verdict(this.name, `${this.recoveries} restart(s) after a durability claim; none lost durable data`, 'durable record(s) lost');
  }
}
