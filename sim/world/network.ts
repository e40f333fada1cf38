import type { ConnId, Input, NodeId, PortName } from '../contract/node.js';
import type { Kernel, KernelEvent, TimerHandle } from '../kernel/kernel.js';
import type { RandomStream } from '../kernel/rng.js';
import type { CloseReason, DropReason } from '../kernel/trace/events.js';
import type { Trace } from '../kernel/trace/trace.js';
import type { LatencyConfig, NetworkConfig } from './config.js';
import type { Links } from './links.js';

export type NodeStatus = 'up' | 'process-down' | 'machine-down';

/** What the network needs to know about, and do to, nodes. */
export interface NetworkHost {
  status(node: NodeId): NodeStatus;
  incarnation(node: NodeId): number;
  /** Hands an input to a node (which may queue it while paused). `msgId` marks a data message. */
  deliver(node: NodeId, input: Input<unknown>, msgId?: number): void;
}

interface Endpoint {
  node: NodeId;
  incarnation: number;
  open: boolean;
}

/** One direction of a connection, or the datagrams from one node to another on one port. */
interface Flow {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly port: PortName;
  readonly conn: Conn | null;
  /** Arrival time of the last packet put on the wire: later packets never arrive earlier (FIFO). */
  lastArriveAt: number;
  /** Packets waiting for a blocked or clogged link, in order. */
  held: Packet[];
  /** Fires when the sender's TCP gives up on held data (partitions only). */
  tcpTimer: TimerHandle | null;
}

type PacketKind = 'data' | 'syn' | 'synack' | 'fin' | 'rst';

interface Packet {
  kind: PacketKind;
  flow: Flow;
  msgId: number;
  msg: unknown;
}

interface Conn {
  readonly id: ConnId;
  readonly port: PortName;
  readonly ref: string;
  /** The side that connected. */
  readonly a: Endpoint;
  /** The side that accepted; bound when the SYN arrives. */
  b: Endpoint | null;
  readonly ab: Flow;
  readonly ba: Flow;
  state: 'connecting' | 'open' | 'dead';
  connectTimer: TimerHandle | null;
  /** Packets scheduled and not yet arrived. */
  inTransit: number;
}

/**
 * The simulated network.
 *
 * Connections behave as ZooKeeper's TCP sockets do: per-connection FIFO, and a message is lost
 * only when its connection breaks. A partition holds data in the sender's buffer; it flows again
 * when the partition heals, unless the sender's TCP gave up first (`tcpTimeoutTicks`) or either
 * side closed. A process crash closes its sockets (peers get FIN after the data already sent); a
 * machine crash is silent (peers learn by their own timeouts, or by a reset once it is back).
 *
 * Datagrams are the teaching contrast: each may be lost, duplicated or delayed on its own, so
 * they arrive out of order, and a partition simply drops them.
 */
export class Network {
  private readonly conns = new Map<ConnId, Conn>();
  private readonly connsByNode = new Map<NodeId, Set<Conn>>();
  private readonly datagramFlows = new Map<string, Flow>();
  private readonly heldFlows = new Set<Flow>();
  /** Flows whose data got through but whose ACKs cannot come back (the reverse link is blocked). */
  private readonly ackBlocked = new Set<Flow>();
  /** Flows whose data reached a machine that is off: retransmitted into the void until TCP gives up. */
  private readonly deadPeer = new Set<Flow>();
  /** Endpoints of recently forgotten connections, so a late send on one is still traced with its peer. */
  private readonly forgotten = new Map<ConnId, { a: NodeId; b: NodeId; port: PortName }>();
  /** Data packets sent and not yet delivered or dropped; kept only for the trace's `end` event. */
  private readonly inFlightData = new Map<number, Packet>();
  private readonly tracking: boolean;
  private nextConnId = 1;
  private nextMsgId = 1;
  /** Live settings: the base config with any `network` fault applied. */
  settings: NetworkConfig;

  constructor(
    private readonly kernel: Kernel,
    private readonly trace: Trace,
    private readonly links: Links,
    private readonly rng: RandomStream,
    private readonly host: NetworkHost,
    readonly base: NetworkConfig,
  ) {
    this.settings = base;
    this.tracking = trace.enabled;
  }

  /** Data messages sent and neither delivered nor dropped yet, held ones included (ids ascending; tracked only when tracing). */
  inFlight(): number[] {
    return [...this.inFlightData.keys()].sort((x, y) => x - y);
  }

  // ---------------------------------------------------------------- connections

