import type { Effect, Input, NodeId, NodeProgram } from '../contract/node.js';
import type { Kernel, KernelEvent } from '../kernel/kernel.js';
import type { Trace } from '../kernel/trace/trace.js';
import { NodeClock } from './clock.js';
import { DEFAULT_CLOCK, type WorldConfig } from './config.js';
import { NodeDisk, type DiskCompletion, type PowerLoss } from './disk.js';
import { FaultInjector } from './faults.js';
import { Links } from './links.js';
import { Network, type NetworkHost, type NodeStatus } from './network.js';
import { NodeHost, type Pending } from './node-host.js';
import { compareNodeIds } from '../contract/node-id.js';

interface TimerData {
  host: NodeHost<unknown>;
  name: string;
  incarnation: number;
  /** When it fires, on the node's monotonic clock. */
  deadline: number;
}

/**
 * The simulated datacenter: nodes running a protocol, the network between them, their disks and
 * clocks, and the faults done to them. Everything happens in kernel events; all randomness comes
 * from the kernel's named streams ("network", "faults", "disk:<id>", "node:<id>").
 */
export class World<S = unknown, M = unknown> implements NetworkHost {
  readonly links = new Links();
  readonly network: Network;
  readonly faults: FaultInjector;
  readonly nodes: readonly NodeId[];
  readonly targetNodes: readonly NodeId[] | undefined;
  private readonly hosts = new Map<NodeId, NodeHost<S>>();
  private readonly programOf: (node: NodeId) => NodeProgram<S, M>;

  constructor(
    readonly kernel: Kernel,
    readonly trace: Trace,
    readonly config: WorldConfig,
    /** One program for every node, or each node's own (servers and clients in one world). */
    program: NodeProgram<S, M> | ((node: NodeId) => NodeProgram<S, M>),
  ) {
    this.programOf = typeof program === 'function' ? program : () => program;
    this.nodes = [...config.nodes].sort(compareNodeIds);
    this.targetNodes = config.targets === undefined ? undefined : [...config.targets].sort(compareNodeIds);
    this.network = new Network(kernel, trace, this.links, kernel.rng('network'), this, config.network);
    for (const id of this.nodes) {
      const c = config.clocks[id] ?? DEFAULT_CLOCK;
      const host = new NodeHost<S>(
        id,
        new NodeClock(c.driftPpm, c.offsetTicks),
        new NodeDisk(id, config.disk, kernel.rng(`disk:${id}`)),
        kernel.rng(`node:${id}`),
        this.nodes,
        this.programOf(id) as NodeProgram<S, unknown>,
      );
      this.hosts.set(id, host);
    }
    this.faults = new FaultInjector(this, kernel.rng('faults'));
  }

  /** Boots every node at the current time and schedules the configured faults. */
  start(): void {
    for (const id of this.nodes) this.boot(this.host(id));
    this.faults.schedule(this.config.faults);
  }

  /** Ends the run: records which messages are still in flight. */
  finish(): void {
    if (!this.trace.enabled) return;
    // Messages waiting in a paused node's backlog have arrived but are not delivered yet.
    const waiting = [...this.hosts.values()].flatMap((h) => h.backlog.flatMap((p) => (p.msgId === undefined || p.discarded ? [] : [p.msgId])));
    const inFlight = [...this.network.inFlight(), ...waiting].sort((a, b) => a - b);
    const active = this.activeFaults();
    this.trace.emit(this.kernel.now, { kind: 'end', inFlight, healed: active.length === 0, active });
  }

  /** Faults in force now, one phrase each (empty when the world is healed). */
  activeFaults(): string[] {
    const active: string[] = [];
    for (const host of this.hosts.values()) {
      if (host.status !== 'up') active.push(`${host.id} ${host.status}`);
      else if (host.paused) active.push(`${host.id} paused`);
      if (host.disk.full) active.push(`${host.id} disk full`);
      if (host.disk.slowFactor !== 1) active.push(`${host.id} disk slow`);
    }
    const rules = this.links.active;
    if (rules.length > 0) active.push(`${rules.length} link rule(s) (partition or clog)`);
    if (this.network.settings !== this.network.base) active.push('network fault');
    return active;
  }

