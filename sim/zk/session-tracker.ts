/**
 * Session bookkeeping as ZooKeeper's SessionTrackerImpl does it: ids with the server id in the
 * top byte, and expiry in tickTime buckets. A touch at `now` moves the session to the bucket
 * ending at the next multiple of tickTime after `now + timeout`, so a silent session expires
 * between `timeout` and `timeout + tickTime` after it was last heard from.
 */
import type { SessionId } from '../client/zk-client.js';

export interface Session {
  id: SessionId;
  timeoutMs: number;
  /** Expiry is under way: requests get SESSION_EXPIRED. */
  closing: boolean;
  /** The bucket (monotonic ms) in which the session expires. */
  expiresAt: number;
}

export class SessionTracker {
  readonly sessions = new Map<SessionId, Session>();
  /**
   * Where the server's elapsed-time clock stands when the node's monotonic clock reads 0. A JVM's
   * elapsed time has an arbitrary origin, so bucket boundaries fall anywhere relative to a client's
   * last ping; a random phase reproduces the real spread of expiry times within [timeout, timeout + tickTime].
   */
  private readonly phase: number;
  /** bucket time → sessions in it, in the order they entered. */
  private readonly buckets = new Map<number, Set<SessionId>>();
  private next: bigint;

  constructor(
    private readonly tickTimeMs: number,
    serverId: number,
    monotonicNowMs: number,
    phaseMs = 0,
  ) {
    this.phase = phaseMs;
    // ((elapsed << 24) >>> 8) | (sid << 56), on a 64-bit long: the time lands in bits 16..55.
    const mask64 = (1n << 64n) - 1n;
    let id = ((BigInt(monotonicNowMs + phaseMs) << 24n) & mask64) >> 8n;
    id |= BigInt(serverId) << 56n;
    if (id === 1n << 63n) id++;
    this.next = id;
  }

  /** The id the next new session gets. */
  takeId(): SessionId {
    const id = this.next;
    this.next = (this.next + 1n) & ((1n << 64n) - 1n);
    if (this.next === 1n << 63n) this.next++; // the container marker is never a session
    return formatSessionId(id);
  }

  add(id: SessionId, timeoutMs: number, now: number): Session {
    const s: Session = { id, timeoutMs, closing: false, expiresAt: -1 };
    this.sessions.set(id, s);
    this.touch(id, now);
    return s;
  }

  remove(id: SessionId): void {
    const s = this.sessions.get(id);
    if (s === undefined) return;
    this.buckets.get(s.expiresAt)?.delete(id);
    this.sessions.delete(id);
  }

  /** Heard from the session: false if it is unknown or already closing. */
  touch(id: SessionId, now: number): boolean {
    const s = this.sessions.get(id);
    if (s === undefined || s.closing) return false;
    const at = (Math.floor((now + this.phase + s.timeoutMs) / this.tickTimeMs) + 1) * this.tickTimeMs - this.phase;
    if (at === s.expiresAt) return true;
    this.buckets.get(s.expiresAt)?.delete(id);
    let b = this.buckets.get(at);
    if (b === undefined) this.buckets.set(at, (b = new Set()));
    b.add(id);
    s.expiresAt = at;
    return true;
  }

  /** The earliest bucket that holds a session (on the node's monotonic clock), or undefined. */
  nextExpiry(): number | undefined {
    let best: number | undefined;
    for (const [at, set] of this.buckets) if (set.size > 0 && (best === undefined || at < best)) best = at;
    return best;
  }

  /** Sessions whose bucket has ended by `now`, marked closing, in bucket then entry order. */
  expire(now: number): Session[] {
    const due = [...this.buckets.keys()].filter((at) => at <= now).sort((a, b) => a - b);
    const out: Session[] = [];
    for (const at of due) {
      for (const id of this.buckets.get(at)!) {
        const s = this.sessions.get(id)!;
        s.closing = true;
        out.push(s);
      }
      this.buckets.delete(at);
    }
    return out;
  }
}

export function formatSessionId(id: bigint): SessionId {
  return `0x${id.toString(16).padStart(16, '0')}`;
}

/** ZooKeeper derives a session's password from its id so any server can check it. */
export function passwordFor(id: SessionId): string {
  let h = 0x811c9dc5;
  const key = `${id}:B3415C00`;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