  connect(from: NodeId, to: NodeId, port: PortName, ref: string, timeoutTicks: number | undefined): void {
    const id = this.nextConnId++;
    const a: Endpoint = { node: from, incarnation: this.host.incarnation(from), open: true };
    const conn: Conn = {
      id,
      port,
      ref,
      a,
      b: null,
      ab: newFlow(from, to, port, null),
      ba: newFlow(to, from, port, null),
      state: 'connecting',
      connectTimer: null,
      inTransit: 0,
    };
    (conn.ab as { conn: Conn | null }).conn = conn;
    (conn.ba as { conn: Conn | null }).conn = conn;
    this.conns.set(id, conn);
    this.index(from, conn);
    this.index(to, conn);
    if (this.trace.enabled) this.trace.emit(this.kernel.now, { kind: 'connect', conn: id, from, to, port });
    if (from === to) {
      // Not synchronously: the node is still applying the effects of its current step.
      this.kernel.after(0, () => this.failConnect(conn, 'refused'));
      return;
    }
    conn.connectTimer = this.kernel.after(timeoutTicks ?? this.settings.connectTimeoutTicks, this.onConnectTimeout, conn);
    this.enqueue(conn.ab, { kind: 'syn', flow: conn.ab, msgId: 0, msg: undefined });
  }

  send(from: NodeId, connId: ConnId, msg: unknown): void {
    const msgId = this.nextMsgId++;
    const conn = this.conns.get(connId);
    const side = conn === undefined ? null : this.sideOf(conn, from, this.host.incarnation(from));
    if (conn === undefined || side === null || !side.endpoint.open) {
      // Sending on a socket this node has closed (or never had): the call fails at once.
      if (this.trace.enabled) {
        const known = conn === undefined ? this.forgotten.get(connId) : { a: conn.a.node, b: conn.ab.to, port: conn.port };
        const to = known === undefined ? '?' : known.a === from ? known.b : known.a;
        this.trace.emit(this.kernel.now, { kind: 'send', msgId, from, to, port: known?.port ?? '?', conn: connId, msg });
        this.trace.emit(this.kernel.now, { kind: 'drop', msgId, from, to, reason: 'closed' });
      }
      return;
    }
    const flow = side.flow;
    if (this.trace.enabled) {
      this.trace.emit(this.kernel.now, { kind: 'send', msgId, from, to: flow.to, port: flow.port, conn: connId, msg });
    }
    const p: Packet = { kind: 'data', flow, msgId, msg };
    if (this.tracking) this.inFlightData.set(msgId, p);
    this.enqueue(flow, p);
  }

  close(node: NodeId, connId: ConnId): void {
    const conn = this.conns.get(connId);
    if (conn === undefined) return;
    const side = this.sideOf(conn, node, this.host.incarnation(node));
    if (side === null || !side.endpoint.open) return;
    this.closeEndpoint(conn, side.endpoint, side.flow.to, 'local');
    if (conn.state === 'connecting' && side.endpoint === conn.a) {
      this.killConnecting(conn);
      this.maybeForget(conn);
      return;
    }
    // The accepting side may close before its SYN-ACK arrives: the FIN follows it in order.
    this.enqueue(side.flow, { kind: 'fin', flow: side.flow, msgId: 0, msg: undefined });
  }

  /** A middlebox resets every connection of `nodes` (on `ports`, or all): both ends learn at once. */
  killConnections(nodes: ReadonlySet<NodeId>, ports: ReadonlySet<PortName> | null): number {
    let killed = 0;
    for (const conn of [...this.conns.values()]) {
      if (ports !== null && !ports.has(conn.port)) continue;
      if (!nodes.has(conn.a.node) && !nodes.has(conn.ab.to)) continue;
      if (conn.state === 'dead') continue;
      killed++;
      if (conn.state === 'connecting') {
        const b = conn.b;
        if (b !== null && b.open) this.closeAndNotify(conn, b, conn.a.node, 'killed');
        this.failConnect(conn, 'refused');
        continue;
      }
      conn.state = 'dead';
      for (const [ep, flow] of [
        [conn.a, conn.ab],
        [conn.b, conn.ba],
      ] as const) {
        this.dropHeld(flow, 'closed');
        if (ep !== null && ep.open) this.closeAndNotify(conn, ep, flow.to, 'killed');
      }
      this.maybeForget(conn);
    }
    return killed;
  }

  // ---------------------------------------------------------------- datagrams

