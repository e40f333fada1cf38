/**
 * The checkers of client behaviour on hand-built client histories (no simulation):
 * - judgeSessions (session-guarantees.ts): FIFO, monotonic zxids, read-your-writes, reads showing
 *   the committed state at their zxid, acknowledged writes being the committed txn at their zxid;
 * - staleSyncReads (linearizability-checker.ts): ZooKeeper's documented sync caveat (ZOOKEEPER-1675);
 * - znodeHistory (znode-history.ts): the client history as an interchange-format znode history.
 * (test/zk-sessions.test.ts is about the server's sessions; this file is about these checkers.)
 */
import { describe, expect, it } from 'vitest';
import { parseHistory, type HistoryOp } from '../sim/check/linearizability/history.js';
import type { SessionClose, ZkClientOp } from '../sim/check/zk-history/client-ops.js';
import { CommittedStates, type CommittedTxn } from '../sim/check/zk-history/committed-states.js';
import { staleSyncReads } from '../sim/check/zk-history/linearizability-checker.js';
import { judgeSessions } from '../sim/check/zk-history/session-guarantees.js';
import { znodeHistory } from '../sim/check/zk-history/znode-history.js';
import type { TxnBody } from '../sim/zk/txn.js';
import { formatZxid, zxid } from '../sim/zk/zxid.js';
import { runFixture } from './helpers/fixture.js';

const S1 = '0x0100000000000001';
const S2 = '0x0100000000000002';
const NO_OWNER = '0x0000000000000000';
/** Zxids of epoch 1 by counter, as the client notes carry them ("0x100000003"). */
const z = (counter: number, epoch = 1): string => formatZxid(zxid(epoch, counter));

/** The committed txns of the hand-made run (epoch 1, then epoch 2 after a leader change). */
const TXNS: [counter: number, body: TxnBody, epoch?: number][] = [
  [1, { type: 'createSession', sessionId: S1, timeoutMs: 10_000 }],
  [2, { type: 'createSession', sessionId: S2, timeoutMs: 10_000 }],
  [3, { type: 'create', path: '/a', data: 'v1', owner: NO_OWNER }],
  [4, { type: 'setData', path: '/a', data: 'v2', version: 1 }],
  [5, { type: 'create', path: '/e', data: 'e1', owner: S1 }],
  [6, { type: 'setData', path: '/a', data: 'v3', version: 2 }],
  [7, { type: 'delete', path: '/a' }],
  [1, { type: 'create', path: '/b', data: 'b1', owner: NO_OWNER }, 2],
  [2, { type: 'closeSession', sessionId: S1, paths: ['/e'] }, 2],
];
const committed = (): CommittedStates => new CommittedStates(TXNS.map(([counter, body, epoch]): CommittedTxn => ({ zxid: zxid(epoch ?? 1, counter), body })));

let seq = 0;
/** One answered op: `at` is [call, return]; the answer's trace seq follows the order ops are built in unless given. */
function op(process: string, id: number, kind: ZkClientOp['op'], path: string, at: [number, number], fields: Partial<ZkClientOp> = {}): ZkClientOp {
  return { process, id, op: kind, path, call: at[0], return: at[1], returnSeq: ++seq, rc: 'OK', outcome: 'ok', session: S1, ...fields };
}

