/**
 * The leader (Leader.java + LearnerHandler.java): discovery (an epoch one above every acceptedEpoch
 * of a quorum), synchronization of each learner (DIFF, TRUNC or SNAP from the committed log, then
 * NEWLEADER), and broadcast (PROPOSAL, ACKs counted after each fsync, COMMIT strictly in zxid
 * order, INFORM to observers). It PINGs every tickTime/2 and steps down when, at a tick, the
 * servers it heard from within syncLimit ticks are no longer a quorum.
 */
import type { ConnId } from '../../contract/node.js';
import type { Txn } from '../txn.js';
import { Prep, type WriteRequest } from '../prep.js';
import { compareZxid, formatZxid, type Zxid } from '../zxid.js';
import { isQuorum, voterSet } from './ensemble-config.js';
import type { QuorumPacket } from './packets.js';
import { INIT_TIMER, LOAD_TIMER, TICK_TIMER, type PeerCore } from './peer-core.js';
import { ACCEPTED_EPOCH, CURRENT_EPOCH } from './replica-db.js';
import { describeTxn } from '../describe.js';
import { hasBug } from '../../bugs/catalog.js';
import { hasLegacy } from '../../history/known-bugs.js';

type HandlerState = 'INFO' | 'EPOCH_SENT' | 'SYNCING' | 'UPTODATE';

interface LearnerHandler {
  conn: ConnId;
  sid: number;
  observer: boolean;
  state: HandlerState;
  acceptedEpoch: number;
  /** Receives PROPOSAL/COMMIT (set by startForwarding). */
  forwarding: boolean;
  /** The learner must have been heard from by this tick. */
  ackDeadlineTick: number;
  /** Its last zxid, from ACKEPOCH: where its sync starts. */
  peerLastZxid?: Zxid;
  /** Proposals sent to it and not ACKed yet, oldest first, with when they were sent (SyncLimitCheck). */
  unacked: { zxid: Zxid; at: number }[];
}

interface Proposal {
  txn: Txn;
  acks: Set<number>;
  /** Told when the proposal commits (the harness's stand-in for a client reply). */
  onCommit?: () => void;
}

export type LeaderPhase = 'DISCOVERY' | 'SYNCHRONIZATION' | 'BROADCAST';

export class LeaderRole {
  readonly kind = 'LEADING';
  phase: LeaderPhase = 'DISCOVERY';
  epoch: number | undefined;
  private readonly handlers = new Map<ConnId, LearnerHandler>();
  /** FOLLOWERINFO received: sid → acceptedEpoch (the leader itself included). */
  private readonly connecting = new Map<number, number>();
  /** The highest acceptedEpoch any learner reported, observers included (they raise it, never count). */
  private maxAccepted = 0;
  private readonly epochAcks = new Set<number>();
  private readonly newLeaderAcks = new Set<number>();
  /** Proposed, not committed, in zxid order. */
  private readonly outstanding: Proposal[] = [];
  lastProposed: Zxid;
  lastCommitted: Zxid;
  private tick = 0;
  private halfTicks = 0;
  private prep: Prep;
  private epochDurable = false;
  private loadCount = 0;

  /** leaderStateSummary: the leader's (currentEpoch, lastZxid) when it started to lead. */
  private readonly summary: { currentEpoch: number; lastZxid: Zxid };

  constructor(private readonly p: PeerCore) {
    this.summary = { currentEpoch: p.db.currentEpoch, lastZxid: p.db.lastProcessedZxid };
    this.lastProposed = p.db.lastProcessedZxid;
    this.lastCommitted = p.db.lastProcessedZxid;
    this.prep = new Prep(p.db.tree, { extendedTypesEnabled: false, bugs: p.cfg.bugs });
  }

  // ------------------------------------------------------------------ discovery

