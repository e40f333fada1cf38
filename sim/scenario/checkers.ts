import { ConnectivityLiveness } from '../check/liveness.js';
import { ConnectionFifo } from '../check/connection-fifo.js';
import { MessageAccounting } from '../check/message-accounting.js';
import type { Checker } from '../check/verdict.js';
import { PROTOCOLS } from './protocols.js';
import type { Scenario } from './schema.js';

export const DEFAULT_SETTLE_TICKS = 10_000;

/** Every checker a scenario's run gets: the generic ones, then the protocol's own. */
export function createCheckers(s: Scenario, resolvedProtocol: Record<string, unknown>): Checker[] {
  const settle = s.checks?.liveness?.settleTicks ?? DEFAULT_SETTLE_TICKS;
  return [
    new MessageAccounting(),
    new ConnectionFifo(),
    new ConnectivityLiveness(settle),
    ...PROTOCOLS[s.protocol.kind].checkers(resolvedProtocol),
  ];
}

export function checkerNames(s: Scenario): string[] {
  const entry = PROTOCOLS[s.protocol.kind];
  return createCheckers(s, entry.resolve(s.protocol)).map((c) => c.name);
}
