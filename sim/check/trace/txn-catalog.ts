/**
 * Every transaction the trace shows (in PROPOSAL and INFORM packets), by zxid: the body the first
 * sender gave it, and every later copy that disagrees. A zxid names one transaction on every
 * server (Zab's Agreement), so two different bodies under one zxid are a violation whoever sends
 * them; the first copy stands for the transaction in the other checks.
 */
import type { TxnBody } from '../../zk/txn.js';
import { zkey, type Ref } from './common.js';
import type { FieldReader, Obj } from './input.js';

export interface TxnRecord {
  key: number;
  body: TxnBody;
  /** The body as JSON, for comparing copies. */
  json: string;
  /** The session the request came from, and the client's xid (cxid) when a client asked for it. */
  sessionId: string;
  cxid: number | undefined;
  /** The server that first sent it, to whom, and where. */
  from: string;
  to: string;
  ref: Ref;
}

export interface BodyConflict {
  key: number;
  first: TxnRecord;
  from: string;
  to: string;
  json: string;
  ref: Ref;
}

export interface ParsedTxn {
  key: number;
  body: TxnBody;
  sessionId: string;
  cxid: number | undefined;
}

/** Reads `msg.txn` and the body fields the checkers use. */
export function readTxn(r: FieldReader, msg: Obj, path: string): ParsedTxn {
  const t = r.obj(msg, 'txn', `${path}.txn`);
  const key = zkey(r.zxid(t, 'zxid', `${path}.txn.zxid`));
  const sessionId = r.str(t, 'sessionId', `${path}.txn.sessionId`);
  const cxid = t.cxid === undefined ? undefined : r.int(t, 'cxid', `${path}.txn.cxid`);
  const body = r.obj(t, 'body', `${path}.txn.body`);
  readBody(r, body, `${path}.txn.body`, true);
  return { key, body: body as unknown as TxnBody, sessionId, cxid };
}

function readBody(r: FieldReader, b: Obj, path: string, top: boolean): void {
  const type = r.str(b, 'type', `${path}.type`);
  switch (type) {
    case 'create':
      r.str(b, 'path', `${path}.path`);
      r.str(b, 'owner', `${path}.owner`);
      return;
    case 'delete':
    case 'setData':
    case 'check':
      r.str(b, 'path', `${path}.path`);
      return;
    case 'error':
      return;
    default:
      break;
  }
  if (!top) r.fail(`${path}.type`, 'create, delete, setData, check or error inside a multi', type);
  switch (type) {
    case 'multi': {
      const txns = b.txns;
      if (!Array.isArray(txns)) r.fail(`${path}.txns`, 'a list', txns);
      (txns as unknown[]).forEach((s, i) => {
        if (typeof s !== 'object' || s === null) r.fail(`${path}.txns[${i}]`, 'an object', s);
        readBody(r, s as Obj, `${path}.txns[${i}]`, false);
      });
      return;
    }
    case 'createSession':
      r.str(b, 'sessionId', `${path}.sessionId`);
      return;
    case 'closeSession':
      r.str(b, 'sessionId', `${path}.sessionId`);
      r.strings(b, 'paths', `${path}.paths`);
      return;
    case 'deleteContainer':
      r.str(b, 'path', `${path}.path`);
      return;
    default:
      r.fail(`${path}.type`, 'a transaction type (create, delete, setData, multi, createSession, closeSession, deleteContainer, error)', type);
  }
}

export class TxnCatalog {
  private readonly txns = new Map<number, TxnRecord>();
  readonly conflicts: BodyConflict[] = [];
  conflictCount = 0;

  get size(): number {
    return this.txns.size;
  }

  get(key: number): TxnRecord | undefined {
    return this.txns.get(key);
  }

  /** A copy of a transaction sent from `from` to `to`; returns the record that stands for its zxid. */
  record(t: ParsedTxn, from: string, to: string, ref: Ref): TxnRecord {
    const known = this.txns.get(t.key);
    if (known === undefined) {
      const rec: TxnRecord = { key: t.key, body: t.body, json: JSON.stringify(t.body), sessionId: t.sessionId, cxid: t.cxid, from, to, ref };
      this.txns.set(t.key, rec);
      return rec;
    }
    // The same object in memory (a run checked as it happens) is the same transaction.
    if (known.body === t.body && known.sessionId === t.sessionId) return known;
    const json = JSON.stringify(t.body);
    if (json !== known.json || t.sessionId !== known.sessionId) {
      this.conflictCount++;
      if (this.conflicts.length < 20) this.conflicts.push({ key: t.key, first: known, from, to, json: t.sessionId === known.sessionId ? json : `${json} (session ${t.sessionId})`, ref });
    }
    return known;
  }
}
