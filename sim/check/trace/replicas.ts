/**
 * What each server holds and applies, rebuilt from the trace alone: the packets it was delivered
 * on its connection to the leader, its own notes (boot, LOOKING, established, commit) and
 * its crashes. It follows the learner as ZooKeeper's Learner/Follower do:
 *
 * - in synchronization, PROPOSALs wait (packetsNotLogged) and COMMITs are remembered; at NEWLEADER
 *   the committed ones are logged and applied; at UPTODATE the rest go through the normal path;
 * - in broadcast a PROPOSAL is logged, a COMMIT applies the oldest logged proposal, an INFORM
 *   (observers) is logged and applied;
 * - TRUNC cuts the history back, SNAP replaces it with the leader's, a restart keeps what its
 *   boot note says survived (the log is in zxid order, so what survives is a prefix).
 *
 * Per server it keeps `held`, the zxids of its history (what its tree holds or would after a
 * restart), and `runs`: the transactions it applied as committed, in order, one run per stretch of
 * uninterrupted synchronization and broadcast (a restart, TRUNC or SNAP starts a new one).
 *
 * The committed history is what leaders committed (their commit notes) plus, for each epoch's
 * first established leader, everything it held when it was established (its initial history,
 * committed by the quorum that acknowledged NEWLEADER).
 */
import { zkey, type Ref } from './common.js';
import type { QuorumPayload } from './payloads.js';

type Phase = 'DISCOVERY' | 'SYNCHRONIZATION' | 'BROADCAST';

interface Learner {
  conn: number;
  leader: string;
  observer: boolean;
  phase: Phase;
  newEpoch: number | undefined;
  /** The last zxid it reported in ACKEPOCH: where a DIFF starts. */
  ackLast: number | undefined;
  newLeaderSeen: boolean;
  notLogged: number[];
  committedDuringSync: number[];
  pending: number[];
}

/** A stretch of transactions one server applied as committed, in the order it applied them. */
export interface AppliedRun {
  node: string;
  /** What the server had before the first of them (its sync point), when the trace says. */
  base: number | undefined;
  /** How the run started: "DIFF", "TRUNC", "SNAP" or "leading epoch N". */
  start: string;
  startRef: Ref;
  keys: number[];
  /** Event numbers and times of each application. */
  seqs: number[];
  ats: number[];
}

export interface ServerState {
  node: string;
  up: boolean;
  held: Set<number>;
  learner: Learner | undefined;
  /** The epoch it established leadership of (first for that epoch), until it leaves the role. */
  established: number | undefined;
  run: AppliedRun | undefined;
}

export interface Establishment {
  node: string;
  epoch: number;
  ref: Ref;
  /** False when another server had already established this epoch (the model ignores it). */
  first: boolean;
  held: ReadonlySet<number>;
}

export interface ReplicaListener {
  established?(e: Establishment): void;
  leaderCommitted?(node: string, key: number, ref: Ref): void;
  /** A COMMIT that is not for the oldest logged proposal: the server halts (UNMATCHED_TXN_COMMIT). */
  commitMismatch?(node: string, key: number, expected: number, ref: Ref): void;
}

export class ReplicaModel {
  readonly servers = new Map<string, ServerState>();
  readonly runs: AppliedRun[] = [];
  /** Committed zxids and the first evidence of each: a leader's commit or an initial history. */
  readonly committed = new Map<number, { node: string; ref: Ref; how: 'commit' | 'initial history' }>();
  readonly leaders = new Map<number, { node: string; ref: Ref }>();

  constructor(private readonly listeners: ReplicaListener[]) {}

  server(node: string): ServerState {
    let s = this.servers.get(node);
    if (s === undefined) {
      s = { node, up: true, held: new Set(), learner: undefined, established: undefined, run: undefined };
      this.servers.set(node, s);
    }
    return s;
  }

  // ------------------------------------------------------------------ notes and crashes

  booted(node: string, last: number): void {
    const s = this.server(node);
    s.up = true;
    this.leaveRole(s);
    // What survived a crash is a prefix of the log; the boot note says where it ends.
    for (const k of s.held) if (k > last) s.held.delete(k);
  }

  crashed(node: string): void {
    const s = this.server(node);
    s.up = false;
    this.leaveRole(s);
  }

  looking(node: string): void {
    this.leaveRole(this.server(node));
  }

  private leaveRole(s: ServerState): void {
    s.learner = undefined;
    s.established = undefined;
    s.run = undefined;
  }

  establishedNote(node: string, epoch: number, ref: Ref): void {
    const s = this.server(node);
    const first = !this.leaders.has(epoch);
    if (first) {
      this.leaders.set(epoch, { node, ref });
      s.established = epoch;
      for (const k of s.held) if (!this.committed.has(k)) this.committed.set(k, { node, ref, how: 'initial history' });
      this.startRun(s, zkey({ epoch, counter: 0 }), `leading epoch ${epoch}`, ref);
    }
    for (const l of this.listeners) l.established?.({ node, epoch, ref, first, held: s.held });
  }

  commitNote(node: string, key: number, ref: Ref): void {
    const s = this.server(node);
    if (!this.committed.has(key)) this.committed.set(key, { node, ref, how: 'commit' });
    s.held.add(key);
    if (s.run !== undefined && s.established !== undefined) this.applied(s, key, ref);
    for (const l of this.listeners) l.leaderCommitted?.(node, key, ref);
  }

  // ------------------------------------------------------------------ packets

