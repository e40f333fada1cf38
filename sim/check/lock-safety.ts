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

  onEvent(e: TraceEvent): void {
    this.end = e.at;
    if (e.kind !== 'note') return;
    const data = e.data as { lock?: LockNote; resource?: ResourceNote } | undefined;
    if (data?.resource !== undefined) this.writes.push({ ...data.resource, at: e.at, seq: e.seq });
    const l = data?.lock;
    if (l === undefined) return;
    switch (l.event) {
      case 'acquired': {
        this.acquisitions++;
        const h: Holding = { client: e.node, token: l.token!, from: e.at, fromSeq: e.seq };
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

export class LockExclusion implements Checker {
  readonly name = 'lock-exclusion';
  constructor(private readonly history: LockHistory) {}

  onEvent(e: TraceEvent): void {
    this.history.onEvent(e);
  }

  finish(): Verdict {
    const h = this.history;
    const v = new Violations();
    const sorted = [...h.holdings].sort((a, b) => a.from - b.from || a.fromSeq - b.fromSeq);
    let overlapMs = 0;
    // Each holding against those that began before it ended (sorted by start: a sweep).
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i];
      const aEnd = a.to ?? h.end;
      for (let j = i + 1; j < sorted.length && sorted[j].from < aEnd; j++) {
        const b = sorted[j];
        if (b.client === a.client) continue;
        const until = Math.min(aEnd, b.to ?? h.end);
        overlapMs += until - b.from;
        v.add(`${a.client} (token ${a.token}, from ${a.from}) and ${b.client} (token ${b.token}, from ${b.from}) both believed they held the lock for ${until - b.from} ms, until ${until}`);
      }
    }
    const herd = h.releases === 0 ? 'no releases' : `${(h.notifications / h.releases).toFixed(2)} watch notifications per release (${h.notifications} for ${h.releases})`;
    const verdict = v.verdict(this.name, `${h.acquisitions} acquisitions, never two believed holders; ${herd}`, `windows with two believed holders (${overlapMs} ms in all); ${herd}`);
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
