/**
 * Fast Leader Election (ZooKeeper's FastLeaderElection) as an event-driven pure component.
 *
 * ZooKeeper runs the election in three threads around two queues: WorkerReceiver takes each
 * incoming notification, answers some senders at once and queues the rest for lookForLeader;
 * lookForLeader loops taking notifications from that queue with a timeout; WorkerSender hands
 * outgoing notifications to the connection manager. Here the same logic runs as steps:
 *
 * - `receive` is WorkerReceiver: replies and enqueues into `recvqueue`.
 * - `pump` is the lookForLeader loop: it takes queued notifications one at a time while a round
 *   runs. The loop's blocking `poll(notTimeout)` becomes the timer `fle:poll`, re-armed after every
 *   notification taken (each poll call waits afresh), and doubled up to the maximum on each
 *   timeout. The finalize wait (`poll(finalizeWait)` in an inner loop) becomes `fle:finalize`,
 *   also re-armed after each notification taken during the wait.
 * - Messages to self (the own vote that every broadcast includes) are looped back by the
 *   connection manager and drained in the same step, before the loop takes its next notification.
 *   In ZooKeeper they pass from the sender thread to the receiver thread in microseconds, long
 *   before anything can cross the network, and the loop only looks at its queue again once it has
 *   finished with the current notification: draining them right after the work in hand, and before
 *   any later input, gives the same order without a timer event per broadcast.
 *
 * The owner (the quorum peer) feeds every input for which `owns` is true to `onInput`; a returned
 * decision means the round ended and the peer should follow/lead/observe. The component then
 * answers LOOKING peers with the decided vote and state until the owner calls lookForLeader again.
 */
import type { Input, NodeId, StepContext } from '../../contract/node.js';
import type { Zxid } from '../zxid.js';
import { hasBug, type BugName } from '../../bugs/catalog.js';
import { hasLegacy, type LegacyId } from '../../history/known-bugs.js';
import { ElectionCnxManager, type ElectionEffects } from './cnx-manager.js';
import {
  copyVote,
  CURRENT_VERSION,
  describeVote,
  isMinusOneZxid,
  NULL_EPOCH,
  NULL_SID,
  NULL_ZXID,
  totalOrderPredicate,
  votesEqual,
  ZXID_MINUS_ONE,
  type Notification,
  type PeerState,
  type TalliedVote,
  type Vote,
} from './vote.js';

export { ELECTION_PORT, type ElectionEffects } from './cnx-manager.js';
export type { ElectionMsg } from './vote.js';

export interface ElectionTiming {
  /** How long a quorum must stand unchallenged before deciding (compile-time 200 in ZooKeeper). */
  finalizeWaitMs: number;
  /** First notification timeout (zookeeper.fastleader.minNotificationInterval). */
  minNotificationIntervalMs: number;
  /** Cap of the doubling notification timeout (zookeeper.fastleader.maxNotificationInterval). */
  maxNotificationIntervalMs: number;
  /** Election connection attempt timeout (zookeeper.cnxTimeout). */
  cnxTimeoutMs: number;
}

export const DEFAULT_ELECTION_TIMING: Readonly<ElectionTiming> = Object.freeze({
  finalizeWaitMs: 200,
  minNotificationIntervalMs: 200,
  maxNotificationIntervalMs: 60_000,
  cnxTimeoutMs: 5000,
});

export interface ElectionConfig extends ElectionTiming {
  myid: number;
  /** Sids of the voting members (sorted). */
  voters: number[];
  /** Sids of the non-voting members (observers). */
  observers: number[];
  nodeOf(sid: number): NodeId;
  /** Planted bugs switched on (sim/bugs/catalog.ts); absent in a clean run. */
  bugs?: readonly BugName[];
  /** Old releases' behaviours switched on (sim/history/known-bugs.ts). */
  legacy?: readonly LegacyId[];
}

