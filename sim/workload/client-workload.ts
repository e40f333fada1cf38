/**
 * A client process's workload for scenarios: one session (to any server of the ensemble), and a
 * stream of random operations over a few znodes — creates (some ephemeral), setData, getData,
 * exists, delete, and sync + getData — at a steady rate. Every op is noted when called and when
 * answered, with its outcome: `ok`, `fail` (the server answered an error) or `unknown`
 * (CONNECTION_LOSS: it may or may not have happened); the notes are the client history the
 * checkers read (sim/check/zk-history/). A session that expires is replaced by a new one.
 */
import type { ClientCall, ClientProcess } from '../client/client-node.js';
import type { SimZkClient } from '../client/sim-client.js';
import type { Data, Result, Stat } from '../client/zk-client.js';
import { formatZxid } from '../zk/zxid.js';
import type { BugName } from '../bugs/catalog.js';

export interface ClientWorkload {
  /** Operations per second this client issues. */
  opsPerSecond: number;
  keys: number;
  sessionTimeoutMs: number;
  /** Only reads: getData, exists and sync + getData (a reader never waits behind its own writes). */
  readOnly?: boolean;
  /** Planted bugs switched on (sim/bugs/catalog.ts); absent in a clean run. */
  bugs?: readonly BugName[];
}

export const DEFAULT_CLIENT_WORKLOAD: ClientWorkload = { opsPerSecond: 10, keys: 8, sessionTimeoutMs: 10_000 };

export function clientWorkload(w: ClientWorkload): ClientCall {
  return (proc: ClientProcess) => {
    const options = { sessionTimeoutMs: w.sessionTimeoutMs, ...(w.bugs === undefined ? {} : { bugs: w.bugs }) };
    let handle: SimZkClient = proc.connect(options);
    let n = 0;
    const interval = Math.max(1, Math.round(1000 / w.opsPerSecond));
    const tick = (): void => {
      if (handle.state === 'EXPIRED' || handle.state === 'CLOSED') {
        proc.note(`${proc.node} starts a new session (the old one is ${handle.state.toLowerCase()})`);
        handle = proc.connect(options);
      }
      n = issue(proc, handle, n, w.keys, w.readOnly === true);
      proc.after(interval, tick);
    };
    proc.after(interval, tick);
  };
}

/** What a client note says about one op: the invocation, then its completion (same `id`). */
export interface ClientOpNote {
  /** Per process, in issue order. */
  id: number;
  phase: 'invoke' | 'complete';
  op: WorkloadOp;
  path: string;
  /** The data a create or setData writes. */
  value?: string;
  /**
   * Completion: ZooKeeper's answer, and what it means for the history: `fail` when a server
   * refused it or it was never sent; `unknown` when it was sent and no answer came back.
   */
  rc?: string;
  outcome?: 'ok' | 'fail' | 'unknown';
  /** The session (ephemeral owner; at the call if known) and the reply header's zxid (absent if no reply). */
  session?: string | null;
  zxid?: string;
  /** Completion of getData / exists / setData: the data and data version the answer carried. */
  data?: string | null;
  version?: number;
}

export type WorkloadOp = 'create' | 'create-ephemeral' | 'setData' | 'getData' | 'exists' | 'delete' | 'sync' | 'getData-after-sync';

const READ_KINDS = [3, 4, 6];

function issue(proc: ClientProcess, h: SimZkClient, n: number, keys: number, readOnly: boolean): number {
  const r = proc.random.int(1_000_000);
  const path = `/c${r % keys}`;
  const value = `${proc.node}-${n}`;
  const kind = readOnly ? READ_KINDS[Math.floor(r / keys) % READ_KINDS.length] : Math.floor(r / keys) % 7;
  let id = n;
  // Every op is noted when called and when answered, on the kernel's clock: the history's interval.
  const call = (op: WorkloadOp, withValue: boolean) => {
    const opId = id++;
    const note: ClientOpNote = { id: opId, phase: 'invoke', op, path, ...(withValue ? { value } : {}), ...(h.sessionId !== null ? { session: h.sessionId } : {}) };
    proc.note(`${proc.node} calls ${op} ${path}`, { client: note });
    return (res: Result<{ stat?: Stat; data?: Data }>) => {
      // No answer from a server and the request had left: it may or may not have happened.
      const outcome = res.rc === 'OK' ? 'ok' : h.replyZxid === undefined && !h.failedUnsent ? 'unknown' : 'fail';
      const done: ClientOpNote = { ...note, phase: 'complete', rc: res.rc, outcome, session: h.sessionId };
      if (h.replyZxid !== undefined) done.zxid = formatZxid(h.replyZxid);
      if (res.rc === 'OK' && res.data !== undefined) done.data = res.data;
      if (res.rc === 'OK' && res.stat !== undefined) done.version = res.stat.version;
      proc.note(`${proc.node} ${op} ${path} → ${res.rc}`, { client: done });
    };
  };
  switch (kind) {
    case 0:
      h.create(path, value, 'PERSISTENT', call('create', true));
      break;
    case 1:
      h.create(path, value, 'EPHEMERAL', call('create-ephemeral', true));
      break;
    case 2:
      h.setData(path, value, -1, call('setData', true));
      break;
    case 3:
      h.getData(path, false, call('getData', false));
      break;
    case 4:
      h.exists(path, false, call('exists', false));
      break;
    case 5:
      h.delete(path, -1, call('delete', false));
      break;
    default:
      // sync then read, pipelined on one session: the read is served after the sync (FIFO).
      h.sync(path, call('sync', false));
      h.getData(path, false, call('getData-after-sync', false));
  }
  return id;
}
