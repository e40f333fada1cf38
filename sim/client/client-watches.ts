/**
 * The client's side of watches (ZooKeeper's ZKWatchManager): which watcher functions to call for
 * an event, one-shot removal, and what to re-set after a reconnect.
 */
import type { AddWatchMode, EventType, Watcher, WatcherType } from './zk-client.js';

type Registry = Map<string, Set<Watcher>>;

function add(reg: Registry, path: string, w: Watcher): void {
  let set = reg.get(path);
  if (set === undefined) reg.set(path, (set = new Set()));
  set.add(w);
}

function take(reg: Registry, path: string, into: Set<Watcher>): void {
  const set = reg.get(path);
  if (set === undefined) return;
  for (const w of set) into.add(w);
  reg.delete(path);
}

export class ClientWatches {
  /**
   * Planted bug 'watch-fired-twice': data watchers are looked up but not removed when their
   * event comes, so the next reconnect re-sets them (SetWatches) and they fire again.
   */
  constructor(private readonly keepsFiredDataWatches = false) {}

  readonly data: Registry = new Map();
  /** exists() on a missing node: fires NODE_CREATED. */
  readonly exist: Registry = new Map();
  readonly child: Registry = new Map();
  readonly persistent: Registry = new Map();
  readonly persistentRecursive: Registry = new Map();

  addData(path: string, w: Watcher): void {
    add(this.data, path, w);
  }
  addExist(path: string, w: Watcher): void {
    add(this.exist, path, w);
  }
  addChild(path: string, w: Watcher): void {
    add(this.child, path, w);
  }
  addPersistent(path: string, mode: AddWatchMode, w: Watcher): void {
    add(mode === 'PERSISTENT' ? this.persistent : this.persistentRecursive, path, w);
  }

  /** The watchers an event goes to, each once; one-shot registrations are used up. */
  materialize(type: EventType, path: string): Watcher[] {
    const out = new Set<Watcher>();
    switch (type) {
      case 'NODE_CREATED':
      case 'NODE_DATA_CHANGED':
        this.takeData(path, out);
        take(this.exist, path, out);
        break;
      case 'NODE_DELETED':
        this.takeData(path, out);
        take(this.exist, path, out);
        take(this.child, path, out);
        break;
      case 'NODE_CHILDREN_CHANGED':
        take(this.child, path, out);
        break;
      default:
        break;
    }
    // ZKWatchManager adds persistent and ancestors' recursive watchers for every event type, even
    // NODE_CHILDREN_CHANGED (which the server sends when another watch of this client asked for it).
    for (const w of this.persistent.get(path) ?? []) out.add(w);
    if (this.persistentRecursive.size > 0) {
      for (let p = path; ; p = p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/'))) {
        for (const w of this.persistentRecursive.get(p) ?? []) out.add(w);
        if (p === '/') break;
      }
    }
    return [...out];
  }

  private takeData(path: string, into: Set<Watcher>): void {
    if (!this.keepsFiredDataWatches) return take(this.data, path, into);
    for (const w of this.data.get(path) ?? []) into.add(w);
  }

  /**
   * Forgets the registrations of `type` on `path` after the server removed them, as
   * ZKWatchManager.removeWatcher does: CHILDREN takes child watches, DATA data and exist watches,
   * ANY all of those and the persistent ones. Returns who must hear which "removed" event.
   */
  remove(path: string, type: WatcherType): { watcher: Watcher; type: EventType }[] {
    const out: { watcher: Watcher; type: EventType }[] = [];
    const drop = (reg: Registry, event: EventType) => {
      for (const watcher of reg.get(path) ?? []) out.push({ watcher, type: event });
      reg.delete(path);
    };
    if (type !== 'DATA') drop(this.child, 'CHILD_WATCH_REMOVED');
    if (type !== 'CHILDREN') {
      drop(this.data, 'DATA_WATCH_REMOVED');
      drop(this.exist, 'DATA_WATCH_REMOVED');
    }
    if (type === 'ANY') {
      drop(this.persistent, 'PERSISTENT_WATCH_REMOVED');
      drop(this.persistentRecursive, 'PERSISTENT_WATCH_REMOVED');
    }
    return out;
  }

  isEmpty(): boolean {
    return this.data.size + this.exist.size + this.child.size + this.persistent.size + this.persistentRecursive.size === 0;
  }

  /** Every watcher function registered anywhere (they all hear session events). */
  all(): Set<Watcher> {
    const out = new Set<Watcher>();
    for (const reg of [this.data, this.exist, this.child, this.persistent, this.persistentRecursive]) {
      for (const set of reg.values()) for (const w of set) out.add(w);
    }
    return out;
  }

  clear(): void {
    for (const reg of [this.data, this.exist, this.child, this.persistent, this.persistentRecursive]) reg.clear();
  }
}