/** A config with the default timing. */
export function electionConfig(
  myid: number,
  voters: number[],
  observers: number[],
  nodeOf: (sid: number) => NodeId,
  timing: Partial<ElectionTiming> = {},
): ElectionConfig {
  return { myid, voters: [...voters].sort((a, b) => a - b), observers: [...observers].sort((a, b) => a - b), nodeOf, ...DEFAULT_ELECTION_TIMING, ...timing };
}

/**
 * How a round ended:
 * - `quorum`: a quorum of this round's votes matched our proposal and nothing better came within
 *   the finalize wait;
 * - `recvset`: FOLLOWING/LEADING servers of our own round named a leader, which confirmed LEADING;
 * - `outofelection`: a quorum of an established ensemble (any round) named a leader, which
 *   confirmed LEADING (how a restarted server joins).
 */
export type DecisionPath = 'quorum' | 'recvset' | 'outofelection';

export type ElectionDecision = {
  state: 'LEADING' | 'FOLLOWING' | 'OBSERVING';
  vote: Vote;
  /** Added for traces and the viz: how the round ended and which sids' votes made the quorum. */
  via: DecisionPath;
  supporters: number[];
};

/** Structured note payloads (the `data` of the `note` effects this component emits). */
export type ElectionNote =
  | { fle: 'round'; sid: number; round: number; vote: Vote }
  | { fle: 'jump'; sid: number; from: number; round: number; vote: Vote; adopted: boolean }
  | { fle: 'adopt'; sid: number; from: number; round: number; vote: Vote }
  | { fle: 'finalize'; sid: number; round: number; vote: Vote; supporters: number[]; waitMs: number }
  | { fle: 'finalize-cancel'; sid: number; from: number; vote: Vote }
  | { fle: 'timeout'; sid: number; round: number; action: 'resend' | 'reconnect'; nextTimeoutMs: number }
  | { fle: 'decide'; sid: number; state: 'LEADING' | 'FOLLOWING' | 'OBSERVING'; round: number; vote: Vote; via: DecisionPath; supporters: number[] }
  | { fle: 'cnx-drop'; sid: number; peer: number };

/** A notification as the loop sees it: the sender's sid from the connection it came on. */
interface Received {
  sid: number;
  state: PeerState;
  vote: Vote;
}

/** One lookForLeader call: its tallies and where its loop stands. */
interface Round {
  /** This round's votes (any sender state), by sender. */
  recvset: Map<number, TalliedVote>;
  /** Votes of FOLLOWING/LEADING senders from any round, by sender. */
  outofelection: Map<number, TalliedVote>;
  /** The current poll timeout. */
  notTimeout: number;
  /** `finalizing`: a quorum agreed with our proposal; waiting for a better notification. */
  mode: 'polling' | 'finalizing';
  /** Supporters of the proposal when finalizing started (for the decision note). */
  supporters: number[];
}

const POLL_TIMER = 'fle:poll';
const FINALIZE_TIMER = 'fle:finalize';
const DECIDED_TIMER = 'fle:decided';

export class FastLeaderElection {
  private readonly cfg: ElectionConfig;
  private readonly cnx: ElectionCnxManager;
  private readonly voterSet: Set<number>;
  private readonly isParticipant: boolean;
  private clock = 0;
  private peerState: PeerState = 'LOOKING';
  /** The proposal (proposedLeader/Zxid/Epoch); ZooKeeper starts it at (-1, -1, 0). */
  private proposedLeader = -1;
  private proposedZxid: Zxid = ZXID_MINUS_ONE;
  private proposedEpoch = 0;
  /** The peer's current vote (QuorumPeer.currentVote): what a non-LOOKING server answers with. */
  private current: Vote | undefined = undefined;
  /** The initial vote of the running round's owner (own sid, last zxid, currentEpoch). */
  private init: Vote = { leader: NULL_SID, zxid: NULL_ZXID, electionEpoch: 0, peerEpoch: NULL_EPOCH };
  /** Notifications handed over by the receive path, waiting for the loop. */
  private recvqueue: Received[] = [];
  private round: Round | undefined = undefined;
  /** A decision reached while lookForLeader itself drained the queue, handed out by `fle:decided`. */
  private pendingDecision: ElectionDecision | undefined = undefined;

