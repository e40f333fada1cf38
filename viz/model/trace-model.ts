/**
 * The viz's model of a trace: the events, and what every server looked like after each of them
 * (role, vote, epoch, last zxid, up or down), rebuilt from the trace alone. Seeking is a
 * checkpoint lookup plus a short replay, so any cursor is cheap on a long trace. Pure TypeScript:
 * the page and the tests use the same code.
 */
import { parseHeader, TraceFormatError } from '../../sim/kernel/trace/parse.js';
import type { TraceEvent, TraceHeader } from '../../sim/kernel/trace/events.js';

export { TraceFormatError };

export interface Zx {
  epoch: number;
  counter: number;
}

export interface VoteView {
  leader: number;
  zxid: Zx;
  peerEpoch: number;
  round: number;
}

export interface NodeView {
  id: string;
  up: boolean;
  /** LOOKING, FOLLOWING, LEADING, OBSERVING (the role events), or '' before the first. */
  role: string;
  vote?: VoteView;
  /** The epoch it leads or follows in, once established or up to date. */
  epoch?: number;
  /** The last zxid it started at, committed (leader) or synced to. */
  zxid?: Zx;
  /** ZAB phase as the notes tell it: discovery, sync, broadcast. */
  phase?: string;
  /** The election's received votes this round, by sender (FLE's recvset as the trace shows it). */
  received: Record<string, ReceivedVote>;
}

export interface ReceivedVote {
  from: string;
  /** The sender's state when it sent it: LOOKING, FOLLOWING, LEADING, OBSERVING. */
  state: string;
  vote: VoteView;
  /** The event that delivered it. */
  index: number;
  at: number;
}

/** Which field of (peerEpoch, zxid, sid) decides between two votes, and which way. */
export function compareVotes(a: VoteView, b: VoteView): { field: 'epoch' | 'zxid' | 'sid' | 'equal'; sign: number } {
  if (a.peerEpoch !== b.peerEpoch) return { field: 'epoch', sign: Math.sign(a.peerEpoch - b.peerEpoch) };
  const z = a.zxid.epoch !== b.zxid.epoch ? a.zxid.epoch - b.zxid.epoch : a.zxid.counter - b.zxid.counter;
  if (z !== 0) return { field: 'zxid', sign: Math.sign(z) };
  if (a.leader !== b.leader) return { field: 'sid', sign: Math.sign(a.leader - b.leader) };
  return { field: 'equal', sign: 0 };
}

export type MilestoneKind = 'role' | 'vote' | 'epoch' | 'quorum' | 'commit' | 'fault' | 'crash';

/** Every this many events a full copy of the node views is kept. */
const CHECKPOINT_EVERY = 512;

type Views = Map<string, NodeView>;

function cloneViews(v: Views): Views {
  const out: Views = new Map();
  for (const [k, n] of v) out.set(k, { ...n, received: { ...n.received } });
  return out;
}

/** Notifications by message id, to know what a `deliver` brought. */
type Notifications = Map<number, { from: string; state: string; vote: VoteView }>;

/** What an event means for a milestone, if anything. */
export function milestoneOf(e: TraceEvent): MilestoneKind | undefined {
  if (e.kind === 'role') return 'role';
  if (e.kind === 'crash' || e.kind === 'boot') return 'crash';
  if (e.kind === 'fault' || e.kind === 'heal') return 'fault';
  if (e.kind !== 'note') return undefined;
  const d = e.data as { fle?: string; zab?: string } | undefined;
  if (d?.fle === 'adopt' || d?.fle === 'round') return 'vote';
  if (d?.fle === 'finalize') return 'quorum';
  if (d?.zab === 'epoch' || d?.zab === 'established') return 'epoch';
  if (d?.zab === 'commit') return 'commit';
  return undefined;
}

