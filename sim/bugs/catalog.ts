/**
 * Planted bugs: switches that make the model commit one realistic protocol mistake, so the
 * explorer and the checkers can prove they find it (`zksim explore --inject-bug NAME`). A clean
 * run has none on; a scenario or CLI that names one records it in the trace header
 * (`config.protocol.bugs`), so a repro replays with the bug in.
 *
 * Each switch is read where the mistake would be made (`hasBug(cfg.bugs, name)`), never globally:
 * protocol code stays a pure function of its configuration.
 */
export const PLANTED_BUGS = {
  'commit-before-quorum': 'the leader commits a proposal as soon as it has its own ACK, before a quorum acknowledged it',
  'ack-before-fsync': 'a follower ACKs a proposal before its log write is fsynced',
  'newleader-ack-before-durable': 'a follower ACKs NEWLEADER at once, before the synced txns and its new currentEpoch are on disk (the order ZOOKEEPER-4643/4646 fixed)',
  'looking-peer-ignored': 'a FOLLOWING or LEADING server does not answer a LOOKING server\'s notification, so a server that restarts or drops out cannot find the established leader',
  'ephemerals-survive-expiry': 'closing an expired (or any) session does not delete its ephemeral znodes: the leader prepares the closeSession txn with none of them listed',
  'leader-keeps-quorum-lost': 'a leader that lost contact with a quorum does not step down',
  'sequence-suffix-reused': 'a sequential create takes its suffix from the parent\'s number of children instead of its cversion, so a suffix is reused after a delete',
  'watch-fired-twice': 'the client leaves a data watch registered after it fires, so its next reconnect sets it again and it fires a second time',
  'read-uncommitted': 'a follower applies a proposal to its tree (and serves reads from it) before it is committed',
  'trunc-never-sent': 'the leader syncs a learner that is ahead of it with a DIFF instead of a TRUNC',
  'lock-watches-wrong-predecessor': 'the lock recipe watches the first child getChildren lists (name order: a guid, not the lowest sequence) rather than the one just before its own',
  'expiry-ignores-pings': 'a server counts only requests, not pings, as hearing from a session, so an idle client\'s session expires while it is connected',
} as const;

export type BugName = keyof typeof PLANTED_BUGS;

export const BUG_NAMES = Object.keys(PLANTED_BUGS) as BugName[];

export function isBugName(name: string): name is BugName {
  return Object.hasOwn(PLANTED_BUGS, name);
}

/** Whether a component's configuration switches the planted bug on (absent: a clean build). */
export function hasBug(bugs: readonly string[] | undefined, name: BugName): boolean {
  return bugs !== undefined && bugs.includes(name);
}
