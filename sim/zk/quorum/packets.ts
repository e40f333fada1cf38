/**
 * Packets between a leader and its learners on the quorum port (Leader.java's packet types), with
 * ZooKeeper's names so a trace reads like the paper and the server logs.
 */
import type { SessionId } from '../../client/zk-client.js';
import type { TreeSnapshot } from '../data-tree.js';
import type { Txn } from '../txn.js';
import type { Zxid } from '../zxid.js';
import type { WriteRequest } from '../prep.js';

export const QUORUM_PORT = 'quorum';

export type QuorumPacket =
  /** Learner → leader: its acceptedEpoch (in ZooKeeper, the zxid (acceptedEpoch, 0)). OBSERVERINFO when observer. */
  | { t: 'FOLLOWERINFO'; sid: number; acceptedEpoch: number; observer: boolean }
  /** Leader → learner: the epoch it proposes (NEWEPOCH in the paper). */
  | { t: 'LEADERINFO'; newEpoch: number }
  /** Learner → leader: its currentEpoch (-1: "already acked this epoch, do not count me") and last zxid. */
  | { t: 'ACKEPOCH'; currentEpoch: number; lastZxid: Zxid }
  /** Sync mode: the learner keeps its log; PROPOSAL/COMMIT pairs follow. */
  | { t: 'DIFF'; zxid: Zxid }
  /** Sync mode: the learner cuts its log back to `zxid` first. */
  | { t: 'TRUNC'; zxid: Zxid }
  /** Sync mode: the learner replaces its database with this snapshot. */
  | { t: 'SNAP'; zxid: Zxid; snapshot: TreeSnapshot; sessions: [SessionId, number][] }
  | { t: 'PROPOSAL'; txn: Txn }
  | { t: 'ACK'; zxid: Zxid }
  | { t: 'COMMIT'; zxid: Zxid }
  /** Leader → observer: a committed transaction in full. */
  | { t: 'INFORM'; txn: Txn }
  /** Leader → learner: end of the sync stream; the learner ACKs (epoch, 0) once it is durable. */
  | { t: 'NEWLEADER'; zxid: Zxid }
  /** Leader → learner: start serving. */
  | { t: 'UPTODATE' }
  /**
   * Leader → learner: liveness, carrying the last proposed zxid; the learner answers with a PING.
   * `round`: a sync confirmation round (quorumSync, the proposed ZOOKEEPER-2136 fix).
   */
  | { t: 'PING'; zxid: Zxid; round?: number }
  /**
   * A learner's answer to PING: sessions its clients touched since the last one. `round` echoes
   * the PING's (quorumSync only: the leader's proof that a quorum still follows it).
   */
  | { t: 'PINGREPLY'; touched: [SessionId, number][]; round?: number }
  /** Learner → leader: a client's write (or createSession / closeSession) to prepare and propose. */
  | { t: 'REQUEST'; origin: number; sessionId: SessionId; cxid: number; req: WriteRequest }
  /** Learner → leader: a client's sync; the leader answers with SYNC once what it proposed before is committed. */
  | { t: 'SYNCREQ'; sessionId: SessionId; cxid: number }
  | { t: 'SYNC'; sessionId: SessionId; cxid: number }
  /** Learner → leader: is this reconnecting session alive? Leader → learner: the answer. */
  | { t: 'REVALIDATE'; sessionId: SessionId; timeoutMs: number }
  | { t: 'REVALIDATED'; sessionId: SessionId; valid: boolean };

export type QuorumPacketType = QuorumPacket['t'];
