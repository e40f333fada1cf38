/**
 * Requests a server answers from its own tree without a transaction: reads (which may leave a
 * watch), addWatch / removeWatches, and the SetWatches a reconnecting client sends.
 */
import type { ErrorName, EventType } from '../client/zk-client.js';
import type { DataTree } from './data-tree.js';
import type { WatcherKey } from './watch-manager.js';
import type { ClientRequest, ReadRequest, ReplyBody, ServerMsg, SetWatches } from './wire.js';
import { compareZxid } from './zxid.js';

export interface ReadReply {
  rc: 'OK' | ErrorName;
  body?: ReplyBody;
}

export function serveRead(tree: DataTree, watcher: WatcherKey, req: ReadRequest): ReadReply {
  const node = tree.get(req.path);
  switch (req.op) {
    case 'getData':
      if (node === undefined) return { rc: 'NO_NODE' }; // and no watch is left behind
      if (req.watch) tree.dataWatches.add(req.path, watcher, 'STANDARD');
      return { rc: 'OK', body: { data: node.data, stat: tree.statOf(node) } };
    case 'exists':
      if (req.path.includes('\0')) return { rc: 'BAD_ARGUMENTS' };
      // An exists watch is set whether or not the node is there; it fires NODE_CREATED later.
      if (req.watch) tree.dataWatches.add(req.path, watcher, 'STANDARD');
      if (node === undefined) return { rc: 'NO_NODE' };
      return { rc: 'OK', body: { stat: tree.statOf(node) } };
    case 'getChildren':
      if (node === undefined) return { rc: 'NO_NODE' };
      if (req.watch) tree.childWatches.add(req.path, watcher, 'STANDARD');
      return { rc: 'OK', body: { children: tree.childrenOf(node), stat: tree.statOf(node) } };
  }
}

export function serveWatchChange(tree: DataTree, watcher: WatcherKey, req: Extract<ClientRequest, { op: 'addWatch' | 'removeWatches' }>): ReadReply {
  if (req.op === 'addWatch') {
    // DataTree.addWatch puts both persistent modes in both tables (a recursive one still never
    // reports NODE_CHILDREN_CHANGED; the trigger skips it).
    tree.dataWatches.add(req.path, watcher, req.mode);
    tree.childWatches.add(req.path, watcher, req.mode);
    return { rc: 'OK' };
  }
  let removed = false;
  if (req.type !== 'DATA') removed = tree.childWatches.remove(req.path, watcher) || removed;
  if (req.type !== 'CHILDREN') removed = tree.dataWatches.remove(req.path, watcher) || removed;
  return removed ? { rc: 'OK' } : { rc: 'NO_WATCHER' };
}

/**
 * Re-sets a reconnecting client's watches as of `relativeZxid`, the last zxid it saw: a change it
 * missed fires at once, anything else is registered again. (A node created and deleted while the
 * client was away goes unnoticed by an exist watch, as in ZooKeeper.)
 */
export function serveSetWatches(tree: DataTree, watcher: WatcherKey, req: SetWatches): { type: EventType; path: string }[] {
  const events: { type: EventType; path: string }[] = [];
  const rel = req.relativeZxid;
  for (const path of req.data) {
    const node = tree.get(path);
    if (node === undefined) events.push({ type: 'NODE_DELETED', path });
    else if (compareZxid(node.mzxid, rel) > 0) events.push({ type: 'NODE_DATA_CHANGED', path });
    else tree.dataWatches.add(path, watcher, 'STANDARD');
  }
  for (const path of req.exist) {
    if (tree.get(path) !== undefined) events.push({ type: 'NODE_CREATED', path });
    else tree.dataWatches.add(path, watcher, 'STANDARD');
  }
  for (const path of req.child) {
    const node = tree.get(path);
    if (node === undefined) events.push({ type: 'NODE_DELETED', path });
    else if (compareZxid(node.pzxid, rel) > 0) events.push({ type: 'NODE_CHILDREN_CHANGED', path });
    else tree.childWatches.add(path, watcher, 'STANDARD');
  }
  for (const path of req.persistent) {
    tree.dataWatches.add(path, watcher, 'PERSISTENT');
    tree.childWatches.add(path, watcher, 'PERSISTENT');
  }
  for (const path of req.persistentRecursive) {
    tree.dataWatches.add(path, watcher, 'PERSISTENT_RECURSIVE');
    tree.childWatches.add(path, watcher, 'PERSISTENT_RECURSIVE');
  }
  return events;
}

/**
 * Everything a server sends for one request it answers locally: the events a SetWatches fires
 * at once, then the reply (carrying the zxid the server has applied up to).
 */
export function answerLocally(tree: DataTree, watcher: WatcherKey, xid: number, req: ClientRequest): ServerMsg[] {
  const out: ServerMsg[] = [];
  let reply: ReadReply;
  if (req.op === 'setWatches') {
    for (const ev of serveSetWatches(tree, watcher, req as SetWatches)) out.push({ t: 'event', type: ev.type, path: ev.path });
    reply = { rc: 'OK' };
  } else if (req.op === 'addWatch' || req.op === 'removeWatches') {
    reply = serveWatchChange(tree, watcher, req);
  } else {
    reply = serveRead(tree, watcher, req as ReadRequest);
  }
  out.push({ t: 'reply', xid, zxid: tree.lastProcessedZxid, rc: reply.rc, body: reply.body });
  return out;
}
