/**
 * A client process: a node that holds ZooKeeper handles (SimZkClient) and the application code
 * that uses them. The application runs inside the node's steps: at boot, in callbacks, in its own
 * timers, and in `call` inputs the harness sends (`world.call(node, (proc) => ...)`), so every
 * action it takes happens at a definite point of simulated time.
 */
import type { Effect, Input, NodeId, NodeProgram, Step, StepContext } from '../contract/node.js';
import type { Random } from '../contract/random.js';
import type { ZkMsg } from '../zk/wire.js';
import { SimZkClient, type ClientHost, type SimClientOptions } from './sim-client.js';
import { StepScope } from './step-scope.js';

export interface ClientProcess {
  readonly node: NodeId;
  /** Monotonic time of this process, in ms. */
  now(): number;
  /** Wall-clock time of this process, in ms. */
  wallNow(): number;
  readonly random: Random;
  /** Opens a new handle (a new session unless `session` is given). */
  connect(options?: Partial<SimClientOptions>): SimZkClient;
  readonly handles: readonly SimZkClient[];
  /** Runs `fn` after `ms` of this process's time. */
  after(ms: number, fn: () => void): void;
  /** A line in the trace (and the viz narration). */
  note(text: string, data?: unknown): void;
  /** A datagram to another node (e.g. a write to a simulated resource service); it may be lost. */
  sendDatagram(to: NodeId, port: string, msg: unknown): void;
}

/** What the harness passes in a `call` input. */
export type ClientCall = (proc: ClientProcess) => void;

export interface ClientNodeOptions {
  /** Servers a handle connects to unless told otherwise. */
  servers: readonly NodeId[];
  sessionTimeoutMs?: number;
  /** Application code run at every boot of the process. */
  app?: ClientCall;
}

class Process extends StepScope<ZkMsg> implements ClientProcess, ClientHost {
  readonly handles: SimZkClient[] = [];
  private nextHandle = 0;
  private nextTimer = 0;
  private readonly timers = new Map<string, () => void>();

  constructor(
    readonly node: NodeId,
    private readonly options: ClientNodeOptions,
  ) {
    super();
  }

  effects(): Effect<ZkMsg>[] {
    return this.stepEffects(`client ${this.node} was used outside a step; go through world.call("${this.node}", (proc) => ...)`);
  }

  connect(options: Partial<SimClientOptions> = {}): SimZkClient {
    const full: SimClientOptions = {
      servers: options.servers ?? this.options.servers,
      sessionTimeoutMs: options.sessionTimeoutMs ?? this.options.sessionTimeoutMs ?? 30_000,
      ...(options.session !== undefined ? { session: options.session } : {}),
      ...(options.bugs !== undefined ? { bugs: options.bugs } : {}),
    };
    const handle = new SimZkClient(`h${this.nextHandle++}`, this, full);
    this.handles.push(handle);
    return handle;
  }

  after(ms: number, fn: () => void): void {
    const name = `app:${this.nextTimer++}`;
    this.timers.set(name, fn);
    this.effects().push({ kind: 'set-timer', timer: name, afterTicks: Math.max(0, ms) });
  }

  note(text: string, data?: unknown): void {
    this.effects().push(data === undefined ? { kind: 'note', text } : { kind: 'note', text, data });
  }

  sendDatagram(to: NodeId, port: string, msg: unknown): void {
    this.effects().push({ kind: 'send-datagram', to, port, msg: msg as ZkMsg });
  }

  route(input: Input<ZkMsg>): void {
    switch (input.kind) {
      case 'call':
        (input.call as ClientCall)(this);
        return;
      case 'timer': {
        const fn = this.timers.get(input.timer);
        if (fn !== undefined) {
          this.timers.delete(input.timer);
          fn();
          return;
        }
        const prefix = input.timer.slice(0, input.timer.indexOf(':'));
        this.handles.find((h) => h.prefix === prefix)?.onInput(input);
        return;
      }
      case 'connected':
      case 'connect-failed':
        this.handles.find((h) => h.ownsRef(input.ref))?.onInput(input);
        return;
      case 'deliver':
      case 'closed':
        this.handles.find((h) => h.connection === input.conn)?.onInput(input);
        return;
      default:
        return;
    }
  }
}

export interface ClientNodeState {
  proc: Process;
}

export function clientNode(options: ClientNodeOptions): NodeProgram<ClientNodeState, ZkMsg> {
  return {
    boot(ctx: StepContext): Step<ClientNodeState, ZkMsg> {
      const proc = new Process(ctx.self, options);
      const effects = options.app === undefined ? [] : proc.within(ctx, () => options.app!(proc));
      return { state: { proc }, effects };
    },
    step(state: ClientNodeState, input: Input<ZkMsg>, ctx: StepContext): Step<ClientNodeState, ZkMsg> {
      return { state, effects: state.proc.within(ctx, () => state.proc.route(input)) };
    },
    inspect: () => ({ role: 'client' }),
  };
}

/** The process inside a client node's state, for harnesses that inspect it between steps. */
export function processOf(state: ClientNodeState | undefined): ClientProcess | undefined {
  return state?.proc;
}
