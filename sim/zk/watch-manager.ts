/**
 * Server-side watches (ZooKeeper's WatchManager): one-shot data and child watches, persistent and
 * persistent-recursive ones, kept per watcher (a client connection). A trigger returns the
 * notifications in the order the server sends them; each watcher is told at most once per trigger.
 */
import type { EventType } from '../client/zk-client.js';
import { selfAndAncestors } from './paths.js';

/** A watcher is a client connection, named by a number the server gives it. */
export type WatcherKey = number;
export type WatchMode = 'STANDARD' | 'PERSISTENT' | 'PERSISTENT_RECURSIVE';

export interface Notification {
  watcher: WatcherKey;
  type: EventType;
  path: string;
}

export class WatchTable {
  /** path → watcher → mode, in registration order. */
  private readonly byPath = new Map<string, Map<WatcherKey, WatchMode>>();
  private recursiveCount = 0;

  add(path: string, watcher: WatcherKey, mode: WatchMode): void {
    let m = this.byPath.get(path);
    if (m === undefined) this.byPath.set(path, (m = new Map()));
    const old = m.get(watcher);
    // In 3.8 a one-shot watch replaces a persistent one on the same path (WatcherModeManager drops
    // the mode; ZOOKEEPER-4466 changed that only in 3.9).
    if (old === 'PERSISTENT_RECURSIVE') this.recursiveCount--;
    if (mode === 'PERSISTENT_RECURSIVE') this.recursiveCount++;
    m.set(watcher, mode);
  }

  has(path: string, watcher: WatcherKey): boolean {
    return this.byPath.get(path)?.has(watcher) ?? false;
  }

  remove(path: string, watcher: WatcherKey): boolean {
    const m = this.byPath.get(path);
    if (m === undefined) return false;
    const mode = m.get(watcher);
    if (mode === undefined) return false;
    if (mode === 'PERSISTENT_RECURSIVE') this.recursiveCount--;
    m.delete(watcher);
    if (m.size === 0) this.byPath.delete(path);
    return true;
  }

  removeWatcher(watcher: WatcherKey): void {
    for (const path of [...this.byPath.keys()]) this.remove(path, watcher);
  }

  /**
   * Fires `type` at `path`: standard and persistent watches on the path itself, and recursive ones
   * on it or any ancestor (those never get NODE_CHILDREN_CHANGED). Standard watches are removed.
   * Watchers in `suppress` were already told by another table in the same trigger.
   */
  trigger(path: string, type: EventType, out: Notification[], suppress?: Set<WatcherKey>): Set<WatcherKey> {
    const told = new Set<WatcherKey>();
    const paths = this.recursiveCount > 0 ? selfAndAncestors(path) : [path];
    for (const p of paths) {
      const m = this.byPath.get(p);
      if (m === undefined) continue;
      for (const [watcher, mode] of [...m]) {
        if (mode === 'PERSISTENT_RECURSIVE') {
          if (type === 'NODE_CHILDREN_CHANGED') continue;
        } else if (p !== path) continue;
        if (mode === 'STANDARD') this.remove(p, watcher);
        if (told.has(watcher) || suppress?.has(watcher)) continue;
        told.add(watcher);
        out.push({ watcher, type, path });
      }
    }
    return told;
  }

  /** Every (path, mode) a watcher holds, for tests and inspection. */
  watchesOf(watcher: WatcherKey): { path: string; mode: WatchMode }[] {
    const out: { path: string; mode: WatchMode }[] = [];
    for (const [path, m] of this.byPath) {
      const mode = m.get(watcher);
      if (mode !== undefined) out.push({ path, mode });
    }
    return out;
  }

  get size(): number {
    let n = 0;
    for (const m of this.byPath.values()) n += m.size;
    return n;
  }
}
