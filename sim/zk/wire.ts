/**
 * Messages on the client port, shaped after ZooKeeper's client protocol: a connect handshake,
 * requests tagged with an xid, replies carrying the server's last zxid, watch notifications (xid -1
 * in ZooKeeper) and pings (xid -2).
 */
import type { AddWatchMode, Data, ErrorName, EventType, MultiOp, SessionId, WatcherType } from '../client/zk-client.js';
import type { Zxid } from './zxid.js';
import type { WriteRequest } from './prep.js';

export const CLIENT_PORT = 'client';

export type ReadRequest =
  | { op: 'getData'; path: string; watch: boolean }
  | { op: 'exists'; path: string; watch: boolean }
  | { op: 'getChildren'; path: string; watch: boolean };

/** Watches a reconnecting client still holds, re-set as of the last zxid it saw (SetWatches2). */
export interface SetWatches {
  op: 'setWatches';
  relativeZxid: Zxid;
  data: string[];
  exist: string[];
  child: string[];
  persistent: string[];
  persistentRecursive: string[];
}

export type ClientRequest =
  | ReadRequest
  | Exclude<WriteRequest, { op: 'createSession' | 'deleteContainer' }>
  | { op: 'sync'; path: string }
  | { op: 'addWatch'; path: string; mode: AddWatchMode }
  | { op: 'removeWatches'; path: string; type: WatcherType }
  | SetWatches;

/** The requests a server turns into a transaction (everything else it answers from its tree). */
export type WriteClientRequest = Extract<ClientRequest, { op: 'create' | 'delete' | 'setData' | 'multi' | 'closeSession' }>;

export function isWrite(req: ClientRequest): req is WriteClientRequest {
  return req.op === 'create' || req.op === 'delete' || req.op === 'setData' || req.op === 'multi' || req.op === 'closeSession';
}

export type ClientMsg =
  | { t: 'connect'; lastZxidSeen: Zxid; timeoutMs: number; sessionId: SessionId; passwd: string }
  | { t: 'request'; xid: number; req: ClientRequest }
  | { t: 'ping' };

export type ReplyBody = {
  path?: string;
  data?: Data;
  stat?: import('../client/zk-client.js').Stat;
  children?: string[];
  results?: import('../client/zk-client.js').MultiOpResult[];
  committed?: boolean;
};

export type ServerMsg =
  /** timeoutMs 0: the session is expired or unknown. */
  | { t: 'connected'; timeoutMs: number; sessionId: SessionId; passwd: string }
  | { t: 'reply'; xid: number; zxid: Zxid; rc: 'OK' | ErrorName; body?: ReplyBody }
  /** A watch notification; ZooKeeper 3.8 sends it with zxid -1, so it carries none. */
  | { t: 'event'; type: EventType; path: string }
  | { t: 'pong'; zxid: Zxid };

export type ZkMsg = ClientMsg | ServerMsg;

export type { MultiOp };
