// The ZAB monitor must be able to fail: each invariant against a hand-made world that breaks it.
import { describe, expect, it } from 'vitest';
import { ZabInvariants } from '../sim/check/zab-invariants.js';
import { DataTree } from '../sim/zk/data-tree.js';
import type { Zxid } from '../sim/zk/zxid.js';
import { runFixture } from './helpers/fixture.js';

interface FakeDb {
  applied: { zxid: Zxid; body: string; gen: number }[];
  generation: number;
  snapshotZxid: Zxid;
  lastProcessedZxid: Zxid;
  log: { zxid: Zxid; body: unknown }[];
  tree: DataTree;
  /** What the disk would boot with (the durability checks); everything, unless a test says otherwise. */
  durablyLogged(z: Zxid): boolean;
  durableCurrentEpoch: number;
}
interface FakePeer {
  sid: number;
  role: { kind: string; phase?: string; epoch?: number; leaderSid?: number };
  db: FakeDb;
  cfg?: { servers: { sid: number; node: string; role: 'participant' | 'observer' }[] };
}

const z = (epoch: number, counter: number): Zxid => ({ epoch, counter });
const db = (): FakeDb => ({ applied: [], generation: 0, snapshotZxid: z(0, 0), lastProcessedZxid: z(0, 0), log: [], tree: new DataTree(), durablyLogged: () => true, durableCurrentEpoch: 1e9 });

function fakeWorld(peers: FakePeer[]) {
  const servers = peers.map((q) => ({ sid: q.sid, node: `s${q.sid}`, role: 'participant' as const }));
  for (const p of peers) p.cfg ??= { servers };
  const hosts = peers.map((p) => ({ state: { peer: p } }));
  const world = {
    kernel: { now: 0 },
    trace: { enabled: false, count: 0 },
    host: (n: string) => hosts[Number(n.slice(1)) - 1],
    stateOf: (n: string) => hosts[Number(n.slice(1)) - 1].state,
  };
  return { world: world as never, servers: peers.map((p) => `s${p.sid}`) };
}

function apply(p: FakePeer, zxid: Zxid, body: string) {
  p.db.applied.push({ zxid, body, gen: p.db.generation });
  p.db.lastProcessedZxid = zxid;
}

