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
        take(this.data, path, out);
        take(this.exist, path, out);
        break;
      case 'NODE_DELETED':
        take(this.data, path, out);
        take(this.exist, path, out);
        take(this.child, path, out);
        break;
      case 'NODE_CHILDREN_CHANGED':
        take(this.child, path, out);
        break;
      default:
        break;
    }
    for (const w of this.persistent.get(path) ?? []) out.add(w);
    if (type !== 'NODE_CHILDREN_CHANGED' && this.persistentRecursive.size > 0) {
      for (let p = path; ; p = p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/'))) {
        for (const w of this.persistentRecursive.get(p) ?? []) out.add(w);
        if (p === '/') break;
      }
    }
    return [...out];
  }

  /** Forgets local registrations of `type` on `path` (after the server removed them). */
  remove(path: string, type: WatcherType): void {
    if (type !== 'DATA') {
      this.child.delete(path);
    }
    if (type !== 'CHILDREN') {
      this.data.delete(path);
      this.exist.delete(path);
    }
    this.persistent.delete(path);
    this.persistentRecursive.delete(path);
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
