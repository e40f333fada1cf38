/**
 * Bugs ZooKeeper shipped, as behaviour switches: each switch makes the model behave as the affected
 * releases did, at the one place the old code differed (read there with `hasLegacy`). The default is
 * today's behaviour (3.9.3 and later). `zkVersion` switches on every bug that version had.
 *
 * Version ranges come from the release sources (apache/zookeeper tags), which for the sync-order
 * bugs differ from the JIRA "fix version": release-3.8.5 and release-3.9.2 already log and fsync
 * the synced txns before writing currentEpoch and ACKing NEWLEADER (shipped with ZOOKEEPER-4785),
 * so 4643, 4646 and 4685 affect 3.5.10, 3.6.3 – 3.8.4 and 3.9.0 – 3.9.1 here.
 */

/** A release range, both ends included ("3.4.10" .. "3.4.14"). */
type Range = readonly [string, string];

export interface KnownBug {
  /** The JIRA issue, the switch's name. */
  jira: string;
  title: string;
  /** Releases that behave this way (both ends included). */
  affects: readonly Range[];
  /** Human form of `affects`. */
  affectsText: string;
  fixedIn: string;
  /** The property the old behaviour breaks, in one sentence. */
  property: string;
  /** The checkers that fail on a run that hits it (scenario `expect` names). */
  checks: readonly string[];
  /** The ZAB invariants (zab-invariants) its runs violate first; empty when only another check sees it. */
  invariants: readonly string[];
  /** What switching it on makes the model do. */
  oldBehaviour: string;
  /**
   * A caveat of every release rather than a fixed bug: the default model has it, and the switch
   * is the opposite (the fix proposed upstream, which no release ships).
   */
  caveat?: true;
}

const ALL: Range = ['3.3.0', '99.0.0'];

