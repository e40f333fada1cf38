/**
 * A follower or observer (Learner.java, Follower.java, Observer.java): connects to the elected
 * leader, registers (FOLLOWERINFO), accepts the new epoch (acceptedEpoch durable before ACKEPOCH),
 * synchronizes (DIFF / TRUNC / SNAP, buffering PROPOSAL and COMMIT), and at NEWLEADER logs and
 * fsyncs what was committed, writes currentEpoch, and only then ACKs — the order ZOOKEEPER-3911,
 * 4643 and 4646 established. In broadcast it logs each PROPOSAL and ACKs after the fsync, applies
 * COMMITs (observers apply INFORMs), and answers PINGs. Silence longer than the read timeout
 * (initLimit ticks before NEWLEADER, syncLimit after) sends it back to LOOKING.
 */
import type { ConnId } from '../../contract/node.js';
import type { Txn } from '../txn.js';
import { compareZxid, formatZxid, zxidKey, type Zxid } from '../zxid.js';
import { nodeOf } from './ensemble-config.js';
import { QUORUM_PORT, type QuorumPacket } from './packets.js';
import { CONNECT_TIMER, NEWLEADER_ACK_TIMER, READ_TIMER, type PeerCore } from './peer-core.js';
import { ACCEPTED_EPOCH, CURRENT_EPOCH } from './replica-db.js';
import { hasBug } from '../../bugs/catalog.js';
import { hasLegacy } from '../../history/known-bugs.js';

export type LearnerPhase = 'CONNECTING' | 'DISCOVERY' | 'SYNCHRONIZATION' | 'BROADCAST';

const CONNECT_TRIES = 5;
const CONNECT_RETRY_MS = 100;
/**
 * How long (at most) ZOOKEEPER-4685's learner main thread may lag between handing the synced txns
 * to its log thread and writing the NEWLEADER ACK: a scheduling delay or a short GC pause, about
 * as long as an fsync (2–10 ms by default), so either ACK may reach the leader first.
 */
const MAIN_THREAD_LAG_MS = 10;

export class LearnerRole {
  readonly kind: 'FOLLOWING' | 'OBSERVING';
  phase: LearnerPhase = 'CONNECTING';
  conn: ConnId | undefined;
  newEpoch: number | undefined;
  private tries = 0;
  /** When the connect tries' shared budget (initLimit ticks from the first) runs out. */
  private connectDeadline: number | undefined;
  private connectRef: string | undefined;
  /** Nothing came from the leader on this connection yet. */
  private heardFromLeader = false;
  private syncMode: 'DIFF' | 'TRUNC' | 'SNAP' | undefined;
  private newLeaderSeen = false;
  /** Proposals received during sync and not logged yet (packetsNotLogged). */
  private notLogged: Txn[] = [];
  /** zxids committed during sync (packetsCommitted). */
  private committedDuringSync: Zxid[] = [];
  /**
   * Packets that arrived while NEWLEADER was being made durable. ZooKeeper's learner handles
   * NEWLEADER on its one receiving thread, blocking on the log fsync and the currentEpoch write,
   * so nothing after it (UPTODATE, new-epoch proposals) is handled before the epoch is durable;
   * otherwise a power loss could keep new-epoch log records with an older currentEpoch, and the
   * server would refuse to start.
   */
  private heldDuringNewLeader: QuorumPacket[] | undefined;
  /**
   * Proposals logged in broadcast whose ACK waits for the fsync. Apart from `pending`: a COMMIT
   * may come first (the other followers' ACKs made the quorum), and ZooKeeper's sync thread still
   * ACKs once the write is durable; a missing ACK would stall the leader's syncLimit check.
   */
  private readonly awaitingAck = new Set<number>();
  /** Logged (or being logged) proposals waiting for their COMMIT, in order (pendingTxns). */
  private pending: Txn[] = [];

  constructor(
    private readonly p: PeerCore,
    readonly leaderSid: number,
    observer: boolean,
  ) {
    this.kind = observer ? 'OBSERVING' : 'FOLLOWING';
  }