  start(): void {
    const p = this.p;
    p.note(`s${p.sid} leads: discovery, waiting for a quorum of FOLLOWERINFO`, { zab: 'lead', sid: p.sid });
    // Leader.lead → ZooKeeperServer.loadData ends with a snapshot of the database it leads from.
    p.db.writeSnapshot(p.fx);
    this.connecting.set(p.sid, p.db.acceptedEpoch);
    this.maxAccepted = p.db.acceptedEpoch;
    p.fx.push({ kind: 'set-timer', timer: INIT_TIMER, afterTicks: p.cfg.initLimit * p.cfg.tickTimeMs });
    this.maybeChooseEpoch();
  }

  onAccepted(conn: ConnId): void {
    this.handlers.set(conn, { conn, sid: -1, observer: false, state: 'INFO', acceptedEpoch: 0, forwarding: false, ackDeadlineTick: this.tick + this.p.cfg.initLimit + this.p.cfg.syncLimit, unacked: [] });
  }

  onClosed(conn: ConnId): void {
    const h = this.handlers.get(conn);
    if (h === undefined) return;
    this.handlers.delete(conn);
    this.p.note(`leader s${this.p.sid} lost learner s${h.sid}`, { zab: 'learner-lost', sid: h.sid });
  }

  connections(): ConnId[] {
    return [...this.handlers.keys()];
  }

  onPacket(conn: ConnId, pk: QuorumPacket): void {
    const h = this.handlers.get(conn);
    if (h === undefined) return;
    // Until its handler enters the main loop (after the NEWLEADER ACK) a learner keeps the initial
    // deadline of tick + initLimit + syncLimit; from then on every packet moves it to tick + syncLimit.
    if (h.state === 'UPTODATE') h.ackDeadlineTick = this.tick + this.p.cfg.syncLimit;
    switch (pk.t) {
      case 'FOLLOWERINFO':
        return this.onFollowerInfo(h, pk);
      case 'ACKEPOCH':
        return this.onAckEpoch(h, pk);
      case 'ACK':
        return this.onAck(h, pk.zxid);
      case 'PINGREPLY':
        this.p.front.touchedElsewhere(pk.touched);
        if (pk.round !== undefined && !h.observer) this.onSyncRoundReply(h.sid, pk.round);
        return;
      case 'REQUEST':
        if (this.propose(pk.req, pk.sessionId, undefined, { origin: pk.origin, cxid: pk.cxid }) === undefined) this.drop(conn);
        return;
      case 'SYNCREQ':
        this.sync({ conn, sessionId: pk.sessionId, cxid: pk.cxid });
        return;
      case 'REVALIDATE':
        this.p.send(conn, { t: 'REVALIDATED', sessionId: pk.sessionId, valid: this.p.front.revalidateAt(pk.sessionId, h.sid) });
        return;
      default:
        this.p.note(`leader s${this.p.sid}: unexpected ${pk.t} from s${h.sid}`, { zab: 'unexpected', packet: pk.t });
    }
  }

  private onFollowerInfo(h: LearnerHandler, pk: Extract<QuorumPacket, { t: 'FOLLOWERINFO' }>): void {
    h.sid = pk.sid;
    h.observer = pk.observer;
    h.acceptedEpoch = pk.acceptedEpoch;
    // A second connection from the same learner replaces the first.
    for (const [c, other] of this.handlers) if (other !== h && other.sid === h.sid) this.drop(c);
    if (this.epoch === undefined) {
      this.maxAccepted = Math.max(this.maxAccepted, pk.acceptedEpoch);
      if (!h.observer) this.connecting.set(h.sid, pk.acceptedEpoch);
      this.maybeChooseEpoch();
    } else if (this.epochDurable) {
      this.sendLeaderInfo(h);
    }
  }

