/**
 * The one client interface that recipes, workloads and the conformance recorder are written
 * against. Two back ends implement it: the simulated client (`sim/client/`) and an adapter to a real
 * ZooKeeper server (`real/`). Callbacks, not promises, are the primitive: inside the simulator a
 * callback runs within the kernel event that delivered the reply, so a run stays deterministic
 * (`promisify` below wraps any back end for code that prefers `await`, e.g. against a real server).
 *
 * Results never throw: every callback gets `{ rc: 'OK', ... }` or `{ rc: <error name>, code }`.
 */
import type { Zxid } from '../zk/zxid.js';

/** ZooKeeper's error names (KeeperException.Code) as zksim spells them, with their numeric codes. */
export const ERROR_CODES = {
  OK: 0,
  SYSTEM_ERROR: -1,
  RUNTIME_INCONSISTENCY: -2,
  DATA_INCONSISTENCY: -3,
  CONNECTION_LOSS: -4,
  MARSHALLING_ERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATION_TIMEOUT: -7,
  BAD_ARGUMENTS: -8,
  UNKNOWN_SESSION: -12,
  API_ERROR: -100,
  NO_NODE: -101,
  NO_AUTH: -102,
  BAD_VERSION: -103,
  NO_CHILDREN_FOR_EPHEMERALS: -108,
  NODE_EXISTS: -110,
  NOT_EMPTY: -111,
  SESSION_EXPIRED: -112,
  INVALID_CALLBACK: -113,
  INVALID_ACL: -114,
  AUTH_FAILED: -115,
  SESSION_MOVED: -118,
  NOT_READ_ONLY: -119,
  NO_WATCHER: -121,
  REQUEST_TIMEOUT: -122,
} as const;
export type ErrorName = Exclude<keyof typeof ERROR_CODES, 'OK'>;

export function errorName(code: number): ErrorName | undefined {
  for (const [name, c] of Object.entries(ERROR_CODES)) if (c === code && name !== 'OK') return name as ErrorName;
  return undefined;
}

export type Failure = { rc: ErrorName; code: number };
export type Result<T = {}> = ({ rc: 'OK' } & T) | Failure;
export type Callback<T = {}> = (result: Result<T>) => void;

export function failure(rc: ErrorName): Failure {
  return { rc, code: ERROR_CODES[rc] };
}

export const CREATE_MODES = [
  'PERSISTENT',
  'EPHEMERAL',
  'PERSISTENT_SEQUENTIAL',
  'EPHEMERAL_SEQUENTIAL',
  'CONTAINER',
  'PERSISTENT_WITH_TTL',
  'PERSISTENT_SEQUENTIAL_WITH_TTL',
] as const;
export type CreateMode = (typeof CREATE_MODES)[number];

/** A session id as ZooKeeper prints it: 0x and 16 lower-case hex digits. */
export type SessionId = string;
/** `ephemeralOwner` of a persistent node. */
export const NO_OWNER: SessionId = '0x0000000000000000';

export interface Stat {
  czxid: Zxid;
  mzxid: Zxid;
  pzxid: Zxid;
  /** Milliseconds on the (leader's) wall clock. */
  ctime: number;
  mtime: number;
  version: number;
  /** As clients see it: creations + deletions of children (ZooKeeper's `2·creations − numChildren`). */
  cversion: number;
  aversion: number;
  /** The owning session, NO_OWNER, or the container / TTL marker, as 16 hex digits. */
  ephemeralOwner: SessionId;
  dataLength: number;
  numChildren: number;
}

/** Node data: text (sent as UTF-8 bytes) or null (no data at all, which ZooKeeper tells apart from ""). */
export type Data = string | null;

export type MultiOp =
  | { op: 'create'; path: string; data: Data; mode: CreateMode; ttlMs?: number }
  | { op: 'delete'; path: string; version: number }
  | { op: 'setData'; path: string; data: Data; version: number }
  | { op: 'check'; path: string; version: number };

export type MultiOpResult =
  | { type: 'create'; rc: 'OK'; path: string }
  | { type: 'delete'; rc: 'OK' }
  | { type: 'setData'; rc: 'OK'; stat: Stat }
  | { type: 'check'; rc: 'OK' }
  /** Aborted multi: code 0 for rolled-back ops before the failure, the error, then RUNTIME_INCONSISTENCY. */
  | { type: 'error'; rc: 'OK' | ErrorName; code: number };

export interface MultiResult {
  results: MultiOpResult[];
  committed: boolean;
}

export type EventType =
  | 'NODE_CREATED'
  | 'NODE_DELETED'
  | 'NODE_DATA_CHANGED'
  | 'NODE_CHILDREN_CHANGED'
  | 'DATA_WATCH_REMOVED'
  | 'CHILD_WATCH_REMOVED'
  | 'PERSISTENT_WATCH_REMOVED';