  constructor(cfg: ElectionConfig) {
    this.cfg = { ...cfg, voters: [...cfg.voters].sort((a, b) => a - b), observers: [...cfg.observers].sort((a, b) => a - b) };
    this.voterSet = new Set(this.cfg.voters);
    this.isParticipant = this.voterSet.has(cfg.myid);
    const sids = [...new Set([...this.cfg.voters, ...this.cfg.observers])].sort((a, b) => a - b);
    this.cnx = new ElectionCnxManager({ myid: cfg.myid, sids, nodeOf: cfg.nodeOf, cnxTimeoutMs: cfg.cnxTimeoutMs });
  }

  /** The vote order of this server's release (ZOOKEEPER-1419's broken one when switched on). */
  private beats(newVote: Vote, curVote: Vote): boolean {
    return totalOrderPredicate(newVote, curVote, hasLegacy(this.cfg.legacy, 'ZOOKEEPER-1419'));
  }

  // ------------------------------------------------------------------ inspection

  /** The election round of this server (survives rounds; starts at 0, +1 per lookForLeader). */
  get logicalclock(): number {
    return this.clock;
  }

  /** The peer's state as the election knows it: LOOKING while a round runs. */
  get state(): PeerState {
    return this.peerState;
  }

  /** True while a lookForLeader round runs. */
  get running(): boolean {
    return this.round !== undefined;
  }

  /** The current proposal (getVote), with the current round as electionEpoch. */
  get proposal(): Vote {
    return { leader: this.proposedLeader, zxid: this.proposedZxid, electionEpoch: this.clock, peerEpoch: this.proposedEpoch };
  }

  /** The vote the peer stands by (set by a decision or setPeerState). */
  get currentVote(): Vote | undefined {
    return this.current === undefined ? undefined : copyVote(this.current);
  }

  /** The running round's poll timeout, undefined between rounds. */
  get notTimeout(): number | undefined {
    return this.round?.notTimeout;
  }

  /** `polling` or `finalizing` while a round runs, `idle` otherwise. */
  get phase(): 'idle' | 'polling' | 'finalizing' {
    return this.round?.mode ?? 'idle';
  }

  get myid(): number {
    return this.cfg.myid;
  }

  /** Sids this server holds an election connection with. */
  connectedPeers(): number[] {
    return this.cnx.connectedPeers();
  }

  /** The connection manager (for tests and the viz: queues, last messages). */
  get connections(): ElectionCnxManager {
    return this.cnx;
  }

  // ------------------------------------------------------------------ API

  /**
   * Boot: start listening for election connections. ZooKeeper connects to nobody here (the
   * manager's connectAll iterates the send queues, and there are none yet): connections are
   * opened by the first notifications lookForLeader sends.
   */
  start(_ctx: StepContext, _effects: ElectionEffects): void {
    this.cnx.start();
  }

