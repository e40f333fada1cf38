/**
 * Lock safety, from the trace: (a) mutual exclusion as the clients *believe* it — the windows of
 * simulated time in which two clients each believed they held the lock (from `acquired` until
 * they release it or hear it is lost); (b) what the protected resource did — writes it accepted
 * out of lock order (a smaller fencing token after a larger one: a stale holder got through).
 * With fencing (b) must be zero even when (a) is not: that is what fencing is for. Also counts
 * watch notifications per release (the herd effect: naive O(waiters), standard O(1)).
 */
import type { TraceEvent } from '../kernel/trace/events.js';
import type { ResourceNote } from '../recipes/resource.js';
import type { LockNote } from '../workload/lock-workload.js';
import { Violations, type Checker, type Verdict } from './verdict.js';

interface Holding {
  client: string;
  token: number;
  from: number;
  /** undefined: still held at the end. */
  to?: number;
  fromSeq: number;
  /** The ZooKeeper session the holder had when it acquired (unknown for Redis clients). */
  session?: string;
}

/** Shared by the two verdicts: one pass over the lock and resource notes. */
export class LockHistory {
  readonly holdings: Holding[] = [];
  private readonly open = new Map<string, Holding>();
  readonly writes: (ResourceNote & { at: number; seq: number })[] = [];
  releases = 0;
  notifications = 0;
  acquisitions = 0;
  end = 0;
  /** Each lock client's current ZooKeeper session, and when the leader expired each session. */
  private readonly sessionOf = new Map<string, string>();
  readonly expiredAt = new Map<string, number>();

  onEvent(e: TraceEvent): void {
    this.end = e.at;
    if (e.kind === 'send' && e.port === 'client') {
      const m = e.msg as { t?: string; sessionId?: string };
      if (m.t === 'connected' && m.sessionId !== undefined) this.sessionOf.set(e.to, m.sessionId);
      return;
    }
    if (e.kind !== 'note') return;
    const expired = (e.data as { expired?: string } | undefined)?.expired;
    if (expired !== undefined && !this.expiredAt.has(expired)) this.expiredAt.set(expired, e.at);
    const data = e.data as { lock?: LockNote; resource?: ResourceNote } | undefined;
    if (data?.resource !== undefined) this.writes.push({ ...data.resource, at: e.at, seq: e.seq });
    const l = data?.lock;
    if (l === undefined) return;
    switch (l.event) {
      case 'acquired': {
        this.acquisitions++;
        const session = this.sessionOf.get(e.node);
        const h: Holding = { client: e.node, token: l.token!, from: e.at, fromSeq: e.seq, ...(session === undefined ? {} : { session }) };
        this.open.set(e.node, h);
        this.holdings.push(h);
        return;
      }
      case 'released':
        this.releases++;
        this.close(e.node, e.at);
        return;
      case 'lost':
        this.close(e.node, e.at);
        return;
      case 'notified':
        this.notifications++;
        return;
      default:
        return;
    }
  }

  /** Acquisitions that happened strictly after time `t` (e.g. after the last fault activity). */
  acquisitionsSince(t: number): number {
    let n = 0;
    for (const h of this.holdings) if (h.from > t) n++;
    return n;
  }

  private close(client: string, at: number): void {
    const h = this.open.get(client);
    if (h === undefined) return;
    h.to = at;
    this.open.delete(client);
  }
}

/**
 * What lock-exclusion holds the recipe to. `believed` (the default): never two clients that believe
 * they hold the lock. `sessions`: never two holders whose sessions are both alive — a holder whose
 * session the leader has already expired may not have heard yet (it is cut off, paused or slow),
 * which ZooKeeper cannot prevent and fencing exists for; such overlaps are counted, not failed.
 */
export type ExclusionMode = 'believed' | 'sessions';

export class LockExclusion implements Checker {
  readonly name = 'lock-exclusion';
  constructor(
    private readonly history: LockHistory,
    private readonly mode: ExclusionMode = 'believed',
  ) {}

  onEvent(e: TraceEvent): void {
    this.history.onEvent(e);
  }