/** A history every guarantee holds in: two sessions, stale (but committed) reads, a reconnect. */
function cleanHistory(): ZkClientOp[] {
  return [
    op('c1', 0, 'create', '/a', [0, 10], { value: 'v1', zxid: z(3) }),
    op('c1', 1, 'setData', '/a', [11, 20], { value: 'v2', zxid: z(4), version: 1 }),
    op('c1', 2, 'getData', '/a', [21, 30], { zxid: z(4), data: 'v2', version: 1 }),
    op('c1', 3, 'exists', '/a', [31, 40], { zxid: z(4), version: 1 }),
    op('c1', 4, 'create-ephemeral', '/e', [41, 50], { value: 'e1', zxid: z(5) }),
    // c2 lags behind on its server: a stale read is allowed, if it shows the state at its zxid.
    op('c2', 0, 'getData', '/a', [5, 25], { session: S2, zxid: z(3), data: 'v1', version: 0 }),
    op('c2', 1, 'getData', '/b', [26, 27], { session: S2, rc: 'NO_NODE', outcome: 'fail', zxid: z(3) }),
    op('c2', 2, 'getData-after-sync', '/a', [60, 70], { session: S2, zxid: z(6), data: 'v3', version: 2 }),
    op('c2', 3, 'exists', '/e', [71, 72], { session: S2, zxid: z(6), version: 0 }),
    // c1 after a reconnect to another server, same session: the zxid goes on from where it was.
    op('c1', 5, 'setData', '/a', [51, 60], { value: 'v3', zxid: z(6), version: 2 }),
    op('c1', 6, 'delete', '/a', [61, 65], { zxid: z(7) }),
    op('c1', 7, 'getData', '/a', [66, 67], { rc: 'NO_NODE', outcome: 'fail', zxid: z(7) }),
    // A CONNECTION_LOSS has no reply zxid: no constraint from it.
    op('c1', 8, 'setData', '/b', [68, 69], { value: 'x', rc: 'CONNECTION_LOSS', outcome: 'unknown' }),
    op('c1', 9, 'create', '/b', [70, 80], { value: 'b1', zxid: z(1, 2) }),
    op('c1', 10, 'exists', '/e', [81, 82], { rc: 'NO_NODE', outcome: 'fail', zxid: z(2, 2) }),
    // A never-answered op is skipped.
    { process: 'c2', id: 4, op: 'setData', path: '/a', call: 90, value: 'lost', session: S2 },
  ];
}

