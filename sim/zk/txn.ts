/**
 * Transactions: what the server logs and applies. Preparing a request (prep.ts) turns it into
 * exactly one of these; a failed write becomes an `error` txn so it still takes its zxid and its
 * place in the order of writes, as in ZooKeeper.
 */
import type { Data, ErrorName, SessionId } from '../client/zk-client.js';
import type { Zxid } from './zxid.js';

export type SubTxn =
  | { type: 'create'; path: string; data: Data; owner: SessionId; ttlMs?: number }
  | { type: 'delete'; path: string }
  | { type: 'setData'; path: string; data: Data; version: number }
  | { type: 'check'; path: string }
  /** An aborted multi's entry: OK (rolled back), the failure, or RUNTIME_INCONSISTENCY. */
  | { type: 'error'; rc: 'OK' | ErrorName };

export type TxnBody =
  | SubTxn
  | { type: 'multi'; txns: SubTxn[] }
  | { type: 'createSession'; sessionId: SessionId; timeoutMs: number }
  /** `paths` lists the session's ephemerals, deleted by this one transaction in this order. */
  | { type: 'closeSession'; sessionId: SessionId; paths: string[] }
  /** A container or TTL node reaped by the server. */
  | { type: 'deleteContainer'; path: string };

export interface Txn {
  zxid: Zxid;
  /** The session the request came from ('0x0…' for the server's own). */
  sessionId: SessionId;
  /** The leader's wall clock when it prepared the request (ctime/mtime). */
  time: number;
  body: TxnBody;
  /** In an ensemble: the server whose client sent the request, and the client's xid (cxid), so that server can answer. */
  origin?: number;
  cxid?: number;
}