export const KNOWN_BUGS = [
  {
    jira: 'ZOOKEEPER-335',
    title: 'epoch not durably agreed (before Zab 1.0)',
    affects: [['3.3.0', '3.3.99']],
    affectsText: '3.3.x and older',
    fixedIn: '3.4.0',
    property: 'Leadership: two leaders can establish the same epoch and give one zxid to two different transactions.',
    checks: ['zab-invariants'],
    invariants: ['Leadership', 'Agreement'],
    oldBehaviour: 'no acceptedEpoch / currentEpoch files: a new leader takes its epoch from its own last zxid plus one, followers accept any epoch and persist nothing, votes rank by zxid alone',
  },
  {
    jira: 'ZOOKEEPER-1154',
    title: 'DIFF without TRUNC',
    affects: [['3.3.0', '3.3.3']],
    affectsText: '3.3.0 – 3.3.3',
    fixedIn: '3.3.4, 3.4.0',
    property: 'ProcessConsistency: a learner keeps a logged txn the leader never committed and serves it.',
    checks: ['zab-invariants'],
    invariants: ['ProcessConsistency', 'HistoryConsistency', 'CommitConsistency'],
    oldBehaviour: 'a learner whose last zxid falls inside the leader\'s committed log but is not in it gets a DIFF of the later txns, never a TRUNC (nor a SNAP across an epoch boundary)',
  },
  {
    jira: 'ZOOKEEPER-1277',
    title: 'zxid counter overflow carries into the epoch',
    affects: [['3.3.0', '3.3.4'], ['3.4.0', '3.4.3']],
    affectsText: '≤ 3.3.4, 3.4.0 – 3.4.3',
    fixedIn: '3.3.5, 3.4.4',
    property: 'Liveness: after 2³² – 1 proposals in one epoch the next zxid looks like a new epoch\'s marker; the leader never commits it but commits the ones after it, and the followers exit on the COMMIT that skips their pending txn (and the carried zxids collide with the next real epoch\'s).',
    checks: ['liveness', 'zab-invariants'],
    invariants: ['PrefixConsistency', 'Agreement', 'TotalOrder', 'Integrity'],
    oldBehaviour: 'the leader proposes counter 0xffffffff and carries into the epoch bits instead of forcing a new election, and (as 3.4.3\'s processAck) commits whatever reaches a quorum in any order, taking a counter-0 zxid that does for a NEWLEADER proposal it never commits',
  },
  {
    jira: 'ZOOKEEPER-1419',
    title: 'vote order without the epoch clause',
    affects: [['3.4.0', '3.4.3']],
    affectsText: '3.4.0 – 3.4.3',
    fixedIn: '3.4.4, 3.5.0',
    property: 'Liveness: votes are not totally ordered (a higher epoch beats a higher sid, which beats it back), so an election can flip forever.',
    checks: ['liveness'],
    invariants: [],
    oldBehaviour: 'totalOrderPredicate\'s sid clause does not require equal epochs: (zxid equal and sid higher) wins even against a higher peerEpoch',
  },
  {
    jira: 'ZOOKEEPER-2845',
    title: 'retained database hides a logged txn',
    affects: [['3.4.10', '3.4.11'], ['3.5.3', '3.5.3']],
    affectsText: '3.4.10 – 3.4.11, 3.5.3',
    fixedIn: '3.4.12, 3.5.4, 3.6.0',
    property: 'ProcessConsistency: a logged, never-committed proposal hides from the next leader and reappears after a restart.',
    checks: ['zab-invariants'],
    invariants: ['HistoryConsistency', 'ProcessConsistency', 'CommittedLogDurability', 'Integrity', 'StateAgreement'],
    oldBehaviour: 'a server keeps its in-memory database across elections without fast-forwarding it from its log, so its vote and ACKEPOCH report less than its log holds',
  },
  {
    jira: 'ZOOKEEPER-3911',
    title: 'DIFF txns acknowledged before they are logged',
    affects: [['3.4.10', '3.4.14'], ['3.5.3', '3.5.9'], ['3.6.0', '3.6.2']],
    affectsText: '3.4.10 – 3.4.14, 3.5.3 – 3.5.9, 3.6.0 – 3.6.2',
    fixedIn: '3.5.10, 3.6.3, 3.7.0',
    property: 'InitialHistoryDurability: the leader counts a NEWLEADER ACK from a follower that holds the synced txns in memory only, so a commit can be lost.',
    checks: ['zab-invariants'],
    invariants: ['InitialHistoryDurability', 'CommittedLogDurability', 'EpochHistory'],
    oldBehaviour: 'at NEWLEADER a DIFF-synced follower writes currentEpoch and ACKs; the synced txns reach its log only after UPTODATE',
  },
  {
    jira: 'ZOOKEEPER-4643',
    title: 'currentEpoch written before the synced txns',
    affects: [['3.5.10', '3.5.10'], ['3.6.3', '3.8.4'], ['3.9.0', '3.9.1']],
    affectsText: '3.5.10, 3.6.3 – 3.8.4, 3.9.0 – 3.9.1',
    fixedIn: '3.8.5, 3.9.2',
    property: 'CommittedLogDurability: a follower that crashes between the two writes boots with the new epoch and the old log, wins the next election and truncates a committed txn.',
    checks: ['zab-invariants'],
    invariants: ['EpochHistory', 'CommittedLogDurability'],
    oldBehaviour: 'at NEWLEADER the follower writes currentEpoch first and only then hands the synced txns to its log',
  },
  {
    jira: 'ZOOKEEPER-4646',
    title: 'NEWLEADER ACK before the fsync',
    affects: [['3.5.10', '3.5.10'], ['3.6.3', '3.8.4'], ['3.9.0', '3.9.1']],
    affectsText: '3.5.10, 3.6.3 – 3.8.4, 3.9.0 – 3.9.1',
    fixedIn: '3.8.5, 3.9.2',
    property: 'InitialHistoryDurability: the leader counts a NEWLEADER ACK whose synced txns are not on disk yet, so a commit can be lost.',
    checks: ['zab-invariants'],
    invariants: ['InitialHistoryDurability', 'CommittedLogDurability', 'EpochHistory'],
    oldBehaviour: 'at NEWLEADER the follower hands the synced txns to its asynchronous log thread, writes currentEpoch and ACKs before the log thread has fsynced them (every release with it also wrote currentEpoch first: ZOOKEEPER-4643)',
  },
  {
    jira: 'ZOOKEEPER-4685',
    title: 'a PROPOSAL ACK overtakes the NEWLEADER ACK',
    affects: [['3.5.10', '3.5.10'], ['3.6.3', '3.8.4'], ['3.9.0', '3.9.1']],
    affectsText: '3.5.10, 3.6.3 – 3.8.4, 3.9.0 – 3.9.1',
    fixedIn: '3.8.5, 3.9.2',
    property: 'Liveness: the leader takes the follower\'s first ACK for its NEWLEADER ACK, discards it for its zxid, never counts that follower and gives up after initLimit.',
    checks: ['zab-invariants', 'liveness'],
    invariants: ['NewLeaderAck'],
    oldBehaviour: 'the follower\'s log thread ACKs the txns synced at NEWLEADER as soon as they are fsynced, racing the NEWLEADER ACK its main thread sends up to 10 ms later. In the affected releases the main thread ACKs without waiting for the fsync (ZOOKEEPER-4646), so either ACK may come first; with this switch alone the NEWLEADER ACK waits for the fsync and the log thread always wins',
  },
  {
    jira: 'ZOOKEEPER-4712',
    title: 'the sync thread outlives the follower role',
    affects: [['3.4.12', '3.4.14'], ['3.5.4', '3.5.10'], ['3.6.0', '3.9.2']],
    affectsText: '3.4.12 – 3.4.14, 3.5.4 – 3.9.2',
    fixedIn: '3.9.3',
    property: 'HistoryConsistency: a proposal the stale log thread writes after the role ended is missed by the fast-forward, hides from the next leader and comes back at a restart.',
    checks: ['zab-invariants'],
    invariants: ['HistoryConsistency', 'ProcessConsistency', 'InitialHistoryDurability', 'Integrity'],
    oldBehaviour: 'when a follower\'s or observer\'s role ends, proposals still waiting for its log thread are written after the fast-forward has read the log (a leader stops its log thread first)',
  },
  {
    jira: 'ZOOKEEPER-1675',
    title: 'sync() is not a quorum operation',
    affects: [ALL],
    affectsText: 'every release (open; documented)',
    fixedIn: 'open (ZOOKEEPER-2136 proposes a quorum sync)',
    property: 'Linearizability of sync + read: an old leader that still believes it leads answers sync for its own followers, so the read after it can miss a write another quorum committed.',
    checks: ['linearizability'],
    invariants: [],
    oldBehaviour: 'the default: a leader answers SYNC once what it proposed earlier has committed, without asking a quorum whether it still leads; the protocol option quorumSync is the proposed fix',
    caveat: true,
  },
] as const satisfies readonly KnownBug[];

/** The switches: every known bug except the caveats, which the default model has. */
export type LegacyId = Exclude<(typeof KNOWN_BUGS)[number], { caveat: true }>['jira'];

export const LEGACY_IDS = KNOWN_BUGS.filter((b): b is Extract<(typeof KNOWN_BUGS)[number], { jira: LegacyId }> => !('caveat' in b)).map((b) => b.jira) as LegacyId[];

export function isLegacyId(id: string): id is LegacyId {
  return (LEGACY_IDS as string[]).includes(id);
}

export function knownBug(jira: string): KnownBug | undefined {
  return KNOWN_BUGS.find((b) => b.jira === jira);
}

/** Whether a component's configuration switches the old behaviour of `id` on (absent: today's behaviour). */
export function hasLegacy(legacy: readonly string[] | undefined, id: LegacyId): boolean {
  return legacy !== undefined && legacy.includes(id);
}