  start(): void {
    this.p.note(`s${this.p.sid} ${this.kind === 'OBSERVING' ? 'observes' : 'follows'} s${this.leaderSid}`, { zab: 'follow', leader: this.leaderSid });
    this.connect();
  }

  /**
   * All connect tries share one budget of initLimit ticks (Learner.LeaderConnector: each try gets
   * what is left of it, and it stops when less than the retry delay is left), so a follower of an
   * unreachable leader looks again after initLimit ticks, not five times that.
   */
  private connect(): void {
    const p = this.p;
    this.tries++;
    this.connectDeadline ??= p.ctx.now + p.cfg.initLimit * p.cfg.tickTimeMs;
    this.connectRef = `zab:connect:${this.tries}`;
    p.fx.push({ kind: 'connect', to: nodeOf(p.cfg, this.leaderSid), port: QUORUM_PORT, ref: this.connectRef, timeoutTicks: Math.max(1, this.connectDeadline - p.ctx.now) });
  }

  ownsRef(ref: string): boolean {
    return ref === this.connectRef;
  }

  onConnected(conn: ConnId): void {
    const p = this.p;
    this.conn = conn;
    this.heardFromLeader = false;
    this.connectRef = undefined;
    this.phase = 'DISCOVERY';
    p.send(conn, { t: 'FOLLOWERINFO', sid: p.sid, acceptedEpoch: p.db.acceptedEpoch, observer: this.kind === 'OBSERVING' });
    this.armReadTimeout();
  }

  onConnectFailed(): void {
    this.connectRef = undefined;
    const left = (this.connectDeadline ?? 0) - this.p.ctx.now;
    if (this.tries >= CONNECT_TRIES || left <= CONNECT_RETRY_MS) {
      this.p.goLooking(`cannot connect to leader s${this.leaderSid} after ${this.tries} tries`);
      return;
    }
    this.p.fx.push({ kind: 'set-timer', timer: CONNECT_TIMER, afterTicks: CONNECT_RETRY_MS });
  }

  /** Sends a client's write to the leader; false when not in broadcast. */
  forward(req: import('../prep.js').WriteRequest, sessionId: string, cxid: number): boolean {
    // Observers forward their clients' writes too (Observer.request), they just never vote on them.
    if (this.phase !== 'BROADCAST' || this.conn === undefined) return false;
    this.p.send(this.conn, { t: 'REQUEST', origin: this.p.sid, sessionId, cxid, req });
    return true;
  }

  revalidate(sessionId: string, timeoutMs: number): boolean {
    if (this.phase !== 'BROADCAST' || this.conn === undefined) return false;
    this.p.send(this.conn, { t: 'REVALIDATE', sessionId, timeoutMs });
    return true;
  }

  requestSync(sessionId: string, cxid: number): void {
    if (this.conn !== undefined) this.p.send(this.conn, { t: 'SYNCREQ', sessionId, cxid });
  }

  onConnectRetry(): void {
    if (this.phase === 'CONNECTING' && this.connectRef === undefined) this.connect();
  }

  onClosed(): void {
    this.conn = undefined;
    if (!this.heardFromLeader && this.phase === 'DISCOVERY') {
      // The server we elected is not leading yet (its learner port is not open): in ZooKeeper the
      // connect is refused and retried after 100 ms; the simulated server closes the connection.
      this.phase = 'CONNECTING';
      this.onConnectFailed();
      return;
    }
    this.p.goLooking(`connection to leader s${this.leaderSid} closed`);
  }

  onReadTimeout(): void {
    this.p.goLooking(`no word from leader s${this.leaderSid} within the read timeout`);
  }

  private armReadTimeout(): void {
    const p = this.p;
    const ticks = this.newLeaderSeen ? p.cfg.syncLimit : p.cfg.initLimit;
    p.fx.push({ kind: 'set-timer', timer: READ_TIMER, afterTicks: ticks * p.cfg.tickTimeMs });
  }

