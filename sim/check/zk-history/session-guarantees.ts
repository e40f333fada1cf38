/**
 * ZooKeeper's promises to one session (../shared/reference/zookeeper-protocol.md §2), judged on
 * the client history of a run against the committed transactions:
 * - FIFO: a session's answers come back in the order it sent the requests;
 * - monotonic reads: the zxid a session observes never goes back, across reconnects too;
 * - read-your-writes: after its write is acknowledged, a session reads that write or newer;
 * - reads may be stale but show exactly the committed state at the zxid their answer carries;
 * - an acknowledged write is the committed transaction at the zxid its answer carries (and a
 *   setData's answered version is that transaction's);
 * - a session's close deletes every ephemeral the session still owned.
 * Linearizability of writes is the other checker's job (linearizability-checker.ts).
 */
import type { Checker, Verdict } from '../verdict.js';
import { Violations } from '../verdict.js';
import type { TraceEvent } from '../../kernel/trace/events.js';
import type { ZabInvariants } from '../zab-invariants.js';
import { compareZxid, formatZxid, parseZxid, type Zxid } from '../../zk/zxid.js';
import type { ClientHistoryRecorder, ZkClientOp } from './client-ops.js';
import { CommittedStates } from './committed-states.js';

const READS = new Set(['getData', 'exists', 'getData-after-sync']);
const WRITES = new Set(['create', 'create-ephemeral', 'setData', 'delete']);

export class SessionGuarantees implements Checker {
  readonly name = 'zk-sessions';

  constructor(
    private readonly history: ClientHistoryRecorder,
    private readonly zab: ZabInvariants,
  ) {}

  onEvent(_e: TraceEvent): void {}

  finish(): Verdict {
    return judgeSessions(this.history.ops, this.zab.checksRun > 0 ? new CommittedStates(this.zab.committedTxns()) : undefined, this.name);
  }
}

const describe = (o: ZkClientOp): string => `${o.process} op #${o.id} ${o.op} ${o.path}`;

/** The checks, on plain data (tests call this directly). Without `committed` only the order checks run. */
export function judgeSessions(ops: readonly ZkClientOp[], committed: CommittedStates | undefined, check = 'zk-sessions'): Verdict {
  const v = new Violations();
  const bySession = new Map<string, ZkClientOp[]>();
  for (const o of ops) {
    if (o.return === undefined || o.session == null) continue;
    const key = `${o.process} ${o.session}`;
    let list = bySession.get(key);
    if (list === undefined) bySession.set(key, (list = []));
    list.push(o);
  }
  let reads = 0;
  let writes = 0;
  for (const [key, list] of bySession) {
    list.sort((a, b) => a.returnSeq! - b.returnSeq!);
    let prev: ZkClientOp | undefined;
    let seen: { zxid: Zxid; op: ZkClientOp } | undefined;
    let wrote: { zxid: Zxid; op: ZkClientOp } | undefined;
    for (const o of list) {
      if (prev !== undefined && o.id < prev.id) v.add(`FIFO: session ${key} got the answer to ${describe(o)} at ${o.return} after ${describe(prev)}, sent later`);
      prev = o;
      const z = o.zxid === undefined ? undefined : parseZxid(o.zxid);
      if (z === undefined) continue; // no reply from a server (e.g. CONNECTION_LOSS decided locally)
      if (READS.has(o.op) && wrote !== undefined && compareZxid(z, wrote.zxid) < 0) {
        v.add(`read-your-writes: ${describe(o)} at ${o.return} was answered at zxid ${o.zxid}, before the session's own acknowledged ${describe(wrote.op)} (${formatZxid(wrote.zxid)})`);
      } else if (seen !== undefined && compareZxid(z, seen.zxid) < 0) {
        v.add(`monotonic: session ${key} saw zxid ${o.zxid} (${describe(o)} at ${o.return}) after ${formatZxid(seen.zxid)} (${describe(seen.op)})`);
      }
      if (seen === undefined || compareZxid(z, seen.zxid) > 0) seen = { zxid: z, op: o };
      if (committed === undefined) continue;
      if (READS.has(o.op) && (o.outcome === 'ok' || o.rc === 'NO_NODE')) {
        reads++;
        const want = committed.stateAt(o.path, z);
        const got = o.outcome === 'ok' ? `${o.op === 'exists' ? 'exists' : JSON.stringify(o.data ?? null)} v${o.version}` : 'no node';
        const expected = want === null ? 'no node' : `${o.op === 'exists' ? 'exists' : JSON.stringify(want.data)} v${want.version}`;
        if (got !== expected) v.add(`committed read: ${describe(o)} at ${o.return} returned ${got}, but at its zxid ${o.zxid} the committed state was ${expected}`);
      }
      if (WRITES.has(o.op) && o.outcome === 'ok') {
        writes++;
        if (wrote === undefined || compareZxid(z, wrote.zxid) > 0) wrote = { zxid: z, op: o };
        const body = committed.txns.get(o.zxid!);
        const kind = o.op === 'setData' ? 'setData' : o.op === 'delete' ? 'delete' : 'create';
        const matches =
          body !== undefined &&
          body.type === kind &&
          body.path === o.path &&
          (kind === 'delete' || (body as { data: unknown }).data === o.value) &&
          (body.type !== 'setData' || o.version === undefined || body.version === o.version);
        if (!matches) v.add(`acknowledged write: ${describe(o)} was acknowledged at zxid ${o.zxid}, but the committed txn there is ${body === undefined ? 'none' : JSON.stringify(body)}`);
      }
    }
  }
  // A session's end takes its ephemerals with it: a close that leaves one behind breaks that promise.
  for (const c of committed?.closesLeavingEphemerals ?? []) {
    v.add(`ephemerals: the close of session ${c.session} (committed at ${formatZxid(c.zxid)}) left its ephemeral${c.paths.length > 1 ? 's' : ''} ${c.paths.join(', ')} in place`);
  }
  const basis = committed === undefined ? ' (no committed history: the ZAB invariant monitor was off, so reads and writes were not compared with it)' : `; ${reads} reads showed the committed state at their zxid; ${writes} acknowledged writes are committed where their answers said`;
  const verdict = v.verdict(check, `${bySession.size} sessions kept FIFO order, monotonic zxids and read-your-writes${basis}`, 'session guarantee violations');
  if (verdict.status === 'pass' && committed === undefined) return { ...verdict, status: 'unknown' };
  return verdict;
}