describe('ZabInvariants fails what breaks ZAB', () => {
  it('Leadership: two servers establish the same epoch', () => {
    const a: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 1 }, db: db() };
    const b: FakePeer = { sid: 2, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 1 }, db: db() };
    const { world, servers } = fakeWorld([a, b]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^Leadership/);
  });

  it('Agreement: one zxid, two different transactions', () => {
    const a: FakePeer = { sid: 1, role: { kind: 'LOOKING' }, db: db() };
    const b: FakePeer = { sid: 2, role: { kind: 'LOOKING' }, db: db() };
    apply(a, z(1, 1), 'create /x');
    apply(b, z(1, 1), 'create /y');
    const { world, servers } = fakeWorld([a, b]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^Agreement/);
  });

  it('TotalOrder: a server applies an older zxid after a newer one', () => {
    const a: FakePeer = { sid: 1, role: { kind: 'LOOKING' }, db: db() };
    apply(a, z(1, 2), 'b');
    apply(a, z(1, 1), 'a');
    const { world, servers } = fakeWorld([a]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^TotalOrder/);
  });

  it('PrefixConsistency: a server skips zxids of an epoch in a tree it did not rebuild (but may start a new epoch anywhere)', () => {
    const a: FakePeer = { sid: 1, role: { kind: 'LOOKING' }, db: db() };
    apply(a, z(1, 1), 'a');
    apply(a, z(1, 2), 'b');
    apply(a, z(2, 7), 'c'); // a new epoch: its counters need not start at 1 here
    const { world, servers } = fakeWorld([a]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    expect(inv.finish().violations).toEqual([]);
    apply(a, z(2, 9), 'e'); // 2:8 skipped
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^PrefixConsistency.*applied 0x200000009 right after 0x200000007/);
  });

  it('CommittedLogDurability: a new leader lacks a transaction an earlier leader committed', () => {
    const a: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 1 }, db: db() };
    const b: FakePeer = { sid: 2, role: { kind: 'LOOKING' }, db: db() };
    const { world, servers } = fakeWorld([a, b]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    apply(a, z(1, 1), 'create /x'); // committed by the leader of epoch 1
    inv.check();
    a.role = { kind: 'LOOKING' };
    b.role = { kind: 'LEADING', phase: 'BROADCAST', epoch: 2 };
    b.db.lastProcessedZxid = z(2, 0);
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^CommittedLogDurability.*lacks committed 0x100000001/);
  });

  it('CommittedLogDurability concerns earlier epochs: a stale leader of an overtaken epoch is not flagged for a later epoch\'s commit', () => {
    // Its NEWLEADER ACKs arrived late (held by a partition), after epoch 3 had committed: it can
    // commit nothing more, so lacking epoch 3's txn is staleness, not lost durability.
    const a: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 3 }, db: db() };
    const b: FakePeer = { sid: 2, role: { kind: 'LOOKING' }, db: db() };
    const { world, servers } = fakeWorld([a, b]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    apply(a, z(3, 1), 'create /x'); // committed by the leader of epoch 3
    inv.check();
    b.role = { kind: 'LEADING', phase: 'BROADCAST', epoch: 2 };
    inv.check();
    expect(inv.finish().violations).toEqual([]);
  });

  it('StateAgreement: a follower at the leader\'s zxid with another tree', () => {
    const a: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 1 }, db: db() };
    const b: FakePeer = { sid: 2, role: { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 }, db: db() };
    a.db.tree.apply({ zxid: z(1, 1), sessionId: '0x0000000000000000', time: 0, body: { type: 'create', path: '/x', data: null, owner: '0x0000000000000000' } });
    a.db.lastProcessedZxid = z(1, 1);
    b.db.lastProcessedZxid = z(1, 1);
    const { world, servers } = fakeWorld([a, b]);
    const inv = new ZabInvariants(world, servers);
    expect(inv.finish().violations[0]).toMatch(/^StateAgreement/);
  });

  it('Integrity: a follower applies a transaction no leader committed', () => {
    const l: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 1 }, db: db() };
    const f: FakePeer = { sid: 2, role: { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 }, db: db() };
    const { world, servers } = fakeWorld([l, f]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    apply(f, z(1, 1), 'create /ghost');
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^Integrity.*which no leader committed/);
  });

  it('ProcessConsistency: a learner starts serving with an uncommitted transaction in its tree', () => {
    const l: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 2 }, db: db() };
    const f: FakePeer = { sid: 2, role: { kind: 'LOOKING' }, db: db() };
    apply(f, z(1, 7), 'create /replayed'); // replayed from its log at boot: fine while not serving
    const { world, servers } = fakeWorld([l, f]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    expect(inv.violations).toEqual([]);
    f.role = { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 };
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^ProcessConsistency/);
  });

  it('PrimaryIntegrity: a new primary lacks a transaction a learner delivered from an earlier epoch', () => {
    const a: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'SYNCHRONIZATION', epoch: 1 }, db: db() };
    const f: FakePeer = { sid: 2, role: { kind: 'FOLLOWING', phase: 'SYNCHRONIZATION', leaderSid: 1 }, db: db() };
    const b: FakePeer = { sid: 3, role: { kind: 'LOOKING' }, db: db() };
    apply(a, z(1, 1), 'create /x'); // a's initial history for epoch 1
    const { world, servers } = fakeWorld([a, f, b]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    apply(f, z(1, 1), 'create /x'); // applied by a learner during the sync…
    inv.check();
    f.role = { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 }; // …and delivered once it serves
    inv.check();
    a.role = { kind: 'LOOKING' };
    b.role = { kind: 'LEADING', phase: 'BROADCAST', epoch: 2 };
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^PrimaryIntegrity.*lacks 0x100000001, which a learner delivered/);
  });

  it('PrimaryIntegrity: what a learner applied in a sync it never finished was not delivered (explore seed 4567)', () => {
    const a: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'SYNCHRONIZATION', epoch: 1 }, db: db() };
    const f: FakePeer = { sid: 2, role: { kind: 'FOLLOWING', phase: 'SYNCHRONIZATION', leaderSid: 1 }, db: db() };
    const b: FakePeer = { sid: 3, role: { kind: 'LOOKING' }, db: db() };
    apply(a, z(1, 1), 'create /x');
    const { world, servers } = fakeWorld([a, f, b]);
    const inv = new ZabInvariants(world, servers);
    inv.check();
    apply(f, z(1, 1), 'create /x'); // the leader is never established: f never serves it
    inv.check();
    a.role = { kind: 'LOOKING' };
    f.role = { kind: 'LOOKING' };
    b.role = { kind: 'LEADING', phase: 'BROADCAST', epoch: 2 };
    inv.check();
    expect(inv.finish().violations).toEqual([]);
  });

  it('CommitConsistency: a follower applied something its leader\'s history has otherwise', () => {
    const l: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 1 }, db: db() };
    const f: FakePeer = { sid: 2, role: { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 }, db: db() };
    apply(l, z(1, 1), 'create /x');
    apply(l, z(1, 2), 'create /y');
    f.db.applied.push({ zxid: z(1, 2), body: 'create /y', gen: 0 }, { zxid: z(1, 1), body: 'create /x', gen: 0 }); // out of order
    f.db.lastProcessedZxid = z(1, 1);
    const { world, servers } = fakeWorld([l, f]);
    const inv = new ZabInvariants(world, servers);
    expect(inv.finish().violations.some((v) => /^CommitConsistency/.test(v))).toBe(true);
  });
});