/** Applies one event to the node views (in place). */
export function applyEvent(views: Views, e: TraceEvent, notifications: Notifications): void {
  const node = 'node' in e ? (e as { node: string }).node : undefined;
  const view = (id: string): NodeView => {
    let v = views.get(id);
    if (v === undefined) views.set(id, (v = { id, up: true, role: '', received: {} }));
    return v;
  };
  switch (e.kind) {
    case 'send': {
      const m = e.msg as { t?: string; state?: string; vote?: { leader: number; zxid: Zx; peerEpoch: number; electionEpoch: number } } | undefined;
      if (m?.t === 'notification' && m.vote !== undefined && m.state !== undefined) {
        notifications.set(e.msgId, { from: e.from, state: m.state, vote: { leader: m.vote.leader, zxid: m.vote.zxid, peerEpoch: m.vote.peerEpoch, round: m.vote.electionEpoch } });
      }
      return;
    }
    case 'deliver': {
      const n = notifications.get(e.msgId);
      const v = views.get(e.to);
      if (n === undefined || v === undefined) return;
      v.received = { ...v.received, [n.from]: { from: n.from, state: n.state, vote: n.vote, index: e.seq, at: e.at } };
      return;
    }
    case 'boot':
      Object.assign(view(e.node), { up: true, role: '', vote: undefined, phase: undefined, received: {} });
      return;
    case 'crash':
      Object.assign(view(e.node), { up: false, role: 'down', phase: undefined, received: {} });
      return;
    case 'role':
      view(e.node).role = e.role;
      return;
    case 'note': {
      if (node === undefined || !views.has(node)) return; // only servers get a view (clients have no votes)
      const v = view(node);
      const d = e.data as { fle?: string; zab?: string; vote?: { leader: number; zxid: Zx; peerEpoch: number; electionEpoch: number }; epoch?: number; zxid?: Zx; phase?: string } | undefined;
      if (d === undefined) return;
      // A new round (or a jump to a higher one) starts a fresh tally.
      if (d.fle === 'round' || d.fle === 'jump') v.received = {};
      if (d.vote !== undefined && (d.fle === 'round' || d.fle === 'adopt' || d.fle === 'decide')) {
        v.vote = { leader: d.vote.leader, zxid: d.vote.zxid, peerEpoch: d.vote.peerEpoch, round: d.vote.electionEpoch };
      }
      if (d.zab === 'boot' && d.zxid !== undefined) v.zxid = d.zxid;
      if (d.zab === 'lead') v.phase = 'discovery';
      if (d.zab === 'follow') v.phase = 'discovery';
      if (d.zab === 'phase') v.phase = 'sync';
      if (d.zab === 'sync-mode') v.phase = 'sync';
      if (d.zab === 'established' && d.epoch !== undefined) Object.assign(v, { epoch: d.epoch, phase: 'broadcast' });
      if (d.zab === 'uptodate' && d.epoch !== undefined) Object.assign(v, { epoch: d.epoch, phase: 'broadcast' });
      if (d.zab === 'commit' && d.zxid !== undefined) v.zxid = d.zxid;
      if (d.zab === 'looking') v.phase = undefined;
      return;
    }
    default:
      return;
  }
}

export class TraceModel {
  readonly events: TraceEvent[];
  /** Server ids (s1..sN) in order: the ring. */
  readonly servers: string[];
  /** Event indices of milestones, with their kind, in order. */
  readonly milestones: { index: number; kind: MilestoneKind }[] = [];
  private readonly checkpoints: Views[] = [];
  private readonly notifications: Notifications = new Map();

  constructor(
    readonly header: TraceHeader,
    events: TraceEvent[],
  ) {
    this.events = events;
    const n = (header.config as { protocol?: { servers?: number } } | undefined)?.protocol?.servers ?? 0;
    this.servers = Array.from({ length: n }, (_, i) => `s${i + 1}`);
    let views: Views = new Map(this.servers.map((id) => [id, { id, up: true, role: '', received: {} }]));
    this.checkpoints.push(cloneViews(views));
    for (let i = 0; i < events.length; i++) {
      applyEvent(views, events[i], this.notifications);
      const m = milestoneOf(events[i]);
      if (m !== undefined) this.milestones.push({ index: i, kind: m });
      if ((i + 1) % CHECKPOINT_EVERY === 0) {
        this.checkpoints.push(views);
        views = cloneViews(views);
      }
    }
  }

  /** The servers as they were after event `index` (-1: before the first event). */
  stateAt(index: number): NodeView[] {
    const i = Math.max(-1, Math.min(index, this.events.length - 1));
    const k = Math.floor((i + 1) / CHECKPOINT_EVERY);
    const views = cloneViews(this.checkpoints[k]);
    for (let j = k * CHECKPOINT_EVERY; j <= i; j++) applyEvent(views, this.events[j], this.notifications);
    return this.servers.map((id) => views.get(id)!);
  }

  /** The next (dir 1) or previous (dir -1) milestone after / before `index`, or undefined. */
  milestone(index: number, dir: 1 | -1): number | undefined {
    if (dir === 1) return this.milestones.find((m) => m.index > index)?.index;
    for (let k = this.milestones.length - 1; k >= 0; k--) if (this.milestones[k].index < index) return this.milestones[k].index;
    return undefined;
  }

  /** The last event at or before simulated time `t` (-1 when none). */
  indexAtTime(t: number): number {
    let lo = 0;
    let hi = this.events.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid].at <= t) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }
}

/** Parses a whole trace (NDJSON). Bad input throws a TraceFormatError naming the line and the field. */
export function parseTrace(text: string): TraceModel {
  const lines = text.split('\n');
  const header = parseHeader(lines[0]);
  const events: TraceEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      throw new TraceFormatError(i + 1, 'not valid JSON');
    }
    const ev = e as Partial<TraceEvent>;
    if (typeof ev !== 'object' || ev === null) throw new TraceFormatError(i + 1, 'expected an event object');
    if (typeof ev.kind !== 'string') throw new TraceFormatError(i + 1, 'field "kind": expected a string');
    if (typeof ev.at !== 'number') throw new TraceFormatError(i + 1, 'field "at": expected a number');
    if (typeof ev.seq !== 'number') throw new TraceFormatError(i + 1, 'field "seq": expected a number');
    events.push(ev as TraceEvent);
  }
  return new TraceModel(header, events);
}
