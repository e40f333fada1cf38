/**
 * Coverage probes: named protocol situations, counted per run from the trace, so a sweep can say
 * which situations it reached and which it never did (a checker that never saw a TRUNC sync has
 * not shown that TRUNC syncs are safe). Each probe reads only trace events, so probes work on any
 * run, replayed or live.
 */
import type { TraceEvent } from '../kernel/trace/events.js';

export const PROBES = {
  'sync-diff': 'a learner synced by DIFF',
  'sync-trunc': 'a learner synced by TRUNC (it held proposals the new leader does not have)',
  'sync-snap': 'a learner synced by SNAP (a whole snapshot)',
  'election-over-2-rounds': 'a server went through more than 2 election rounds before deciding',
  'leader-crash-acked-uncommitted': 'a leader crashed holding a proposal a quorum had ACKed but it had not yet COMMITted',
  'leader-lost-quorum': 'a leader stepped down because too few followers were synced (syncLimit)',
  'follower-read-timeout': 'a follower gave up on a silent leader (read timeout)',
  'two-leaders-at-once': 'two servers were LEADING at the same moment (a stale leader and a new one)',
  'session-expired': 'a session expired',
  'session-expired-client-disconnected': 'a session expired while its client had no connection to any server',
  'session-moved': 'a client reconnected with the same session to another server',
  'write-outcome-unknown': 'a client write ended in CONNECTION_LOSS (outcome unknown)',
  'lock-lost': 'a lock holder lost its lock (session expired or connection lost while holding)',
  'server-refused-to-start': 'a restarted server refused to start (corrupt or inconsistent state on disk)',
  'fsync-lost-on-power-loss': 'a power loss lost records that were written but not fsynced',
} as const;

export type ProbeName = keyof typeof PROBES;
export const PROBE_NAMES = Object.keys(PROBES) as ProbeName[];

export type ProbeCounts = Partial<Record<ProbeName, number>>;

const WRITE_OPS = new Set(['create', 'create-ephemeral', 'create-sequential', 'setData', 'delete']);

interface Note {
  zab?: string;
  fle?: string;
  mode?: string;
  reason?: string;
  expired?: string;
  exit?: string;
  round?: number;
  client?: { phase?: string; op?: string; outcome?: string };
  lock?: { event?: string };
}

/** Counts probe hits from trace events as they happen. */
export class ProbeCounter {
  private readonly counts = new Map<ProbeName, number>();
  /** Election rounds started per server since it last decided. */
  private readonly rounds = new Map<string, number>();
  private readonly leading = new Set<string>();
  /** Per leader: proposals it sent (zxid key → ACK senders), and COMMITs it sent. */
  private readonly acks = new Map<string, Map<string, Set<string>>>();
  private readonly committed = new Map<string, Set<string>>();
  /** ACK message id → (leader, zxid key, follower), so its delivery can be counted. */
  private readonly ackInFlight = new Map<number, { leader: string; zxid: string; from: string }>();
  /** Open client connections per client process; session → its client and last server. */
  private readonly clientConns = new Map<string, Set<number>>();
  private readonly sessions = new Map<string, { client: string; server: string }>();

  constructor(private readonly quorum: number) {}

  private hit(p: ProbeName): void {
    this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
  }

  onEvent(e: TraceEvent): void {
    const ev = e as TraceEvent & Record<string, unknown>;
    switch (e.kind) {
      case 'note':
        this.onNote(ev.node as string, (ev.data ?? {}) as Note);
        return;
      case 'role':
        if (ev.role === 'LEADING') {
          this.leading.add(ev.node as string);
          if (this.leading.size >= 2) this.hit('two-leaders-at-once');
        } else this.leading.delete(ev.node as string);
        return;
      case 'crash': {
        const node = ev.node as string;
        if (this.leading.has(node) && this.ackedUncommitted(node)) this.hit('leader-crash-acked-uncommitted');
        if (ev.mode === 'machine' && ((ev.lostRecords as number | undefined) ?? 0) > 0) this.hit('fsync-lost-on-power-loss');
        this.leading.delete(node);
        this.acks.delete(node);
        this.committed.delete(node);
        this.clientConns.delete(node);
        return;
      }
      case 'send':
        this.onSend(ev);
        return;
      case 'deliver': {
        const a = this.ackInFlight.get(ev.msgId as number);
        if (a !== undefined) {
          this.ackInFlight.delete(ev.msgId as number);
          this.acks.get(a.leader)?.get(a.zxid)?.add(a.from);
        }
        return;
      }
      case 'connected':
        if (ev.port === 'client') this.conns(ev.node as string).add(ev.conn as number);
        return;
      case 'close':
        this.clientConns.get(ev.node as string)?.delete(ev.conn as number);
        return;
      default:
    }
  }