describe('the durability promises of ACKs', () => {
  // Three voters; `down` ones have no state and are judged by what their disk holds.
  function world3(peers: (FakePeer | { down: { txnlog: unknown[]; currentEpoch: unknown[] } })[]) {
    const servers = peers.map((_, i) => ({ sid: i + 1, node: `s${i + 1}`, role: 'participant' as const }));
    const hosts = peers.map((p) => {
      if ('down' in p) {
        const files: Record<string, unknown[]> = { txnlog: p.down.txnlog, currentEpoch: p.down.currentEpoch };
        return { state: undefined, disk: { view: () => ({ readLog: (f: string) => (files[f] ?? []).map((data) => ({ ok: true, data })) }) } };
      }
      p.cfg = { servers };
      return { state: { peer: p } };
    });
    const world = {
      kernel: { now: 0 },
      trace: { enabled: false, count: 0 },
      host: (n: string) => hosts[Number(n.slice(1)) - 1],
      stateOf: (n: string) => hosts[Number(n.slice(1)) - 1].state,
    };
    return new ZabInvariants(world as never, servers.map((s) => s.node));
  }
  const notDurable = (d: FakeDb): FakeDb => ({ ...d, durablyLogged: () => false });

  it('CommitDurability: a leader commits what only it has on disk', () => {
    const l: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 1 }, db: db() };
    const f2: FakePeer = { sid: 2, role: { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 }, db: notDurable(db()) };
    const f3: FakePeer = { sid: 3, role: { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 }, db: notDurable(db()) };
    const inv = world3([l, f2, f3]);
    inv.check();
    apply(l, z(1, 1), 'create /x'); // the follower ACKed before its fsync
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^CommitDurability.*committed 0x100000001 while only 1 of 3 voters held it durably \(not on s2, s3\)/);
  });

  it('CommitDurability holds with one follower durable, or one that is down with the txn on its disk', () => {
    for (const other of [{ sid: 2, role: { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 }, db: db() }, { down: { txnlog: [{ zxid: z(1, 1), body: 'create /x' }], currentEpoch: [1] } }]) {
      const l: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 1 }, db: db() };
      const f3: FakePeer = { sid: 3, role: { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 }, db: notDurable(db()) };
      const inv = world3([l, other, f3]);
      inv.check();
      apply(l, z(1, 1), 'create /x');
      inv.check();
      expect(inv.finish().violations).toEqual([]);
    }
    // ...but a down server whose disk lacks it does not count.
    const l: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 1 }, db: db() };
    const f3: FakePeer = { sid: 3, role: { kind: 'FOLLOWING', phase: 'BROADCAST', leaderSid: 1 }, db: notDurable(db()) };
    const inv = world3([l, { down: { txnlog: [], currentEpoch: [1] } }, f3]);
    inv.check();
    apply(l, z(1, 1), 'create /x');
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^CommitDurability.*\(not on s3, s2\)/);
  });

  it('EpochDurability: a leader establishes an epoch its followers ACKed before writing currentEpoch', () => {
    const l: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 2 }, db: { ...db(), durableCurrentEpoch: 2 } };
    const f2: FakePeer = { sid: 2, role: { kind: 'FOLLOWING', phase: 'SYNCHRONIZATION', leaderSid: 1 }, db: { ...db(), durableCurrentEpoch: 1 } };
    const inv = world3([l, f2, { down: { txnlog: [], currentEpoch: [1] } }]);
    inv.check();
    expect(inv.finish().violations[0]).toMatch(/^EpochDurability.*epoch 2 while only 1 of 3 voters had it as currentEpoch on disk \(s2 at 1, s3 at 1\)/);
  });

  it('EpochDurability holds when a quorum has the epoch (or a newer one) on disk, down servers included', () => {
    for (const other of [{ sid: 2, role: { kind: 'LOOKING' }, db: { ...db(), durableCurrentEpoch: 3 } }, { down: { txnlog: [], currentEpoch: [1, 2] } }]) {
      const l: FakePeer = { sid: 1, role: { kind: 'LEADING', phase: 'BROADCAST', epoch: 2 }, db: { ...db(), durableCurrentEpoch: 2 } };
      const f3: FakePeer = { sid: 3, role: { kind: 'FOLLOWING', phase: 'SYNCHRONIZATION', leaderSid: 1 }, db: { ...db(), durableCurrentEpoch: 1 } };
      const inv = world3([l, other, f3]);
      inv.check();
      expect(inv.finish().violations).toEqual([]);
    }
  });
});