  sendDatagram(from: NodeId, to: NodeId, port: PortName, msg: unknown): void {
    const msgId = this.nextMsgId++;
    const tracing = this.trace.enabled;
    if (tracing) this.trace.emit(this.kernel.now, { kind: 'send', msgId, from, to, port, msg });
    const state = this.links.state(from, to, port);
    if (state === 'blocked') {
      if (tracing) this.trace.emit(this.kernel.now, { kind: 'drop', msgId, from, to, reason: 'partition' });
      return;
    }
    const s = this.settings;
    if (this.rng.chancePpm(s.dropPpm)) {
      if (tracing) this.trace.emit(this.kernel.now, { kind: 'drop', msgId, from, to, reason: 'loss' });
      return;
    }
    const flow = this.datagramFlow(from, to, port);
    this.sendDatagramCopy(flow, msgId, msg, state);
    if (this.rng.chancePpm(s.duplicatePpm)) {
      const copyId = this.nextMsgId++;
      if (tracing) this.trace.emit(this.kernel.now, { kind: 'duplicate', msgId: copyId, of: msgId, from, to });
      this.sendDatagramCopy(flow, copyId, msg, state);
    }
  }

  private sendDatagramCopy(flow: Flow, msgId: number, msg: unknown, state: 'open' | 'clogged'): void {
    const p: Packet = { kind: 'data', flow, msgId, msg };
    if (this.tracking) this.inFlightData.set(msgId, p);
    if (state === 'clogged') {
      this.hold(flow, p);
      return;
    }
    this.transmitDatagram(p);
  }

  private transmitDatagram(p: Packet): void {
    const s = this.settings;
    let delay = sampleLatency(this.rng, s.latency);
    if (this.rng.chancePpm(s.reorderPpm)) delay += this.rng.range(1, Math.max(1, s.reorderMaxTicks));
    this.kernel.after(delay, this.onArrive, p);
  }

  // ---------------------------------------------------------------- crashes and link changes

  /** A node died. `process`: its OS closes the sockets (FIN). `machine`: silence, held data is gone. */
  onCrash(node: NodeId, mode: 'process' | 'machine'): void {
    const conns = this.connsByNode.get(node);
    if (conns !== undefined) {
      for (const conn of [...conns]) {
        const incarnation = this.host.incarnation(node);
        const side = this.sideOf(conn, node, incarnation);
        if (side === null || !side.endpoint.open) continue;
        this.closeEndpoint(conn, side.endpoint, side.flow.to, 'crash');
        if (conn.state === 'connecting' && side.endpoint === conn.a) {
          this.killConnecting(conn, mode === 'process');
          this.maybeForget(conn);
          continue;
        }
        if (mode === 'process') this.enqueue(side.flow, { kind: 'fin', flow: side.flow, msgId: 0, msg: undefined });
        else this.dropHeld(side.flow, 'node-down');
        this.maybeForget(conn);
      }
    }
    if (mode === 'machine') {
      for (const flow of [...this.heldFlows]) if (flow.conn === null && flow.from === node) this.dropHeld(flow, 'node-down');
    }
  }

  /** Partitions or clogs changed: release what may now flow, arm or disarm TCP give-up timers. */
  onLinksChanged(): void {
    for (const flow of [...this.heldFlows]) {
      const state = this.links.state(flow.from, flow.to, flow.port);
      if (state === 'open') {
        this.heldFlows.delete(flow);
        const packets = flow.held;
        flow.held = [];
        this.refreshTcpTimer(flow);
        for (const p of packets) {
          if (flow.conn === null) this.transmitDatagram(p);
          else this.transmit(flow, p);
        }
      } else {
        this.refreshTcpTimer(flow);
      }
    }
    for (const flow of [...this.ackBlocked]) {
      if (this.links.state(flow.to, flow.from, flow.port) !== 'blocked') {
        this.ackBlocked.delete(flow);
        this.refreshTcpTimer(flow);
      }
    }
  }

  /** A node booted: data that was being retransmitted to it now meets its new kernel, which resets it. */
  onBoot(node: NodeId): void {
    for (const flow of [...this.deadPeer]) {
      if (flow.to !== node) continue;
      this.deadPeer.delete(flow);
      this.refreshTcpTimer(flow);
      const conn = flow.conn as Conn;
      this.reset(conn, flow);
    }
  }

  // ---------------------------------------------------------------- internals