  // ---------------------------------------------------------------- NetworkHost

  status(node: NodeId): NodeStatus {
    return this.host(node).status;
  }

  incarnation(node: NodeId): number {
    return this.host(node).incarnation;
  }

  deliver(node: NodeId, input: Input<unknown>, msgId?: number): void {
    const host = this.host(node);
    if (host.status !== 'up') return;
    if (host.paused) {
      host.backlog.push({ input, msgId });
      return;
    }
    this.handle(host, input as Input<M>, msgId);
  }

  /**
   * Hands `call` to the node as a `call` input, now (or after its pause). False when the node is
   * down: the call is lost, as a request to a dead process would be.
   */
  call(node: NodeId, call: unknown): boolean {
    const host = this.host(node);
    if (host.status !== 'up') return false;
    const input: Input<unknown> = { kind: 'call', call };
    if (host.paused) host.backlog.push({ input, msgId: undefined });
    else this.handle(host, input as Input<M>, undefined);
    return true;
  }

  // ---------------------------------------------------------------- inspection

  host(node: NodeId): NodeHost<S> {
    const h = this.hosts.get(node);
    if (h === undefined) throw new Error(`unknown node "${node}"`);
    return h;
  }

  /** The node's current volatile state (undefined while it is down). */
  stateOf(node: NodeId): S | undefined {
    return this.host(node).state;
  }

  role(node: NodeId): string | undefined {
    return this.host(node).role;
  }

  isUp(node: NodeId): boolean {
    return this.host(node).status === 'up';
  }

  // ---------------------------------------------------------------- faults on nodes

  /**
   * `process` (kill -9): volatile state gone, peers see the sockets close, the OS keeps the
   * page cache. `machine` (power loss): peers see silence, unsynced writes are lost (or torn).
   */
  crash(node: NodeId, mode: 'process' | 'machine', powerLoss: PowerLoss = { tear: false, keepSome: false }): void {
    const host = this.host(node);
    if (host.status === 'machine-down' || (host.status === 'process-down' && mode === 'process')) return;
    const lost = mode === 'machine' ? host.disk.machineCrash(powerLoss) : { lostRecords: 0, torn: false };
    if (this.trace.enabled) {
      this.trace.emit(this.kernel.now, { kind: 'crash', node, mode, lostRecords: lost.lostRecords, torn: lost.torn });
    }
    if (host.status === 'up') {
      this.network.onCrash(node, mode);
      for (const handle of host.timers.values()) this.kernel.cancel(handle);
      host.timers.clear();
      for (const p of host.backlog) if (!p.discarded) this.dropPending(node, p, 'node-down');
      host.backlog = [];
      host.pausedUntil = -1;
      host.state = undefined;
      host.role = undefined;
    }
    host.status = mode === 'process' ? 'process-down' : 'machine-down';
  }

  restart(node: NodeId): void {
    const host = this.host(node);
    if (host.status === 'up') return;
    this.boot(host);
  }

  /** A stop-the-world pause: the node handles nothing for `durationTicks`, then catches up in order. */
  pause(node: NodeId, durationTicks: number): void {
    const host = this.host(node);
    if (host.status !== 'up') return;
    const until = this.kernel.now + durationTicks;
    if (until <= host.pausedUntil) return;
    host.pausedUntil = until;
    if (this.trace.enabled) this.trace.emit(this.kernel.now, { kind: 'pause', node, durationTicks });
    this.kernel.schedule(until, this.onResume, { host, incarnation: host.incarnation });
  }

  clockJump(node: NodeId, deltaTicks: number): void {
    this.host(node).clock.jump(deltaTicks);
    if (this.trace.enabled) this.trace.emit(this.kernel.now, { kind: 'clock', node, change: 'jump', value: deltaTicks });
  }

