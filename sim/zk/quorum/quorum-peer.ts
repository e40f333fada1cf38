/**
 * A ZooKeeper server in an ensemble (QuorumPeer): its role loop — LOOKING (Fast Leader Election),
 * then LEADING, FOLLOWING or OBSERVING until the role fails, then LOOKING again — over one
 * database that survives role changes in memory and is rebuilt from disk at a restart.
 *
 * Ports: 'election' (FLE), 'quorum' (leader ↔ learners), 'client' (sessions, client-front.ts).
 * A harness can also inject writes at the leader with a `call` input `{ write: WriteRequest }`.
 */
import type { ConnId, DurableView, Effect, Input, NodeProgram, Step, StepContext } from '../../contract/node.js';
import type { WriteRequest } from '../prep.js';
import { compareZxid, formatZxid } from '../zxid.js';
import { hasLegacy } from '../../history/known-bugs.js';
import { FastLeaderElection, type ElectionDecision } from '../election/election.js';
import { nodeOf, observers, sidOf, voters, type EnsembleConfig } from './ensemble-config.js';
import { LeaderRole } from './leader-role.js';
import { LearnerRole } from './learner-role.js';
import { QUORUM_PORT, type QuorumPacket } from './packets.js';
import { CONNECT_TIMER, INIT_TIMER, LOAD_TIMER, NEWLEADER_ACK_TIMER, READ_TIMER, TICK_TIMER, type PeerCore } from './peer-core.js';
import { ReplicaDb } from './replica-db.js';
import { ClientFront, EXPIRY_TIMER, type FrontHost } from './client-front.js';
import type { Txn } from '../txn.js';
import { CLIENT_PORT, type ClientMsg } from '../wire.js';

export type PeerRole =
  | { kind: 'LOOKING' }
  /** Decided, building the role (not yet accepting learners or connecting to the leader). */
  | { kind: 'STARTING'; decision: ElectionDecision }
  | LeaderRole
  | LearnerRole
  | { kind: 'HALTED'; why: string };

const ROLE_START_TIMER = 'zab:role-start';
const LOOK_TIMER = 'zab:look';

/** What the harness may ask of a peer through `world.call`. */
export type PeerCall = { write: WriteRequest; sessionId?: string; done?: (zxid: string | undefined) => void; committed?: () => void };

export class QuorumPeer implements PeerCore, FrontHost {
  fx: Effect<unknown>[] = [];
  ctx: StepContext;
  readonly front: ClientFront;
  role: PeerRole = { kind: 'LOOKING' };
  readonly fle: FastLeaderElection;
  /** The vote of the last election this peer decided. */
  private vote: ElectionDecision['vote'] | undefined;

  constructor(
    readonly sid: number,
    readonly cfg: EnsembleConfig,
    readonly db: ReplicaDb,
    ctx: StepContext,
  ) {
    this.ctx = ctx;
    this.fle = new FastLeaderElection({
      myid: sid,
      voters: voters(cfg),
      observers: observers(cfg),
      nodeOf: (s: number) => nodeOf(cfg, s),
      finalizeWaitMs: cfg.finalizeWaitMs,
      minNotificationIntervalMs: cfg.minNotificationIntervalMs,
      maxNotificationIntervalMs: cfg.maxNotificationIntervalMs,
      cnxTimeoutMs: cfg.cnxTimeoutMs,
      ...(cfg.bugs === undefined ? {} : { bugs: cfg.bugs }),
      ...(cfg.legacy === undefined ? {} : { legacy: cfg.legacy }),
    });
    this.front = new ClientFront(this);
  }

  // ------------------------------------------------------------------ FrontHost

  now(): number {
    return this.ctx.now;
  }

  random(n: number): number {
    return this.ctx.random.int(n);
  }

  submit(req: WriteRequest, sessionId: string, cxid: number): boolean {
    const r = this.role;
    if (r instanceof LeaderRole) return r.propose(req, sessionId, undefined, { origin: this.sid, cxid }) !== undefined;
    if (r instanceof LearnerRole) return r.forward(req, sessionId, cxid);
    return false;
  }