  /** A packet leaves `from`; returns what must travel with it (a SNAP carries the sender's history). */
  sent(from: string, to: string, conn: number | undefined, pk: QuorumPayload): Set<number> | undefined {
    const s = this.server(from);
    switch (pk.t) {
      case 'PROPOSAL':
      case 'INFORM':
        // Whoever sends a transaction has it: a leader logs its proposals, and syncs from its history.
        s.held.add(pk.txn.key);
        return undefined;
      case 'FOLLOWERINFO':
        if (conn !== undefined) s.learner = { conn, leader: to, observer: pk.observer, phase: 'DISCOVERY', newEpoch: undefined, ackLast: undefined, newLeaderSeen: false, notLogged: [], committedDuringSync: [], pending: [] };
        return undefined;
      case 'ACKEPOCH':
        if (s.learner !== undefined && s.learner.conn === conn) s.learner.ackLast = pk.last;
        return undefined;
      case 'SNAP': {
        const snap = new Set<number>();
        for (const k of s.held) if (k <= pk.key) snap.add(k);
        return snap;
      }
      default:
        return undefined;
    }
  }

  delivered(to: string, from: string, conn: number | undefined, pk: QuorumPayload, snap: Set<number> | undefined, ref: Ref): void {
    const s = this.server(to);
    const l = s.learner;
    // A learner reads only its current connection to its leader (QuorumPeer drops the rest).
    if (l === undefined || l.conn !== conn || l.leader !== from) return;
    switch (pk.t) {
      case 'LEADERINFO':
        if (l.phase === 'DISCOVERY') l.newEpoch = pk.newEpoch;
        return;
      case 'DIFF':
      case 'TRUNC':
      case 'SNAP':
        l.phase = 'SYNCHRONIZATION';
        if (pk.t === 'TRUNC') {
          for (const k of s.held) if (k > pk.key) s.held.delete(k);
          this.startRun(s, pk.key, 'TRUNC', ref);
        } else if (pk.t === 'SNAP') {
          const next = new Set(snap ?? []);
          for (const k of s.held) if (k > pk.key) next.add(k);
          s.held = next;
          this.startRun(s, pk.key, 'SNAP', ref);
        } else {
          this.startRun(s, l.ackLast, 'DIFF', ref);
        }
        return;
      case 'PROPOSAL':
        return this.onProposal(s, l, pk.txn.key);
      case 'COMMIT':
        return this.onCommit(s, l, pk.key, ref);
      case 'INFORM':
        if (l.phase === 'SYNCHRONIZATION') {
          l.notLogged.push(pk.txn.key);
          l.committedDuringSync.push(pk.txn.key);
        } else {
          s.held.add(pk.txn.key);
          this.applied(s, pk.txn.key, ref);
        }
        return;
      case 'NEWLEADER':
        // Out of place, the learner goes LOOKING: its note says so.
        if (l.phase !== 'SYNCHRONIZATION' || pk.epoch !== l.newEpoch) return;
        l.newLeaderSeen = true;
        for (const k of l.committedDuringSync) {
          const i = l.notLogged.indexOf(k);
          if (i < 0) continue;
          l.notLogged.splice(i, 1);
          s.held.add(k);
          this.applied(s, k, ref);
        }
        l.committedDuringSync = [];
        return;
      case 'UPTODATE': {
        if (l.phase !== 'SYNCHRONIZATION' || !l.newLeaderSeen) return;
        l.phase = 'BROADCAST';
        const rest = l.notLogged;
        l.notLogged = [];
        if (l.observer) {
          // An observer logs and applies what it was INFORMed of during sync, matched in order
          // against the committed zxids (Learner.syncWithLeader); a mismatch is skipped.
          const commits = l.committedDuringSync;
          l.committedDuringSync = [];
          for (const k of rest) {
            if (commits[0] !== k) continue;
            commits.shift();
            s.held.add(k);
            this.applied(s, k, ref);
          }
          return;
        }
        for (const k of rest) this.onProposal(s, l, k);
        const commits = l.committedDuringSync;
        l.committedDuringSync = [];
        for (const k of commits) this.onCommit(s, l, k, ref);
        return;
      }
      default:
        return;
    }
  }

  private onProposal(s: ServerState, l: Learner, key: number): void {
    if (l.phase === 'SYNCHRONIZATION') {
      l.notLogged.push(key);
      return;
    }
    if (l.phase !== 'BROADCAST' || l.observer) return;
    l.pending.push(key);
    s.held.add(key);
  }

  private onCommit(s: ServerState, l: Learner, key: number, ref: Ref): void {
    if (l.phase === 'SYNCHRONIZATION') {
      l.committedDuringSync.push(key);
      return;
    }
    const head = l.pending[0];
    if (head === undefined) return; // ZooKeeper ignores a commit without a logged proposal
    if (head !== key) {
      for (const x of this.listeners) x.commitMismatch?.(s.node, key, head, ref);
      return;
    }
    l.pending.shift();
    this.applied(s, key, ref);
  }

  // ------------------------------------------------------------------ runs

  private startRun(s: ServerState, base: number | undefined, start: string, ref: Ref): void {
    s.run = { node: s.node, base, start, startRef: ref, keys: [], seqs: [], ats: [] };
    this.runs.push(s.run);
  }

  private applied(s: ServerState, key: number, ref: Ref): void {
    const run = s.run;
    if (run === undefined) return;
    run.keys.push(key);
    run.seqs.push(ref.seq);
    run.ats.push(ref.at);
  }
}