describe('a safety violation stops the run', () => {
  it('the simulation ends at the event where the monitor found it, and says so', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseScenario } = await import('../sim/scenario/load.js');
    const { Simulation } = await import('../sim/scenario/simulation.js');
    const scenario = parseScenario(readFileSync('scenarios/zk-first-election-3.json', 'utf8'), 'zk-first-election-3.json');
    const sim = new Simulation(scenario);
    sim.runUntil(5000);
    expect(sim.stoppedAt).toBeUndefined();
    // Corrupt s1's record of what it applied: it now disagrees with s2 about a zxid.
    const peer = (n: string) => (sim.world.stateOf(n) as { peer: { db: { applied: { zxid: Zxid; body: unknown; gen: number }[]; generation: number } } }).peer;
    const first = peer('s2').db.applied[0];
    peer('s1').db.applied.push({ zxid: first.zxid, body: { type: 'error', rc: 'NO_NODE' }, gen: peer('s1').db.generation });
    sim.runUntil(10_000);
    expect(sim.stoppedAt).toMatchObject({ check: 'zab-invariants' });
    expect(sim.stoppedAt!.at).toBeLessThan(5100);
    const r = sim.finish();
    expect(r.endAt).toBeLessThan(scenario.durationTicks);
    expect(r.verdicts.find((v) => v.check === 'zab-invariants')).toMatchObject({ status: 'fail' });
    expect(r.verdicts.find((v) => v.check === 'zab-invariants')!.violations[0]).toMatch(/^Agreement at \d+ \(trace event \d+\)/);
    expect(r.ok).toBe(false);
  });
});

describe('CommitDurability and ACKs from before a TRUNC', () => {
  it('regression: a commit counting a learner\'s pre-TRUNC ACK (as ZooKeeper does) is allowed and reported (explore seed 813)', () => {
    const zab = runFixture('stale-ack-after-trunc.json')['zab-invariants'];
    expect(zab.status, zab.violations.join('\n')).toBe('pass');
    expect(zab.summary).toMatch(/\d+ commit\(s\) counted a learner's ACK from before its TRUNC/);
  });
});

describe('regressions found by zksim explore', () => {
  it('a leader that syncs its history and loses its role in one step: the learner delivered its initial history (seed 6339)', () => {
    const v = runFixture('leader-history-lost-role.json');
    expect(v['zab-invariants'].status, v['zab-invariants'].violations.join('\n')).toBe('pass');
  });

  it('txns applied in a sync that never finished were not delivered: a later leader may lack them (seed 4567)', () => {
    const v = runFixture('sync-never-finished.json');
    expect(v['zab-invariants'].status, v['zab-invariants'].violations.join('\n')).toBe('pass');
  });

  it('a disk backlog built while slow drains at normal speed once the slow-disk fault ends (seed 7567)', () => {
    const v = runFixture('slow-disk-backlog.json');
    expect(v.liveness.status, v.liveness.violations.join('\n')).toBe('pass');
    expect(v['zab-invariants'].status).toBe('pass');
  });
});

describe('the updatingEpoch marker covers a SNAP sync\'s snapshot', () => {
  it('a server killed after writing a SNAP snapshot but before currentEpoch starts again (explore seed 10891)', () => {
    const v = runFixture('snap-before-marker.json');
    expect(v.liveness.status, v.liveness.summary).toBe('pass');
    expect(v['zab-invariants'].status).toBe('pass');
  });
});
