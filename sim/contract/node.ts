/**
 * The contract between a protocol (a pure state machine) and the simulated world.
 *
 * A node handles one input at a time and returns effects; it never calls the network, the disk
 * or the clock. Everything volatile lives in `state` and is discarded by a crash; a restart calls
 * `boot` again with only what the disk made durable. Protocol code imports this file and nothing
 * from the kernel or the world, so the same code runs in the simulator, in tests and in a browser.
 */
import type { Random } from './random.js';

export type NodeId = string;
/** A named port, e.g. "election", "quorum", "client"; partitions can target one port. */
export type PortName = string;
/** A connection id, unique within a run. */
export type ConnId = number;

export interface StepContext {
  readonly self: NodeId;
  /** This node's monotonic clock in ticks: drifts with the node's clock, never jumps. */
  readonly now: number;
  /** This node's wall clock in ticks: offset, drift and jumps applied (for ctime, TTLs, leases). */
  readonly wallNow: number;
  /** Increments on every restart. */
  readonly incarnation: number;
  /** This node's own seeded stream. */
  readonly random: Random;
  /** Every node id in the run, sorted. */
  readonly peers: readonly NodeId[];
}

export type Input<M> =
  /** A timer this node set has fired (on its monotonic clock). */
  | { kind: 'timer'; timer: string }
  /** A message on a connection. Per-connection FIFO holds. */
  | { kind: 'deliver'; conn: ConnId; from: NodeId; port: PortName; msg: M }
  /** A datagram (may be lost, duplicated or reordered). */
  | { kind: 'datagram'; from: NodeId; port: PortName; msg: M }
  /** An outbound connection this node asked for (`ref` from its connect effect) is open. */
  | { kind: 'connected'; conn: ConnId; ref: string; to: NodeId; port: PortName }
  /** An outbound connection could not be made (refused, or no answer within the connect timeout). */
  | { kind: 'connect-failed'; conn: ConnId; ref: string; to: NodeId; port: PortName; reason: 'refused' | 'timeout' }
  /** A peer opened a connection to this node. */
  | { kind: 'accepted'; conn: ConnId; from: NodeId; port: PortName }
  /** A connection ended; nothing more will arrive on it. */
  | { kind: 'closed'; conn: ConnId; peer: NodeId; reason: 'peer-closed' | 'reset' | 'timeout' | 'killed' }
  /** A disk operation this node issued (`ref`) completed or failed. */
  | { kind: 'disk-done'; ref: string; op: DiskOp; file: string; ok: boolean; error?: DiskError }
  /**
   * The harness or a workload calls into the node (e.g. "issue this client operation"). The
   * payload is the program's own business; the caller is deterministic, so the run stays so.
   */
  | { kind: 'call'; call: unknown };

export type DiskOp = 'append' | 'write' | 'fsync' | 'truncate';
export type DiskError = 'ENOSPC' | 'EIO';

export type Effect<M> =
  | { kind: 'send'; conn: ConnId; msg: M }
  | { kind: 'send-datagram'; to: NodeId; port: PortName; msg: M }
  /** Open a connection; the answer is a `connected` or `connect-failed` input carrying `ref`. */
  | { kind: 'connect'; to: NodeId; port: PortName; ref: string; timeoutTicks?: number }
  | { kind: 'close'; conn: ConnId }
  /** (Re)arm a named timer `afterTicks` from now on this node's monotonic clock. */
  | { kind: 'set-timer'; timer: string; afterTicks: number }
  | { kind: 'cancel-timer'; timer: string }
  /** Append a record to a log file (it reaches the OS page cache; durable only after fsync). */
  | { kind: 'append'; file: string; record: unknown; ref: string }
  /** Replace a whole small file (epoch files, snapshots); durable only after fsync. */
  | { kind: 'write'; file: string; data: unknown; ref: string }
  /** Make everything written to `file` so far durable. */
  | { kind: 'fsync'; file: string; ref: string }
  /** Keep only the first `length` records of a log. */
  | { kind: 'truncate'; file: string; length: number; ref: string }
  /** Narration for the trace and the viz; `data` carries structured facts for checkers. */
  | { kind: 'note'; text: string; data?: unknown }
  /**
   * The process exits (ZooKeeper calls System.exit on a fatal disk error or a corrupt log): after
   * this step's other effects, the world treats it as a process crash. A restart fault brings it back.
   */
  | { kind: 'exit'; reason: string };

/** One record as read back at boot: checksums catch torn and corrupted records. */
export type StoredRecord = { ok: true; data: unknown } | { ok: false; reason: 'torn' | 'checksum' };

/** What survived on disk, as a restarted node reads it. */
export interface DurableView {
  files(): string[];
  /** The records of a log file in order ([] when absent). */
  readLog(file: string): StoredRecord[];
  /** A whole file's content, undefined when absent. */
  readFile(file: string): StoredRecord | undefined;
}

export interface Step<S, M> {
  state: S;
  effects: Effect<M>[];
}

/** What a node shows the outside (fault targets such as "leader", the viz). */
export interface NodeSummary {
  role?: string;
}

export interface NodeProgram<S, M> {
  /** Starts (or restarts) the node from its durable state. */
  boot(ctx: StepContext, disk: DurableView): Step<S, M>;
  /** Handles one input. May mutate and return `state`. */
  step(state: S, input: Input<M>, ctx: StepContext): Step<S, M>;
  inspect?(state: S): NodeSummary;
}
