import type { NodeProgram } from '../contract/node.js';
import { PingPongDurability, PingPongSequence } from '../check/pingpong-checks.js';
import type { Checker } from '../check/verdict.js';
import { DEFAULT_PINGPONG, pingPongProgram, PINGPONG_PORT, type PingPongConfig } from '../testproto/pingpong.js';
import type { FaultKind } from '../world/fault-spec.js';
import { SWARM_KINDS } from '../world/swarm.js';
import type { ProtocolConfig } from './schema.js';

/** What the runner needs to know about a protocol a scenario can name. */
export interface ProtocolEntry {
  /** Ports its nodes use (fault `ports` must name these). */
  ports: readonly string[];
  /** Fault kinds a swarm uses by default. */
  swarmKinds: readonly FaultKind[];
  /** Whether its nodes report a leader role (`leader` targets). */
  hasLeader: boolean;
  /** The protocol's configuration with defaults filled in (recorded in the trace header). */
  resolve(config: ProtocolConfig): Record<string, unknown>;
  program(resolved: Record<string, unknown>): NodeProgram<unknown, unknown>;
  /** The protocol's own checkers (the generic ones are added by the runner). */
  checkers(resolved: Record<string, unknown>): Checker[];
}

const pingpong: ProtocolEntry = {
  ports: [PINGPONG_PORT],
  // A corrupted record is data loss the test protocol does not try to survive; opt in explicitly.
  swarmKinds: SWARM_KINDS.filter((k) => k !== 'corrupt-record'),
  hasLeader: false,
  resolve(config) {
    const { kind: _kind, ...rest } = config;
    return { ...DEFAULT_PINGPONG, ...rest };
  },
  program(resolved) {
    return pingPongProgram(resolved as unknown as PingPongConfig) as NodeProgram<unknown, unknown>;
  },
  checkers() {
    return [new PingPongSequence(), new PingPongDurability()];
  },
};

export const PROTOCOLS: Record<ProtocolConfig['kind'], ProtocolEntry> = { pingpong };
