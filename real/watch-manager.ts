/**
 * Client-side watch bookkeeping with the Java client's semantics (ZKWatchManager), installed in place of
 * node-zookeeper-client's WatcherManager. The library's manager calls a watcher once per table it sits in,
 * so a watcher registered both as data and child watcher of a path (e.g. the default watcher after
 * getData(watch) and getChildren(watch)) ran twice for one NODE_DELETED notification; Java collects the
 * watchers of a notification into a set and calls each once. The server sends one notification either way.
 */
import type { EventType, WatchedEvent } from '../sim/client/zk-client.js';
import type { WatcherManagerLike } from './zk-internals.js';

/** Anything with identity: the default watcher object or a user function. */
export type WatcherKey = (event: WatchedEvent) => void;

const EVENT_TYPES: Record<number, EventType> = {
  1: 'NODE_CREATED',
  2: 'NODE_DELETED',
  3: 'NODE_DATA_CHANGED',
  4: 'NODE_CHILDREN_CHANGED',
  5: 'DATA_WATCH_REMOVED',
  6: 'CHILD_WATCH_REMOVED',
  7: 'PERSISTENT_WATCH_REMOVED',
};

type Table = Map<string, Set<WatcherKey>>;

export class JavaWatchManager implements WatcherManagerLike {
  private readonly data: Table = new Map();
  private readonly exist: Table = new Map();
  private readonly child: Table = new Map();

  registerDataWatcher(path: string, watcher: unknown): void {
    add(this.data, path, watcher as WatcherKey);
  }
  registerChildWatcher(path: string, watcher: unknown): void {
    add(this.child, path, watcher as WatcherKey);
  }
  registerExistenceWatcher(path: string, watcher: unknown): void {
    add(this.exist, path, watcher as WatcherKey);
  }

  // The library re-sends these paths in a SetWatches request after a reconnect.
  getDataWatcherPaths(): string[] {
    return [...this.data.keys()];
  }
  getChildWatcherPaths(): string[] {
    return [...this.child.keys()];
  }
  getExistenceWatcherPaths(): string[] {
    return [...this.exist.keys()];
  }
  isEmpty(): boolean {
    return this.data.size + this.exist.size + this.child.size === 0;
  }

  /** A notification from the server (the library calls this with the decoded WatcherEvent). */
  emit(event: { type: number; state: number; path: string }): void {
    const type = EVENT_TYPES[event.type];
    if (type === undefined) return;
    const targets = new Set<WatcherKey>();
    const take = (table: Table) => {
      for (const w of table.get(event.path) ?? []) targets.add(w);
      table.delete(event.path);
    };
    // Which tables a notification consumes, as in ZKWatchManager.materialize.
    if (type === 'NODE_CREATED' || type === 'NODE_DATA_CHANGED') {
      take(this.data);
      take(this.exist);
    } else if (type === 'NODE_CHILDREN_CHANGED') {
      take(this.child);
    } else if (type === 'NODE_DELETED') {
      take(this.data);
      take(this.exist);
      take(this.child);
    }
    for (const w of targets) w({ type, path: event.path });
  }

  /** Forgets every watch (the session is gone: closed or expired). */
  clear(): void {
    this.data.clear();
    this.exist.clear();
    this.child.clear();
  }
}

function add(table: Table, path: string, watcher: WatcherKey): void {
  let set = table.get(path);
  if (set === undefined) table.set(path, (set = new Set()));
  set.add(watcher);
}