  onPacket(pk: QuorumPacket): void {
    if (this.heldDuringNewLeader !== undefined) {
      this.heldDuringNewLeader.push(pk);
      return;
    }
    this.heardFromLeader = true;
    this.armReadTimeout();
    switch (pk.t) {
      case 'LEADERINFO':
        return this.onLeaderInfo(pk.newEpoch);
      case 'DIFF':
      case 'TRUNC':
      case 'SNAP':
        return this.onSyncMode(pk);
      case 'PROPOSAL':
        return this.onProposal(pk.txn);
      case 'COMMIT':
        return this.onCommit(pk.zxid);
      case 'INFORM':
        return this.onInform(pk.txn);
      case 'NEWLEADER':
        return this.onNewLeader(pk.zxid);
      case 'UPTODATE':
        return this.onUpToDate();
      case 'PING':
        // syncWithLeader ignores PINGs; a learner in broadcast answers with the sessions its clients touched.
        if (this.conn !== undefined && this.phase === 'BROADCAST') this.p.send(this.conn, { t: 'PINGREPLY', touched: this.p.front.takeTouched(), ...(pk.round === undefined ? {} : { round: pk.round }) });
        return;
      case 'SYNC':
        this.p.front.syncDone(pk.sessionId, pk.cxid);
        return;
      case 'REVALIDATED':
        this.p.front.revalidated(pk.sessionId, pk.valid);
        return;
      default:
        this.p.goLooking(`unexpected ${pk.t} from the leader`);
    }
  }

  private onLeaderInfo(newEpoch: number): void {
    const p = this.p;
    if (this.phase !== 'DISCOVERY') return;
    const conn = this.conn!;
    const ack = (currentEpoch: number) => {
      if (p.isCurrent(this) && this.conn === conn) p.send(conn, { t: 'ACKEPOCH', currentEpoch, lastZxid: p.db.lastProcessedZxid });
    };
    if (hasLegacy(p.cfg.legacy, 'ZOOKEEPER-335')) {
      // Before Zab 1.0 a follower refused only a leader whose epoch was below its own last zxid's,
      // and promised nothing durable: a second leader of the same epoch is welcome too.
      if (newEpoch < p.db.lastProcessedZxid.epoch) {
        p.goLooking(`leader s${this.leaderSid}'s epoch ${newEpoch} is lower than my last zxid ${formatZxid(p.db.lastProcessedZxid)}`);
        return;
      }
      this.newEpoch = newEpoch;
      ack(p.db.currentEpoch);
    } else if (newEpoch > p.db.acceptedEpoch) {
      this.newEpoch = newEpoch;
      // acceptedEpoch must be durable before the ACKEPOCH that promises it.
      p.db.writeEpoch(ACCEPTED_EPOCH, newEpoch, p.fx, () => ack(p.db.currentEpoch));
    } else if (newEpoch === p.db.acceptedEpoch) {
      this.newEpoch = newEpoch;
      ack(-1); // already accepted this epoch: do not count me, but here is where I am
    } else {
      p.goLooking(`leader s${this.leaderSid} proposed epoch ${newEpoch}, older than my acceptedEpoch ${p.db.acceptedEpoch}`);
    }
  }

  private onSyncMode(pk: Extract<QuorumPacket, { t: 'DIFF' | 'TRUNC' | 'SNAP' }>): void {
    const p = this.p;
    this.phase = 'SYNCHRONIZATION';
    this.syncMode = pk.t;
    if (pk.t === 'TRUNC') p.db.truncateTo(pk.zxid, p.fx);
    if (pk.t === 'SNAP') {
      // The snapshot reaches the disk now, ahead of currentEpoch: the updatingEpoch marker goes
      // first (ZooKeeper takes this snapshot inside the marker's window, at NEWLEADER).
      p.db.markUpdatingEpoch(p.fx);
      p.db.replaceWith(pk.snapshot, pk.sessions, pk.zxid, p.fx);
    }
    p.note(`s${p.sid} syncs by ${pk.t} (${formatZxid(pk.zxid)})`, { zab: 'sync-mode', mode: pk.t, zxid: pk.zxid });
  }

