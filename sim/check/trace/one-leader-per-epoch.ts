/**
 * One leader per epoch: no two servers establish leadership of the same epoch (the `established`
 * note a leader writes when a quorum has acknowledged NEWLEADER), and only an epoch's leader
 * commits transactions of that epoch (a commit note for a zxid of epoch e by any other server
 * means a second server acted as e's leader).
 */
import { Findings, fmtKey, fromKey, where, type Ref, type TraceCheckVerdict } from './common.js';
import type { FinishedTrace, TraceCheck } from './model.js';
import type { Establishment } from './replicas.js';

export class OneLeaderPerEpoch implements TraceCheck {
  readonly name = 'one-leader-per-epoch';
  private readonly findings = new Findings(this.name);
  private readonly leaders = new Map<number, { node: string; ref: Ref }>();
  /** Reported once per (server, epoch), however many transactions a rogue leader commits. */
  private readonly reported = new Set<string>();
  private commits = 0;

  established(e: Establishment): void {
    const prev = this.leaders.get(e.epoch);
    if (prev === undefined) {
      this.leaders.set(e.epoch, { node: e.node, ref: e.ref });
      return;
    }
    if (prev.node === e.node) return;
    this.findings.add(e.ref, [prev.node, e.node], `epoch ${e.epoch} has two leaders: ${prev.node} established it ${where(prev.ref)}, and ${e.node} established it again ${where(e.ref)}`, { epoch: e.epoch });
  }

  leaderCommitted(node: string, key: number, ref: Ref): void {
    this.commits++;
    const epoch = fromKey(key).epoch;
    const leader = this.leaders.get(epoch);
    if (leader?.node === node) return;
    const tag = `${node}/${epoch}`;
    if (this.reported.has(tag)) {
      this.findings.count++;
      return;
    }
    this.reported.add(tag);
    const why = leader === undefined ? `no server had established epoch ${epoch}` : `epoch ${epoch} is led by ${leader.node} (established ${where(leader.ref)})`;
    this.findings.add(ref, leader === undefined ? [node] : [leader.node, node], `${node} committed ${fmtKey(key)} ${where(ref)}, but ${why}`, { zxid: key, epoch });
  }

  finish(_t: FinishedTrace): TraceCheckVerdict {
    const list = [...this.leaders].sort((a, b) => a[0] - b[0]);
    const shown = list.slice(-6).map(([e, l]) => `${e}: ${l.node}`);
    const names = list.length > 6 ? `…, ${shown.join(', ')}` : shown.join(', ');
    return this.findings.verdict(
      `one leader per epoch: ${list.length} epoch(s) established${list.length > 0 ? ` (${names})` : ''}, ${this.commits} commit(s), each by its epoch's leader`,
      'violation(s) of one leader per epoch',
    );
  }
}