  /**
   * Begins a new round: logicalclock + 1, proposal := own initial vote (own sid, lastZxid,
   * currentEpoch; observers propose the null vote), notifications to every voter including self.
   */
  lookForLeader(self: { lastZxid: Zxid; currentEpoch: number }, ctx: StepContext, effects: ElectionEffects): void {
    if (!this.cnx.started) this.cnx.start();
    this.peerState = 'LOOKING';
    this.pendingDecision = undefined;
    if (this.current === undefined) {
      // QuorumPeer.startLeaderElection: the first current vote is the server itself, round -1.
      this.current = { leader: this.cfg.myid, zxid: self.lastZxid, electionEpoch: -1, peerEpoch: self.currentEpoch };
    }
    this.init = this.isParticipant
      ? { leader: this.cfg.myid, zxid: { epoch: self.lastZxid.epoch, counter: self.lastZxid.counter }, electionEpoch: 0, peerEpoch: self.currentEpoch }
      : { leader: NULL_SID, zxid: NULL_ZXID, electionEpoch: 0, peerEpoch: NULL_EPOCH };
    this.clock++;
    this.setProposal(this.init);
    this.round = {
      recvset: new Map(),
      outofelection: new Map(),
      notTimeout: this.cfg.minNotificationIntervalMs,
      mode: 'polling',
      supporters: [],
    };
    const me = this.name(this.cfg.myid);
    const vote = this.proposal;
    this.note(
      effects,
      this.isParticipant ? `${me} starts election round ${this.clock}, voting for itself ${describeVote(vote)}` : `${me} (observer) starts election round ${this.clock}`,
      { fle: 'round', sid: this.cfg.myid, round: this.clock, vote },
    );
    this.sendNotifications(effects);
    effects.push({ kind: 'set-timer', timer: POLL_TIMER, afterTicks: this.round.notTimeout });
    effects.push({ kind: 'cancel-timer', timer: FINALIZE_TIMER });
    const decision = this.pump(ctx, effects);
    if (decision !== undefined) {
      // Notifications queued before the round began settled it already; hand the decision out
      // through onInput like every other one.
      this.pendingDecision = decision;
      effects.push({ kind: 'set-timer', timer: DECIDED_TIMER, afterTicks: 0 });
    }
  }

  /**
   * The peer's state changed outside the election (it left LOOKING, or its role ended), or its
   * vote did (updateElectionVote(newEpoch) after sync). While not LOOKING, the receive path
   * answers every LOOKING sender with this vote and state. Leaving LOOKING ends a running round.
   */
  setPeerState(state: PeerState, vote: Vote | undefined): void {
    this.peerState = state;
    if (vote !== undefined) this.current = copyVote(vote);
    if (state !== 'LOOKING' && this.round !== undefined) {
      this.round = undefined;
      this.recvqueue = [];
    }
  }

  /** updateElectionVote: replace the peerEpoch of the current vote (after a successful sync). */
  updateElectionVote(newEpoch: number): void {
    if (this.current !== undefined) this.current = { ...copyVote(this.current), peerEpoch: newEpoch };
  }

  /** True if this input belongs to the election. */
  owns(input: Input<unknown>): boolean {
    if (input.kind === 'timer') return input.timer.startsWith('fle:');
    return this.cnx.owns(input);
  }

  /** Handles one input; returns a decision when a LOOKING round ends. */
  onInput(input: Input<unknown>, ctx: StepContext, effects: ElectionEffects): ElectionDecision | undefined {
    if (input.kind === 'timer') return this.onTimer(input.timer, ctx, effects);
    const received = this.cnx.onInput(input, effects, (text, data) => this.note(effects, text, data as ElectionNote));
    if (received !== undefined) this.receive(received.from, received.msg, effects);
    return this.pump(ctx, effects);
  }

  // ------------------------------------------------------------------ timers

  private onTimer(timer: string, ctx: StepContext, effects: ElectionEffects): ElectionDecision | undefined {
    const round = this.round;
    if (timer === DECIDED_TIMER) {
      const d = this.pendingDecision;
      this.pendingDecision = undefined;
      return d;
    }
    if (timer === POLL_TIMER) {
      if (round === undefined || round.mode !== 'polling') return undefined;
      // No notification within notTimeout. If some peer's queue is empty (the manager could
      // deliver), broadcast again; otherwise push the connections.
      const delivered = this.cnx.haveDelivered();
      round.notTimeout = Math.min(round.notTimeout * 2, this.cfg.maxNotificationIntervalMs);
      this.note(
        effects,
        `${this.name(this.cfg.myid)}: no notification in time; ${delivered ? 'sends its vote again' : 'reconnects'}, next wait ${round.notTimeout} ms`,
        { fle: 'timeout', sid: this.cfg.myid, round: this.clock, action: delivered ? 'resend' : 'reconnect', nextTimeoutMs: round.notTimeout },
      );
      if (delivered) this.sendNotifications(effects);
      else this.cnx.connectAll(effects);
      const decision = this.pump(ctx, effects);
      if (this.round !== undefined && this.round.mode === 'polling') effects.push({ kind: 'set-timer', timer: POLL_TIMER, afterTicks: this.round.notTimeout });
      return decision;
    }
    if (timer === FINALIZE_TIMER) {
      if (round === undefined || round.mode !== 'finalizing') return undefined;
      // Nothing better came within the finalize wait: the proposal is elected.
      const decision = this.decide(this.proposal, 'quorum', round.supporters, effects);
      // Anything looped back meanwhile still goes through the receive path.
      const later = this.pump(ctx, effects);
      return decision ?? later;
    }
    return undefined;
  }