  /** getEpochToPropose: once a quorum (with the leader) has connected, epoch = 1 + max acceptedEpoch. */
  private maybeChooseEpoch(): void {
    const p = this.p;
    if (this.epoch !== undefined || !isQuorum(p.cfg, this.connecting.keys())) return;
    // Before Zab 1.0 (ZOOKEEPER-335) the leader took the epoch after its own last zxid's, agreed with no one.
    const epoch = hasLegacy(p.cfg.legacy, 'ZOOKEEPER-335') ? p.db.lastProcessedZxid.epoch + 1 : this.maxAccepted + 1;
    this.epoch = epoch;
    p.note(`s${p.sid} proposes epoch ${epoch} (1 + the highest acceptedEpoch of s${[...this.connecting.keys()].sort((a, b) => a - b).join(', s')})`, { zab: 'epoch', epoch });
    p.db.writeEpoch(ACCEPTED_EPOCH, epoch, p.fx, () => {
      if (!p.isCurrent(this)) return;
      this.epochDurable = true;
      for (const h of this.handlers.values()) if (h.state === 'INFO' && h.sid >= 0) this.sendLeaderInfo(h);
    });
  }

  private sendLeaderInfo(h: LearnerHandler): void {
    h.state = 'EPOCH_SENT';
    this.p.send(h.conn, { t: 'LEADERINFO', newEpoch: this.epoch! });
  }

  private onAckEpoch(h: LearnerHandler, pk: Extract<QuorumPacket, { t: 'ACKEPOCH' }>): void {
    const p = this.p;
    if (h.state !== 'EPOCH_SENT') return;
    if (pk.currentEpoch !== -1 && this.phase === 'DISCOVERY') {
      const s = this.summary;
      const ahead = pk.currentEpoch > s.currentEpoch || (pk.currentEpoch === s.currentEpoch && compareZxid(pk.lastZxid, s.lastZxid) > 0);
      if (ahead) {
        // waitForEpochAck throws in that learner's handler, which closes its socket; the leader waits on.
        p.note(`leader s${p.sid}: follower s${h.sid} is ahead (epoch ${pk.currentEpoch}, ${formatZxid(pk.lastZxid)}); dropping it`, { zab: 'follower-ahead', sid: h.sid });
        this.drop(h.conn);
        return;
      }
      if (!h.observer) this.epochAcks.add(h.sid);
    }
    h.state = 'SYNCING';
    h.peerLastZxid = pk.lastZxid;
    if (this.phase === 'DISCOVERY') this.maybeFinishDiscovery();
    else this.syncLearner(h, pk.lastZxid);
  }

  private maybeFinishDiscovery(): void {
    const p = this.p;
    if (this.phase !== 'DISCOVERY' || !isQuorum(p.cfg, [p.sid, ...this.epochAcks])) return;
    this.phase = 'SYNCHRONIZATION';
    p.note(`s${p.sid}: a quorum acknowledged epoch ${this.epoch}; synchronizing learners`, { zab: 'phase', phase: 'SYNCHRONIZATION', epoch: this.epoch });
    p.db.writeEpoch(CURRENT_EPOCH, this.epoch!, p.fx, () => {
      if (!p.isCurrent(this)) return;
      this.newLeaderAcks.add(p.sid);
      this.maybeStartServing();
    });
    for (const h of this.handlers.values()) {
      if (h.state === 'SYNCING') this.syncLearner(h, h.peerLastZxid!);
    }
  }

  // ------------------------------------------------------------------ synchronization