describe('judgeSessions', () => {
  it('passes a clean history, comparing every read and write with the committed state', () => {
    const v = judgeSessions(cleanHistory(), committed());
    expect(v.violations).toEqual([]);
    expect(v.status).toBe('pass');
    expect(v.check).toBe('zk-sessions');
    expect(v.summary).toMatch(/2 sessions kept FIFO order/);
    expect(v.summary).toMatch(/8 reads showed the committed state at their zxid; 6 acknowledged writes are committed/);
  });

  it('without committed states only the order checks run: a clean history is unknown, not pass', () => {
    const v = judgeSessions(cleanHistory(), undefined);
    expect(v.status).toBe('unknown');
    expect(v.summary).toMatch(/no committed history/);
  });

  it('without committed states an order violation still fails', () => {
    const ops = [op('c1', 0, 'getData', '/a', [0, 10], { zxid: z(4), data: 'v2', version: 1 }), op('c1', 1, 'getData', '/a', [11, 20], { zxid: z(3), data: 'v1', version: 0 })];
    const v = judgeSessions(ops, undefined);
    expect(v.status).toBe('fail');
    expect(v.violations[0]).toMatch(/^monotonic: /);
  });

  it('FIFO: an answer that comes back before the answer to an earlier request', () => {
    const ops = [
      op('c1', 0, 'create', '/a', [0, 10], { value: 'v1', zxid: z(3) }),
      // #2 answered (seq) before #1.
      op('c1', 2, 'getData', '/a', [12, 14], { zxid: z(4), data: 'v2', version: 1 }),
      op('c1', 1, 'setData', '/a', [11, 15], { value: 'v2', zxid: z(4), version: 1 }),
    ];
    const v = judgeSessions(ops, committed());
    expect(v.status).toBe('fail');
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]).toMatch(/^FIFO: /);
    expect(v.violations[0]).toContain('c1 op #1 setData /a');
    expect(v.violations[0]).toContain('after c1 op #2 getData /a');
  });

  it('monotonic zxids: a read after a reconnect (same session) at an older zxid', () => {
    const ops = [
      op('c1', 0, 'getData', '/a', [0, 10], { session: S2, zxid: z(4), data: 'v2', version: 1 }),
      // Reconnected to a server that is behind: it should have refused the session (zxid 0x100000004 seen).
      op('c1', 1, 'getData', '/a', [20, 30], { session: S2, zxid: z(3), data: 'v1', version: 0 }),
    ];
    const v = judgeSessions(ops, committed());
    expect(v.status).toBe('fail');
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]).toMatch(/^monotonic: /);
    expect(v.violations[0]).toContain('c1 op #1 getData /a');
    expect(v.violations[0]).toContain(`saw zxid ${z(3)}`);
    expect(v.violations[0]).toContain(`after ${z(4)}`);
  });

  it('monotonic zxids are per session: a new session of the same process may start behind', () => {
    const ops = [
      op('c1', 0, 'getData', '/a', [0, 10], { session: S1, zxid: z(4), data: 'v2', version: 1 }),
      op('c1', 1, 'getData', '/a', [20, 30], { session: S2, zxid: z(3), data: 'v1', version: 0 }),
    ];
    expect(judgeSessions(ops, committed()).status).toBe('pass');
  });

  it("read-your-writes: a read answered at a zxid before the session's own acknowledged write", () => {
    const ops = [
      op('c1', 0, 'setData', '/a', [0, 10], { value: 'v2', zxid: z(4), version: 1 }),
      op('c1', 1, 'getData', '/a', [11, 20], { zxid: z(3), data: 'v1', version: 0 }),
    ];
    const v = judgeSessions(ops, committed());
    expect(v.status).toBe('fail');
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]).toMatch(/^read-your-writes: /);
    expect(v.violations[0]).toContain('c1 op #1 getData /a');
    expect(v.violations[0]).toContain('c1 op #0 setData /a');
  });

  it("a read that does not show the committed state at its zxid (data, version, existence)", () => {
    const ops = [
      op('c1', 0, 'getData', '/a', [0, 10], { zxid: z(4), data: 'v1', version: 0 }),
      op('c1', 1, 'getData', '/a', [11, 20], { zxid: z(4), data: 'v2', version: 0 }),
      op('c1', 2, 'exists', '/a', [21, 30], { zxid: z(4), version: 2 }),
      op('c1', 3, 'getData', '/a', [31, 40], { zxid: z(4), rc: 'NO_NODE', outcome: 'fail' }),
      op('c1', 4, 'getData-after-sync', '/a', [41, 50], { zxid: z(7), data: 'v3', version: 2 }),
    ];
    const v = judgeSessions(ops, committed());
    expect(v.status).toBe('fail');
    expect(v.violations).toHaveLength(5);
    expect(v.violations.every((m) => m.startsWith('committed read: '))).toBe(true);
    expect(v.violations[0]).toContain('c1 op #0 getData /a');
    expect(v.violations[0]).toContain(`returned "v1" v0, but at its zxid ${z(4)} the committed state was "v2" v1`);
    expect(v.violations[1]).toContain('c1 op #1 getData /a');
    expect(v.violations[2]).toContain('c1 op #2 exists /a');
    expect(v.violations[2]).toContain('returned exists v2');
    expect(v.violations[3]).toContain('c1 op #3 getData /a at 40 returned no node');
    expect(v.violations[4]).toContain('c1 op #4 getData-after-sync /a');
    expect(v.violations[4]).toContain('the committed state was no node');
  });

  it('an acknowledged write whose zxid holds another txn', () => {
    const ops = [
      // zxid 4 is the setData of /a, not a create of /c.
      op('c1', 0, 'create', '/c', [0, 10], { value: 'c', zxid: z(4) }),
    ];
    const v = judgeSessions(ops, committed());
    expect(v.status).toBe('fail');
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]).toMatch(/^acknowledged write: c1 op #0 create \/c was acknowledged at zxid 0x100000004, but the committed txn there is \{"type":"setData"/);
  });

  it('an acknowledged write at a zxid with no committed txn, and one with other data', () => {
    const ops = [op('c1', 0, 'create-ephemeral', '/e', [0, 10], { value: 'other', zxid: z(5) }), op('c1', 1, 'delete', '/a', [11, 20], { zxid: z(9) })];
    const v = judgeSessions(ops, committed());
    expect(v.violations).toHaveLength(2);
    expect(v.violations.every((m) => m.startsWith('acknowledged write: '))).toBe(true);
    expect(v.violations[0]).toContain('c1 op #0 create-ephemeral /e');
    expect(v.violations[0]).toContain('"data":"e1"');
    expect(v.violations[1]).toContain('c1 op #1 delete /a');
    expect(v.violations[1]).toContain('the committed txn there is none');
  });

  it('a setData whose answered version differs from the committed txn', () => {
    const ops = [op('c1', 0, 'setData', '/a', [0, 10], { value: 'v2', zxid: z(4), version: 2 })];
    const v = judgeSessions(ops, committed());
    expect(v.status).toBe('fail');
    expect(v.violations).toHaveLength(1);
    expect(v.violations[0]).toMatch(/^acknowledged write: c1 op #0 setData \/a /);
    // The same answer with the right version passes.
    expect(judgeSessions([op('c1', 0, 'setData', '/a', [0, 10], { value: 'v2', zxid: z(4), version: 1 })], committed()).status).toBe('pass');
  });
});