  requestSync(sessionId: string, cxid: number): void {
    const r = this.role;
    if (r instanceof LeaderRole) r.sync({ sessionId, cxid });
    else if (r instanceof LearnerRole) r.requestSync(sessionId, cxid);
  }

  revalidate(sessionId: string, timeoutMs: number): void {
    const r = this.role;
    if (r instanceof LeaderRole) this.front.revalidated(sessionId, this.front.revalidateAt(sessionId, this.sid));
    else if (!(r instanceof LearnerRole) || !r.revalidate(sessionId, timeoutMs)) this.front.revalidated(sessionId, false);
  }

  applyCommitted(txn: Txn): void {
    const applied = this.db.apply(txn);
    this.front.onApplied(txn, applied);
  }

  // ------------------------------------------------------------------ PeerCore

  send(conn: ConnId, p: QuorumPacket): void {
    this.fx.push({ kind: 'send', conn, msg: p });
  }

  note(text: string, data?: Record<string, unknown>): void {
    this.fx.push(data === undefined ? { kind: 'note', text } : { kind: 'note', text, data });
  }

  goLooking(reason: string): void {
    const r = this.role;
    if (r.kind === 'HALTED') return;
    if (r instanceof LeaderRole) for (const c of r.connections()) this.fx.push({ kind: 'close', conn: c });
    if (r instanceof LearnerRole && r.conn !== undefined) this.fx.push({ kind: 'close', conn: r.conn });
    for (const timer of [TICK_TIMER, INIT_TIMER, READ_TIMER, CONNECT_TIMER, ROLE_START_TIMER, LOOK_TIMER, LOAD_TIMER, ...(r instanceof LearnerRole && hasLegacy(this.cfg.legacy, 'ZOOKEEPER-4685') ? [NEWLEADER_ACK_TIMER] : [])]) this.fx.push({ kind: 'cancel-timer', timer });
    if (r.kind !== 'LOOKING') this.note(`s${this.sid} goes back to LOOKING: ${reason}`, { zab: 'looking', reason });
    this.role = { kind: 'LOOKING' };
    this.front.stopServing();
    this.db.dropContinuations();
    const ff = this.fastForward(r instanceof LearnerRole);
    if (ff > 0) this.note(`s${this.sid} fast-forwards ${ff} logged txn(s) into memory, now at ${formatZxid(this.db.lastProcessedZxid)}`, { zab: 'fast-forward', count: ff });
    if (reason === 'boot') return this.startLooking();
    // The role shuts down first; meanwhile the election side still answers with the old vote.
    const { min, max } = this.cfg.roleShutdownMs;
    this.fx.push({ kind: 'set-timer', timer: LOOK_TIMER, afterTicks: min + this.ctx.random.int(max - min + 1) });
  }

  /**
   * ZKDatabase.fastForwardDataBase at a role's end (the ZOOKEEPER-2845 fix), as this server's
   * release does it: not at all before that fix; and before ZOOKEEPER-4712's, with a follower's or
   * observer's log thread still running, so what it had not written yet (here: not fsynced) is
   * missed and lands later.
   */
  private fastForward(learnerEnded: boolean): number {
    if (hasLegacy(this.cfg.legacy, 'ZOOKEEPER-2845')) {
      if (compareZxid(this.db.lastLoggedZxid(), this.db.lastProcessedZxid) > 0) this.note(`s${this.sid} keeps its in-memory database at ${formatZxid(this.db.lastProcessedZxid)} though its log reaches ${formatZxid(this.db.lastLoggedZxid())} (no fast-forward: ZOOKEEPER-2845)`, { zab: 'no-fast-forward', legacy: 'ZOOKEEPER-2845' });
      return 0;
    }
    // Only a learner's shutdown left its log thread running; a leader's stops it first.
    if (learnerEnded && hasLegacy(this.cfg.legacy, 'ZOOKEEPER-4712') && this.db.unsynced > 0) {
      this.note(`s${this.sid}'s log thread outlives its role with ${this.db.unsynced} txn(s) not yet written: the fast-forward misses them (ZOOKEEPER-4712)`, { zab: 'stale-sync-thread', legacy: 'ZOOKEEPER-4712', count: this.db.unsynced });
      return this.db.fastForward(this.db.durableLength);
    }
    return this.db.fastForward();
  }