  finish(): Verdict {
    const h = this.history;
    const v = new Violations();
    const sorted = [...h.holdings].sort((a, b) => a.from - b.from || a.fromSeq - b.fromSeq);
    let overlapMs = 0;
    let staleOverlaps = 0;
    let staleMs = 0;
    // Each holding against those that began before it ended (sorted by start: a sweep).
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i];
      const aEnd = a.to ?? h.end;
      for (let j = i + 1; j < sorted.length && sorted[j].from < aEnd; j++) {
        const b = sorted[j];
        if (b.client === a.client) continue;
        const until = Math.min(aEnd, b.to ?? h.end);
        const expired = a.session === undefined ? undefined : h.expiredAt.get(a.session);
        if (this.mode === 'sessions' && expired !== undefined && expired <= b.from) {
          staleOverlaps++;
          staleMs += until - b.from;
          continue;
        }
        overlapMs += until - b.from;
        v.add(`${a.client} (token ${a.token}, from ${a.from}) and ${b.client} (token ${b.token}, from ${b.from}) both believed they held the lock for ${until - b.from} ms, until ${until}`);
      }
    }
    const herd = h.releases === 0 ? 'no releases' : `${(h.notifications / h.releases).toFixed(2)} watch notifications per release (${h.notifications} for ${h.releases})`;
    const stale = staleOverlaps === 0 ? '' : `; ${staleOverlaps} overlap(s) (${staleMs} ms) with a holder whose session the leader had already expired (what fencing is for)`;
    const what = this.mode === 'sessions' ? 'never two holders with live sessions' : 'never two believed holders';
    const verdict = v.verdict(this.name, `${h.acquisitions} acquisitions, ${what}${stale}; ${herd}`, `windows with two ${this.mode === 'sessions' ? 'live-session' : 'believed'} holders (${overlapMs} ms in all)${stale}; ${herd}`);
    return verdict;
  }
}

export class LockFencing implements Checker {
  readonly name = 'lock-fencing';
  constructor(private readonly history: LockHistory) {}

  onEvent(_e: TraceEvent): void {}

  finish(): Verdict {
    const v = new Violations();
    let highest = -1;
    let highestBy = '';
    let rejected = 0;
    for (const w of this.history.writes) {
      if (!w.accepted) {
        rejected++;
        continue;
      }
      if (w.token < highest) v.add(`the resource accepted ${w.client}'s write ${w.n} with token ${w.token} at ${w.at} (event #${w.seq}) after ${highestBy}'s token ${highest}: a stale holder's write got through`);
      if (w.token > highest) {
        highest = w.token;
        highestBy = w.client;
      }
    }
    const accepted = this.history.writes.length - rejected;
    return v.verdict(this.name, `${accepted} writes accepted in lock order${rejected > 0 ? `, ${rejected} stale ones rejected by fencing` : ''}`, `writes accepted out of lock order (${accepted} accepted, ${rejected} rejected)`);
  }
}

const FAULT_ACTIVITY = new Set(['fault', 'heal', 'crash', 'boot', 'pause', 'resume', 'clock']);

/**
 * Waiters are served again once the faults heal: at least one acquisition after the last fault
 * activity, judged only when the run ends healed with `settleTicks` of quiet (otherwise `unknown`,
 * never `pass`). A lock stuck behind an orphan node fails here while every safety check passes.
 */
export class LockProgress implements Checker {
  readonly name = 'lock-progress';
  private quietFrom = 0;
  private end: Extract<TraceEvent, { kind: 'end' }> | undefined;
  private wanted = false;

  constructor(
    private readonly history: LockHistory,
    private readonly settleTicks: number,
  ) {}

  onEvent(e: TraceEvent): void {
    if (FAULT_ACTIVITY.has(e.kind)) this.quietFrom = e.at;
    if (e.kind === 'end') this.end = e;
    if (e.kind === 'note' && (e.data as { lock?: LockNote } | undefined)?.lock?.event === 'want') this.wanted = true;
  }

  finish(): Verdict {
    const check = this.name;
    const end = this.end;
    if (end === undefined || !end.healed) return { check, status: 'unknown', summary: 'faults still active at the end; progress not judged', violations: [] };
    if (end.at < this.quietFrom + this.settleTicks) {
      return { check, status: 'unknown', summary: `only ${end.at - this.quietFrom} quiet ticks after the last fault (at ${this.quietFrom}); need ${this.settleTicks} to judge`, violations: [] };
    }
    if (!this.wanted) return { check, status: 'unknown', summary: 'no client asked for the lock', violations: [] };
    const after = this.history.acquisitionsSince(this.quietFrom);
    if (after > 0) return { check, status: 'pass', summary: `${after} acquisitions after the faults healed at ${this.quietFrom}`, violations: [] };
    return { check, status: 'fail', summary: `nobody got the lock in the ${end.at - this.quietFrom} ticks after the faults healed at ${this.quietFrom}`, violations: [`no acquisition after ${this.quietFrom} (${this.history.acquisitions} in all)`] };
  }
}
