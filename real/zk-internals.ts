/**
 * Typed access to the parts of node-zookeeper-client that its public API hides but the adapter needs:
 * the ConnectionManager (to send a request and see the reply header, whose zxid is the server's last
 * processed zxid) and the jute record classes (to build requests the public API builds wrongly).
 * Only what real-zk-client.ts uses is declared here; the shapes follow node-zookeeper-client 1.1.3.
 */
import { createRequire } from 'node:module';
import zookeeper from 'node-zookeeper-client';

const require = createRequire(import.meta.url);

/** A jute record: fields are set by name, longs are 8-byte big-endian Buffers, a missing buffer is `undefined`. */
export type JuteRecord = Record<string, unknown> & { setChrootPath(path: string | undefined): void };
type RecordClass = new (...args: unknown[]) => JuteRecord;

export interface JuteStat {
  czxid: Buffer;
  mzxid: Buffer;
  ctime: Buffer;
  mtime: Buffer;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: Buffer;
  dataLength: number;
  numChildren: number;
  pzxid: Buffer;
}

export interface ReplyHeader {
  xid: number;
  zxid: Buffer;
  err: number;
}

export interface JuteRequest {
  header: JuteRecord | null;
  payload: unknown;
}

export interface JuteResponse {
  header: ReplyHeader;
  payload: Record<string, unknown> | null;
}

/** The operations of a multi as the library's Transaction keeps them before serialising. */
export interface TransactionOp {
  type: number;
  path: string;
  data?: Buffer | null;
  acls?: unknown[];
  mode?: number;
  version?: number;
}

export interface LibraryTransaction {
  ops: TransactionOp[];
  create(path: string, ...dataAclsMode: unknown[]): LibraryTransaction;
  setData(path: string, data: Buffer | null, version?: number): LibraryTransaction;
  check(path: string, version?: number): LibraryTransaction;
  remove(path: string, version?: number): LibraryTransaction;
}

export interface Jute {
  OP_CODES: Record<
    | 'NOTIFICATION' | 'CREATE' | 'DELETE' | 'EXISTS' | 'GET_DATA' | 'SET_DATA' | 'GET_ACL' | 'SET_ACL' | 'GET_CHILDREN'
    | 'SYNC' | 'PING' | 'GET_CHILDREN2' | 'CHECK' | 'MULTI' | 'AUTH' | 'SET_WATCHES' | 'SASL' | 'CREATE_SESSION'
    | 'CLOSE_SESSION' | 'ERROR',
    number
  >;
  protocol: Record<string, RecordClass>;
  Request: new (header: JuteRecord | null, payload: unknown) => JuteRequest;
  TransactionRequest: new (ops: TransactionOp[]) => unknown;
}

/** What the library's WatcherManager does; real-zk-client.ts installs its own (see watch-manager.ts). */
export interface WatcherManagerLike {
  registerDataWatcher(path: string, watcher: unknown): void;
  registerChildWatcher(path: string, watcher: unknown): void;
  registerExistenceWatcher(path: string, watcher: unknown): void;
  getDataWatcherPaths(): string[];
  getChildWatcherPaths(): string[];
  getExistenceWatcherPaths(): string[];
  emit(event: { type: number; state: number; path: string }): void;
  isEmpty(): boolean;
}

export interface ConnectionManager {
  state: number;
  sessionId: Buffer;
  sessionTimeout: number;
  /** The zxid of the last reply header received (updated before the request's callback runs). */
  zxid: Buffer;
  socket?: { destroy(): void };
  watcherManager: WatcherManagerLike;
  setState(state: number): void;
  queue(request: JuteRequest, callback?: (error: { code: number } | null, response?: JuteResponse) => void): void;
  on(event: 'state', listener: (state: number) => void): void;
}

export const jute: Jute = require('node-zookeeper-client/lib/jute/index.js');

/** ConnectionManager.STATES: the connection manager's own states (the Client maps only some of them). */
export const CM_STATES: {
  DISCONNECTED: number;
  CONNECTING: number;
  CONNECTED: number;
  CONNECTED_READ_ONLY: number;
  CLOSING: number;
  CLOSED: number;
  SESSION_EXPIRED: number;
  AUTHENTICATION_FAILED: number;
} = require('node-zookeeper-client/lib/ConnectionManager.js').STATES;

export interface LibraryClient {
  connectionManager: ConnectionManager;
  connect(): void;
  transaction(): LibraryTransaction;
}

export function createLibraryClient(connectString: string, sessionTimeoutMs: number): LibraryClient {
  // retries 0: a request that loses its connection reports CONNECTION_LOSS instead of being re-sent.
  const client = zookeeper.createClient(connectString, { sessionTimeout: sessionTimeoutMs, retries: 0, spinDelay: 200 });
  return client as unknown as LibraryClient;
}

/** world:anyone with all permissions, the only ACL the conformance runs use. */
export const OPEN_ACL_UNSAFE: { toRecord(): unknown }[] = (zookeeper as unknown as { ACL: { OPEN_ACL_UNSAFE: { toRecord(): unknown }[] } }).ACL
  .OPEN_ACL_UNSAFE;