  /** LearnerHandler.syncFollower + startForwarding + NEWLEADER. */
  private syncLearner(h: LearnerHandler, peerLast: Zxid): void {
    const p = this.p;
    const db = p.db;
    const leaderLast = db.lastProcessedZxid;
    const log = db.committedLog;
    const min = log[0]?.zxid;
    const max = log.at(-1)?.zxid;
    let mode: 'DIFF' | 'TRUNC' | 'SNAP';
    let truncTo: Zxid | undefined;
    let from = log.length; // committed txns from this index go as PROPOSAL + COMMIT
    let fromDisk: Txn[] | undefined; // older committed txns read back from the txn log, sent first
    if (compareZxid(peerLast, leaderLast) === 0) mode = 'DIFF';
    else if (min !== undefined && compareZxid(peerLast, min) < 0 && (fromDisk = this.fromTxnLog(peerLast, min)) !== undefined) {
      // Below the committed log: a DIFF from the on-disk txn log when it is small enough (getProposalsFromTxnLog).
      mode = 'DIFF';
      from = 0;
    }
    else if (max !== undefined && compareZxid(peerLast, max) > 0 && peerLast.counter !== 0) {
      mode = 'TRUNC';
      truncTo = max;
    } else if (min !== undefined && max !== undefined && compareZxid(peerLast, min) >= 0 && compareZxid(peerLast, max) <= 0) {
      const i = log.findIndex((t) => compareZxid(t.zxid, peerLast) >= 0);
      if (compareZxid(log[i].zxid, peerLast) === 0) {
        mode = 'DIFF';
        from = i + 1;
      } else if (hasLegacy(p.cfg.legacy, 'ZOOKEEPER-1154')) {
        // ZOOKEEPER-1154 (≤ 3.3.3): inside the committed log's range the leader only sends what
        // comes after the peer's zxid; a txn the peer has and the leader never committed stays.
        mode = 'DIFF';
        from = i;
      } else if (peerLast.counter === 0) {
        // A peer at a new-epoch marker (e, 0) holds no txn of that epoch: DIFF from there (checked first, as queueCommittedProposals does).
        mode = 'DIFF';
        from = i;
      } else if (log[i].zxid.epoch === peerLast.epoch && i > 0) {
        // The peer has a txn the leader never committed, inside an epoch the leader knows: cut it.
        mode = 'TRUNC';
        truncTo = log[i - 1].zxid;
        from = i;
      } else mode = 'SNAP';
    } else if (max === undefined && compareZxid(peerLast, leaderLast) > 0 && peerLast.counter !== 0) {
      mode = 'TRUNC';
      truncTo = leaderLast;
    } else mode = 'SNAP';
    // Planted 'trunc-never-sent': a learner ahead of the leader is taken for one that is behind,
    // so it keeps the txns the leader never committed (serves them, replays them at a restart).
    if (mode === 'TRUNC' && hasBug(p.cfg.bugs, 'trunc-never-sent')) {
      mode = 'DIFF';
      truncTo = undefined;
    }

    if (mode === 'SNAP') {
      p.send(h.conn, { t: 'SNAP', zxid: leaderLast, snapshot: db.tree.snapshot(), sessions: [...db.sessions] });
    } else if (mode === 'TRUNC') {
      p.send(h.conn, { t: 'TRUNC', zxid: truncTo! });
    } else {
      p.send(h.conn, { t: 'DIFF', zxid: leaderLast });
    }
    if (mode !== 'SNAP') {
      for (const txn of fromDisk ?? []) {
        p.send(h.conn, { t: 'PROPOSAL', txn });
        p.send(h.conn, { t: 'COMMIT', zxid: txn.zxid });
      }
      for (let i = from; i < log.length; i++) {
        p.send(h.conn, { t: 'PROPOSAL', txn: log[i] });
        p.send(h.conn, { t: 'COMMIT', zxid: log[i].zxid });
      }
    }
    // startForwarding: what is proposed but not committed yet, then every future proposal.
    // Observers get committed transactions only (INFORM), never outstanding proposals.
    if (!h.observer) for (const prop of this.outstanding) p.send(h.conn, { t: 'PROPOSAL', txn: prop.txn });
    h.forwarding = true;
    p.send(h.conn, { t: 'NEWLEADER', zxid: { epoch: this.epoch!, counter: 0 } });
    p.note(`leader s${p.sid} syncs s${h.sid} with ${mode}${truncTo ? ` to ${formatZxid(truncTo)}` : ''} (learner at ${formatZxid(peerLast)}, leader at ${formatZxid(leaderLast)})`, {
      zab: 'sync',
      learner: h.sid,
      mode,
    });
  }

