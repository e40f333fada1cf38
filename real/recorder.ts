/**
 * Records a golden file (`zk-conformance-golden/1`, ../shared/formats/zk-ops.md) by running the seeded
 * workload against a real, fresh ZooKeeper server, one op at a time: op, barrier, tree snapshot (§1).
 *
 * zxids come from the server: after each op the observer's barrier reply carries the server's last
 * processed zxid in its header, which is the op's own zxid for a transaction; where the op's reply has a
 * zxid too (everything but `open`), the two must agree. Any gap or foreign write aborts the recording:
 * a golden file must only contain what this run did.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { Result, SessionId, Stat } from '../sim/client/zk-client.js';
import { type GoldenEvent, type GoldenFile, type NodeEntry, type OpRecord, GOLDEN_FORMAT, TRANSACTION_OPS, formatGolden } from '../sim/conformance/golden.js';
import { issueOp } from '../sim/conformance/issue-op.js';
import { type NormaliseContext, compareStrings, nodeEntry, normaliseResult, relativeZxid } from '../sim/conformance/normalise.js';
import type { Zxid } from '../sim/zk/zxid.js';
import { fourLetterWord, readServerZxid } from './four-letter.js';
import { type RealZkClient, connectRealClient } from './real-zk-client.js';
import { type GeneratedOp, WorkloadGenerator } from './workload.js';
import { type ServerOptions, startFreshServer } from './zk-server.js';

/** §1: requested session timeout of every session. */
const SESSION_TIMEOUT_MS = 30_000;
/** A reply that takes longer than this means the server or the connection is broken. */
const OP_TIMEOUT_MS = 15_000;

export interface RecordOptions {
  /** Number of ops including the opening `open`s (default 220; at least `clients` + 1). */
  length?: number;
  /** Called after every op, e.g. for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}


interface Slot {
  client: RealZkClient;
  label: number;
}

/**
 * Records against a server that must be fresh (no transaction yet, only `/` and `/zookeeper…`).
 * `recordGoldenFresh` starts such a server itself.
 */
export async function recordGolden(connectString: string, seed: number, options: RecordOptions = {}): Promise<GoldenFile> {
  const clients = 1 + (seed % 3);
  const length = Math.max(options.length ?? 220, clients + 1);
  const server = await serverInfo(connectString);

  const observer = await connectRealClient(connectString, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
  const slots: (Slot | null)[] = Array.from({ length: clients }, () => null);
  const sessions: GoldenFile['sessions'] = [];
  try {
    const labels = new Map<SessionId, number>();
    let ctx: NormaliseContext = { baseZxid: { epoch: 0, counter: 0 }, labelOf: (id) => labels.get(id) };
    const rawInitial = await snapshot(observer);
    assertFreshTree(rawInitial, connectString);
    // §7: base = the server's last zxid just before op 0 (the observer's createSession is the only one so far).
    const base = await readServerZxid(connectString);
    if (observer.lastReplyZxid === null || relativeZxid(observer.lastReplyZxid, base) !== 0) {
      throw new Error(`server ${connectString} moved on while the recorder set up (srvr ${JSON.stringify(base)}); is another client writing?`);
    }
    ctx = { ...ctx, baseZxid: base };
    let tree = entries(rawInitial, ctx);
    const initialTree = [...tree.values()];

    const generator = new WorkloadGenerator(seed, clients);
    const ops: OpRecord[] = [];
    const events: GoldenEvent[] = []; // filled by every session's listener; emptied after each op
    let lastTxn = 0;
    for (let i = 0; i < length; i++) {
      const gen: GeneratedOp = i < clients ? { client: i, op: 'open', args: {} } : generator.next(slots.map((s) => s !== null), tree);
      const { session, result, replyZxid } = await within(OP_TIMEOUT_MS, `op ${i} (${gen.op})`, () =>
        perform(gen, i, { connectString, slots, sessions, labels, ctx, events }),
      );

      // §1 barrier: every open session and the observer read `/`; notifications precede these replies.
      const barrier = await within(OP_TIMEOUT_MS, `barrier after op ${i}`, () => barrierRead([...slots.flatMap((s) => (s ? [s.client] : [])), observer]));
      const serverZxid = relativeZxid(barrier, base);
      let zxid: number | undefined;
      if (TRANSACTION_OPS.has(gen.op)) {
        zxid = lastTxn + 1;
        const own = replyZxid === null ? serverZxid : relativeZxid(replyZxid, base);
        if (serverZxid !== zxid || own !== zxid) {
          throw new Error(`op ${i} (${gen.op}): expected zxid ${zxid}, the server is at ${serverZxid} and the reply said ${own}; is another client writing?`);
        }
        lastTxn = zxid;
      } else if (serverZxid !== lastTxn) {
        throw new Error(`op ${i} (${gen.op}) is a read but the server's zxid moved from ${lastTxn} to ${serverZxid}`);
      }

      const next = entries(await snapshot(observer), ctx);
      const record = {
        i,
        client: gen.client,
        session,
        op: gen.op,
        args: gen.args,
        result,
        ...(zxid === undefined ? {} : { zxid }),
        events: events.splice(0).sort((a, b) => a.client - b.client), // stable: keeps each slot's delivery order
        delta: delta(tree, next),
      } as OpRecord;
      ops.push(record);
      tree = next;
      options.onProgress?.(i + 1, length);
    }

    return {
      format: GOLDEN_FORMAT,
      seed,
      length,
      clients,
      server,
      sessions,
      initialTree,
      ops,
      finalTree: [...tree.values()],
    };
  } finally {
    // Sessions still open after the last op are closed without being recorded (§2 `closedAt: null`).
    await Promise.all([...slots.flatMap((s) => (s ? [s.client] : [])), observer].map((c) => closeQuietly(c)));
  }
}

/** Starts a fresh server, records one golden file on it, stops it. */
export async function recordGoldenFresh(seed: number, options: RecordOptions & ServerOptions = {}): Promise<GoldenFile> {
  const server = await startFreshServer(options);
  try {
    return await recordGolden(server.connectString, seed, options);
  } finally {
    await server.stop();
  }
}

/** Writes a golden file atomically (temporary file, then rename), so a reader never sees half a file. */
export async function writeGoldenFile(path: string, golden: GoldenFile): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, formatGolden(golden), 'utf8');
  await rename(tmp, path);
}

