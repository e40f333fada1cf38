/**
 * The ZkClient interface over a real ZooKeeper server, through node-zookeeper-client 1.1.3.
 *
 * The library keeps the session (connect, pings, reconnects, SetWatches) and serialises requests, but its
 * public operations are bypassed: requests are built from its jute records and queued on its connection
 * manager, because the public API
 *   - crashes on setData(path, null) (it reads `data.length`), so null data could not be sent;
 *   - sends version 0 of a multi's check/setData/delete as -1 (`version = version || -1` in Transaction.js),
 *     which turns a failing check into a passing one; the op list is corrected before serialising;
 *   - hides the reply header, whose zxid (the server's last processed zxid) the recorder needs;
 *   - calls a watcher twice for one NODE_DELETED when it is both a data and a child watcher (watch-manager.ts).
 * Outside a multi, setData/delete with version 0 are sent as 0 by the library too; they go through the same
 * raw path here.
 *
 * Not supported by the library's reply decoder (it drops the connection on reply types it does not know), so
 * they answer UNIMPLEMENTED without sending anything: sync, addWatch, removeWatches, and create with CONTAINER
 * or TTL modes (those need the create2-style replies). The library also never times out a silent connection
 * (its read timeout is commented out), so a black-holed client stays "CONNECTED" until its socket closes.
 */
import {
  type AddWatchMode,
  type Callback,
  type ClientState,
  type CreateMode,
  type Data,
  type MultiOp,
  type MultiOpResult,
  type MultiResult,
  type Result,
  type SessionId,
  type Stat,
  type WatchArg,
  type Watcher,
  type WatchedEvent,
  type WatcherType,
  type ZkClient,
  errorName,
  failure,
} from '../sim/client/zk-client.js';
import type { Zxid } from '../sim/zk/zxid.js';
import { JavaWatchManager } from './watch-manager.js';
import { fromWireData, toSessionId, toStat, toWireData, toZxid } from './wire-convert.js';
import {
  CM_STATES,
  type ConnectionManager,
  type JuteRecord,
  type JuteResponse,
  type JuteStat,
  type LibraryClient,
  OPEN_ACL_UNSAFE,
  createLibraryClient,
  jute,
} from './zk-internals.js';

export interface RealZkClient extends ZkClient {
  /** Zxid in the header of the last reply this client received: the server's last processed zxid then. */
  readonly lastReplyZxid: Zxid | null;
  /** Drops the connection without closeSession (the server expires the session later). */
  destroy(): void;
}

export interface RealConnectOptions {
  sessionTimeoutMs: number;
  /** How long to wait for the first connect before giving up (default 15000). */
  connectTimeoutMs?: number;
}

/** Opens a session and resolves once the server has accepted it. */
export function connectRealClient(connectString: string, options: RealConnectOptions): Promise<RealZkClient> {
  const client = new NodeZkClient(connectString, options.sessionTimeoutMs);
  const waitMs = options.connectTimeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.destroy();
      reject(new Error(`no ZooKeeper session from ${connectString} within ${waitMs} ms`));
    }, waitMs);
    client.onEvent(function first(e) {
      if (e.type !== 'NONE') return;
      if (e.state === 'CONNECTED') {
        clearTimeout(timer);
        resolve(client);
      } else if (e.state === 'EXPIRED' || e.state === 'CLOSED') {
        clearTimeout(timer);
        reject(new Error(`session to ${connectString} ended (${e.state}) before it connected`));
      }
    });
    client.start();
  });
}

const CREATE_FLAGS: Partial<Record<CreateMode, number>> = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
};

const OP = jute.OP_CODES;

class NodeZkClient implements RealZkClient {
  private readonly lib: LibraryClient;
  private readonly cm: ConnectionManager;
  private readonly watches = new JavaWatchManager();
  private readonly listeners: Watcher[] = [];
  /** The object `watch: true` registers; one identity, so the Java-like manager calls it once per event. */
  private readonly defaultWatcher: Watcher = (e) => this.emit(e);
  private current: ClientState = 'CONNECTING';
  private id: SessionId | null = null;
  private timeoutMs = 0;
  private closing = false;
  lastReplyZxid: Zxid | null = null;

  constructor(connectString: string, sessionTimeoutMs: number) {
    this.lib = createLibraryClient(connectString, sessionTimeoutMs);
    this.cm = this.lib.connectionManager;
    this.cm.watcherManager = this.watches;
    this.cm.on('state', (s) => this.onConnectionState(s));
  }

  get state(): ClientState {
    return this.current;
  }
  get sessionId(): SessionId | null {
    return this.id;
  }
  get negotiatedTimeoutMs(): number {
    return this.timeoutMs;
  }

  start(): void {
    this.lib.connect();
  }

