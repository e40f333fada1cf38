/**
 * A ready-made world of ZooKeeper servers and client processes, driven step by step from code:
 * tests, the conformance replayer, benchmarks and library users issue client operations with
 * `perform` and the kernel runs just until the answer arrives. Everything stays deterministic.
 */
import type { NodeId, NodeProgram } from '../contract/node.js';
import { Kernel } from '../kernel/kernel.js';
import { Trace, type TraceLevel, type TraceSink } from '../kernel/trace/trace.js';
import { World } from '../world/world.js';
import { DEFAULT_DISK, DEFAULT_NETWORK, type DiskConfig, type NetworkConfig, type WorldConfig } from '../world/config.js';
import { clientNode, processOf, type ClientNodeState, type ClientProcess } from '../client/client-node.js';
import type { SimClientOptions, SimZkClient } from '../client/sim-client.js';
import type { FaultSpec } from '../world/fault-spec.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
import { standaloneServer, type ServerState } from '../zk/standalone-server.js';
import type { ZkServerConfig } from '../zk/server-config.js';
import type { ZkMsg } from '../zk/wire.js';

export interface ZkWorldOptions {
  seed?: string;
  /** Client process ids, e.g. ["c1", "c2"]. */
  clients?: NodeId[];
  server?: Partial<ZkServerConfig>;
  network?: Partial<NetworkConfig>;
  disk?: Partial<DiskConfig>;
  sessionTimeoutMs?: number;
  traceLevel?: TraceLevel;
  sink?: TraceSink;
}

export const STANDALONE_SERVER: NodeId = 's1';

export class ZkWorld {
  readonly kernel: Kernel;
  readonly trace: Trace;
  readonly world: World<unknown, ZkMsg>;
  readonly clients: NodeId[];

  constructor(options: ZkWorldOptions = {}) {
    this.kernel = new Kernel(options.seed ?? '1');
    this.trace = new Trace(options.traceLevel ?? (options.sink === undefined ? 'off' : 'full'), options.sink);
    this.clients = options.clients ?? ['c1'];
    const config: WorldConfig = {
      nodes: [STANDALONE_SERVER, ...this.clients],
      network: { ...DEFAULT_NETWORK, ...options.network },
      disk: { ...DEFAULT_DISK, ...options.disk },
      clocks: {},
      faults: [],
    };
    const server = standaloneServer(options.server);
    const client = clientNode({ servers: [STANDALONE_SERVER], sessionTimeoutMs: options.sessionTimeoutMs });
    const pick = (id: NodeId) => (id === STANDALONE_SERVER ? server : client) as NodeProgram<unknown, ZkMsg>;
    this.world = new World<unknown, ZkMsg>(this.kernel, this.trace, config, pick);
    this.world.start();
  }

  get now(): number {
    return this.kernel.now;
  }

  /** The server's live state (undefined while it is down). */
  server(): ServerState | undefined {
    return this.world.stateOf(STANDALONE_SERVER) as ServerState | undefined;
  }

  process(client: NodeId): ClientProcess {
    const p = processOf(this.world.stateOf(client) as ClientNodeState | undefined);
    if (p === undefined) throw new Error(`client ${client} is down`);
    return p;
  }

  /** Runs `fn` inside client `client`'s process now. */
  call(client: NodeId, fn: (proc: ClientProcess) => void): void {
    if (!this.world.call(client, fn)) throw new Error(`client ${client} is down`);
  }

  /** Opens a session from `client` and runs until the handshake is answered. */
  connect(client: NodeId, options?: Partial<SimClientOptions>): SimZkClient {
    let handle!: SimZkClient;
    this.call(client, (proc) => (handle = proc.connect(options)));
    this.runUntil(() => handle.state !== 'CONNECTING');
    return handle;
  }

  /** Applies a fault now (partition, crash, pause, ...; `at` is ignored). */
  fault(spec: DistributiveOmit<FaultSpec, 'at'>): void {
    this.world.faults.apply({ ...spec, at: this.kernel.now } as FaultSpec);
  }

  /** Runs the kernel until `done()` holds; throws if `maxTicks` of simulated time pass first. */
  runUntil(done: () => boolean, maxTicks = 600_000): void {
    if (done()) return;
    const deadline = this.kernel.now + maxTicks;
    const r = this.kernel.runUntil(deadline, done);
    if (r.stoppedBy !== 'stop-condition' && !done()) throw new Error(`nothing happened within ${maxTicks} ticks (stopped by ${r.stoppedBy} at ${this.kernel.now})`);
  }

  /** Advances simulated time by `ticks`, running whatever happens meanwhile. */
  advance(ticks: number): void {
    this.kernel.runUntil(this.kernel.now + ticks);
  }

  /**
   * Starts an operation in `client` and runs until it reports back through `resolve`:
   * `world.perform('c1', (proc, done) => proc.handles[0].exists('/', false, done))`.
   */
  perform<T>(client: NodeId, start: (proc: ClientProcess, resolve: (value: T) => void) => void, maxTicks?: number): T {
    let result: { value: T } | undefined;
    this.call(client, (proc) => start(proc, (value) => (result ??= { value })));
    this.runUntil(() => result !== undefined, maxTicks);
    return result!.value;
  }
}