  private enqueue(flow: Flow, p: Packet): void {
    if (flow.held.length > 0) {
      flow.held.push(p);
      return;
    }
    const state = this.links.state(flow.from, flow.to, flow.port);
    if (state === 'open') this.transmit(flow, p);
    else {
      this.hold(flow, p);
      if (state === 'blocked') this.refreshTcpTimer(flow);
    }
  }

  private hold(flow: Flow, p: Packet): void {
    flow.held.push(p);
    this.heldFlows.add(flow);
  }

  private transmit(flow: Flow, p: Packet): void {
    const now = this.kernel.now;
    let at = now + sampleLatency(this.rng, this.settings.latency);
    if (at < flow.lastArriveAt) at = flow.lastArriveAt;
    flow.lastArriveAt = at;
    if (flow.conn !== null) {
      flow.conn.inTransit++;
      // Data gets through, but if its ACKs cannot come back the sender's TCP will give up.
      if (p.kind === 'data' && this.links.state(flow.to, flow.from, flow.port) === 'blocked' && !this.ackBlocked.has(flow)) {
        this.ackBlocked.add(flow);
        this.refreshTcpTimer(flow);
      }
    }
    this.kernel.schedule(at, this.onArrive, p);
  }

  /**
   * The sender's TCP gives up after `tcpTimeoutTicks` of unacknowledged data: data held in a
   * partition, data whose ACKs are cut off (one-way partition), data sent to a machine that is off.
   * Arms the timer when one of these holds (keeping an armed timer's start) and disarms it otherwise.
   */
  private refreshTcpTimer(flow: Flow): void {
    const timeout = this.settings.tcpTimeoutTicks;
    const stuck =
      (flow.held.length > 0 && this.links.state(flow.from, flow.to, flow.port) === 'blocked') || this.ackBlocked.has(flow) || this.deadPeer.has(flow);
    if (!stuck || flow.conn === null || timeout === null) {
      this.cancelTcpTimer(flow);
      return;
    }
    if (flow.tcpTimer === null) flow.tcpTimer = this.kernel.after(timeout, this.onTcpTimeout, flow);
  }

  private cancelTcpTimer(flow: Flow): void {
    if (flow.tcpTimer !== null) {
      this.kernel.cancel(flow.tcpTimer);
      flow.tcpTimer = null;
    }
  }

  private readonly onTcpTimeout = (ev: KernelEvent): void => {
    const flow = ev.data as Flow;
    flow.tcpTimer = null;
    this.ackBlocked.delete(flow);
    this.deadPeer.delete(flow);
    const conn = flow.conn as Conn;
    this.dropHeld(flow, 'connection-timeout');
    if (conn.state === 'connecting' && flow === conn.ab) {
      this.failConnect(conn, 'timeout');
      return;
    }
    const ep = flow === conn.ab ? conn.a : conn.b;
    if (ep !== null && ep.open) this.closeAndNotify(conn, ep, flow.to, 'timeout');
    this.maybeForget(conn);
  };

  private dropHeld(flow: Flow, reason: DropReason): void {
    if (flow.held.length === 0) return;
    for (const p of flow.held) if (p.kind === 'data') this.dropData(p, reason);
    flow.held = [];
    this.heldFlows.delete(flow);
    this.refreshTcpTimer(flow);
  }

  private dropData(p: Packet, reason: DropReason): void {
    if (this.tracking) {
      this.inFlightData.delete(p.msgId);
      this.trace.emit(this.kernel.now, { kind: 'drop', msgId: p.msgId, from: p.flow.from, to: p.flow.to, reason });
    }
  }

  private readonly onArrive = (ev: KernelEvent): void => {
    const p = ev.data as Packet;
    const flow = p.flow;
    const conn = flow.conn;
    if (conn === null) {
      this.arriveDatagram(p);
      return;
    }
    conn.inTransit--;
    switch (p.kind) {
      case 'data':
        this.arriveData(conn, p);
        break;
      case 'syn':
        this.arriveSyn(conn);
        break;
      case 'synack':
        this.arriveSynAck(conn);
        break;
      case 'fin':
      case 'rst':
        this.arriveClose(conn, flow, p.kind === 'fin' ? 'peer-closed' : 'reset');
        break;
    }
    this.maybeForget(conn);
  };

  private arriveDatagram(p: Packet): void {
    const to = p.flow.to;
    if (this.host.status(to) !== 'up') {
      this.dropData(p, 'node-down');
      return;
    }
    if (this.tracking) this.inFlightData.delete(p.msgId);
    this.host.deliver(to, { kind: 'datagram', from: p.flow.from, port: p.flow.port, msg: p.msg }, p.msgId);
  }