describe('staleSyncReads', () => {
  const write = (ret: number) => op('c1', 0, 'setData', '/a', [0, ret], { value: 'v3', zxid: z(6), version: 2 });
  const syncRead = (call: number) => op('c2', 0, 'getData-after-sync', '/a', [call, call + 10], { session: S2, zxid: z(4), data: 'v2', version: 1 });

  it('ZOOKEEPER-1675 sync caveat: a sync+read showing an older zxid after a newer write was acknowledged before the read was called is reported', () => {
    const stale = staleSyncReads([write(50), syncRead(60)]);
    expect(stale).toHaveLength(1);
    expect(stale[0]).toContain("c2's sync+read of /a [60, 70] showed the state at zxid 0x100000004");
    expect(stale[0]).toContain("c1's setData (zxid 0x100000006) was acknowledged at 50, before the read was called");
  });

  it('ZOOKEEPER-1675 sync caveat: a newer write acknowledged after the read was called is not reported (concurrent)', () => {
    expect(staleSyncReads([write(65), syncRead(60)])).toEqual([]);
    // Touching times are concurrent too.
    expect(staleSyncReads([write(60), syncRead(60)])).toEqual([]);
  });

  it('only sync+reads are judged, only against acknowledged writes to the same path', () => {
    const plainRead = op('c2', 0, 'getData', '/a', [60, 70], { session: S2, zxid: z(4), data: 'v2', version: 1 });
    expect(staleSyncReads([write(50), plainRead])).toEqual([]);
    const otherPath = op('c1', 0, 'setData', '/b', [0, 50], { value: 'x', zxid: z(6), version: 1 });
    expect(staleSyncReads([otherPath, syncRead(60)])).toEqual([]);
    const unknownWrite = { ...write(50), outcome: 'unknown' as const, rc: 'CONNECTION_LOSS', zxid: undefined };
    expect(staleSyncReads([unknownWrite, syncRead(60)])).toEqual([]);
    // An older (or the same) zxid is not newer.
    expect(staleSyncReads([op('c1', 0, 'setData', '/a', [0, 50], { value: 'v2', zxid: z(4), version: 1 }), syncRead(60)])).toEqual([]);
  });
});