  private startLooking(): void {
    this.fle.lookForLeader({ lastZxid: this.db.lastProcessedZxid, currentEpoch: this.db.currentEpoch }, this.ctx, this.fx as never);
  }

  isCurrent(role: object): boolean {
    return this.role === role;
  }

  updateElectionVote(epoch: number): void {
    const r = this.role;
    if (this.vote === undefined || (r.kind !== 'LEADING' && r.kind !== 'FOLLOWING' && r.kind !== 'OBSERVING')) return;
    this.vote = { ...this.vote, peerEpoch: epoch };
    this.fle.setPeerState(r.kind, this.vote);
  }

  // ------------------------------------------------------------------ the role loop

  private onDecision(d: ElectionDecision): void {
    this.vote = d.vote;
    const range = d.state === 'LEADING' ? this.cfg.leaderStartupMs : this.cfg.learnerStartupMs;
    const delay = range.min + this.ctx.random.int(range.max - range.min + 1);
    this.role = { kind: 'STARTING', decision: d };
    this.fx.push({ kind: 'set-timer', timer: ROLE_START_TIMER, afterTicks: delay });
  }

  private startRole(d: ElectionDecision): void {
    if (d.state === 'LEADING') {
      const leader = new LeaderRole(this);
      this.role = leader;
      leader.start();
    } else {
      const learner = new LearnerRole(this, d.vote.leader, d.state === 'OBSERVING');
      this.role = learner;
      learner.start();
    }
  }

  handle(input: Input<unknown>): void {
    const r = this.role;
    if (r.kind === 'HALTED') return;
    if (this.fle.owns(input)) {
      const d = this.fle.onInput(input as never, this.ctx, this.fx as never);
      if (d !== undefined && r.kind === 'LOOKING') this.onDecision(d);
      return;
    }
    if ((input.kind === 'deliver' || input.kind === 'accepted') && input.port === CLIENT_PORT) {
      if (input.kind === 'accepted') this.front.onAccepted(input.conn);
      else this.front.onMessage(input.conn, input.msg as ClientMsg);
      return;
    }
    if (input.kind === 'closed') this.front.onClosed(input.conn);
    switch (input.kind) {
      case 'call':
        return this.onCall(input.call as PeerCall);
      case 'timer':
        return this.onTimer(input.timer);
      case 'disk-done':
        return this.onDiskDone(input);
      case 'accepted':
        if (input.port !== QUORUM_PORT) return;
        if (r instanceof LeaderRole) r.onAccepted(input.conn);
        else this.fx.push({ kind: 'close', conn: input.conn });
        return;
      case 'connected':
        if (r instanceof LearnerRole && r.ownsRef(input.ref)) r.onConnected(input.conn);
        else this.fx.push({ kind: 'close', conn: input.conn });
        return;
      case 'connect-failed':
        if (r instanceof LearnerRole && r.ownsRef(input.ref)) r.onConnectFailed();
        return;
      case 'closed':
        if (r instanceof LeaderRole) r.onClosed(input.conn);
        else if (r instanceof LearnerRole && r.conn === input.conn) r.onClosed();
        return;
      case 'deliver': {
        const pk = input.msg as QuorumPacket;
        if (r instanceof LeaderRole) r.onPacket(input.conn, pk);
        else if (r instanceof LearnerRole && r.conn === input.conn) r.onPacket(pk);
        return;
      }
      default:
        return;
    }
  }

