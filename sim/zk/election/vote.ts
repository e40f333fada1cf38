/**
 * Votes, the order on them, and the notification that carries them between servers (ZooKeeper's
 * `Vote` and `FastLeaderElection.Notification`).
 *
 * A vote names a proposed leader together with the two facts that rank it: the leader's
 * currentEpoch (`peerEpoch`) and its last zxid. `electionEpoch` is the round (logicalclock) of the
 * server that cast it; it says which election the vote belongs to, not how good it is.
 */
import { compareZxid, formatZxid, type Zxid } from '../zxid.js';

export type PeerState = 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';

export interface Vote {
  /** The proposed leader's sid. */
  leader: number;
  /** The proposed leader's last zxid. */
  zxid: Zxid;
  /** The round (logicalclock) of the server that cast the vote. */
  electionEpoch: number;
  /** The proposed leader's currentEpoch. */
  peerEpoch: number;
}

/**
 * The election message (port `election`). `sid` is the sender; `state` is the sender's state, so a
 * LOOKING server can tell an ongoing election from an established ensemble. ZooKeeper also sends a
 * format version and the sender's quorum configuration (for reconfig); every simulated server
 * speaks the current format, so neither is modelled.
 */
export interface Notification {
  t: 'notification';
  state: PeerState;
  vote: Vote;
  sid: number;
}

/** The message type of the election port. */
export type ElectionMsg = Notification;

/**
 * The zxid -1 (the 64-bit value split into a signed high word and an unsigned low word, which
 * keeps it below every real zxid). A server whose last zxid is -1 takes no part in LOOKING
 * exchanges, and LOOKING votes naming zxid -1 are ignored.
 */
export const ZXID_MINUS_ONE: Zxid = Object.freeze({ epoch: -1, counter: 0xffffffff });

/**
 * ZooKeeper's non-voters (observers) vote with Long.MIN_VALUE for sid, zxid and epoch. A JavaScript
 * number cannot hold Long.MIN_VALUE exactly; the smallest safe integer keeps the order (below
 * every real value) and survives JSON in traces.
 */
export const NULL_SID = Number.MIN_SAFE_INTEGER;
export const NULL_EPOCH = Number.MIN_SAFE_INTEGER;
/** Long.MIN_VALUE as (signed high word, low word). */
export const NULL_ZXID: Zxid = Object.freeze({ epoch: -0x80000000, counter: 0 });

export function isMinusOneZxid(z: Zxid): boolean {
  return z.epoch === ZXID_MINUS_ONE.epoch && z.counter === ZXID_MINUS_ONE.counter;
}

/**
 * True when `newVote` beats `curVote`: greater (peerEpoch, zxid, leader sid), compared in that
 * order. The round (electionEpoch) plays no part. A server's currentEpoch outranks its log: a
 * server that accepted a newer epoch wins over one with a longer log from an older epoch.
 *
 * (ZooKeeper first asks the quorum verifier for the proposed leader's weight and refuses a
 * zero-weight leader; with majority quorums every weight is 1, so that test never fires here.)
 */
export function totalOrderPredicate(newVote: Vote, curVote: Vote, withoutEpochClause = false): boolean {
  if (withoutEpochClause) {
    // ZOOKEEPER-1419 (3.4.0 – 3.4.3): the sid clause forgot to require equal epochs, so the order
    // is not an order: (epoch 2, z, sid 1) beats (epoch 1, z, sid 3) by epoch and loses to it by sid.
    const z = compareZxid(newVote.zxid, curVote.zxid);
    return newVote.peerEpoch > curVote.peerEpoch || (newVote.peerEpoch === curVote.peerEpoch && z > 0) || (z === 0 && newVote.leader > curVote.leader);
  }
  if (newVote.peerEpoch !== curVote.peerEpoch) return newVote.peerEpoch > curVote.peerEpoch;
  const z = compareZxid(newVote.zxid, curVote.zxid);
  if (z !== 0) return z > 0;
  return newVote.leader > curVote.leader;
}

/**
 * A vote as the election remembers it in its tallies (recvset, outofelection): with the state of
 * the server that cast it and the message format "version" ZooKeeper attaches to it. The version
 * matters only through vote equality (see votesEqual): ZooKeeper builds some tally entries with
 * the legacy version 0 and compares them with current-version (2) votes.
 */
export interface TalliedVote {
  vote: Vote;
  state: PeerState;
  version: number;
}

/** The notification format version of current servers (FastLeaderElection.Notification.CURRENTVERSION). */
export const CURRENT_VERSION = 0x2;

/**
 * ZooKeeper's Vote.equals, which decides which tallied votes count towards a quorum.
 * - If either side is a LOOKING vote: the full vote must match (leader, zxid, round, peerEpoch).
 * - Between FOLLOWING/LEADING votes only the leader and its epoch must match: members of a running
 *   ensemble may report different zxids and rounds (they were elected in different rounds, and
 *   updateElectionVote changes only the epoch), ZOOKEEPER-1805/1732.
 * - ...unless exactly one side has the legacy version 0: then only the leader must match (the
 *   mixed-version rolling-upgrade rule, ZOOKEEPER-1732).
 */
export function votesEqual(a: TalliedVote, b: TalliedVote): boolean {
  const x = a.vote;
  const y = b.vote;
  if (a.state === 'LOOKING' || b.state === 'LOOKING') {
    return x.leader === y.leader && compareZxid(x.zxid, y.zxid) === 0 && x.electionEpoch === y.electionEpoch && x.peerEpoch === y.peerEpoch;
  }
  if (a.version > 0 !== b.version > 0) return x.leader === y.leader;
  return x.leader === y.leader && x.peerEpoch === y.peerEpoch;
}

/** "(epoch 1, 0x200000003, sid 5)": the vote's ranking facts, as the notes print them. */
export function describeVote(v: Vote): string {
  if (v.leader === NULL_SID) return '(null vote)';
  const epoch = v.peerEpoch === NULL_EPOCH ? 'none' : String(v.peerEpoch);
  return `(epoch ${epoch}, ${formatVoteZxid(v.zxid)}, sid ${v.leader})`;
}

export function formatVoteZxid(z: Zxid): string {
  if (isMinusOneZxid(z)) return '-1';
  if (z.epoch < 0) return 'none';
  return formatZxid(z);
}

export function copyVote(v: Vote): Vote {
  return { leader: v.leader, zxid: { epoch: v.zxid.epoch, counter: v.zxid.counter }, electionEpoch: v.electionEpoch, peerEpoch: v.peerEpoch };
}