  private onProposal(txn: Txn): void {
    const p = this.p;
    if (this.phase === 'SYNCHRONIZATION') {
      this.notLogged.push(txn);
      return;
    }
    if (this.phase !== 'BROADCAST' || this.kind === 'OBSERVING') return;
    this.pending.push(txn);
    this.awaitingAck.add(zxidKey(txn.zxid));
    p.db.append(txn, p.fx); // ACKed in onDurable, after the fsync
    // Planted 'ack-before-fsync': the ACK promises a durable copy the disk does not have yet.
    if (hasBug(p.cfg.bugs, 'ack-before-fsync') && this.conn !== undefined) p.send(this.conn, { t: 'ACK', zxid: txn.zxid });
    // Planted 'read-uncommitted': the proposal reaches the tree (and the client port) before its COMMIT.
    if (hasBug(p.cfg.bugs, 'read-uncommitted')) p.applyCommitted(txn);
  }

  private onCommit(zxid: Zxid): void {
    if (this.phase === 'SYNCHRONIZATION') {
      this.committedDuringSync.push(zxid);
      return;
    }
    const head = this.pending[0];
    if (head === undefined) return; // FollowerZooKeeperServer.commit: "Committing without seeing txn", ignored
    if (compareZxid(head.zxid, zxid) !== 0) {
      this.p.halt(`COMMIT ${formatZxid(zxid)} does not match the next pending txn ${formatZxid(head.zxid)} (UNMATCHED_TXN_COMMIT)`);
      return;
    }
    this.pending.shift();
    if (!hasBug(this.p.cfg.bugs, 'read-uncommitted')) this.p.applyCommitted(head);
  }

  private onInform(txn: Txn): void {
    const p = this.p;
    if (this.phase === 'SYNCHRONIZATION') {
      this.notLogged.push(txn);
      this.committedDuringSync.push(txn.zxid);
      return;
    }
    p.db.append(txn, p.fx);
    p.applyCommitted(txn);
  }