interface PerformEnv {
  connectString: string;
  slots: (Slot | null)[];
  sessions: GoldenFile['sessions'];
  labels: Map<SessionId, number>;
  ctx: NormaliseContext;
  /** Where sessions put the watch events they receive (the recorder empties it after each op). */
  events: GoldenEvent[];
}

/** Sends one op; returns the session label it belongs to, its normalised result and its reply's zxid. */
async function perform(gen: GeneratedOp, i: number, env: PerformEnv): Promise<{ session: number; result: OpRecord['result']; replyZxid: Zxid | null }> {
  const slot = env.slots[gen.client];
  if (gen.op === 'open') {
    if (slot !== null) throw new Error(`op ${i}: slot ${gen.client} already holds session ${slot.label}`);
    const label = env.sessions.length;
    const client = await connectRealClient(env.connectString, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
    env.labels.set(client.sessionId as SessionId, label);
    env.sessions.push({ label, client: gen.client, openedAt: i, closedAt: null });
    // §8: znode events of this session, tagged with its slot and label (state events are not recorded).
    client.onEvent((e) => {
      if (e.type === 'NONE' || !WATCH_EVENT_TYPES.has(e.type)) return;
      env.events.push({ client: gen.client, session: label, type: e.type as GoldenEvent['type'], path: e.path });
    });
    env.slots[gen.client] = { client, label };
    // The connect reply carries no zxid; the barrier's tells the createSession's.
    return { session: label, result: { rc: 'OK' }, replyZxid: null };
  }
  if (slot === null) throw new Error(`op ${i}: ${gen.op} on empty slot ${gen.client}`);
  if (gen.op === 'close') {
    const r = await new Promise<Result>((resolve) => slot.client.close(resolve));
    if (r.rc !== 'OK') throw new Error(`op ${i}: closeSession of session ${slot.label} failed: ${r.rc}`);
    env.sessions[slot.label].closedAt = i;
    env.slots[gen.client] = null;
    return { session: slot.label, result: { rc: 'OK' }, replyZxid: slot.client.lastReplyZxid };
  }
  const raw = await new Promise<Result<Record<string, unknown>>>((resolve) => issueOp(slot.client, gen, resolve));
  if (raw.rc === 'CONNECTION_LOSS' || raw.rc === 'SESSION_EXPIRED' || raw.rc === 'UNIMPLEMENTED') {
    throw new Error(`op ${i} (${gen.op}): ${raw.rc}; the recording is void`);
  }
  return { session: slot.label, result: normaliseResult(gen.op, raw, env.ctx, slot.label), replyZxid: slot.client.lastReplyZxid };
}

const WATCH_EVENT_TYPES = new Set(['NODE_CREATED', 'NODE_DELETED', 'NODE_DATA_CHANGED', 'NODE_CHILDREN_CHANGED']);

/** exists("/", false) on every client; resolves with the observer's (last client's) reply zxid. */
async function barrierRead(clients: RealZkClient[]): Promise<Zxid> {
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve, reject) =>
          c.exists('/', false, (r) => (r.rc === 'OK' ? resolve() : reject(new Error(`barrier exists("/") failed: ${r.rc}`)))),
        ),
    ),
  );
  const observer = clients[clients.length - 1];
  if (observer.lastReplyZxid === null) throw new Error('barrier reply without a zxid');
  return observer.lastReplyZxid;
}