  private arriveData(conn: Conn, p: Packet): void {
    const flow = p.flow;
    const to = flow.to;
    const status = this.host.status(to);
    if (status === 'machine-down') {
      this.dropData(p, 'node-down');
      // Nobody acknowledges: the sender retransmits until its TCP gives up or the machine is back.
      if (!this.deadPeer.has(flow)) {
        this.deadPeer.add(flow);
        this.refreshTcpTimer(flow);
      }
      return;
    }
    const ep = flow === conn.ab ? conn.b : conn.a;
    if (status === 'process-down' || ep === null || !ep.open || ep.incarnation !== this.host.incarnation(to)) {
      this.dropData(p, 'closed');
      this.reset(conn, flow);
      return;
    }
    if (this.tracking) this.inFlightData.delete(p.msgId);
    this.host.deliver(to, { kind: 'deliver', conn: conn.id, from: flow.from, port: flow.port, msg: p.msg }, p.msgId);
  }

  private arriveSyn(conn: Conn): void {
    const to = conn.ab.to;
    const status = this.host.status(to);
    if (conn.state !== 'connecting' || status === 'machine-down') return; // nobody answers
    if (status === 'process-down') {
      this.enqueue(conn.ba, { kind: 'rst', flow: conn.ba, msgId: 0, msg: undefined }); // connection refused
      return;
    }
    conn.b = { node: to, incarnation: this.host.incarnation(to), open: true };
    if (this.trace.enabled) {
      this.trace.emit(this.kernel.now, { kind: 'accept', conn: conn.id, node: to, from: conn.a.node, port: conn.port });
    }
    // The SYN-ACK goes out before anything the accepting side sends in response to `accepted`.
    this.enqueue(conn.ba, { kind: 'synack', flow: conn.ba, msgId: 0, msg: undefined });
    this.host.deliver(to, { kind: 'accepted', conn: conn.id, from: conn.a.node, port: conn.port });
  }

  private arriveSynAck(conn: Conn): void {
    const a = conn.a;
    if (conn.state === 'connecting' && a.open && this.alive(a)) {
      conn.state = 'open';
      this.cancelConnectTimer(conn);
      if (this.trace.enabled) {
        this.trace.emit(this.kernel.now, { kind: 'connected', conn: conn.id, node: a.node, to: conn.ab.to, port: conn.port });
      }
      this.host.deliver(a.node, { kind: 'connected', conn: conn.id, ref: conn.ref, to: conn.ab.to, port: conn.port });
      return;
    }
    // The connecting side gave up or is gone: its OS answers the SYN-ACK with a reset.
    if (this.host.status(a.node) !== 'machine-down') this.reset(conn, conn.ba);
  }

  private arriveClose(conn: Conn, flow: Flow, reason: 'peer-closed' | 'reset'): void {
    const isA = flow === conn.ba;
    const ep = isA ? conn.a : conn.b;
    if (ep === null || !ep.open || !this.alive(ep)) return;
    if (isA && conn.state === 'connecting') {
      // A reset answering our SYN: the port is closed (process down) or we were too late.
      this.failConnect(conn, 'refused');
      return;
    }
    this.closeAndNotify(conn, ep, flow.from, reason);
  }

  /** Sends a reset back along the reverse of `flow`, if its sender still has the socket open. */
  private reset(conn: Conn, flow: Flow): void {
    const reverse = flow === conn.ab ? conn.ba : conn.ab;
    const senderEp = flow === conn.ab ? conn.a : conn.b;
    if (senderEp === null || !senderEp.open) return;
    this.enqueue(reverse, { kind: 'rst', flow: reverse, msgId: 0, msg: undefined });
  }

  private readonly onConnectTimeout = (ev: KernelEvent): void => {
    const conn = ev.data as Conn;
    conn.connectTimer = null;
    if (conn.state !== 'connecting') return;
    this.failConnect(conn, 'timeout');
  };

  private failConnect(conn: Conn, reason: 'refused' | 'timeout'): void {
    const a = conn.a;
    const wasOpen = a.open;
    a.open = false;
    this.killConnecting(conn);
    if (this.trace.enabled) {
      this.trace.emit(this.kernel.now, { kind: 'connect-failed', conn: conn.id, node: a.node, to: conn.ab.to, port: conn.port, reason });
    }
    if (wasOpen && this.alive(a)) {
      this.host.deliver(a.node, { kind: 'connect-failed', conn: conn.id, ref: conn.ref, to: conn.ab.to, port: conn.port, reason });
    }
    this.maybeForget(conn);
  }