  // ------------------------------------------------------------------ receive path (WorkerReceiver)

  private receive(from: number, msg: Notification, effects: ElectionEffects): void {
    const n: Received = { sid: from, state: msg.state, vote: copyVote(msg.vote) };
    if (!this.voterSet.has(from)) {
      // A non-voter (observer) gets our current vote and state at once; its notification goes no further.
      const cur = this.current;
      if (cur !== undefined) {
        this.send(from, this.peerState, { leader: cur.leader, zxid: cur.zxid, electionEpoch: this.clock, peerEpoch: cur.peerEpoch }, effects);
      }
      return;
    }
    if (this.peerState === 'LOOKING') {
      this.recvqueue.push(n);
      // A LOOKING sender from an older round gets our proposal and round, to catch up.
      if (n.state === 'LOOKING' && n.vote.electionEpoch < this.clock) {
        this.send(from, this.peerState, this.proposal, effects);
      }
    } else if (n.state === 'LOOKING' && !hasBug(this.cfg.bugs, 'looking-peer-ignored')) {
      // We are past the election: tell the LOOKING sender whom we follow (or that we lead).
      // (Planted 'looking-peer-ignored' drops this answer: a server that restarts or falls out of
      // the ensemble then never learns of the established leader and stays LOOKING.)
      const cur = this.current;
      if (cur !== undefined) this.send(from, this.peerState, copyVote(cur), effects);
    }
  }

  // ------------------------------------------------------------------ the lookForLeader loop

  /**
   * Works off what is waiting: looped-back messages first go through the receive path, then the
   * loop takes queued notifications one at a time (only while a round runs). Re-arms the poll
   * timeout when the loop took something, as each poll call waits afresh.
   */
  private pump(ctx: StepContext, effects: ElectionEffects): ElectionDecision | undefined {
    let decision: ElectionDecision | undefined;
    let took = false;
    for (;;) {
      const self = this.cnx.loopback.shift();
      if (self !== undefined) {
        this.receive(this.cfg.myid, self, effects);
        continue;
      }
      if (this.round !== undefined && this.recvqueue.length > 0) {
        const n = this.recvqueue.shift() as Received;
        took = true;
        const d = this.handle(n, ctx, effects);
        if (d !== undefined) decision = d;
        continue;
      }
      break;
    }
    if (took && this.round !== undefined && this.round.mode === 'polling') {
      effects.push({ kind: 'set-timer', timer: POLL_TIMER, afterTicks: this.round.notTimeout });
    }
    return decision;
  }

  /** One iteration of the loop for notification `n`. */
  private handle(n: Received, _ctx: StepContext, effects: ElectionEffects): ElectionDecision | undefined {
    const round = this.round as Round;
    if (round.mode === 'finalizing') {
      // The finalize wait: a better vote puts the notification back (at the tail) and resumes
      // the loop; anything else is dropped (not tallied) and the wait starts over.
      if (this.beats(n.vote, this.proposal)) {
        round.mode = 'polling';
        effects.push({ kind: 'cancel-timer', timer: FINALIZE_TIMER });
        this.note(effects, `${this.name(this.cfg.myid)}: ${this.name(n.sid)}'s better vote ${describeVote(n.vote)} cancels the wait`, {
          fle: 'finalize-cancel',
          sid: this.cfg.myid,
          from: n.sid,
          vote: copyVote(n.vote),
        });
        this.recvqueue.push(n);
      } else {
        effects.push({ kind: 'set-timer', timer: FINALIZE_TIMER, afterTicks: this.cfg.finalizeWaitMs });
      }
      return undefined;
    }
    // Only votes from voters, for voters, count.
    if (!this.voterSet.has(n.sid) || !this.voterSet.has(n.vote.leader)) return undefined;
    switch (n.state) {
      case 'LOOKING':
        this.handleLooking(n, round, effects);
        return undefined;
      case 'OBSERVING':
        return undefined;
      case 'FOLLOWING':
      case 'LEADING':
        return this.handleEstablished(n, round, effects);
    }
  }