type RawTree = Map<string, { data: string | null; stat: Stat }>;

/** getData + getChildren of every node except the /zookeeper subtree, one tree level at a time. */
async function snapshot(observer: RealZkClient): Promise<RawTree> {
  const out: RawTree = new Map();
  let level = ['/'];
  while (level.length > 0) {
    const children = await Promise.all(
      level.map(async (path) => {
        const [d, c] = await Promise.all([
          new Promise<Result<{ data: string | null; stat: Stat }>>((r) => observer.getData(path, false, r)),
          new Promise<Result<{ children: string[]; stat: Stat }>>((r) => observer.getChildren(path, false, r)),
        ]);
        if (d.rc !== 'OK' || c.rc !== 'OK') throw new Error(`snapshot of ${path} failed: ${d.rc}/${c.rc}`);
        out.set(path, { data: d.data, stat: d.stat });
        return c.children.map((name) => (path === '/' ? `/${name}` : `${path}/${name}`)).filter((p) => p !== '/zookeeper');
      }),
    );
    level = children.flat();
  }
  return out;
}

/** Sorted by path with plain string comparison (§6). */
function entries(raw: RawTree, ctx: NormaliseContext): Map<string, NodeEntry> {
  const paths = [...raw.keys()].sort(compareStrings);
  return new Map(paths.map((p) => [p, nodeEntry(p, raw.get(p)!.data, raw.get(p)!.stat, ctx)]));
}

function delta(before: Map<string, NodeEntry>, after: Map<string, NodeEntry>): OpRecord['delta'] {
  const set: NodeEntry[] = [];
  for (const [path, e] of after) {
    const old = before.get(path);
    if (old === undefined || JSON.stringify(old) !== JSON.stringify(e)) set.push(e);
  }
  const removed = [...before.keys()].filter((p) => !after.has(p));
  return { set, removed };
}

/** §6: a fresh server has `/` (with `zookeeper` its only child) and nothing else outside /zookeeper. */
function assertFreshTree(raw: RawTree, connectString: string): void {
  const root = raw.get('/');
  if (raw.size !== 1 || root === undefined || root.stat.numChildren !== 1 || root.stat.cversion !== -1) {
    throw new Error(`server ${connectString} is not fresh (nodes: ${[...raw.keys()].join(', ')}); a golden file needs an empty data directory`);
  }
}

async function serverInfo(connectString: string): Promise<GoldenFile['server']> {
  const srvr = await fourLetterWord(connectString, 'srvr');
  const version = /^Zookeeper version: ([0-9.]+)/m.exec(srvr)?.[1];
  const mode = /^Mode: (\S+)/m.exec(srvr)?.[1];
  const zxid = /^Zxid: (0x[0-9a-f]+)/im.exec(srvr)?.[1];
  if (version === undefined || mode === undefined || zxid === undefined) throw new Error(`unexpected srvr answer from ${connectString}: ${JSON.stringify(srvr.slice(0, 200))}`);
  if (BigInt(zxid) !== 0n) throw new Error(`server ${connectString} is not fresh (last zxid ${zxid}); a golden file needs a server with no transactions yet`);
  return { implementation: 'Apache ZooKeeper', version, mode, fresh: true };
}

function closeQuietly(c: RealZkClient): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      c.destroy();
      resolve();
    }, 5000);
    c.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function within<T>(ms: number, what: string, f: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no reply within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([f(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
