import { ConnectionFifo } from '../check/connection-fifo.js';
import { MessageAccounting } from '../check/message-accounting.js';
import type { Checker } from '../check/verdict.js';
import type { World } from '../world/world.js';
import { PROTOCOLS } from './protocols.js';
import type { Scenario } from './schema.js';

/** Every checker a scenario's run gets: the generic ones, then the protocol's own (liveness first). */
export function createCheckers(s: Scenario, resolvedProtocol: Record<string, unknown>, world: World<unknown, unknown>): Checker[] {
  const settleTicks = s.checks?.liveness?.settleTicks ?? PROTOCOLS[s.protocol.kind].defaultSettleTicks(resolvedProtocol);
  return [new MessageAccounting(), new ConnectionFifo(), ...PROTOCOLS[s.protocol.kind].checkers(resolvedProtocol, { scenarioName: s.name, world, nodes: world.nodes, settleTicks, ...(s.checks?.linearizability?.syncReads === undefined ? {} : { syncReads: s.checks.linearizability.syncReads }) })];
}

export function checkerNames(s: Scenario): string[] {
  return ['message-accounting', 'connection-fifo', ...PROTOCOLS[s.protocol.kind].checkerNames];
}