  /**
   * NEWLEADER: log and fsync what was committed, then currentEpoch, then ACK (the order 3.8.5 and
   * 3.9.2 established). Older releases (sim/history/known-bugs.ts) did these in other orders, each
   * step its own crash point: ZOOKEEPER-3911 (the synced txns are logged only after UPTODATE),
   * ZOOKEEPER-4643 (currentEpoch first), ZOOKEEPER-4646 (ACK before the fsync) and ZOOKEEPER-4685
   * (the log thread ACKs the synced txns itself, racing the NEWLEADER ACK).
   */
  private onNewLeader(zxid: Zxid): void {
    const p = this.p;
    if (this.phase !== 'SYNCHRONIZATION' || zxid.epoch !== this.newEpoch) {
      p.goLooking(`NEWLEADER ${formatZxid(zxid)} out of place`);
      return;
    }
    this.newLeaderSeen = true;
    this.armReadTimeout();
    const legacy = p.cfg.legacy;
    const conn = this.conn;
    const epoch = zxid.epoch;
    const ack = () => {
      if (!p.isCurrent(this) || this.conn !== conn || conn === undefined) return;
      p.send(conn, { t: 'ACK', zxid: { epoch, counter: 0 } });
      const held = this.heldDuringNewLeader ?? [];
      this.heldDuringNewLeader = undefined;
      for (const pk of held) if (p.isCurrent(this) && this.conn === conn) this.onPacket(pk);
    };
    if (hasLegacy(legacy, 'ZOOKEEPER-3911') && this.syncMode === 'DIFF') {
      // 3.4.10 – 3.6.2: a DIFF-synced learner writes currentEpoch and ACKs with the synced txns in
      // memory only; they are logged after UPTODATE, with the rest (onUpToDate).
      p.note(`s${p.sid} ACKs NEWLEADER with ${this.committedDuringSync.length} synced txn(s) not logged yet (ZOOKEEPER-3911)`, { zab: 'legacy', legacy: 'ZOOKEEPER-3911' });
      this.heldDuringNewLeader = [];
      p.db.writeEpoch(CURRENT_EPOCH, epoch, p.fx, ack);
      return;
    }
    if (hasBug(p.cfg.bugs, 'newleader-ack-before-durable')) {
      // Planted (the order before ZOOKEEPER-4643/4646): the ACK goes out at once and the history
      // and currentEpoch reach the disk later, so the leader counts a promise a power loss undoes.
      p.db.markUpdatingEpoch(p.fx);
      this.logSynced(false);
      ack();
      p.db.afterDurable(() => {
        if (p.isCurrent(this)) p.db.writeEpoch(CURRENT_EPOCH, epoch, p.fx, () => p.db.clearUpdatingEpoch(p.fx));
      });
      return;
    }
    this.heldDuringNewLeader = [];
    const l4643 = hasLegacy(legacy, 'ZOOKEEPER-4643');
    const l4646 = hasLegacy(legacy, 'ZOOKEEPER-4646');
    const l4685 = hasLegacy(legacy, 'ZOOKEEPER-4685');
    // ZOOKEEPER-4685: the main thread writes its ACK a moment after handing the txns to the log
    // thread (it may be descheduled meanwhile), and the log thread ACKs each txn once fsynced.
    const sendAck = l4685 ? () => p.fx.push({ kind: 'set-timer', timer: NEWLEADER_ACK_TIMER, afterTicks: p.ctx.random.int(MAIN_THREAD_LAG_MS + 1) }) : ack;
    if (l4685) this.pendingAck = ack;
    if (l4643) {
      // ZOOKEEPER-4643: the main thread writes currentEpoch first and then hands the synced txns to
      // the log, one step after the other: the disk gets the epoch before the txns, and a power
      // loss between them boots a server with the new epoch and the old log.
      p.note(`s${p.sid} writes currentEpoch ${epoch} before logging its synced txns (ZOOKEEPER-4643)`, { zab: 'legacy', legacy: 'ZOOKEEPER-4643' });
      p.db.writeEpoch(CURRENT_EPOCH, epoch, p.fx, () => {
        p.db.clearUpdatingEpoch(p.fx); // a SNAP sync set it
        if (!p.isCurrent(this)) return;
        if (l4646) sendAck();
        else p.db.afterDurable(() => p.isCurrent(this) && sendAck());
      });
      this.logSynced(l4685);
      if (l4646) p.note(`s${p.sid} will ACK NEWLEADER before its synced txns are fsynced (ZOOKEEPER-4646)`, { zab: 'legacy', legacy: 'ZOOKEEPER-4646' });
      return;
    }
    if (l4646) {
      // ZOOKEEPER-4646 (every release with it also had 4643's order; alone, the txns go first): the
      // main thread hands the synced txns to the log thread, writes currentEpoch and ACKs, while
      // the log thread has not flushed them yet: the fsync reaches the disk after the epoch.
      this.logSynced(l4685, true);
      p.note(`s${p.sid} will ACK NEWLEADER before its synced txns are fsynced (ZOOKEEPER-4646)`, { zab: 'legacy', legacy: 'ZOOKEEPER-4646' });
      p.db.writeEpoch(CURRENT_EPOCH, epoch, p.fx, () => {
        if (p.isCurrent(this)) sendAck();
      });
      p.db.flush(p.fx);
      return;
    }
    p.db.markUpdatingEpoch(p.fx);
    this.logSynced(l4685);
    p.db.afterDurable(() => {
      if (!p.isCurrent(this)) return;
      p.db.writeEpoch(CURRENT_EPOCH, epoch, p.fx, () => {
        p.db.clearUpdatingEpoch(p.fx);
        if (p.isCurrent(this)) sendAck();
      });
    });
  }

  /** The NEWLEADER ACK ZOOKEEPER-4685's main thread is about to write. */
  private pendingAck: (() => void) | undefined;

  /** The lagging main thread writes its NEWLEADER ACK (ZOOKEEPER-4685). */
  onNewLeaderAckTimer(): void {
    const ack = this.pendingAck;
    this.pendingAck = undefined;
    ack?.();
  }