  private handleLooking(n: Received, round: Round, effects: ElectionEffects): void {
    if (isMinusOneZxid(this.init.zxid) || isMinusOneZxid(n.vote.zxid)) return;
    const me = this.name(this.cfg.myid);
    if (n.vote.electionEpoch > this.clock) {
      // A newer round: join it, forget this round's votes, and propose the better of the
      // sender's vote and our own initial vote (not our current proposal).
      this.clock = n.vote.electionEpoch;
      round.recvset.clear();
      const adopted = this.beats(n.vote, this.init);
      this.setProposal(adopted ? n.vote : this.init);
      const vote = this.proposal;
      this.note(
        effects,
        adopted
          ? `${me} joins round ${this.clock} from ${this.name(n.sid)} and adopts its vote ${describeVote(vote)}`
          : `${me} joins round ${this.clock} from ${this.name(n.sid)}, keeps its own vote ${describeVote(vote)}`,
        { fle: 'jump', sid: this.cfg.myid, from: n.sid, round: this.clock, vote, adopted },
      );
      this.sendNotifications(effects);
    } else if (n.vote.electionEpoch < this.clock) {
      return; // an older round (the receive path has already answered it)
    } else if (this.beats(n.vote, this.proposal)) {
      this.setProposal(n.vote);
      const vote = this.proposal;
      this.note(effects, `${me} adopts ${this.name(n.sid)}'s vote ${describeVote(vote)}`, { fle: 'adopt', sid: this.cfg.myid, from: n.sid, round: this.clock, vote });
      this.sendNotifications(effects);
    }
    round.recvset.set(n.sid, { vote: copyVote(n.vote), state: 'LOOKING', version: 0 });
    const mine: TalliedVote = { vote: this.proposal, state: 'LOOKING', version: 0 };
    const supporters = this.supporters(round.recvset, mine);
    if (this.isQuorum(supporters)) {
      round.mode = 'finalizing';
      round.supporters = supporters;
      effects.push({ kind: 'cancel-timer', timer: POLL_TIMER });
      effects.push({ kind: 'set-timer', timer: FINALIZE_TIMER, afterTicks: this.cfg.finalizeWaitMs });
      const vote = this.proposal;
      this.note(
        effects,
        `${me} sees a quorum {${supporters.map((s) => this.name(s)).join(', ')}} for ${this.name(vote.leader)}; waits ${this.cfg.finalizeWaitMs} ms for a better vote`,
        { fle: 'finalize', sid: this.cfg.myid, round: this.clock, vote, supporters, waitMs: this.cfg.finalizeWaitMs },
      );
    }
  }

  /** A notification from a FOLLOWING or LEADING server (receivedFollowingNotification). */
  private handleEstablished(n: Received, round: Round, effects: ElectionEffects): ElectionDecision | undefined {
    const asSent: TalliedVote = { vote: copyVote(n.vote), state: n.state, version: CURRENT_VERSION };
    if (n.vote.electionEpoch === this.clock) {
      // Same round: count it with this round's votes. (ZooKeeper records it with the legacy
      // version 0, so against the current-version query vote only the leader id has to match.)
      round.recvset.set(n.sid, { vote: copyVote(n.vote), state: n.state, version: 0 });
      const supporters = this.supporters(round.recvset, asSent);
      if (this.isQuorum(supporters) && this.checkLeader(round.recvset, n.vote.leader, n.vote.electionEpoch)) {
        return this.decide(n.vote, 'recvset', supporters, effects);
      }
    }
    // Any round: is a quorum of an established ensemble following this leader, which leads?
    round.outofelection.set(n.sid, asSent);
    const supporters = this.supporters(round.outofelection, asSent);
    if (this.isQuorum(supporters) && this.checkLeader(round.outofelection, n.vote.leader, n.vote.electionEpoch)) {
      this.clock = n.vote.electionEpoch;
      return this.decide(n.vote, 'outofelection', supporters, effects);
    }
    return undefined;
  }