  private conns(client: string): Set<number> {
    let s = this.clientConns.get(client);
    if (s === undefined) this.clientConns.set(client, (s = new Set()));
    return s;
  }

  private ackedUncommitted(leader: string): boolean {
    const done = this.committed.get(leader) ?? new Set<string>();
    for (const [zxid, from] of this.acks.get(leader) ?? []) if (!done.has(zxid) && from.size >= this.quorum) return true;
    return false;
  }

  private onSend(ev: Record<string, unknown>): void {
    const msg = ev.msg as { t?: string; txn?: { zxid?: unknown }; zxid?: unknown; sessionId?: string } | undefined;
    if (msg === undefined) return;
    const from = ev.from as string;
    const to = ev.to as string;
    if (ev.port === 'quorum') {
      if (msg.t === 'PROPOSAL' && this.leading.has(from)) {
        const key = JSON.stringify(msg.txn?.zxid);
        let m = this.acks.get(from);
        if (m === undefined) this.acks.set(from, (m = new Map()));
        if (!m.has(key)) m.set(key, new Set([from])); // the leader ACKs its own proposal
      } else if (msg.t === 'ACK' && this.leading.has(to)) {
        this.ackInFlight.set(ev.msgId as number, { leader: to, zxid: JSON.stringify(msg.zxid), from });
      } else if (msg.t === 'COMMIT' && this.leading.has(from)) {
        let s = this.committed.get(from);
        if (s === undefined) this.committed.set(from, (s = new Set()));
        s.add(JSON.stringify(msg.zxid));
      }
    } else if (ev.port === 'client' && msg.t === 'connected' && msg.sessionId !== undefined) {
      const before = this.sessions.get(msg.sessionId);
      if (before !== undefined && before.server !== from) this.hit('session-moved');
      this.sessions.set(msg.sessionId, { client: to, server: from });
    }
  }

  private onNote(node: string, d: Note): void {
    if (d.zab === 'sync-mode') {
      if (d.mode === 'DIFF') this.hit('sync-diff');
      else if (d.mode === 'TRUNC') this.hit('sync-trunc');
      else if (d.mode === 'SNAP') this.hit('sync-snap');
    } else if (d.zab === 'looking') {
      const reason = d.reason ?? '';
      if (reason.startsWith('not sufficient followers')) this.hit('leader-lost-quorum');
      else if (reason.startsWith('no word from leader')) this.hit('follower-read-timeout');
    } else if (d.fle === 'round' || d.fle === 'jump') {
      const n = (this.rounds.get(node) ?? 0) + 1;
      this.rounds.set(node, n);
      if (n === 3) this.hit('election-over-2-rounds');
    } else if (d.fle === 'decide') {
      this.rounds.delete(node);
    } else if (d.expired !== undefined) {
      this.hit('session-expired');
      const s = this.sessions.get(d.expired);
      if (s !== undefined && (this.clientConns.get(s.client)?.size ?? 0) === 0) this.hit('session-expired-client-disconnected');
    } else if (d.exit !== undefined) {
      this.hit('server-refused-to-start');
    } else if (d.client?.phase === 'complete' && d.client.op !== undefined && WRITE_OPS.has(d.client.op) && isConnectionLoss(d.client)) {
      this.hit('write-outcome-unknown');
    } else if (d.lock?.event === 'lost') {
      this.hit('lock-lost');
    }
  }

  /** Hits per probe (probes never hit are absent). */
  result(): ProbeCounts {
    const out: ProbeCounts = {};
    for (const p of PROBE_NAMES) {
      const n = this.counts.get(p);
      if (n !== undefined) out[p] = n;
    }
    return out;
  }
}

function isConnectionLoss(c: NonNullable<Note['client']>): boolean {
  return c.outcome === 'unknown';
}