  /**
   * The committed transactions after `peerLast` and before the committed log's first one, from the
   * leader's txn log — or undefined when the log does not reach back to `peerLast` or what it would
   * send is larger than snapshotSizeFactor (0.33) of a snapshot (then SNAP is cheaper).
   */
  private fromTxnLog(peerLast: Zxid, min: Zxid): Txn[] | undefined {
    // Before a SNAP this server took, its log may hold txns the winning history never had (and
    // lacks the ones only the snapshot carries): a DIFF from there would be wrong. Found by the
    // lock property runs (a learner applied a delete of a node it never had).
    if (compareZxid(peerLast, this.p.db.logHistoryFrom) < 0) return undefined;
    const log = this.p.db.log;
    const start = log.findIndex((t) => compareZxid(t.zxid, peerLast) >= 0);
    if (start < 0) return undefined;
    const exact = compareZxid(log[start].zxid, peerLast) === 0;
    if (!exact && peerLast.counter !== 0) return undefined; // the peer's zxid is not in our log: divergence, SNAP
    const out: Txn[] = [];
    let bytes = 0;
    for (let i = exact ? start + 1 : start; i < log.length && compareZxid(log[i].zxid, min) < 0; i++) {
      out.push(log[i]);
      bytes += JSON.stringify(log[i].body).length;
    }
    // Only contiguous history counts: the next one must be the committed log's first.
    const next = log.find((t) => compareZxid(t.zxid, min) >= 0);
    if (next === undefined || compareZxid(next.zxid, min) !== 0) return undefined;
    const snapshotBytes = JSON.stringify(this.p.db.tree.snapshot().nodes).length;
    return bytes <= 0.33 * snapshotBytes ? out : undefined;
  }

  private onAck(h: LearnerHandler, zxid: Zxid): void {
    if (h.state === 'SYNCING' && (zxid.counter !== 0 || zxid.epoch !== this.epoch)) {
      // LearnerHandler takes the learner's first packet after NEWLEADER for its NEWLEADER ACK. One
      // with another zxid (a txn ACK that overtook it, ZOOKEEPER-4685) is not counted: the learner
      // only gets UPTODATE once the leader runs, and its real NEWLEADER ACK is then ignored.
      h.state = 'UPTODATE';
      h.ackDeadlineTick = this.tick + this.p.cfg.syncLimit;
      if (this.phase === 'BROADCAST') this.p.send(h.conn, { t: 'UPTODATE' });
      else this.p.note(`leader s${this.p.sid}: NEWLEADER ACK from s${h.sid} is from a different epoch (${formatZxid(zxid)}), not counted`, { zab: 'newleader-ack-discarded', sid: h.sid, zxid });
      return;
    }
    if (zxid.counter === 0) {
      if (zxid.epoch !== this.epoch || h.state !== 'SYNCING') return;
      h.state = 'UPTODATE';
      h.ackDeadlineTick = this.tick + this.p.cfg.syncLimit;
      if (!h.observer) this.newLeaderAcks.add(h.sid);
      if (this.phase === 'BROADCAST') this.p.send(h.conn, { t: 'UPTODATE' });
      else this.maybeStartServing();
      return;
    }
    if (h.observer) return;
    while (h.unacked.length > 0 && compareZxid(h.unacked[0].zxid, zxid) <= 0) h.unacked.shift();
    this.processAck(h.sid, zxid);
  }

  /** waitForNewLeaderAck: a quorum (with the leader) has the epoch's history durably: start serving. */
  private maybeStartServing(): void {
    const p = this.p;
    if (this.phase !== 'SYNCHRONIZATION' || !this.newLeaderAcks.has(p.sid) || !isQuorum(p.cfg, this.newLeaderAcks)) return;
    this.phase = 'BROADCAST';
    const start = { epoch: this.epoch!, counter: 0 };
    p.db.markEpochStart(start);
    this.lastCommitted = start;
    this.lastProposed = { epoch: this.epoch!, counter: p.cfg.initialCounter };
    this.prep = new Prep(p.db.tree, { extendedTypesEnabled: false, bugs: p.cfg.bugs });
    p.fx.push({ kind: 'cancel-timer', timer: INIT_TIMER });
    p.fx.push({ kind: 'set-timer', timer: TICK_TIMER, afterTicks: Math.floor(p.cfg.tickTimeMs / 2) });
    for (const h of this.handlers.values()) if (h.state === 'UPTODATE') p.send(h.conn, { t: 'UPTODATE' });
    p.updateElectionVote(this.epoch!);
    p.front.startServing(true);
    if (p.cfg.leaderLoad !== undefined) p.fx.push({ kind: 'set-timer', timer: LOAD_TIMER, afterTicks: this.loadInterval() });
    p.note(`s${p.sid} is the established leader of epoch ${this.epoch}`, { zab: 'established', epoch: this.epoch, leader: p.sid });
  }