  /**
   * Never follow a leader that has not itself said LEADING (it may have crashed while the others
   * still name it); if the votes name me, they must be of my current round.
   */
  private checkLeader(votes: Map<number, TalliedVote>, leader: number, electionEpoch: number): boolean {
    if (leader !== this.cfg.myid) {
      const v = votes.get(leader);
      return v !== undefined && v.state === 'LEADING';
    }
    return this.clock === electionEpoch;
  }

  private decide(vote: Vote, via: DecisionPath, supporters: number[], effects: ElectionEffects): ElectionDecision {
    const state: ElectionDecision['state'] = vote.leader === this.cfg.myid ? 'LEADING' : this.isParticipant ? 'FOLLOWING' : 'OBSERVING';
    const end = copyVote(vote);
    this.peerState = state;
    this.current = copyVote(end);
    this.round = undefined;
    this.recvqueue = []; // leaveInstance
    effects.push({ kind: 'cancel-timer', timer: POLL_TIMER });
    effects.push({ kind: 'cancel-timer', timer: FINALIZE_TIMER });
    const me = this.name(this.cfg.myid);
    const how = via === 'quorum' ? 'elected' : via === 'recvset' ? 'confirmed by the ensemble' : 'joins the established ensemble';
    const text =
      state === 'LEADING'
        ? `${me} is LEADING ${describeVote(end)} (${how}, round ${end.electionEpoch})`
        : `${me} is ${state} ${this.name(end.leader)} ${describeVote(end)} (${how}, round ${end.electionEpoch})`;
    this.note(effects, text, { fle: 'decide', sid: this.cfg.myid, state, round: end.electionEpoch, vote: copyVote(end), via, supporters: [...supporters] });
    return { state, vote: end, via, supporters: [...supporters] };
  }

  // ------------------------------------------------------------------ helpers

  /** Our proposal, with our round, to every voter (self included: it comes back through loopback). */
  private sendNotifications(effects: ElectionEffects): void {
    const vote = this.proposal;
    for (const sid of this.cfg.voters) this.send(sid, 'LOOKING', vote, effects);
  }

  private send(to: number, state: PeerState, vote: Vote, effects: ElectionEffects): void {
    const msg: Notification = { t: 'notification', state, vote: copyVote(vote), sid: this.cfg.myid };
    this.cnx.toSend(to, msg, effects);
  }

  private setProposal(v: Vote): void {
    this.proposedLeader = v.leader;
    this.proposedZxid = { epoch: v.zxid.epoch, counter: v.zxid.counter };
    this.proposedEpoch = v.peerEpoch;
  }

  /** Sids (voters only) whose tallied vote equals `query`, ascending. */
  private supporters(votes: Map<number, TalliedVote>, query: TalliedVote): number[] {
    const out: number[] = [];
    for (const [sid, v] of votes) if (this.voterSet.has(sid) && votesEqual(query, v)) out.push(sid);
    return out.sort((a, b) => a - b);
  }

  /** QuorumMaj: strictly more than half of the voters. */
  private isQuorum(sids: readonly number[]): boolean {
    return sids.length * 2 > this.cfg.voters.length;
  }

  private name(sid: number): string {
    if (sid === NULL_SID) return 'nobody';
    try {
      return this.cfg.nodeOf(sid);
    } catch {
      return `sid ${sid}`;
    }
  }

  private note(effects: ElectionEffects, text: string, data: ElectionNote): void {
    effects.push({ kind: 'note', text, data });
  }
}

export type { Notification, PeerState, Vote } from './vote.js';