describe('znodeHistory', () => {
  const byF = (ops: HistoryOp[], f: string) => ops.filter((o) => o.input.f === f);

  it('the result is a valid interchange history of the znode model', () => {
    const h = znodeHistory(cleanHistory(), [], { name: 'clean', source: 'hand' });
    expect(h).toMatchObject({ version: 1, name: 'clean', source: 'hand', model: 'znode', init: null });
    expect(() => parseHistory(JSON.stringify(h), 'clean.json')).not.toThrow();
  });

  it('an unknown-outcome write becomes pending (returns after everything); a never-answered op too', () => {
    const ops = [
      op('c1', 0, 'create', '/a', [0, 10], { value: 'v1', zxid: z(3) }),
      op('c1', 1, 'setData', '/a', [11, 20], { value: 'v2', rc: 'CONNECTION_LOSS', outcome: 'unknown' }),
      op('c2', 0, 'getData', '/a', [12, 100], { session: S2, zxid: z(3), data: 'v1', version: 0 }),
      { process: 'c3', id: 0, op: 'delete', path: '/a', call: 30, session: S2 } satisfies ZkClientOp,
      // Never answered reads constrain nothing and are left out.
      { process: 'c3', id: 1, op: 'getData', path: '/a', call: 31, session: S2 } satisfies ZkClientOp,
    ];
    const h = znodeHistory(ops, [], { name: 'pending' });
    expect(h.ops).toHaveLength(4);
    const set = byF(h.ops, 'set')[0];
    expect(set).toMatchObject({ call: 11, pending: true, output: { status: 'unknown' }, input: { f: 'set', key: '/a', value: 'v2', version: -1 } });
    const del = byF(h.ops, 'delete')[0];
    expect(del).toMatchObject({ call: 30, pending: true, output: { status: 'unknown' } });
    // Pending returns: after the last time of the history (100), one each, in call order.
    expect(set.return).toBe(101);
    expect(del.return).toBe(102);
    expect(byF(h.ops, 'get')).toHaveLength(1);
    expect(() => parseHistory(JSON.stringify(h), 'pending.json')).not.toThrow();
  });

  it('a write refused with SESSION_EXPIRED did not happen and is left out; error answers stay', () => {
    const ops = [
      op('c1', 0, 'create', '/a', [0, 10], { value: 'v1', rc: 'SESSION_EXPIRED', outcome: 'fail' }),
      op('c1', 1, 'create', '/a', [11, 20], { value: 'v1', rc: 'NODE_EXISTS', outcome: 'fail', zxid: z(3) }),
      op('c1', 2, 'delete', '/b', [21, 30], { rc: 'NO_NODE', outcome: 'fail', zxid: z(3) }),
    ];
    const h = znodeHistory(ops, [], { name: 'refused' });
    expect(h.ops.map((o) => [o.input.f, o.output])).toEqual([
      ['create', { status: 'fail', rc: 'NODE_EXISTS' }],
      ['delete', { status: 'fail', rc: 'NO_NODE' }],
    ]);
  });

  it('a closeSession becomes an expire op on exactly the paths its session created ephemerals at', () => {
    const ops = [
      op('c1', 0, 'create-ephemeral', '/e2', [0, 10], { value: 'e', zxid: z(5) }),
      op('c1', 1, 'create-ephemeral', '/e1', [11, 20], { value: 'e', zxid: z(6) }),
      op('c1', 2, 'create', '/p', [21, 30], { value: 'p', zxid: z(7) }),
      // Unknown outcome: it may have created /e3, so its session's close may delete it.
      op('c1', 3, 'create-ephemeral', '/e3', [31, 40], { value: 'e', rc: 'CONNECTION_LOSS', outcome: 'unknown' }),
      // Refused: it did not happen, so no expire for /e4.
      op('c1', 4, 'create-ephemeral', '/e4', [41, 50], { value: 'e', rc: 'SESSION_EXPIRED', outcome: 'fail' }),
      op('c2', 0, 'create-ephemeral', '/f', [0, 10], { session: S2, value: 'f', zxid: z(8) }),
    ];
    const closes: SessionClose[] = [{ session: S1, zxid: z(1, 2), call: 60, return: 70 }];
    const h = znodeHistory(ops, closes, { name: 'close' });
    const expires = byF(h.ops, 'expire');
    expect(expires.map((o) => o.input.key).sort()).toEqual(['/e1', '/e2', '/e3']);
    const serverClient = expires[0].client;
    expect(new Set(h.ops.filter((o) => o.input.f !== 'expire').map((o) => o.client)).has(serverClient)).toBe(false);
    for (const e of expires) expect(e).toMatchObject({ client: serverClient, call: 60, return: 70, input: { f: 'expire', session: S1 }, output: { status: 'ok' } });
    expect(expires[0].pending).toBeUndefined();
    // The ephemeral creates name their owner; the persistent one does not.
    expect(byF(h.ops, 'create').map((o) => [o.input.key, o.input.session])).toEqual([
      ['/e2', S1],
      ['/f', S2],
      ['/e1', S1],
      ['/p', undefined],
      ['/e3', S1],
    ]);
    expect(() => parseHistory(JSON.stringify(h), 'close.json')).not.toThrow();
  });

  it('a closeSession whose commit was never seen gives pending expires (status unknown)', () => {
    const ops = [op('c1', 0, 'create-ephemeral', '/e', [0, 10], { value: 'e', zxid: z(5) }), op('c2', 0, 'exists', '/e', [80, 90], { session: S2, zxid: z(5), version: 0 })];
    const h = znodeHistory(ops, [{ session: S1, zxid: z(1, 2), call: 60 }], { name: 'close' });
    const [e] = byF(h.ops, 'expire');
    expect(e).toMatchObject({ call: 60, pending: true, output: { status: 'unknown' }, input: { key: '/e', session: S1 } });
    expect(e.return).toBe(91);
    // A close of a session with no ephemerals gives no op.
    expect(byF(znodeHistory(ops, [{ session: S2, zxid: z(1, 2), call: 60, return: 61 }], { name: 'close' }).ops, 'expire')).toEqual([]);
  });

  it("plain reads are 'sequential', reads after a sync are 'sync'; the sync itself is left out; reads keep data, version and zxid", () => {
    const ops = [
      op('c1', 0, 'create', '/a', [0, 10], { value: 'v1', zxid: z(3) }),
      op('c1', 1, 'getData', '/a', [11, 20], { zxid: z(3), data: 'v1', version: 0 }),
      op('c1', 2, 'exists', '/a', [21, 30], { zxid: z(3), version: 0 }),
      op('c1', 3, 'sync', '/a', [31, 40], { zxid: z(3) }),
      op('c1', 4, 'getData-after-sync', '/a', [31, 41], { zxid: z(3), data: 'v1', version: 0 }),
      op('c1', 5, 'exists', '/b', [42, 43], { zxid: z(3), rc: 'NO_NODE', outcome: 'fail' }),
    ];
    const h = znodeHistory(ops, [], { name: 'reads' });
    expect(h.ops.map((o) => [o.input.f, o.consistency])).toEqual([
      ['create', undefined],
      ['get', 'sequential'],
      ['exists', 'sequential'],
      ['get', 'sync'],
      ['exists', 'sequential'],
    ]);
    expect(h.ops[1]).toMatchObject({ output: { status: 'ok', value: 'v1', version: 0 }, zxid: z(3) });
    expect(h.ops[2].output).toEqual({ status: 'ok', version: 0 });
    expect(h.ops[4].output).toEqual({ status: 'fail', rc: 'NO_NODE' });
    // withReads 'sync' keeps only the sync reads.
    expect(znodeHistory(ops, [], { name: 'reads', withReads: 'sync' }).ops.map((o) => [o.input.f, o.consistency])).toEqual([
      ['create', undefined],
      ['get', 'sync'],
    ]);
  });

  it("withReads 'none': no reads, and no set answers' versions (the existence model can be used)", () => {
    const ops = [
      op('c1', 0, 'create', '/a', [0, 10], { value: 'v1', zxid: z(3) }),
      op('c1', 1, 'setData', '/a', [11, 20], { value: 'v2', zxid: z(4), version: 1 }),
      op('c1', 2, 'getData', '/a', [21, 30], { zxid: z(4), data: 'v2', version: 1 }),
      op('c1', 3, 'getData-after-sync', '/a', [31, 40], { zxid: z(4), data: 'v2', version: 1 }),
      op('c1', 4, 'exists', '/a', [41, 50], { zxid: z(4), version: 1 }),
    ];
    const all = znodeHistory(ops, [], { name: 'w' });
    expect(byF(all.ops, 'set')[0].output).toEqual({ status: 'ok', version: 1 });
    const none = znodeHistory(ops, [], { name: 'w', withReads: 'none' });
    expect(none.ops.map((o) => o.input.f)).toEqual(['create', 'set']);
    expect(byF(none.ops, 'set')[0].output).toEqual({ status: 'ok' });
    expect(none.ops.every((o) => o.output.version === undefined && o.consistency === undefined)).toBe(true);
  });
});

describe('committed states follow a leader that started from a snapshot', () => {
  it('regression: txns of the snapshot epoch in a new leader\'s loaded tree are committed by its epoch (swarm seed 126)', () => {
    const v = runFixture('snapshot-leader-adoption.json');
    expect(v['zk-sessions'].status, v['zk-sessions'].summary).toBe('pass');
    expect(v['zab-invariants'].status).toBe('pass');
  });
});

describe('committed states count a leader\'s history only once it is established', () => {
  it('regression: a leader that synced its history but never reached broadcast committed none of it (explore seed 521)', () => {
    const v = runFixture('unestablished-leader-history.json');
    expect(v['zk-sessions'].status, v['zk-sessions'].violations.join('\n')).toBe('pass');
    expect(v['zab-invariants'].status).toBe('pass');
    expect(v.linearizability.status).toBe('pass');
  });
});