  /** initLimit passed in discovery or synchronization without a quorum. */
  onInitTimeout(): void {
    if (this.phase !== 'BROADCAST') this.p.goLooking(`no quorum within initLimit (${this.phase === 'DISCOVERY' ? 'discovery' : 'waiting for NEWLEADER acks'})`);
  }

  // ------------------------------------------------------------------ broadcast

  /** Prepares and proposes a write; false when not serving (or the counter would overflow). */
  propose(req: WriteRequest, sessionId: string, onCommit?: () => void, from?: { origin: number; cxid: number }): Txn | undefined {
    const p = this.p;
    if (this.phase !== 'BROADCAST') return undefined;
    let next = { epoch: this.lastProposed.epoch, counter: this.lastProposed.counter + 1 };
    if (next.counter >= 0xffffffff) {
      if (!hasLegacy(p.cfg.legacy, 'ZOOKEEPER-1277')) {
        // The ZOOKEEPER-1277 fix: the counter would roll over; force a new election (the next epoch restarts it).
        p.goLooking('zxid lower 32 bits have rolled over, forcing re-election');
        return undefined;
      }
      // Before the fix the 64-bit zxid just went on counting: 0xffffffff is used, and the next one
      // carries into the epoch bits, where it looks like a new epoch's marker (counter 0).
      if (next.counter > 0xffffffff) {
        next = { epoch: next.epoch + 1, counter: 0 };
        p.note(`leader s${p.sid}: the zxid counter carries into the epoch: proposing ${formatZxid(next)} (ZOOKEEPER-1277)`, { zab: 'legacy', legacy: 'ZOOKEEPER-1277' });
      }
    }
    const txn = this.prep.prepare(req, sessionId, next, p.ctx.wallNow, this.sessionError(req, sessionId, from?.origin));
    if (from !== undefined) {
      txn.origin = from.origin;
      txn.cxid = from.cxid;
    }
    this.lastProposed = next;
    this.outstanding.push({ txn, acks: new Set(), onCommit });
    for (const h of this.handlers.values()) {
      if (!h.forwarding || h.observer) continue;
      p.send(h.conn, { t: 'PROPOSAL', txn });
      h.unacked.push({ zxid: next, at: p.ctx.now });
    }
    p.db.append(txn, p.fx);
    return txn;
  }

  private loadInterval(): number {
    return Math.max(1, Math.round(1000 / this.p.cfg.leaderLoad!.writesPerSecond));
  }

  /** The built-in load: a create or a setData of one of `keys` znodes, then the next one later. */
  onLoadTimer(): void {
    const load = this.p.cfg.leaderLoad;
    if (load === undefined || this.phase !== 'BROADCAST') return;
    const n = this.loadCount++;
    const path = `/k${n % load.keys}`;
    const req: WriteRequest = n % 2 === 0 ? { op: 'create', path, data: `${n}`, mode: 'PERSISTENT' } : { op: 'setData', path, data: `${n}`, version: -1 };
    this.propose(req, '0x0000000000000000');
    if (this.phase === 'BROADCAST') this.p.fx.push({ kind: 'set-timer', timer: LOAD_TIMER, afterTicks: this.loadInterval() });
  }

