/**
 * What the space-time (Lamport) diagram draws: every message between servers as a line from its
 * send to its delivery (or a mark where it was dropped), and each server's lane split into bands —
 * election, discovery, sync, broadcast, down — from the role events and the ZAB notes. Built once
 * per trace; the view asks for a time window.
 */
import type { TraceEvent } from '../../sim/kernel/trace/events.js';

export type Band = 'election' | 'discovery' | 'sync' | 'broadcast' | 'down' | 'starting';

export interface MessageSpan {
  id: number;
  from: string;
  to: string;
  /** The message type (notification, PROPOSAL, ACK, PING, …). */
  type: string;
  sendAt: number;
  sendIndex: number;
  /** When it was delivered or dropped (undefined: still in flight at the end). */
  endAt?: number;
  endIndex?: number;
  dropped: boolean;
}

export interface BandSpan {
  node: string;
  band: Band;
  from: number;
  /** Exclusive; the run's end for the last band. */
  to: number;
}

/** Heartbeats are many and say little one by one: the diagram counts them instead of drawing them. */
export const HEARTBEATS = new Set(['PING', 'PINGREPLY']);

export class SpaceTime {
  readonly messages: MessageSpan[] = [];
  readonly bands: BandSpan[] = [];
  /** The longest time any delivered or dropped message took: how far back a window must look. */
  private maxSpan = 0;
  /** Messages still in flight at the end (they reach every later window). */
  private unfinished: MessageSpan[] = [];

  constructor(events: readonly TraceEvent[], servers: readonly string[]) {
    const isServer = new Set(servers);
    const open = new Map<number, MessageSpan>();
    const current = new Map<string, { band: Band; from: number }>();
    const end = events.length === 0 ? 0 : events[events.length - 1].at;
    const setBand = (node: string, band: Band, at: number) => {
      const cur = current.get(node);
      if (cur !== undefined && cur.band === band) return;
      if (cur !== undefined && at > cur.from) this.bands.push({ node, band: cur.band, from: cur.from, to: at });
      current.set(node, { band, from: at });
    };
    for (const s of servers) current.set(s, { band: 'starting', from: 0 });
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.kind === 'send' && isServer.has(e.from) && isServer.has(e.to)) {
        const t = (e.msg as { t?: string } | undefined)?.t ?? 'message';
        const m: MessageSpan = { id: e.msgId, from: e.from, to: e.to, type: t, sendAt: e.at, sendIndex: i, dropped: false };
        this.messages.push(m);
        open.set(e.msgId, m);
      } else if (e.kind === 'deliver' || e.kind === 'drop') {
        const m = open.get(e.msgId);
        if (m === undefined) continue;
        open.delete(e.msgId);
        Object.assign(m, { endAt: e.at, endIndex: i, dropped: e.kind === 'drop' });
      } else if (e.kind === 'crash' && isServer.has(e.node)) setBand(e.node, 'down', e.at);
      else if (e.kind === 'boot' && isServer.has(e.node)) setBand(e.node, 'starting', e.at);
      else if (e.kind === 'role' && isServer.has(e.node) && e.role === 'LOOKING') setBand(e.node, 'election', e.at);
      else if (e.kind === 'note' && isServer.has(e.node)) {
        const z = (e.data as { zab?: string } | undefined)?.zab;
        if (z === 'lead' || z === 'follow') setBand(e.node, 'discovery', e.at);
        else if (z === 'phase' || z === 'sync-mode') setBand(e.node, 'sync', e.at);
        else if (z === 'established' || z === 'uptodate') setBand(e.node, 'broadcast', e.at);
        else if (z === 'looking') setBand(e.node, 'election', e.at);
      }
    }
    for (const [node, cur] of current) this.bands.push({ node, band: cur.band, from: cur.from, to: Math.max(end, cur.from) });
    this.messages.sort((a, b) => a.sendIndex - b.sendIndex);
    for (const m of this.messages) {
      if (m.endAt === undefined) this.unfinished.push(m);
      else this.maxSpan = Math.max(this.maxSpan, m.endAt - m.sendAt);
    }
  }

  /** The first message sent at or after `t` (messages are in send order, so in time order). */
  private firstSentFrom(t: number): number {
    let lo = 0;
    let hi = this.messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.messages[mid].sendAt < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Messages that overlap [from, to] in time, heartbeats apart (counted per sender and receiver). */
  window(from: number, to: number): { messages: MessageSpan[]; heartbeats: Map<string, number> } {
    const messages: MessageSpan[] = [];
    const heartbeats = new Map<string, number>();
    // Only messages sent within maxSpan before the window can still be on the wire in it.
    const candidates = [...this.messages.slice(this.firstSentFrom(from - this.maxSpan), this.firstSentFrom(to + 1)), ...this.unfinished.filter((m) => m.sendAt < from - this.maxSpan && m.sendAt <= to)];
    for (const m of candidates) {
      if ((m.endAt ?? Number.POSITIVE_INFINITY) < from) continue;
      if (HEARTBEATS.has(m.type)) {
        const key = `${m.from}→${m.to}`;
        heartbeats.set(key, (heartbeats.get(key) ?? 0) + 1);
      } else messages.push(m);
    }
    return { messages, heartbeats };
  }

  bandsIn(from: number, to: number): BandSpan[] {
    return this.bands.filter((b) => b.to >= from && b.from <= to);
  }
}
