/**
 * The linearizability verdict of a run with clients: ZooKeeper's writes (failed ones included:
 * an error answer is an observation of the leader's state) must be linearizable, znode by znode.
 * Plain reads are left to the session checks. Reads right after a sync are checked too, but apart
 * and by zxid (staleSyncReads): ZooKeeper documents that sync + read is not linearizable when an
 * old leader still believes it leads (ZOOKEEPER-1675), so a stale one is reported as that caveat —
 * shown, not hidden, and not a violation of what ZooKeeper promises. (`zksim check` on the history
 * `--history` writes judges the sync+reads by search, as linearizable reads.)
 */
import { checkHistory, type LinResult } from '../linearizability/check.js';
import type { History } from '../linearizability/history.js';
import type { TraceEvent } from '../../kernel/trace/events.js';
import type { Checker, Verdict } from '../verdict.js';
import { ClientHistoryRecorder, type ZkClientOp } from './client-ops.js';
import { compareZxid, formatZxid, parseZxid, type Zxid } from '../../zk/zxid.js';
import { znodeHistory } from './znode-history.js';

/** Search steps before the verdict is `unknown` (a count, not a clock: runs stay deterministic). */
export const LIN_STEP_BUDGET = 50_000_000;

export class ZkLinearizability implements Checker {
  readonly name = 'linearizability';
  readonly history = new ClientHistoryRecorder();

  constructor(
    private readonly scenarioName: string,
    /** "strict": a stale sync+read fails the check instead of being reported as the caveat. */
    private readonly syncReads: 'caveat' | 'strict' = 'caveat',
  ) {}

  onEvent(e: TraceEvent): void {
    this.history.onEvent(e);
  }

  /** The client history in the interchange format (`zksim run --history`). */
  interchange(): History {
    return znodeHistory(this.history.ops, this.history.closes, { name: this.scenarioName, source: `zksim run of ${this.scenarioName}` });
  }

  finish(): Verdict {
    const check = this.name;
    const writes = znodeHistory(this.history.ops, this.history.closes, { name: this.scenarioName, withReads: 'none' });
    const r = checkHistory(writes, { maxSteps: LIN_STEP_BUDGET });
    const counts = countOutcomes(writes);
    const what = `${counts.total} writes on ${r.partitions} znodes (${counts.ok} ok, ${counts.fail} failed, ${counts.pending} sent but unanswered: outcome unknown; ${counts.expire} session-close proposals, committed or not)`;
    if (r.verdict === 'unknown') return { check, status: 'unknown', summary: `gave up on ${what} after ${r.steps} search steps (znode ${r.failedKey})`, violations: [] };
    if (r.verdict === 'not-linearizable') {
      return { check, status: 'fail', summary: `writes are not linearizable: ${failure(writes, r)}`, violations: [failure(writes, r)] };
    }
    const stale = staleSyncReads(this.history.ops);
    const syncReads = this.history.ops.filter((o) => o.op === 'getData-after-sync' && o.zxid !== undefined).length;
    if (syncReads === 0) return { check, status: 'pass', summary: `${what}: linearizable`, violations: [] };
    if (this.syncReads === 'strict' && stale.length > 0) {
      return { check, status: 'fail', summary: `writes are linearizable, but ${stale.length} of ${syncReads} sync+reads were stale (ZOOKEEPER-1675: sync is not a quorum operation); first: ${stale[0]}`, violations: stale };
    }
    const syncNote =
      stale.length === 0
        ? `; none of its ${syncReads} sync+reads was stale`
        : `; but ${stale.length} of its ${syncReads} sync+reads were stale — ZooKeeper's documented caveat (ZOOKEEPER-1675: sync + read is not linearizable while an old leader still thinks it leads), not a broken promise. First: ${stale[0]}`;
    return { check, status: 'pass', summary: `${what}: linearizable${syncNote}`, violations: [] };
  }
}

/**
 * Sync + read is stale when a write to the same path with a newer zxid had already been
 * acknowledged (to anyone) before the read was called: no point of the read's interval shows what
 * it returned. The zxid says which committed state the read showed (zk-sessions checks that it
 * did show exactly that state), so this needs no search.
 */
export function staleSyncReads(ops: readonly ZkClientOp[]): string[] {
  const acked = new Map<string, { zxid: Zxid; op: ZkClientOp }[]>();
  for (const o of ops) {
    if (!WRITES.has(o.op) || o.outcome !== 'ok' || o.zxid === undefined) continue;
    let list = acked.get(o.path);
    if (list === undefined) acked.set(o.path, (list = []));
    list.push({ zxid: parseZxid(o.zxid)!, op: o });
  }
  const out: string[] = [];
  for (const r of ops) {
    if (r.op !== 'getData-after-sync' || r.zxid === undefined) continue;
    const z = parseZxid(r.zxid)!;
    const newer = (acked.get(r.path) ?? []).find((w) => w.op.return! < r.call && compareZxid(w.zxid, z) > 0);
    if (newer !== undefined) {
      out.push(
        `${r.process}'s sync+read of ${r.path} [${r.call}, ${r.return}] showed the state at zxid ${r.zxid}, but ${newer.op.process}'s ${newer.op.op} (zxid ${formatZxid(newer.zxid)}) was acknowledged at ${newer.op.return}, before the read was called`,
      );
    }
  }
  return out;
}

const WRITES = new Set(['create', 'create-ephemeral', 'setData', 'delete']);

function failure(h: History, r: LinResult): string {
  const ops = h.ops.filter((o) => o.input.key === r.failedKey);
  return `znode ${r.failedKey}: at most ${r.bestPrefix} of its ${r.partitionOps} ops linearize (first ops: ${ops
    .slice(0, 3)
    .map((o) => `${o.input.f}@${o.call}`)
    .join(', ')}…); zksim run --history FILE, then zksim check FILE --explain shows why`;
}

function countOutcomes(h: History): { total: number; ok: number; fail: number; unknown: number; pending: number; expire: number } {
  // Unknown outcomes are all pending here (znode-history.ts): counted once, as pending.
  const c = { total: 0, ok: 0, fail: 0, unknown: 0, pending: 0, expire: 0 };
  for (const o of h.ops) {
    if (o.input.f === 'expire') {
      c.expire++;
      continue;
    }
    c.total++;
    if (o.pending) c.pending++;
    else c[o.output.status]++;
  }
  return c;
}