  onEvent(listener: Watcher): void {
    this.listeners.push(listener);
  }

  create(path: string, data: Data, mode: CreateMode, cb: Callback<{ path: string }>): void {
    const flags = CREATE_FLAGS[mode];
    if (flags === undefined) return later(cb, failure('UNIMPLEMENTED'));
    const req = record('CreateRequest', { path, data: toWireData(data), acl: OPEN_ACL_UNSAFE.map((a) => a.toRecord()), flags });
    this.send(OP.CREATE, req, cb, (p) => ({ path: p.path as string }));
  }

  delete(path: string, version: number, cb: Callback): void {
    this.send(OP.DELETE, record('DeleteRequest', { path, version }), cb, () => ({}));
  }

  setData(path: string, data: Data, version: number, cb: Callback<{ stat: Stat }>): void {
    const req = record('SetDataRequest', { path, data: toWireData(data), version });
    this.send(OP.SET_DATA, req, cb, (p) => ({ stat: toStat(p.stat as JuteStat) }));
  }

  getData(path: string, watch: WatchArg, cb: Callback<{ data: Data; stat: Stat }>): void {
    const w = this.watcherOf(watch);
    this.send(OP.GET_DATA, record('GetDataRequest', { path, watch: w !== null }), cb, (p) => {
      if (w !== null) this.watches.registerDataWatcher(path, w);
      return { data: fromWireData(p.data), stat: toStat(p.stat as JuteStat) };
    });
  }

  exists(path: string, watch: WatchArg, cb: Callback<{ stat: Stat }>): void {
    const w = this.watcherOf(watch);
    // As the Java client: a watch on an existing node is a data watch; on a missing one (NO_NODE) an
    // existence watch, which the server also keeps and fires with NODE_CREATED.
    const onNoNode = w === null ? undefined : () => this.watches.registerExistenceWatcher(path, w);
    this.send(
      OP.EXISTS,
      record('ExistsRequest', { path, watch: w !== null }),
      cb,
      (p) => {
        if (w !== null) this.watches.registerDataWatcher(path, w);
        return { stat: toStat(p.stat as JuteStat) };
      },
      onNoNode,
    );
  }

  getChildren(path: string, watch: WatchArg, cb: Callback<{ children: string[]; stat: Stat }>): void {
    const w = this.watcherOf(watch);
    // GetChildren2: children plus the node's own stat.
    this.send(OP.GET_CHILDREN2, record('GetChildren2Request', { path, watch: w !== null }), cb, (p) => {
      if (w !== null) this.watches.registerChildWatcher(path, w);
      return { children: [...((p.children as string[] | undefined) ?? [])].sort(), stat: toStat(p.stat as JuteStat) };
    });
  }

  multi(ops: MultiOp[], cb: Callback<MultiResult>): void {
    const tx = this.lib.transaction();
    try {
      for (const op of ops) {
        if (op.op === 'create') {
          const flags = CREATE_FLAGS[op.mode];
          if (flags === undefined) return later(cb, failure('UNIMPLEMENTED'));
          tx.create(op.path, toWireData(op.data), OPEN_ACL_UNSAFE, flags);
          continue;
        }
        if (op.op === 'delete') tx.remove(op.path, op.version);
        else if (op.op === 'setData') tx.setData(op.path, toWireData(op.data) ?? null, op.version);
        else tx.check(op.path, op.version);
        // Transaction.js does `version = version || -1`, which sends 0 as -1 ("any version"): put it back.
        tx.ops[tx.ops.length - 1].version = op.version;
      }
    } catch {
      return later(cb, failure('BAD_ARGUMENTS')); // the library's own path validation refused an op
    }
    this.send(OP.MULTI, new jute.TransactionRequest(tx.ops), cb, (p) => multiResult(p.results as WireSubResult[]));
  }

  // The library cannot decode these replies (see the file comment), so nothing is sent.
  sync(_path: string, cb: Callback<{ path: string }>): void {
    later(cb, failure('UNIMPLEMENTED'));
  }
  addWatch(_path: string, _mode: AddWatchMode, _watcher: WatchArg, cb: Callback): void {
    later(cb, failure('UNIMPLEMENTED'));
  }
  removeWatches(_path: string, _type: WatcherType, cb: Callback): void {
    later(cb, failure('UNIMPLEMENTED'));
  }

