/**
 * Prefix consistency of committed transactions: every server's committed sequence is a stretch of
 * one history, so any two servers agree on what they have in common, by zxid and by content.
 *
 * - Agreement: every copy of a zxid sent anywhere (PROPOSAL, INFORM) carries the same transaction.
 * - Order: within a run (from a sync point until the server leaves its role or restarts), a
 *   server applies zxids in increasing order, each after its sync point.
 * - No gap: between two transactions a server applied one after the other (or between its sync
 *   point and the first), no committed transaction is missing.
 * - A COMMIT always names the oldest proposal the follower logged and has not applied yet.
 */
import { clip, Findings, fmtKey, upperBound, where, type Ref, type TraceCheckVerdict } from './common.js';
import type { FinishedTrace, TraceCheck } from './model.js';

export class PrefixConsistency implements TraceCheck {
  readonly name = 'prefix-consistency';
  private readonly findings = new Findings(this.name);

  commitMismatch(node: string, key: number, expected: number, ref: Ref): void {
    this.findings.add(ref, [node], `${node} got COMMIT ${fmtKey(key)} ${where(ref)} while its oldest logged, unapplied proposal is ${fmtKey(expected)}: the leader's commits skip or reorder what it proposed`, { zxid: key });
  }

  finish(t: FinishedTrace): TraceCheckVerdict {
    const f = this.findings;
    for (const c of t.catalog.conflicts) {
      const state = t.committed.has(c.key) ? 'committed' : 'proposed';
      f.add(c.ref, [...new Set([c.first.from, c.first.to, c.from, c.to])], `${state} ${fmtKey(c.key)} has two contents: ${c.first.from} sent ${clip(c.first.json)} to ${c.first.to} ${where(c.first.ref)}, but ${c.from} sent ${clip(c.json)} to ${c.to} ${where(c.ref)}`, { zxid: c.key });
    }
    f.count += t.catalog.conflictCount - t.catalog.conflicts.length;

    const history = t.history;
    let applications = 0;
    const servers = new Set<string>();
    for (const run of t.replicas.runs) {
      if (run.keys.length > 0) servers.add(run.node);
      applications += run.keys.length;
      let prev = run.base;
      let prevText = run.base === undefined ? '' : `its sync point ${fmtKey(run.base)} (${run.start} ${where(run.startRef)})`;
      for (let i = 0; i < run.keys.length; i++) {
        const k = run.keys[i];
        const ref = { seq: run.seqs[i], at: run.ats[i] };
        if (prev !== undefined) {
          if (k <= prev) {
            f.add(ref, [run.node], `${run.node} applied ${fmtKey(k)} ${where(ref)} after ${prevText}: out of zxid order`, { zxid: k });
          } else {
            const j = upperBound(history, prev);
            if (j < history.length && history[j] < k) {
              const missing = history[j];
              const skipped = upperBound(history, k - 1) - j;
              const how = t.replicas.committed.get(missing)!;
              const what = skipped === 1 ? `committed ${fmtKey(missing)}` : `${skipped} committed txns from ${fmtKey(missing)}`;
              f.add(ref, [run.node, how.node], `${run.node} applied ${fmtKey(k)} ${where(ref)} right after ${prevText}, skipping ${what} (${how.how === 'commit' ? 'committed by' : 'in the initial history of'} ${how.node} ${where(how.ref)})`, { zxid: missing });
            }
          }
        }
        prev = k;
        prevText = fmtKey(k);
      }
    }
    return f.verdict(
      `${t.catalog.size} zxid(s), each with one content everywhere; ${applications} commit(s) applied by ${servers.size} server(s) in ${t.replicas.runs.length} run(s), each in order and without a gap in the committed history of ${history.length} txn(s)`,
      'violation(s) of prefix consistency',
    );
  }
}