  /**
   * PrepRequestProcessor's session check: a client request of a session that is unknown or already
   * closing becomes a SESSION_EXPIRED error transaction, so an expired session can never create an
   * ephemeral node. (The leader's own load runs as session 0.)
   */
  private sessionError(req: WriteRequest, sessionId: string, origin: number | undefined): 'SESSION_EXPIRED' | 'SESSION_MOVED' | undefined {
    if (req.op === 'createSession' || sessionId === '0x0000000000000000') return undefined;
    const tracked = this.p.front.tracker?.sessions.get(sessionId);
    if (!this.p.db.sessions.has(sessionId)) return 'SESSION_EXPIRED';
    if (tracked?.closing === true && req.op !== 'closeSession') return 'SESSION_EXPIRED';
    // checkSession(sessionId, owner): a request through a server the session has left.
    const owner = this.p.front.owners.get(sessionId);
    if (origin !== undefined && owner !== undefined && owner !== origin && req.op !== 'closeSession') return 'SESSION_MOVED';
    return undefined;
  }

  /** Syncs waiting for what was proposed before them to commit (Leader.processSync). */
  private readonly syncs: { after: Zxid; round?: number; conn?: ConnId; sessionId: string; cxid: number }[] = [];
  /** quorumSync: the last confirmation round started, and who answered each open one. */
  private syncRound = 0;
  private confirmedRound = 0;
  private readonly roundReplies = new Map<number, Set<number>>();

  /** A sync from a learner's client (`conn`) or from the leader's own (no conn). */
  sync(s: { conn?: ConnId; sessionId: string; cxid: number }): void {
    const after = this.outstanding.length === 0 ? this.lastCommitted : this.lastProposed;
    if (this.p.cfg.quorumSync === true) {
      // The proposed fix for ZOOKEEPER-1675: before answering, prove this server still leads by
      // a round trip to a quorum that starts after the SYNC arrived.
      const round = ++this.syncRound;
      this.syncs.push({ ...s, after, round });
      this.roundReplies.set(round, new Set([this.p.sid]));
      for (const h of this.handlers.values()) if (h.state === 'UPTODATE' && !h.observer) this.p.send(h.conn, { t: 'PING', zxid: this.lastProposed, round });
      this.onSyncRoundReply(this.p.sid, round);
      return;
    }
    this.syncs.push({ ...s, after });
    this.releaseSyncs();
  }

  private onSyncRoundReply(sid: number, round: number): void {
    for (const [r, replies] of this.roundReplies) {
      if (r > round) break;
      replies.add(sid);
      if (isQuorum(this.p.cfg, replies)) {
        this.confirmedRound = Math.max(this.confirmedRound, r);
        this.roundReplies.delete(r);
      }
    }
    this.releaseSyncs();
  }

  private releaseSyncs(): void {
    while (this.syncs.length > 0 && compareZxid(this.syncs[0].after, this.lastCommitted) <= 0 && (this.syncs[0].round ?? 0) <= this.confirmedRound) {
      const s = this.syncs.shift()!;
      if (s.conn === undefined) this.p.front.syncDone(s.sessionId, s.cxid);
      else if (this.handlers.has(s.conn)) this.p.send(s.conn, { t: 'SYNC', sessionId: s.sessionId, cxid: s.cxid });
    }
  }

  /** The leader's own log made these durable: it ACKs them itself. */
  onDurable(txns: Txn[]): void {
    for (const t of txns) this.processAck(this.p.sid, t.zxid);
  }

