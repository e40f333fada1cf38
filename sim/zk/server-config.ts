/** Settings of one ZooKeeper server (zoo.cfg), in milliseconds = ticks of simulated time. */
export interface ZkServerConfig {
  /** myid; also the top byte of the session ids this server makes. Standalone servers use 1. */
  serverId: number;
  tickTimeMs: number;
  /** Defaults 2 × and 20 × tickTime. */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** A snapshot (and a new log file) after snapCount/2 + rand(snapCount/2) transactions. */
  snapCount: number;
  /** zookeeper.extendedTypesEnabled: allows TTL nodes. */
  extendedTypesEnabled: boolean;
  /** znode.container.checkIntervalMs: how often containers and TTL nodes are reaped. */
  containerCheckIntervalMs: number;
  /** znode.container.maxPerMinute: reaped deletions are spaced 60000/maxPerMinute ms apart. */
  containerMaxPerMinute: number;
}

export function serverConfig(overrides: Partial<ZkServerConfig> = {}): ZkServerConfig {
  const tickTimeMs = overrides.tickTimeMs ?? 2000;
  return {
    serverId: 1,
    tickTimeMs,
    minSessionTimeoutMs: 2 * tickTimeMs,
    maxSessionTimeoutMs: 20 * tickTimeMs,
    snapCount: 100_000,
    extendedTypesEnabled: false,
    containerCheckIntervalMs: 60_000,
    containerMaxPerMinute: 10_000,
    ...overrides,
  };
}
