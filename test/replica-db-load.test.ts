/**
 * What a ZooKeeper server makes of its disk at boot (ReplicaDb.load): the epoch files, the marker
 * of an interrupted NEWLEADER, and unreadable files.
 */
import { describe, expect, it } from 'vitest';
import type { DurableView, StoredRecord } from '../sim/contract/node.js';
import { ACCEPTED_EPOCH, CURRENT_EPOCH, ReplicaDb, TXN_LOG, UPDATING_EPOCH } from '../sim/zk/quorum/replica-db.js';
import type { Txn } from '../sim/zk/txn.js';

function disk(files: Record<string, StoredRecord[]>): DurableView {
  return { files: () => Object.keys(files), readLog: (f) => files[f] ?? [], readFile: () => undefined };
}
const ok = (data: unknown): StoredRecord => ({ ok: true, data });
const txn = (epoch: number, counter: number): Txn =>
  ({ zxid: { epoch, counter }, sessionId: '0x0000000000000000', time: 0, body: { type: 'create', path: `/n${epoch}-${counter}`, data: null, owner: '0x0000000000000000' } });

describe('ReplicaDb.load', () => {
  const log = [ok(txn(1, 1)), ok(txn(2, 1)), ok(txn(2, 2))];

  it('refuses to start when the log runs ahead of currentEpoch and no NEWLEADER was in progress', () => {
    const r = ReplicaDb.load(disk({ [TXN_LOG]: log, [ACCEPTED_EPOCH]: [ok(2)], [CURRENT_EPOCH]: [ok(1)] }), 500, []);
    expect(r.problem).toMatch(/current epoch 1 is older than the last zxid 0x200000002/);
  });

  it('completes an interrupted currentEpoch write when the updatingEpoch marker is there (QuorumPeer.loadDataBase)', () => {
    const fx: unknown[] = [];
    const r = ReplicaDb.load(disk({ [TXN_LOG]: log, [ACCEPTED_EPOCH]: [ok(2)], [CURRENT_EPOCH]: [ok(1)], [UPDATING_EPOCH]: [ok(1)] }), 500, fx as never);
    expect(r.problem).toBeUndefined();
    expect(r.db.currentEpoch).toBe(2);
    expect(r.db.durableCurrentEpoch).toBe(2);
    // The repaired epoch is written, and the marker removed.
    expect(fx).toContainEqual({ kind: 'append', file: CURRENT_EPOCH, record: 2, ref: 'db:epoch' });
    expect(fx).toContainEqual({ kind: 'truncate', file: UPDATING_EPOCH, length: 0, ref: 'db:truncate' });
  });

  it('a leftover marker changes nothing when the epochs agree', () => {
    const r = ReplicaDb.load(disk({ [TXN_LOG]: log, [ACCEPTED_EPOCH]: [ok(2)], [CURRENT_EPOCH]: [ok(2)], [UPDATING_EPOCH]: [ok(1)] }), 500, []);
    expect(r.problem).toBeUndefined();
    expect(r.db.currentEpoch).toBe(2);
  });

  it('a torn epoch write leaves the previous value (atomic replace), but bit rot in the newest record refuses to start', () => {
    const torn = ReplicaDb.load(disk({ [TXN_LOG]: log, [ACCEPTED_EPOCH]: [ok(2), { ok: false, reason: 'torn' }], [CURRENT_EPOCH]: [ok(2)] }), 500, []);
    expect(torn.problem).toBeUndefined();
    expect(torn.db.acceptedEpoch).toBe(2);
    const rot = ReplicaDb.load(disk({ [TXN_LOG]: log, [ACCEPTED_EPOCH]: [ok(2)], [CURRENT_EPOCH]: [ok(1), { ok: false, reason: 'checksum' }] }), 500, []);
    expect(rot.problem).toMatch(/cannot read currentEpoch: the file fails its checksum/);
  });
});
