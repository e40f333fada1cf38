import { RandomStream } from '../kernel/rng.js';
import { DEFAULT_CLOCK, DEFAULT_DISK, DEFAULT_NETWORK, type ClockConfig, type WorldConfig } from '../world/config.js';
import type { FaultSpec } from '../world/fault-spec.js';
import { generateSwarm } from '../world/swarm.js';
import { serverIds } from './load.js';
import { PROTOCOLS } from './protocols.js';
import type { Scenario } from './schema.js';
import { resolveLegacy } from '../history/zk-version.js';

/** Everything a run uses, defaults filled in and swarm faults expanded; recorded in the trace header. */
export interface RunConfig {
  seed: string;
  durationTicks: number;
  protocol: Record<string, unknown> & { kind: string };
  world: WorldConfig;
  /** Present when the faults came from the swarm generator. */
  swarm?: { kinds: string[]; quietTicks: number; maxPerKind: number };
}

const toPpm = (rate: number | undefined, fallback: number): number => (rate === undefined ? fallback : Math.round(rate * 1_000_000));

/** The effective seed: a CLI override wins over the scenario's. Seeds are strings in traces. */
export function effectiveSeed(s: Scenario, override?: string | number): string {
  return String(override ?? s.seed);
}

export function resolveRunConfig(s: Scenario, seed: string): RunConfig {
  const nodes = serverIds(s.servers);
  const n = s.network ?? {};
  const l = n.latency;
  const network = {
    latency:
      l === undefined
        ? DEFAULT_NETWORK.latency
        : { minTicks: l.minTicks, maxTicks: l.maxTicks, tailPpm: toPpm(l.tailRate, 0), tailMaxTicks: l.tailMaxTicks ?? l.maxTicks },
    dropPpm: toPpm(n.dropRate, DEFAULT_NETWORK.dropPpm),
    duplicatePpm: toPpm(n.duplicateRate, DEFAULT_NETWORK.duplicatePpm),
    reorderPpm: toPpm(n.reorderRate, DEFAULT_NETWORK.reorderPpm),
    reorderMaxTicks: n.reorderMaxTicks ?? DEFAULT_NETWORK.reorderMaxTicks,
    connectTimeoutTicks: n.connectTimeoutTicks ?? DEFAULT_NETWORK.connectTimeoutTicks,
    tcpTimeoutTicks: n.tcpTimeoutTicks === undefined ? DEFAULT_NETWORK.tcpTimeoutTicks : n.tcpTimeoutTicks,
  };
  const d = s.disk ?? {};
  const disk = {
    appendLatency: d.appendLatency ?? DEFAULT_DISK.appendLatency,
    writeLatency: d.writeLatency ?? DEFAULT_DISK.writeLatency,
    fsyncLatency: d.fsyncLatency ?? DEFAULT_DISK.fsyncLatency,
    truncateLatency: d.truncateLatency ?? DEFAULT_DISK.truncateLatency,
    tornWritePpm: toPpm(d.tornWriteRate, DEFAULT_DISK.tornWritePpm),
    keepUnsyncedPpm: toPpm(d.keepUnsyncedRate, DEFAULT_DISK.keepUnsyncedPpm),
  };
  const clocks: Record<string, ClockConfig> = {};
  for (const id of nodes) {
    const c = s.clocks?.[id];
    clocks[id] = { offsetTicks: c?.offsetTicks ?? DEFAULT_CLOCK.offsetTicks, driftPpm: c?.driftPpm ?? DEFAULT_CLOCK.driftPpm };
  }
  const entry = PROTOCOLS[s.protocol.kind];
  let faults: FaultSpec[] = [];
  let swarm: RunConfig['swarm'];
  if (Array.isArray(s.faults)) {
    faults = s.faults;
  } else if (s.faults !== undefined) {
    const sw = s.faults.swarm;
    swarm = {
      kinds: (sw.kinds ?? entry.swarmKinds) as string[],
      quietTicks: sw.quietTicks ?? Math.floor(s.durationTicks / 3),
      maxPerKind: sw.maxPerKind ?? 4,
    };
    faults = generateSwarm(new RandomStream('swarm', seed), {
      nodes,
      durationTicks: s.durationTicks,
      quietTicks: swarm.quietTicks,
      kinds: swarm.kinds as FaultSpec['kind'][],
      maxPerKind: swarm.maxPerKind,
      hasLeader: entry.hasLeader,
    });
  }
  // Only a run with planted bugs names them, so clean runs keep their trace headers.
  const bugs = s.bugs === undefined || s.bugs.length === 0 ? {} : { bugs: [...new Set(s.bugs)].sort() };
  // Likewise only a run that behaves as an older release records which one and its switches.
  const legacyIds = resolveLegacy(s.zkVersion, s.legacy);
  const legacy = { ...(s.zkVersion === undefined ? {} : { zkVersion: s.zkVersion }), ...(legacyIds.length === 0 ? {} : { legacy: legacyIds }) };
  const protocol = { kind: s.protocol.kind, servers: s.servers, ...entry.resolve(s.protocol), ...bugs, ...legacy };
  const extra = entry.extraNodes(protocol);
  const all = [...nodes, ...extra];
  // Symbolic fault targets mean servers; client processes are reached by name.
  const world: WorldConfig = extra.length === 0 ? { nodes: all, network, disk, clocks, faults } : { nodes: all, targets: [...nodes], network, disk, clocks, faults };
  const config: RunConfig = { seed, durationTicks: s.durationTicks, protocol, world };
  if (swarm !== undefined) config.swarm = swarm;
  return config;
}
