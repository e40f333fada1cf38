/**
 * The election's connection manager (ZooKeeper's QuorumCnxManager), as a pure component: it turns
 * "send this notification to server N" into connect/send/close effects and turns connection inputs
 * into received notifications.
 *
 * What it models, from QuorumCnxManager:
 * - One connection per pair of servers on the election port. The connection that survives is
 *   always the one opened by the higher sid: a server that accepts a connection from a smaller sid
 *   drops it (and, first, whatever connection it already had with that server) and connects back;
 *   a server that opened a connection to a higher sid drops it itself right after the handshake.
 *   So the smaller server's connection attempt is in effect a request "please connect to me".
 * - A send queue of capacity 1 per peer: a notification for a peer we are not connected to waits,
 *   and a newer one replaces it, so a peer never receives a stale vote after a fresher one was
 *   known. While connected, a notification goes out at once (ZooKeeper's SendWorker drains the
 *   queue as soon as something is put into it).
 * - The last message sent to each peer is remembered; when a new connection to that peer comes up
 *   and nothing is queued for it, the last message is sent again (it may have died with the old
 *   connection).
 * - Every send to a peer we are not connected to starts a connection attempt (one at a time per
 *   peer). Nothing reconnects by itself after a connection closes: only the next send to that peer
 *   or the election's connectAll (after a notification timeout) does.
 * - Messages to oneself never touch the network: they go into the local receive queue
 *   (`loopback`), which the election drains in the same step, after the work in hand (see
 *   FastLeaderElection.pump for why that ordering is faithful).
 *
 * Not modelled: the connection handshake message (the simulated network tells the accepting side
 * who connected, so the protocol version/sid/address preamble carries nothing new); the receive
 * queue's capacity of 100 (the election handles each message as it arrives, so the queue never
 * fills); SSL, SASL and multi-address reachability checks.
 */
import type { ConnId, Effect, Input, NodeId } from '../../contract/node.js';
import type { ElectionMsg, Notification } from './vote.js';

export const ELECTION_PORT = 'election';

/** Where the manager puts its effects: any effect array whose message type includes ElectionMsg. */
export interface ElectionEffects {
  push(...effects: Effect<ElectionMsg>[]): unknown;
}

export interface CnxManagerConfig {
  myid: number;
  /** Every server's sid (voters and observers): who may connect to us. */
  sids: readonly number[];
  nodeOf(sid: number): NodeId;
  cnxTimeoutMs: number;
}

/** What the manager knows about one peer (ZooKeeper keeps these in four maps keyed by sid). */
interface Peer {
  readonly sid: number;
  /** The connection in use (senderWorkerMap); undefined when not connected. */
  conn: ConnId | undefined;
  /** Ref of the connection attempt in progress (inprogressConnections). */
  connecting: string | undefined;
  /** The send queue exists (queueSendMap has the key): connectAll and haveDelivered look at these. */
  hasQueue: boolean;
  /** The queue's one slot. */
  queued: Notification | undefined;
  /** lastMessageSent. */
  lastSent: Notification | undefined;
}

/** A notification that arrived, with the sid of the connection it came on. */
export interface Received {
  from: number;
  msg: Notification;
}

export class ElectionCnxManager {
  /** Messages to self, waiting for the receive path (QuorumCnxManager.recvQueue, for self only). */
  readonly loopback: Notification[] = [];
  private readonly peers = new Map<number, Peer>();
  /** Election connections this node holds, by connection id → peer sid. */
  private readonly conns = new Map<ConnId, number>();
  private readonly sidByNode = new Map<NodeId, number>();
  private listening = false;
  private nextRef = 1;

  constructor(private readonly cfg: CnxManagerConfig) {
    for (const sid of cfg.sids) this.sidByNode.set(cfg.nodeOf(sid), sid);
  }

  /** Starts accepting election connections (the Listener thread). Connects to nobody by itself. */
  start(): void {
    this.listening = true;
  }

  get started(): boolean {
    return this.listening;
  }

  /** QuorumCnxManager.toSend: loop back to self, or queue/send and make sure a connection is on its way. */
  toSend(sid: number, msg: Notification, effects: ElectionEffects): void {
    if (sid === this.cfg.myid) {
      this.loopback.push(msg);
      return;
    }
    const peer = this.peer(sid);
    peer.hasQueue = true;
    if (peer.conn !== undefined) {
      peer.lastSent = msg;
      effects.push({ kind: 'send', conn: peer.conn, msg });
    } else {
      // Capacity 1: a newer notification replaces the unsent one.
      peer.queued = msg;
    }
    this.connectOne(sid, effects);
  }

  /** Opens a connection to `sid` unless one is up or being opened. */
  connectOne(sid: number, effects: ElectionEffects): void {
    if (sid === this.cfg.myid) return;
    const peer = this.peer(sid);
    if (peer.conn !== undefined || peer.connecting !== undefined) return;
    const ref = `fle:cnx:${sid}:${this.nextRef++}`;
    peer.connecting = ref;
    effects.push({ kind: 'connect', to: this.cfg.nodeOf(sid), port: ELECTION_PORT, ref, timeoutTicks: this.cfg.cnxTimeoutMs });
  }

  /** connectOne for every peer that has a send queue (in sid order). */
  connectAll(effects: ElectionEffects): void {
    for (const sid of this.sortedSids()) if (this.peer(sid).hasQueue) this.connectOne(sid, effects);
  }

