/**
 * The parts of message payloads the checkers read, taken from a `send` event once (with field
 * checks that name the line) and kept until the message is delivered or dropped.
 */
import { zkey } from './common.js';
import type { FieldReader, Obj } from './input.js';
import { readTxn, type ParsedTxn } from './txn-catalog.js';

/** Quorum-port packets (leader ↔ learner), as far as the replica model needs them. */
export type QuorumPayload =
  | { t: 'FOLLOWERINFO'; observer: boolean }
  | { t: 'LEADERINFO'; newEpoch: number }
  | { t: 'ACKEPOCH'; last: number }
  | { t: 'DIFF' | 'TRUNC' | 'SNAP'; key: number }
  | { t: 'PROPOSAL' | 'INFORM'; txn: ParsedTxn }
  | { t: 'COMMIT'; key: number }
  | { t: 'NEWLEADER'; epoch: number }
  | { t: 'UPTODATE' }
  | { t: 'other' };

export function readQuorumPayload(r: FieldReader, msg: Obj): QuorumPayload {
  const t = r.str(msg, 't', 'msg.t');
  switch (t) {
    case 'FOLLOWERINFO':
      return { t, observer: r.bool(msg, 'observer', 'msg.observer') };
    case 'LEADERINFO':
      return { t, newEpoch: r.int(msg, 'newEpoch', 'msg.newEpoch') };
    case 'ACKEPOCH':
      return { t, last: zkey(r.zxid(msg, 'lastZxid', 'msg.lastZxid')) };
    case 'DIFF':
    case 'TRUNC':
    case 'SNAP':
      return { t, key: zkey(r.zxid(msg, 'zxid', 'msg.zxid')) };
    case 'PROPOSAL':
    case 'INFORM':
      return { t, txn: readTxn(r, msg, 'msg') };
    case 'COMMIT':
      return { t, key: zkey(r.zxid(msg, 'zxid', 'msg.zxid')) };
    case 'NEWLEADER':
      return { t, epoch: r.zxid(msg, 'zxid', 'msg.zxid').epoch };
    case 'UPTODATE':
      return { t };
    default:
      return { t: 'other' };
  }
}

/** A client's request, as the checkers see it. */
export interface ClientRequest {
  op: string;
  path?: string;
  watch?: boolean;
  /** create and addWatch: the mode; removeWatches: the watcher type (DATA, CHILDREN, ANY). */
  mode?: string;
  data?: unknown;
  /** multi: the sub-operations. */
  ops?: { op: string; path: string; mode?: string; data?: unknown }[];
  /** setWatches: the paths re-set per kind, as of `relativeZxid`. */
  setWatches?: { data: string[]; exist: string[]; child: string[]; persistent: string[]; persistentRecursive: string[] };
}

export type ClientToServer = { t: 'request'; xid: number; req: ClientRequest } | { t: 'other' };

export function readClientToServer(r: FieldReader, msg: Obj): ClientToServer {
  const t = r.str(msg, 't', 'msg.t');
  if (t !== 'request') return { t: 'other' };
  const xid = r.int(msg, 'xid', 'msg.xid');
  const q = r.obj(msg, 'req', 'msg.req');
  const op = r.str(q, 'op', 'msg.req.op');
  const req: ClientRequest = { op };
  switch (op) {
    case 'getData':
    case 'exists':
    case 'getChildren':
      req.path = r.str(q, 'path', 'msg.req.path');
      req.watch = r.bool(q, 'watch', 'msg.req.watch');
      break;
    case 'create':
      req.path = r.str(q, 'path', 'msg.req.path');
      req.mode = r.str(q, 'mode', 'msg.req.mode');
      req.data = q.data;
      break;
    case 'delete':
    case 'sync':
      req.path = r.str(q, 'path', 'msg.req.path');
      break;
    case 'removeWatches':
      req.path = r.str(q, 'path', 'msg.req.path');
      req.mode = r.str(q, 'type', 'msg.req.type');
      break;
    case 'setData':
      req.path = r.str(q, 'path', 'msg.req.path');
      req.data = q.data;
      break;
    case 'addWatch':
      req.path = r.str(q, 'path', 'msg.req.path');
      req.mode = r.str(q, 'mode', 'msg.req.mode');
      break;
    case 'multi': {
      const ops = q.ops;
      if (!Array.isArray(ops)) r.fail('msg.req.ops', 'a list of operations', ops);
      req.ops = (ops as unknown[]).map((x, i) => {
        if (typeof x !== 'object' || x === null) r.fail(`msg.req.ops[${i}]`, 'an object', x);
        const o = x as Obj;
        const sub = { op: r.str(o, 'op', `msg.req.ops[${i}].op`), path: r.str(o, 'path', `msg.req.ops[${i}].path`) } as { op: string; path: string; mode?: string; data?: unknown };
        if (sub.op === 'create') sub.mode = r.str(o, 'mode', `msg.req.ops[${i}].mode`);
        if (sub.op === 'create' || sub.op === 'setData') sub.data = o.data;
        return sub;
      });
      break;
    }
    case 'setWatches':
      req.setWatches = {
        data: r.strings(q, 'data', 'msg.req.data'),
        exist: r.strings(q, 'exist', 'msg.req.exist'),
        child: r.strings(q, 'child', 'msg.req.child'),
        persistent: r.strings(q, 'persistent', 'msg.req.persistent'),
        persistentRecursive: r.strings(q, 'persistentRecursive', 'msg.req.persistentRecursive'),
      };
      break;
    default:
      break;
  }
  return { t: 'request', xid, req };
}

export type ServerToClient =
  | { t: 'connected'; sessionId: string; timeoutMs: number }
  | { t: 'reply'; xid: number; zxid: number; rc: string; body: Obj | undefined }
  | { t: 'event'; type: string; path: string }
  | { t: 'pong'; zxid: number }
  | { t: 'other' };

export function readServerToClient(r: FieldReader, msg: Obj): ServerToClient {
  const t = r.str(msg, 't', 'msg.t');
  switch (t) {
    case 'connected':
      return { t, sessionId: r.str(msg, 'sessionId', 'msg.sessionId'), timeoutMs: r.int(msg, 'timeoutMs', 'msg.timeoutMs') };
    case 'reply':
      return {
        t,
        xid: r.int(msg, 'xid', 'msg.xid'),
        zxid: zkey(r.zxid(msg, 'zxid', 'msg.zxid')),
        rc: r.str(msg, 'rc', 'msg.rc'),
        body: msg.body === undefined ? undefined : r.obj(msg, 'body', 'msg.body'),
      };
    case 'event':
      return { t, type: r.str(msg, 'type', 'msg.type'), path: r.str(msg, 'path', 'msg.path') };
    case 'pong':
      return { t, zxid: zkey(r.zxid(msg, 'zxid', 'msg.zxid')) };
    default:
      return { t: 'other' };
  }
}