  close(cb?: Callback): void {
    const done = cb ?? (() => {});
    if (this.current === 'CLOSED' || this.current === 'EXPIRED') return later(done, { rc: 'OK' });
    if (this.cm.state !== CM_STATES.CONNECTED && this.cm.state !== CM_STATES.CONNECTED_READ_ONLY) {
      // No connection to send closeSession on: drop it; the server expires the session in its own time.
      this.destroy();
      return later(done, failure('CONNECTION_LOSS'));
    }
    // What the library's close() does, plus a callback for the reply (its close() takes none). The server
    // sends the closing session's own watch events before this reply.
    this.closing = true;
    this.cm.setState(CM_STATES.CLOSING);
    const header = record('RequestHeader', { type: OP.CLOSE_SESSION });
    this.cm.queue(new jute.Request(header, null), (error, response) => {
      if (response?.header) this.lastReplyZxid = toZxid(response.header.zxid);
      this.finish('CLOSED');
      done(error ? codeFailure(error.code) : { rc: 'OK' });
    });
  }

  destroy(): void {
    this.closing = true;
    this.finish('CLOSED');
    this.cm.setState(CM_STATES.CLOSING); // so the library does not reconnect when the socket closes
    this.cm.socket?.destroy();
  }

  /** Queues one request; `ok` builds the result from a successful reply's payload. */
  private send<T>(
    type: number,
    payload: unknown,
    cb: Callback<T>,
    ok: (payload: Record<string, unknown>) => T,
    onNoNode?: () => void,
  ): void {
    const header = record('RequestHeader', { type });
    this.cm.queue(new jute.Request(header, payload), (error, response?: JuteResponse) => {
      if (response?.header) this.lastReplyZxid = toZxid(response.header.zxid);
      if (error) {
        if (error.code === -101 && onNoNode) onNoNode();
        cb(codeFailure(error.code));
        return;
      }
      cb({ rc: 'OK', ...ok(response?.payload ?? {}) } as Result<T>);
    });
  }

  private watcherOf(watch: WatchArg): Watcher | null {
    if (watch === false) return null;
    return watch === true ? this.defaultWatcher : watch;
  }

  private emit(e: WatchedEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  private onConnectionState(s: number): void {
    if (this.current === 'CLOSED' || this.current === 'EXPIRED') return;
    if (s === CM_STATES.CONNECTED || s === CM_STATES.CONNECTED_READ_ONLY) {
      this.id = toSessionId(this.cm.sessionId);
      this.timeoutMs = this.cm.sessionTimeout; // the library stores the negotiated value here
      this.transition('CONNECTED');
    } else if (s === CM_STATES.CONNECTING) {
      this.current = 'CONNECTING';
    } else if (s === CM_STATES.DISCONNECTED) {
      if (!this.closing) this.transition('DISCONNECTED');
    } else if (s === CM_STATES.SESSION_EXPIRED) {
      this.finish('EXPIRED');
    } else if (s === CM_STATES.CLOSED || s === CM_STATES.AUTHENTICATION_FAILED) {
      this.finish('CLOSED');
    }
  }

  private transition(state: ClientState): void {
    if (this.current === state) return;
    this.current = state;
    this.emit({ type: 'NONE', state });
  }

  /** EXPIRED and CLOSED are final: the session's watches are gone with it. */
  private finish(state: 'CLOSED' | 'EXPIRED'): void {
    if (this.current === 'CLOSED' || this.current === 'EXPIRED') return;
    this.watches.clear();
    this.transition(state);
  }
}

/** One entry of the library's decoded multi reply. */
interface WireSubResult {
  type: number;
  path?: string;
  stat?: JuteStat;
  err?: number;
}

/**
 * Committed: one typed entry per sub-op. Aborted: the server answers every sub-op with an error entry
 * (0 for those before the failure, the error, then RUNTIME_INCONSISTENCY) and the reply header has no error.
 */
function multiResult(wire: WireSubResult[]): MultiResult {
  const results = wire.map((r): MultiOpResult => {
    switch (r.type) {
      case OP.CREATE:
        return { type: 'create', rc: 'OK', path: r.path as string };
      case OP.DELETE:
        return { type: 'delete', rc: 'OK' };
      case OP.SET_DATA:
        return { type: 'setData', rc: 'OK', stat: toStat(r.stat as JuteStat) };
      case OP.CHECK:
        return { type: 'check', rc: 'OK' };
      default: {
        const code = r.err ?? -1;
        return { type: 'error', rc: code === 0 ? 'OK' : (errorName(code) ?? 'SYSTEM_ERROR'), code };
      }
    }
  });
  return { results, committed: results.every((r) => r.type !== 'error') };
}

function codeFailure(code: number): Result<never> {
  const name = errorName(code);
  return name === undefined ? { rc: 'SYSTEM_ERROR', code } : failure(name);
}

function record(cls: string, fields: Record<string, unknown>): JuteRecord {
  const r = new jute.protocol[cls]();
  Object.assign(r, fields);
  return r;
}

/** Locally decided results still arrive asynchronously, like server replies. */
function later<T>(cb: Callback<T>, result: Result<T>): void {
  process.nextTick(() => cb(result));
}