/** A znode event, or (type NONE) a change of the connection's state. */
export type WatchedEvent =
  | { type: EventType; path: string; zxid?: Zxid }
  | { type: 'NONE'; state: ClientState };

export type Watcher = (event: WatchedEvent) => void;
/** `true` registers the client's default watcher (the `onEvent` listeners). */
export type WatchArg = boolean | Watcher;

export type ClientState = 'CONNECTING' | 'CONNECTED' | 'DISCONNECTED' | 'EXPIRED' | 'CLOSED';
export type AddWatchMode = 'PERSISTENT' | 'PERSISTENT_RECURSIVE';
export type WatcherType = 'CHILDREN' | 'DATA' | 'ANY';

export interface ZkClient {
  /** Connection state; EXPIRED and CLOSED are final. */
  readonly state: ClientState;
  /** The session id once the first connect succeeded. */
  readonly sessionId: SessionId | null;
  /** The timeout the server granted (0 before the first connect). */
  readonly negotiatedTimeoutMs: number;

  create(path: string, data: Data, mode: CreateMode, cb: Callback<{ path: string }>, options?: { ttlMs?: number }): void;
  delete(path: string, version: number, cb: Callback): void;
  setData(path: string, data: Data, version: number, cb: Callback<{ stat: Stat }>): void;
  getData(path: string, watch: WatchArg, cb: Callback<{ data: Data; stat: Stat }>): void;
  /** A missing node is `rc: NO_NODE` (and a watch, if asked, is still set). */
  exists(path: string, watch: WatchArg, cb: Callback<{ stat: Stat }>): void;
  /** Children are names, sorted; `stat` is the node's own (getChildren2). */
  getChildren(path: string, watch: WatchArg, cb: Callback<{ children: string[]; stat: Stat }>): void;
  /** `rc` is OK when the server answered; `committed` says whether the transaction applied. */
  multi(ops: MultiOp[], cb: Callback<MultiResult>): void;
  sync(path: string, cb: Callback<{ path: string }>): void;
  addWatch(path: string, mode: AddWatchMode, watcher: WatchArg, cb: Callback): void;
  /** Removes every watch of `type` this client holds on `path` (ZooKeeper's removeAllWatches). */
  removeWatches(path: string, type: WatcherType, cb: Callback): void;
  /** Listens to session state changes and to events of watches set with `watch: true`. */
  onEvent(listener: Watcher): void;
  close(cb?: Callback): void;
}

/** The same client with promise-returning operations (results, not exceptions). */
export interface ZkPromises {
  readonly client: ZkClient;
  create(path: string, data: Data, mode: CreateMode, options?: { ttlMs?: number }): Promise<Result<{ path: string }>>;
  delete(path: string, version: number): Promise<Result>;
  setData(path: string, data: Data, version: number): Promise<Result<{ stat: Stat }>>;
  getData(path: string, watch?: WatchArg): Promise<Result<{ data: Data; stat: Stat }>>;
  exists(path: string, watch?: WatchArg): Promise<Result<{ stat: Stat }>>;
  getChildren(path: string, watch?: WatchArg): Promise<Result<{ children: string[]; stat: Stat }>>;
  multi(ops: MultiOp[]): Promise<Result<MultiResult>>;
  sync(path: string): Promise<Result<{ path: string }>>;
  addWatch(path: string, mode: AddWatchMode, watcher?: WatchArg): Promise<Result>;
  removeWatches(path: string, type: WatcherType): Promise<Result>;
  close(): Promise<Result>;
}

export function promisify(client: ZkClient): ZkPromises {
  const p = <T>(start: (cb: Callback<T>) => void) => new Promise<Result<T>>((resolve) => start(resolve));
  return {
    client,
    create: (path, data, mode, options) => p((cb) => client.create(path, data, mode, cb, options)),
    delete: (path, version) => p((cb) => client.delete(path, version, cb)),
    setData: (path, data, version) => p((cb) => client.setData(path, data, version, cb)),
    getData: (path, watch = false) => p((cb) => client.getData(path, watch, cb)),
    exists: (path, watch = false) => p((cb) => client.exists(path, watch, cb)),
    getChildren: (path, watch = false) => p((cb) => client.getChildren(path, watch, cb)),
    multi: (ops) => p((cb) => client.multi(ops, cb)),
    sync: (path) => p((cb) => client.sync(path, cb)),
    addWatch: (path, mode, watcher = true) => p((cb) => client.addWatch(path, mode, watcher, cb)),
    removeWatches: (path, type) => p((cb) => client.removeWatches(path, type, cb)),
    close: () => p((cb) => client.close(cb)),
  };
}