  /**
   * A connection that never opened is abandoned. An accepting side that already answered is reset,
   * unless the connecting machine just lost power (then nothing is sent).
   */
  private killConnecting(conn: Conn, resetPeer = true): void {
    conn.state = 'dead';
    this.cancelConnectTimer(conn);
    this.dropHeld(conn.ab, 'closed');
    if (resetPeer && conn.b !== null && conn.b.open) this.enqueue(conn.ab, { kind: 'rst', flow: conn.ab, msgId: 0, msg: undefined });
  }

  private cancelConnectTimer(conn: Conn): void {
    if (conn.connectTimer !== null) {
      this.kernel.cancel(conn.connectTimer);
      conn.connectTimer = null;
    }
  }

  private closeEndpoint(conn: Conn, ep: Endpoint, peer: NodeId, reason: CloseReason): void {
    ep.open = false;
    if (this.trace.enabled) this.trace.emit(this.kernel.now, { kind: 'close', conn: conn.id, node: ep.node, peer, reason });
  }

  /** Closes an endpoint and tells its node, if the incarnation that owns it still runs. */
  private closeAndNotify(conn: Conn, ep: Endpoint, peer: NodeId, reason: 'peer-closed' | 'reset' | 'timeout' | 'killed'): void {
    this.closeEndpoint(conn, ep, peer, reason);
    if (this.alive(ep)) this.host.deliver(ep.node, { kind: 'closed', conn: conn.id, peer, reason });
  }

  private alive(ep: Endpoint): boolean {
    return this.host.status(ep.node) === 'up' && this.host.incarnation(ep.node) === ep.incarnation;
  }

  private sideOf(conn: Conn, node: NodeId, incarnation: number): { endpoint: Endpoint; flow: Flow } | null {
    if (conn.a.node === node && conn.a.incarnation === incarnation) return { endpoint: conn.a, flow: conn.ab };
    if (conn.b !== null && conn.b.node === node && conn.b.incarnation === incarnation) return { endpoint: conn.b, flow: conn.ba };
    return null;
  }

  private index(node: NodeId, conn: Conn): void {
    let set = this.connsByNode.get(node);
    if (set === undefined) {
      set = new Set();
      this.connsByNode.set(node, set);
    }
    set.add(conn);
  }

  /** Forgets a connection once nothing about it can happen any more. */
  private maybeForget(conn: Conn): void {
    if (conn.inTransit > 0 || conn.ab.held.length > 0 || conn.ba.held.length > 0) return;
    if (conn.a.open || (conn.b !== null && conn.b.open)) return;
    if (conn.state === 'connecting') return;
    this.conns.delete(conn.id);
    this.connsByNode.get(conn.a.node)?.delete(conn);
    this.connsByNode.get(conn.ab.to)?.delete(conn);
    for (const flow of [conn.ab, conn.ba]) {
      this.ackBlocked.delete(flow);
      this.deadPeer.delete(flow);
      this.cancelTcpTimer(flow);
    }
    this.forgotten.set(conn.id, { a: conn.a.node, b: conn.ab.to, port: conn.port });
    if (this.forgotten.size > FORGOTTEN_KEPT) this.forgotten.delete(this.forgotten.keys().next().value as ConnId);
  }

  private datagramFlow(from: NodeId, to: NodeId, port: PortName): Flow {
    const key = `${from}\u0000${to}\u0000${port}`;
    let flow = this.datagramFlows.get(key);
    if (flow === undefined) {
      flow = newFlow(from, to, port, null);
      this.datagramFlows.set(key, flow);
    }
    return flow;
  }
}

/** How many forgotten connections keep their endpoints for tracing late sends. */
const FORGOTTEN_KEPT = 1024;

function newFlow(from: NodeId, to: NodeId, port: PortName, conn: Conn | null): Flow {
  return { from, to, port, conn, lastArriveAt: 0, held: [], tcpTimer: null };
}

export function sampleLatency(rng: RandomStream, l: LatencyConfig): number {
  if (l.tailPpm > 0 && l.tailMaxTicks > l.maxTicks && rng.chancePpm(l.tailPpm)) return rng.range(l.maxTicks + 1, l.tailMaxTicks);
  return l.minTicks === l.maxTicks ? l.minTicks : rng.range(l.minTicks, l.maxTicks);
}