  /**
   * ZooKeeper's haveDelivered: true as soon as ANY peer's send queue is empty (not: all of them),
   * false when there are no queues at all. The election resends its notifications when this is
   * true and only reconnects when it is false.
   */
  haveDelivered(): boolean {
    for (const sid of this.sortedSids()) {
      const p = this.peer(sid);
      if (p.hasQueue && p.queued === undefined) return true;
    }
    return false;
  }

  /** Sids we hold an election connection with, ascending. */
  connectedPeers(): number[] {
    return this.sortedSids().filter((sid) => this.peer(sid).conn !== undefined);
  }

  isConnected(sid: number): boolean {
    return this.peers.get(sid)?.conn !== undefined;
  }

  /** The notification waiting for a connection to `sid`, if any. */
  queuedFor(sid: number): Notification | undefined {
    return this.peers.get(sid)?.queued;
  }

  lastSentTo(sid: number): Notification | undefined {
    return this.peers.get(sid)?.lastSent;
  }

  /** True if this input concerns an election connection. */
  owns(input: Input<unknown>): boolean {
    switch (input.kind) {
      case 'accepted':
      case 'deliver':
        return input.port === ELECTION_PORT;
      case 'connected':
      case 'connect-failed':
        return input.ref.startsWith('fle:');
      case 'closed':
        return this.conns.has(input.conn);
      default:
        return false;
    }
  }

  /**
   * Handles a connection input. Returns the notification when one arrived; `note` receives
   * narration for tie-break decisions.
   */
  onInput(input: Input<unknown>, effects: ElectionEffects, note: (text: string, data: unknown) => void): Received | undefined {
    switch (input.kind) {
      case 'accepted':
        this.onAccepted(input.conn, input.from, effects, note);
        return undefined;
      case 'connected':
        this.onConnected(input.conn, input.ref, input.to, effects);
        return undefined;
      case 'connect-failed': {
        const sid = this.sidByNode.get(input.to);
        if (sid !== undefined) {
          const peer = this.peer(sid);
          if (peer.connecting === input.ref) peer.connecting = undefined;
        }
        return undefined;
      }
      case 'closed': {
        const sid = this.conns.get(input.conn);
        this.conns.delete(input.conn);
        if (sid !== undefined) {
          const peer = this.peer(sid);
          // The send and receive workers of that connection end; the queue and lastSent stay.
          if (peer.conn === input.conn) peer.conn = undefined;
        }
        return undefined;
      }
      case 'deliver': {
        const sid = this.conns.get(input.conn);
        if (sid === undefined || this.peer(sid).conn !== input.conn) return undefined;
        const msg = input.msg as Notification | undefined;
        if (msg === undefined || msg === null || typeof msg !== 'object' || msg.t !== 'notification') return undefined;
        return { from: sid, msg };
      }
      default:
        return undefined;
    }
  }

  private onAccepted(conn: ConnId, from: NodeId, effects: ElectionEffects, note: (text: string, data: unknown) => void): void {
    const sid = this.sidByNode.get(from);
    if (!this.listening || sid === undefined || sid === this.cfg.myid) {
      effects.push({ kind: 'close', conn });
      return;
    }
    const peer = this.peer(sid);
    if (sid < this.cfg.myid) {
      // "Have smaller server identifier, so dropping the connection": the existing connection goes
      // too, and we connect back (the surviving connection is always opened by the higher sid).
      const me = this.cfg.nodeOf(this.cfg.myid);
      const them = this.cfg.nodeOf(sid);
      note(`${me} drops ${them}'s election connection (smaller sid) and connects back`, { fle: 'cnx-drop', sid: this.cfg.myid, peer: sid });
      if (peer.conn !== undefined) this.closeConn(peer.conn, effects);
      peer.conn = undefined;
      effects.push({ kind: 'close', conn });
      this.connectOne(sid, effects);
      return;
    }
    this.conns.set(conn, sid);
    this.adopt(peer, conn, effects);
  }

  private onConnected(conn: ConnId, ref: string, to: NodeId, effects: ElectionEffects): void {
    const sid = this.sidByNode.get(to);
    if (sid === undefined) {
      effects.push({ kind: 'close', conn });
      return;
    }
    const peer = this.peer(sid);
    if (peer.connecting === ref) peer.connecting = undefined;
    if (sid > this.cfg.myid) {
      // We lost the challenge: the handshake told the peer to connect to us; drop this one.
      effects.push({ kind: 'close', conn });
      return;
    }
    this.conns.set(conn, sid);
    this.adopt(peer, conn, effects);
  }

  /** A connection we keep: it replaces any older one; the send worker starts (resend or drain). */
  private adopt(peer: Peer, conn: ConnId, effects: ElectionEffects): void {
    if (peer.conn !== undefined && peer.conn !== conn) this.closeConn(peer.conn, effects);
    peer.conn = conn;
    peer.hasQueue = true;
    if (peer.queued === undefined) {
      if (peer.lastSent !== undefined) effects.push({ kind: 'send', conn, msg: peer.lastSent });
    } else {
      const msg = peer.queued;
      peer.queued = undefined;
      peer.lastSent = msg;
      effects.push({ kind: 'send', conn, msg });
    }
  }

  private closeConn(conn: ConnId, effects: ElectionEffects): void {
    this.conns.delete(conn);
    effects.push({ kind: 'close', conn });
  }

  private peer(sid: number): Peer {
    let p = this.peers.get(sid);
    if (p === undefined) {
      p = { sid, conn: undefined, connecting: undefined, hasQueue: false, queued: undefined, lastSent: undefined };
      this.peers.set(sid, p);
    }
    return p;
  }

  private sortedSids(): number[] {
    return [...this.peers.keys()].sort((a, b) => a - b);
  }
}