  /**
   * Logs (and applies) the txns committed during sync. With `alsoUncommitted` (ZOOKEEPER-4685's
   * releases) every proposal received during sync goes to the log thread now, which ACKs each once
   * it is fsynced, whether or not the NEWLEADER ACK went first. `deferFsync`: the log thread has
   * not flushed them yet (ZOOKEEPER-4646); the caller starts the fsync (ReplicaDb.flush).
   */
  private logSynced(alsoUncommitted: boolean, deferFsync = false): void {
    const p = this.p;
    for (const z of this.committedDuringSync) {
      const i = this.notLogged.findIndex((t) => compareZxid(t.zxid, z) === 0);
      if (i < 0) continue;
      const [txn] = this.notLogged.splice(i, 1);
      p.db.append(txn, p.fx, deferFsync);
      p.db.apply(txn);
      if (alsoUncommitted) this.syncThreadAcks.add(zxidKey(txn.zxid));
    }
    this.committedDuringSync = [];
    if (!alsoUncommitted || this.kind === 'OBSERVING') return;
    for (const txn of this.notLogged) {
      this.pending.push(txn);
      this.awaitingAck.add(zxidKey(txn.zxid));
      p.db.append(txn, p.fx, deferFsync);
    }
    this.notLogged = [];
  }

  /** Synced txns whose fsync the log thread will ACK (ZOOKEEPER-4685). */
  private readonly syncThreadAcks = new Set<number>();

  private onUpToDate(): void {
    const p = this.p;
    if (this.phase !== 'SYNCHRONIZATION' || !this.newLeaderSeen) return;
    this.phase = 'BROADCAST';
    p.updateElectionVote(this.newEpoch!);
    p.front.startServing(false);
    p.note(`s${p.sid} is up to date with leader s${this.leaderSid} (epoch ${this.newEpoch})`, { zab: 'uptodate', leader: this.leaderSid, epoch: this.newEpoch });
    p.send(this.conn!, { t: 'ACK', zxid: { epoch: this.newEpoch!, counter: 0 } });
    const rest = this.notLogged;
    this.notLogged = [];
    if (this.kind === 'OBSERVING') {
      // An observer has no proposal pipeline: what it was INFORMed of between NEWLEADER and
      // UPTODATE is committed, so it logs and applies it now, in order (Learner.syncWithLeader
      // matches each unlogged packet against the next committed zxid and skips a mismatch).
      const commits = this.committedDuringSync;
      this.committedDuringSync = [];
      for (const txn of rest) {
        if (commits.length === 0 || compareZxid(commits[0], txn.zxid) !== 0) continue;
        commits.shift();
        p.db.append(txn, p.fx);
        p.applyCommitted(txn);
      }
      return;
    }
    // Proposals still uncommitted go through the normal pipeline now: logged, ACKed, then committed.
    for (const txn of rest) this.onProposal(txn);
    // COMMITs that came between NEWLEADER and UPTODATE apply now, in order.
    const commits = this.committedDuringSync;
    this.committedDuringSync = [];
    for (const z of commits) this.onCommit(z);
  }

  /** The log made these durable: a follower ACKs each proposal. */
  onDurable(txns: Txn[]): void {
    if (this.kind === 'OBSERVING' || this.conn === undefined || hasBug(this.p.cfg.bugs, 'ack-before-fsync')) return;
    // ZOOKEEPER-4685's log thread ACKs what it logged at NEWLEADER as soon as it is on disk.
    const early = this.phase !== 'BROADCAST';
    if (early && this.syncThreadAcks.size === 0 && this.awaitingAck.size === 0) return;
    for (const t of txns) {
      const key = zxidKey(t.zxid);
      if (this.syncThreadAcks.delete(key) || ((!early || hasLegacy(this.p.cfg.legacy, 'ZOOKEEPER-4685')) && this.awaitingAck.delete(key))) this.p.send(this.conn, { t: 'ACK', zxid: t.zxid });
    }
  }
}
