/**
 * A world of quorum servers, driven from code: elect, inject writes at the leader, crash and
 * partition servers, and read every server's state between steps. Tests, benchmarks and library
 * users start here; scenarios build the same world from a file.
 */
import type { NodeId } from '../contract/node.js';
import { Kernel } from '../kernel/kernel.js';
import { Trace, type TraceLevel, type TraceSink } from '../kernel/trace/trace.js';
import { World } from '../world/world.js';
import { DEFAULT_DISK, DEFAULT_NETWORK, type DiskConfig, type NetworkConfig } from '../world/config.js';
import type { FaultSpec } from '../world/fault-spec.js';
import { simpleEnsemble, type EnsembleConfig } from '../zk/quorum/ensemble-config.js';
import { quorumPeerProgram, type PeerCall, type PeerState, type QuorumPeer } from '../zk/quorum/quorum-peer.js';
import type { NodeProgram } from '../contract/node.js';
import { clientNode, type ClientProcess } from '../client/client-node.js';
import type { SimClientOptions, SimZkClient } from '../client/sim-client.js';
import type { WriteRequest } from '../zk/prep.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface EnsembleWorldOptions {
  seed?: string;
  servers?: number;
  /** Client processes (e.g. ["c1", "c2"]) whose handles may use any server. */
  clients?: NodeId[];
  sessionTimeoutMs?: number;
  observers?: number;
  config?: Partial<Omit<EnsembleConfig, 'servers'>>;
  network?: Partial<NetworkConfig>;
  disk?: Partial<DiskConfig>;
  traceLevel?: TraceLevel;
  sink?: TraceSink;
}

export class EnsembleWorld {
  readonly kernel: Kernel;
  readonly trace: Trace;
  readonly world: World<unknown, unknown>;
  readonly cfg: EnsembleConfig;
  readonly servers: NodeId[];
  readonly clients: NodeId[];

  constructor(options: EnsembleWorldOptions = {}) {
    this.kernel = new Kernel(options.seed ?? '1');
    this.trace = new Trace(options.traceLevel ?? (options.sink === undefined ? 'hash' : 'full'), options.sink);
    this.cfg = simpleEnsemble(options.servers ?? 3, options.observers ?? 0, options.config);
    this.servers = this.cfg.servers.map((s) => s.node);
    this.clients = options.clients ?? [];
    const peer = quorumPeerProgram(this.cfg) as NodeProgram<unknown, unknown>;
    const client = clientNode({ servers: this.servers, sessionTimeoutMs: options.sessionTimeoutMs }) as NodeProgram<unknown, unknown>;
    const serverSet = new Set(this.servers);
    this.world = new World<unknown, unknown>(
      this.kernel,
      this.trace,
      { nodes: [...this.servers, ...this.clients], network: { ...DEFAULT_NETWORK, ...options.network }, disk: { ...DEFAULT_DISK, ...options.disk }, clocks: {}, faults: [] },
      (node) => (serverSet.has(node) ? peer : client),
    );
    this.world.start();
  }

  get now(): number {
    return this.kernel.now;
  }

  peer(node: NodeId): QuorumPeer | undefined {
    return (this.world.stateOf(node) as PeerState | undefined)?.peer;
  }

  role(node: NodeId): string | undefined {
    return this.world.isUp(node) ? this.world.role(node) : undefined;
  }

  /** The server that is an established leader (in BROADCAST), if exactly one is. */
  leader(): NodeId | undefined {
    const ls = this.servers.filter((s) => {
      const r = this.peer(s)?.role;
      return r !== undefined && r.kind === 'LEADING' && (r as { phase?: string }).phase === 'BROADCAST';
    });
    return ls.length === 1 ? ls[0] : undefined;
  }

  /** True when a leader is established and every other running server follows it up to date. */
  settled(): boolean {
    const l = this.leader();
    if (l === undefined) return false;
    const sid = this.peer(l)!.sid;
    return this.servers.every((s) => {
      if (s === l || !this.world.isUp(s)) return true;
      const r = this.peer(s)?.role as { kind: string; phase?: string; leaderSid?: number } | undefined;
      return r !== undefined && (r.kind === 'FOLLOWING' || r.kind === 'OBSERVING') && r.phase === 'BROADCAST' && r.leaderSid === sid;
    });
  }

  runUntil(done: () => boolean, maxTicks = 600_000): void {
    if (done()) return;
    const r = this.kernel.runUntil(this.kernel.now + maxTicks, done);
    if (r.stoppedBy !== 'stop-condition' && !done()) throw new Error(`not reached within ${maxTicks} ticks (at ${this.kernel.now})`);
  }

  advance(ticks: number): void {
    this.kernel.runUntil(this.kernel.now + ticks);
  }

  fault(spec: DistributiveOmit<FaultSpec, 'at'>): void {
    this.world.faults.apply({ ...spec, at: this.kernel.now } as FaultSpec);
  }

  /** Opens a session from client process `client` (any server of the ensemble) and runs until it is answered. */
  connect(client: NodeId, options?: Partial<SimClientOptions>): SimZkClient {
    let handle!: SimZkClient;
    this.call(client, (proc) => (handle = proc.connect(options)));
    this.runUntil(() => handle.state !== 'CONNECTING');
    return handle;
  }

  call(client: NodeId, fn: (proc: ClientProcess) => void): void {
    if (!this.world.call(client, fn)) throw new Error(`client ${client} is down`);
  }

  /** Starts an operation in a client process and runs until it reports back. */
  perform<T>(client: NodeId, start: (proc: ClientProcess, resolve: (value: T) => void) => void, maxTicks?: number): T {
    let result: { value: T } | undefined;
    this.call(client, (proc) => start(proc, (value) => (result ??= { value })));
    this.runUntil(() => result !== undefined, maxTicks);
    return result!.value;
  }

  /**
   * Proposes a write at the current leader; the zxid it got, or undefined when nobody leads.
   * `committed` runs when the leader commits it.
   */
  write(req: WriteRequest, committed?: () => void): string | undefined {
    const l = this.leader();
    if (l === undefined) return undefined;
    let zxid: string | undefined;
    const call: PeerCall = { write: req, done: (z) => (zxid = z), committed };
    this.world.call(l, call);
    return zxid;
  }
}
