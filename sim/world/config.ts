import type { NodeId } from '../contract/node.js';
import type { FaultSpec } from './fault-spec.js';

/** Uniform in [minTicks, maxTicks]; with probability tailPpm/1e6, uniform in (maxTicks, tailMaxTicks] instead. */
export interface LatencyConfig {
  minTicks: number;
  maxTicks: number;
  tailPpm: number;
  tailMaxTicks: number;
}

export interface NetworkConfig {
  latency: LatencyConfig;
  /** Datagram loss, duplication and reordering, in parts per million. Connections never lose single messages. */
  dropPpm: number;
  duplicatePpm: number;
  reorderPpm: number;
  /** A reordered datagram is held back by up to this many extra ticks. */
  reorderMaxTicks: number;
  /** How long a connect waits for an answer when the node does not say. */
  connectTimeoutTicks: number;
  /** Data held in a partitioned link breaks the sender's connection after this long; null: never. */
  tcpTimeoutTicks: number | null;
}

export interface RangeTicks {
  minTicks: number;
  maxTicks: number;
}

export interface DiskConfig {
  appendLatency: RangeTicks;
  writeLatency: RangeTicks;
  fsyncLatency: RangeTicks;
  truncateLatency: RangeTicks;
  /** Chance that a power loss tears the first unsynced write that does not survive. */
  tornWritePpm: number;
  /** Chance that a power loss keeps a random prefix of each file's unsynced writes (the OS had flushed them). */
  keepUnsyncedPpm: number;
}

export interface ClockConfig {
  offsetTicks: number;
  driftPpm: number;
}

export interface WorldConfig {
  nodes: NodeId[];
  /**
   * The nodes symbolic fault targets (leader, random-minority, minority-with-leader, ...) pick
   * from and count majorities over: the servers, not the client processes around them. Default:
   * every node. Explicit node ids and a partition's `rest` still reach every node.
   */
  targets?: NodeId[];
  network: NetworkConfig;
  disk: DiskConfig;
  clocks: Record<NodeId, ClockConfig>;
  faults: FaultSpec[];
}

export const DEFAULT_NETWORK: NetworkConfig = {
  latency: { minTicks: 1, maxTicks: 5, tailPpm: 0, tailMaxTicks: 5 },
  dropPpm: 0,
  duplicatePpm: 0,
  reorderPpm: 0,
  reorderMaxTicks: 50,
  connectTimeoutTicks: 5000,
  tcpTimeoutTicks: 30_000,
};

export const DEFAULT_DISK: DiskConfig = {
  appendLatency: { minTicks: 0, maxTicks: 1 },
  writeLatency: { minTicks: 1, maxTicks: 2 },
  fsyncLatency: { minTicks: 2, maxTicks: 10 },
  truncateLatency: { minTicks: 1, maxTicks: 2 },
  tornWritePpm: 0,
  keepUnsyncedPpm: 0,
};

export const DEFAULT_CLOCK: ClockConfig = { offsetTicks: 0, driftPpm: 0 };