  clockDrift(node: NodeId, ppm: number): void {
    const host = this.host(node);
    host.clock.setDrift(this.kernel.now, ppm);
    // Armed timers fire when the local clock reaches their deadline, which is now sooner or later.
    const local = host.clock.mono(this.kernel.now);
    for (const [name, handle] of [...host.timers]) {
      const data = handle.data as TimerData;
      this.kernel.cancel(handle);
      host.timers.set(name, this.kernel.after(host.clock.globalDelay(data.deadline - local), this.onTimer, data));
    }
    if (this.trace.enabled) this.trace.emit(this.kernel.now, { kind: 'clock', node, change: 'drift-ppm', value: ppm });
  }

  // ---------------------------------------------------------------- stepping

  private boot(host: NodeHost<S>): void {
    host.incarnation++;
    host.status = 'up';
    host.pausedUntil = -1;
    if (this.trace.enabled) this.trace.emit(this.kernel.now, { kind: 'boot', node: host.id, incarnation: host.incarnation });
    this.network.onBoot(host.id);
    const ctx = host.refreshContext(this.kernel.now);
    const r = host.program.boot(ctx, host.disk.view());
    host.state = r.state;
    this.apply(host, r.effects as Effect<M>[]);
    this.updateRole(host);
  }

  private handle(host: NodeHost<S>, input: Input<M>, msgId: number | undefined): void {
    if (this.trace.enabled) {
      if (msgId !== undefined) {
        const from = input.kind === 'deliver' || input.kind === 'datagram' ? input.from : '?';
        this.trace.emit(this.kernel.now, { kind: 'deliver', msgId, from, to: host.id });
      } else if (input.kind === 'timer') {
        this.trace.emit(this.kernel.now, { kind: 'timer', node: host.id, timer: input.timer });
      }
    }
    const ctx = host.refreshContext(this.kernel.now);
    const r = host.program.step(host.state as S, input, ctx);
    host.state = r.state;
    this.apply(host, r.effects as Effect<M>[]);
    this.updateRole(host);
  }