  private processAck(sid: number, zxid: Zxid): void {
    const before1277 = hasLegacy(this.p.cfg.legacy, 'ZOOKEEPER-1277');
    // Leader.processAck ignores every ACK of a counter-0 zxid: those acknowledge NEWLEADER or UPTODATE.
    if (zxid.counter === 0 && !before1277) return;
    const prop = this.outstanding.find((x) => compareZxid(x.txn.zxid, zxid) === 0);
    if (prop === undefined) return; // committed already, or unknown
    if (voterSet(this.p.cfg).has(sid)) prop.acks.add(sid);
    if (before1277) {
      // 3.4.3's processAck: whatever reaches a quorum commits, in any order (a warning only), and a
      // counter-0 zxid that does is taken for the NEWLEADER proposal and never committed; the
      // followers then see a COMMIT that is not their next pending txn, and exit.
      if (!isQuorum(this.p.cfg, prop.acks)) return;
      this.outstanding.splice(this.outstanding.indexOf(prop), 1);
      if (zxid.counter === 0) this.p.note(`leader s${this.p.sid}: ${formatZxid(zxid)} reached a quorum and is taken for a NEWLEADER proposal: not committed (ZOOKEEPER-1277)`, { zab: 'legacy', legacy: 'ZOOKEEPER-1277' });
      else this.commit(prop);
      return;
    }
    // Planted 'commit-before-quorum': the leader's own durable copy is taken for a quorum's.
    const early = hasBug(this.p.cfg.bugs, 'commit-before-quorum');
    // Commit strictly in zxid order: only the oldest outstanding proposal can commit.
    while (this.outstanding.length > 0 && (isQuorum(this.p.cfg, this.outstanding[0].acks) || (early && this.outstanding[0].acks.has(this.p.sid)))) this.commit(this.outstanding.shift()!);
  }

  private commit(prop: Proposal): void {
    const p = this.p;
    const { txn } = prop;
    this.lastCommitted = txn.zxid;
    for (const h of this.handlers.values()) {
      if (!h.forwarding) continue;
      p.send(h.conn, h.observer ? { t: 'INFORM', txn } : { t: 'COMMIT', zxid: txn.zxid });
    }
    p.applyCommitted(txn);
    this.prep.applied(txn.zxid);
    this.releaseSyncs();
    p.note(`commit ${formatZxid(txn.zxid)} ${describeTxn(txn)} (acks s${[...prop.acks].sort((a, b) => a - b).join(', s')})`, { zab: 'commit', zxid: txn.zxid });
    prop.onCommit?.();
  }

  /** Every tickTime/2: PING the learners; every tick, check that a quorum is still in touch. */
  onTick(): void {
    const p = this.p;
    p.fx.push({ kind: 'set-timer', timer: TICK_TIMER, afterTicks: Math.floor(p.cfg.tickTimeMs / 2) });
    const limit = p.cfg.syncLimit * p.cfg.tickTimeMs;
    for (const h of [...this.handlers.values()]) {
      if (h.state !== 'UPTODATE' && h.state !== 'SYNCING') continue;
      // SyncLimitCheck: a learner that has not ACKed a proposal within syncLimit ticks is cut off.
      if (h.unacked.length > 0 && p.ctx.now - h.unacked[0].at > limit) {
        p.note(`leader s${p.sid} closes s${h.sid}: proposal ${formatZxid(h.unacked[0].zxid)} unacknowledged for over ${limit} ms`, { zab: 'sync-limit', sid: h.sid });
        this.drop(h.conn);
        continue;
      }
      // An open sync round rides on every PING until a quorum answered it (quorumSync).
      p.send(h.conn, this.roundReplies.size === 0 ? { t: 'PING', zxid: this.lastProposed } : { t: 'PING', zxid: this.lastProposed, round: this.syncRound });
    }
    if (++this.halfTicks % 2 !== 0) return;
    this.tick++;
    const synced = [p.sid];
    for (const h of this.handlers.values()) if (!h.observer && h.sid >= 0 && this.tick <= h.ackDeadlineTick) synced.push(h.sid);
    // Planted 'leader-keeps-quorum-lost': without this step-down a leader cut off from its quorum
    // keeps serving its clients stale reads and never gives way to the leader the others elect.
    if (!isQuorum(p.cfg, synced) && !hasBug(p.cfg.bugs, 'leader-keeps-quorum-lost')) p.goLooking(`not sufficient followers synced, only synced with s${[...new Set(synced)].sort((a, b) => a - b).join(', s')}`);
  }

  private drop(conn: ConnId): void {
    this.handlers.delete(conn);
    this.p.fx.push({ kind: 'close', conn });
  }
}
