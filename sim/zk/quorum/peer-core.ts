/**
 * What the role handlers (leader, learner) share: the server's identity, configuration, database,
 * the effects of the current step, and the way back to LOOKING.
 */
import type { ConnId, Effect, StepContext } from '../../contract/node.js';
import type { EnsembleConfig } from './ensemble-config.js';
import type { QuorumPacket } from './packets.js';
import type { ReplicaDb } from './replica-db.js';
import type { ClientFront } from './client-front.js';
import type { Txn } from '../txn.js';

export interface PeerCore {
  readonly sid: number;
  readonly cfg: EnsembleConfig;
  readonly db: ReplicaDb;
  /** Effects of the step being handled. */
  fx: Effect<unknown>[];
  ctx: StepContext;
  send(conn: ConnId, p: QuorumPacket): void;
  note(text: string, data?: Record<string, unknown>): void;
  /** Leave the current role (closing its connections) and start a new election. */
  goLooking(reason: string): void;
  /** After sync: the vote others see names the new epoch (updateElectionVote, ZOOKEEPER-1732). */
  updateElectionVote(epoch: number): void;
  /** Whether `role` is still this server's role: a continuation of an ended role must do nothing. */
  isCurrent(role: object): boolean;
  /** A fatal error: the process exits. */
  halt(why: string): void;
  /** Applies a committed transaction and lets the client port answer and fire watches. */
  applyCommitted(txn: Txn): void;
  /** The client port (sessions, reads, answers). */
  readonly front: ClientFront;
}

export const TICK_TIMER = 'zab:tick';
export const INIT_TIMER = 'zab:init-limit';
export const READ_TIMER = 'zab:read-timeout';
export const CONNECT_TIMER = 'zab:connect-retry';
export const LOAD_TIMER = 'zab:load';
export const NEWLEADER_ACK_TIMER = 'zab:newleader-ack';