  private apply(host: NodeHost<S>, effects: Effect<M>[]): void {
    const node = host.id;
    let exit: string | undefined;
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i];
      switch (e.kind) {
        case 'send':
          this.network.send(node, e.conn, e.msg);
          break;
        case 'send-datagram':
          this.network.sendDatagram(node, e.to, e.port, e.msg);
          break;
        case 'connect':
          this.network.connect(node, e.to, e.port, e.ref, e.timeoutTicks);
          break;
        case 'close':
          this.network.close(node, e.conn);
          if (host.backlog.length > 0) this.discardBacklogFor(host, e.conn);
          break;
        case 'set-timer': {
          const old = host.timers.get(e.timer);
          if (old !== undefined) this.kernel.cancel(old);
          const data: TimerData = { host: host as NodeHost<unknown>, name: e.timer, incarnation: host.incarnation, deadline: host.ctx.now + e.afterTicks };
          host.timers.set(e.timer, this.kernel.after(host.clock.globalDelay(e.afterTicks), this.onTimer, data));
          break;
        }
        case 'cancel-timer': {
          const old = host.timers.get(e.timer);
          if (old !== undefined) {
            this.kernel.cancel(old);
            host.timers.delete(e.timer);
          }
          break;
        }
        case 'append':
          this.submitDisk(host, { op: 'append', file: e.file, ref: e.ref, payload: e.record });
          break;
        case 'write':
          this.submitDisk(host, { op: 'write', file: e.file, ref: e.ref, payload: e.data });
          break;
        case 'fsync':
          this.submitDisk(host, { op: 'fsync', file: e.file, ref: e.ref, payload: undefined });
          break;
        case 'truncate':
          this.submitDisk(host, { op: 'truncate', file: e.file, ref: e.ref, payload: e.length });
          break;
        case 'note':
          if (this.trace.enabled) {
            this.trace.emit(this.kernel.now, e.data === undefined ? { kind: 'note', node, text: e.text } : { kind: 'note', node, text: e.text, data: e.data });
          }
          break;
        case 'exit':
          exit ??= e.reason;
          break;
        default:
          throw new Error(`node ${node} returned an unknown effect ${JSON.stringify(e satisfies never)}`);
      }
    }
    if (exit !== undefined) {
      if (this.trace.enabled) this.trace.emit(this.kernel.now, { kind: 'note', node, text: `${node} exits: ${exit}`, data: { exit } });
      this.crash(node, 'process');
    }
  }

  private submitDisk(host: NodeHost<S>, request: DiskCompletion['request']): void {
    const at = host.disk.schedule(this.kernel.now, request.op);
    const completion: DiskCompletion = { node: host.id, incarnation: host.incarnation, request };
    this.kernel.schedule(at, this.onDiskDone, completion);
  }

  private readonly onDiskDone = (ev: KernelEvent): void => {
    const c = ev.data as DiskCompletion;
    const host = this.host(c.node);
    // The process that issued it is gone: the operation died with it.
    if (host.status !== 'up' || host.incarnation !== c.incarnation) return;
    const error = host.disk.apply(c.request);
    const { op, file, ref } = c.request;
    if (this.trace.enabled) {
      this.trace.emit(this.kernel.now, error === undefined ? { kind: 'disk', node: c.node, op, file, ok: true } : { kind: 'disk', node: c.node, op, file, ok: false, error });
    }
    const input: Input<unknown> =
      error === undefined ? { kind: 'disk-done', ref, op, file, ok: true } : { kind: 'disk-done', ref, op, file, ok: false, error };
    this.deliver(c.node, input);
  };

  private readonly onTimer = (ev: KernelEvent): void => {
    const t = ev.data as TimerData;
    const host = t.host as NodeHost<S>;
    if (host.status !== 'up' || host.incarnation !== t.incarnation) return;
    const input: Input<unknown> = { kind: 'timer', timer: t.name };
    if (host.paused) {
      // Still armed until the node gets to it: an earlier input in the backlog may cancel or re-arm it.
      host.backlog.push({ input, msgId: undefined, timer: ev });
      return;
    }
    if (host.timers.get(t.name) === ev) host.timers.delete(t.name);
    this.handle(host, input as Input<M>, undefined);
  };

  private readonly onResume = (ev: KernelEvent): void => {
    const { host, incarnation } = ev.data as { host: NodeHost<S>; incarnation: number };
    if (host.status !== 'up' || host.incarnation !== incarnation || this.kernel.now < host.pausedUntil) return;
    host.pausedUntil = -1;
    const backlog = host.backlog;
    if (this.trace.enabled) this.trace.emit(this.kernel.now, { kind: 'resume', node: host.id, backlog: backlog.length });
    // host.backlog stays this array while it is worked off, so a step can discard later entries.
    for (let i = 0; i < backlog.length; i++) {
      const p = backlog[i];
      if (p.discarded) continue;
      p.discarded = true;
      if (p.timer !== undefined) {
        const name = (p.input as { timer: string }).timer;
        if (host.timers.get(name) !== p.timer) continue; // cancelled or re-armed since it expired
        host.timers.delete(name);
      }
      this.handle(host, p.input as Input<M>, p.msgId);
    }
    host.backlog = [];
  };

  /** The node closed `conn`: what waits for it in the backlog can no longer be read. */
  private discardBacklogFor(host: NodeHost<S>, conn: number): void {
    for (const p of host.backlog) {
      const input = p.input;
      if (p.discarded || (input.kind !== 'deliver' && input.kind !== 'closed') || input.conn !== conn) continue;
      p.discarded = true;
      this.dropPending(host.id, p, 'closed');
    }
  }

  private dropPending(node: NodeId, p: Pending, reason: 'node-down' | 'closed'): void {
    if (p.msgId === undefined || !this.trace.enabled) return;
    const from = p.input.kind === 'deliver' || p.input.kind === 'datagram' ? p.input.from : '?';
    this.trace.emit(this.kernel.now, { kind: 'drop', msgId: p.msgId, from, to: node, reason });
  }

  private updateRole(host: NodeHost<S>): void {
    const program = host.program;
    if (program.inspect === undefined || host.state === undefined) return;
    const role = program.inspect(host.state).role;
    if (role === host.role) return;
    host.role = role;
    if (role !== undefined && this.trace.enabled) this.trace.emit(this.kernel.now, { kind: 'role', node: host.id, role });
  }
}