  private onTimer(timer: string): void {
    const r = this.role;
    if (timer === ROLE_START_TIMER && r.kind === 'STARTING') return this.startRole(r.decision);
    if (timer === EXPIRY_TIMER) return this.front.onExpiryTimer();
    if (timer === LOOK_TIMER && r.kind === 'LOOKING') return this.startLooking();
    if (timer === TICK_TIMER && r instanceof LeaderRole) r.onTick();
    else if (timer === INIT_TIMER && r instanceof LeaderRole) r.onInitTimeout();
    else if (timer === LOAD_TIMER && r instanceof LeaderRole) r.onLoadTimer();
    else if (timer === READ_TIMER && r instanceof LearnerRole) r.onReadTimeout();
    else if (timer === CONNECT_TIMER && r instanceof LearnerRole) r.onConnectRetry();
    else if (timer === NEWLEADER_ACK_TIMER && r instanceof LearnerRole) r.onNewLeaderAckTimer();
  }

  private onDiskDone(input: Extract<Input<unknown>, { kind: 'disk-done' }>): void {
    const { durable, failed } = this.db.onDiskDone(input.ref, input.ok, this.fx);
    if (failed !== undefined) {
      // ZooKeeper's sync thread exits the process on a disk error.
      this.halt(`disk ${input.op} of ${input.file} failed (${input.error ?? 'error'})`);
      return;
    }
    const r = this.role;
    if (durable.length === 0) return;
    if (r instanceof LeaderRole) r.onDurable(durable);
    else if (r instanceof LearnerRole) r.onDurable(durable);
  }

  private onCall(call: PeerCall): void {
    const r = this.role;
    const txn = r instanceof LeaderRole ? r.propose(call.write, call.sessionId ?? '0x0000000000000000', call.committed) : undefined;
    call.done?.(txn === undefined ? undefined : formatZxid(txn.zxid));
  }

  /** A fatal error: ZooKeeper exits the process (a supervisor or an operator restarts it). */
  halt(why: string): void {
    this.role = { kind: 'HALTED', why };
    this.fx.push({ kind: 'exit', reason: why });
  }
}

export interface PeerState {
  peer: QuorumPeer;
}

/** The node program of every server of an ensemble. */
export function quorumPeerProgram(cfg: EnsembleConfig): NodeProgram<PeerState, unknown> {
  const within = (peer: QuorumPeer, ctx: StepContext, fn: () => void): Effect<unknown>[] => {
    peer.ctx = ctx;
    peer.fx = [];
    fn();
    const fx = peer.fx;
    peer.fx = [];
    return fx;
  };
  return {
    boot(ctx: StepContext, disk: DurableView): Step<PeerState, unknown> {
      const sid = sidOf(cfg, ctx.self);
      const early: Effect<unknown>[] = [];
      const { db, problem } = ReplicaDb.load(disk, cfg.commitLogCount, early, { preZab10: hasLegacy(cfg.legacy, 'ZOOKEEPER-335') });
      const peer = new QuorumPeer(sid, cfg, db, ctx);
      const fx = within(peer, ctx, () => {
        if (problem !== undefined) {
          peer.halt(`cannot start: ${problem}`);
          return;
        }
        peer.note(`s${sid} starts at ${formatZxid(db.lastProcessedZxid)}, acceptedEpoch ${db.acceptedEpoch}, currentEpoch ${db.currentEpoch}`, {
          zab: 'boot',
          zxid: db.lastProcessedZxid,
          acceptedEpoch: db.acceptedEpoch,
          currentEpoch: db.currentEpoch,
        });
        peer.fle.start(ctx, peer.fx as never);
        peer.goLooking('boot');
      });
      return { state: { peer }, effects: [...early, ...fx] };
    },
    step(state: PeerState, input: Input<unknown>, ctx: StepContext): Step<PeerState, unknown> {
      return { state, effects: within(state.peer, ctx, () => state.peer.handle(input)) };
    },
    inspect(state: PeerState) {
      const r = state.peer.role;
      return { role: r.kind === 'HALTED' ? 'halted' : r.kind === 'STARTING' ? r.decision.state : r.kind };
    },
  };
}
