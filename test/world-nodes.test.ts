import { describe, expect, it } from 'vitest';
import type { Effect, StoredRecord } from '../sim/contract/node.js';
import { connectTo, delivered, probe, sendTo, type Step } from './helpers/probe.js';

/** A node that appends `n` records to "log" at boot+10 and fsyncs after the first `synced` of them. */
function writer(n: number, synced: number): Step {
  return () => {
    const effects: Effect<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      effects.push({ kind: 'append', file: 'log', record: { i }, ref: `a${i}` });
      if (i === synced - 1) effects.push({ kind: 'fsync', file: 'log', ref: 'sync' });
    }
    return effects;
  };
}

/** Runs a writer on s1, crashes it after the disk settled, restarts it, and returns what it read back. */
function crashAndRead(mode: 'process' | 'machine', tornWrite: boolean): StoredRecord[][] {
  const reads: StoredRecord[][] = [];
  const p = probe({
    nodes: ['s1'],
    faults: [{ at: 500, kind: 'crash', node: 's1', mode, restartAfterTicks: 100, tornWrite }],
    script: { s1: [{ at: 10, step: writer(4, 2) }] },
    boot: (_node, _state, _ctx, disk) => {
      reads.push(disk.readLog('log'));
      return [];
    },
  });
  p.run(1000);
  return reads;
}

describe('crashes and the disk', () => {
  it('a process crash keeps written-but-unsynced records (the OS page cache survives)', () => {
    const [, after] = crashAndRead('process', false);
    expect(after.map((r) => (r.ok ? r.data : r))).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
  });

  it('a machine crash loses the unsynced records', () => {
    const [, after] = crashAndRead('machine', false);
    expect(after.map((r) => (r.ok ? r.data : r))).toEqual([{ i: 0 }, { i: 1 }]);
  });

  it('a machine crash can tear the last write, which the checksum catches on read', () => {
    const [, after] = crashAndRead('machine', true);
    expect(after).toEqual([
      { ok: true, data: { i: 0 } },
      { ok: true, data: { i: 1 } },
      { ok: false, reason: 'torn' },
    ]);
  });

  it('a whole-file write is atomic-or-lost across a power loss', () => {
    const reads: Array<StoredRecord | undefined> = [];
    const p = probe({
      nodes: ['s1'],
      faults: [{ at: 500, kind: 'crash', node: 's1', mode: 'machine', restartAfterTicks: 100 }],
      script: {
        s1: [
          { at: 10, step: () => [{ kind: 'write', file: 'currentEpoch', data: 1, ref: 'w1' }, { kind: 'fsync', file: 'currentEpoch', ref: 's1' }] },
          { at: 100, step: () => [{ kind: 'write', file: 'currentEpoch', data: 2, ref: 'w2' }] },
        ],
      },
      boot: (_n, _s, _c, disk) => {
        reads.push(disk.readFile('currentEpoch'));
        return [];
      },
    });
    p.run(1000);
    expect(reads).toEqual([undefined, { ok: true, data: 1 }]);
  });

  it('a corrupted record reads back as a checksum failure', () => {
    const reads: StoredRecord[][] = [];
    const p = probe({
      nodes: ['s1'],
      faults: [
        { at: 400, kind: 'corrupt-record', node: 's1', file: 'log' },
        { at: 500, kind: 'crash', node: 's1', mode: 'process', restartAfterTicks: 100 },
      ],
      script: { s1: [{ at: 10, step: writer(3, 3) }] },
      boot: (_n, _s, _c, disk) => {
        reads.push(disk.readLog('log'));
        return [];
      },
    });
    p.run(1000);
    const hit = (p.ofKind('fault')[0].spec as { hits: Array<{ hit: { index: number } }> }).hits[0].hit.index;
    expect(reads[1][hit]).toEqual({ ok: false, reason: 'checksum' });
    expect(reads[1].filter((r) => r.ok)).toHaveLength(2);
  });

  it('a full disk fails appends with ENOSPC until it heals', () => {
    const p = probe({
      nodes: ['s1'],
      faults: [{ at: 5, kind: 'disk-full', node: 's1', durationTicks: 100 }],
      script: { s1: [{ at: 10, step: writer(1, 1) }, { at: 200, step: writer(1, 1) }] },
    });
    p.run(500);
    const done = p.inputs('s1', 'disk-done').map((s) => [s.input.op, s.input.ok, s.input.error]);
    expect(done).toEqual([
      ['append', false, 'ENOSPC'],
      ['fsync', true, undefined],
      ['append', true, undefined],
      ['fsync', true, undefined],
    ]);
  });

  it('operations run in order, and a slow disk multiplies their latency', () => {
    const fsyncTime = (slow: boolean): number => {
      const p = probe({
        nodes: ['s1'],
        disk: { fsyncLatency: { minTicks: 10, maxTicks: 10 }, appendLatency: { minTicks: 1, maxTicks: 1 } },
        faults: slow ? [{ at: 0, kind: 'slow-disk', node: 's1', factor: 20 }] : [],
        script: { s1: [{ at: 10, step: writer(2, 2) }] },
      });
      p.run(10_000);
      const done = p.inputs('s1', 'disk-done');
      expect(done.map((d) => d.input.op)).toEqual(['append', 'append', 'fsync']);
      return done[2].at - 10;
    };
    expect(fsyncTime(false)).toBe(12);
    expect(fsyncTime(true)).toBe(240);
  });

  it('a slow disk slows only the work done before the fault ends: the queue drains at normal speed after it', () => {
    // Two appends (1 tick each) and an fsync (10) submitted at 10 while the disk is 20x slower until 50:
    // 40 ticks of slow time do 2 ticks of work, and the remaining 10 ticks run at normal speed.
    const p = probe({
      nodes: ['s1'],
      disk: { fsyncLatency: { minTicks: 10, maxTicks: 10 }, appendLatency: { minTicks: 1, maxTicks: 1 } },
      faults: [{ at: 0, kind: 'slow-disk', node: 's1', factor: 20, durationTicks: 50 }],
      script: { s1: [{ at: 10, step: writer(2, 2) }] },
    });
    p.run(10_000);
    const done = p.inputs('s1', 'disk-done');
    expect(done.map((d) => [d.input.op, d.at])).toEqual([
      ['append', 30],
      ['append', 50],
      ['fsync', 60],
    ]);
  });

  it('a process crash closes its connections at once; data it sent first still arrives before the close', () => {
    const p = probe({
      faults: [{ at: 200, kind: 'crash', node: 's1', mode: 'process' }],
      script: { s1: [{ at: 0, step: connectTo('s2') }, { at: 200, step: sendTo('s2', 'last words') }] },
    });
    p.run(1000);
    const s2 = p.seen.filter((s) => s.node === 's2').map((s) => s.input.kind);
    expect(s2.slice(-2)).toEqual(['deliver', 'closed']);
    expect(p.inputs('s2', 'closed')[0].input.reason).toBe('peer-closed');
    expect(p.inputs('s2', 'closed')[0].at).toBeLessThan(215);
  });

  it('a machine crash is silent; the peer learns by a reset once the machine is back and meets the retransmission', () => {
    const p = probe({
      faults: [{ at: 200, kind: 'crash', node: 's1', mode: 'machine', restartAfterTicks: 1000 }],
      script: {
        s1: [{ at: 0, step: connectTo('s2') }],
        s2: [
          { at: 500, step: sendTo('s1', 'into the void') },
          { at: 2000, step: sendTo('s1', 'hello again?') },
        ],
      },
    });
    p.run(1199);
    expect(p.inputs('s2', 'closed')).toEqual([]);
    expect(p.ofKind('drop').map((d) => d.reason)).toEqual(['node-down']);
    p.run(3000);
    const closed = p.inputs('s2', 'closed');
    expect(closed.map((s) => s.input.reason)).toEqual(['reset']);
    expect(closed[0].at).toBeGreaterThan(1200);
    expect(closed[0].at).toBeLessThan(1215);
    // the later send finds the socket closed
    expect(p.ofKind('drop').map((d) => d.reason)).toEqual(['node-down', 'closed']);
    expect(p.inputs('s1', 'deliver')).toEqual([]);
  });

  it('restart brings a crashed node back (and does nothing to a running one)', () => {
    const p = probe({
      nodes: ['s1', 's2'],
      faults: [
        { at: 100, kind: 'crash', node: 's1', mode: 'machine' },
        { at: 300, kind: 'restart', node: 'all' },
      ],
    });
    p.run(500);
    expect(p.ofKind('boot').map((b) => [b.node, b.at, b.incarnation])).toEqual([
      ['s1', 0, 1],
      ['s2', 0, 1],
      ['s1', 300, 2],
    ]);
    expect((p.ofKind('fault')[1].spec as { nodes: string[] }).nodes).toEqual(['s1']); // only down nodes are candidates
  });

  it('a restarted node gets a new incarnation and only its durable state', () => {
    const p = probe({ nodes: ['s1'], faults: [{ at: 100, kind: 'crash', node: 's1', mode: 'process', restartAfterTicks: 50 }] });
    p.run(500);
    expect(p.ofKind('boot').map((b) => [b.at, b.incarnation])).toEqual([
      [0, 1],
      [150, 2],
    ]);
  });
});

describe('clocks and pauses', () => {
  it('a clock jump moves the wall clock only; timers run on the monotonic clock', () => {
    const p = probe({
      nodes: ['s1'],
      faults: [{ at: 50, kind: 'clock-jump', node: 's1', deltaTicks: -10_000 }],
      script: { s1: [{ at: 100, step: () => [] }] },
    });
    p.run(200);
    const t = p.inputs('s1', 'timer')[0];
    expect([t.at, t.mono, t.wall]).toEqual([100, 100, -9900]);
  });

  it('drift makes a fast clock fire its timers early in global time', () => {
    const p = probe({ nodes: ['s1'], clocks: { s1: { offsetTicks: 5, driftPpm: 100_000 } }, script: { s1: [{ at: 1100, step: () => [] }] } });
    p.run(2000);
    const t = p.inputs('s1', 'timer')[0];
    expect(t.at).toBe(1000);
    expect(t.mono).toBe(1100);
    expect(t.wall).toBe(1105);
  });

  it('a clock-drift fault changes the rate from then on, keeping the reading continuous', () => {
    const p = probe({
      nodes: ['s1'],
      faults: [{ at: 1000, kind: 'clock-drift', node: 's1', ppm: -500_000 }],
      script: { s1: [{ at: 999, step: () => [] }, { at: 1500, step: () => [] }] },
    });
    p.run(5000);
    const [before, after] = p.inputs('s1', 'timer');
    expect([before.at, before.mono]).toEqual([999, 999]);
    // half speed from t=1000: 500 more local ticks take 1000 global ticks
    expect([after.at, after.mono]).toEqual([2000, 1500]);
    expect(p.ofKind('clock')[0]).toMatchObject({ node: 's1', change: 'drift-ppm', value: -500_000 });
  });

  it('a paused node handles nothing, then its backlog in arrival order, late timers included', () => {
    const p = probe({
      faults: [{ at: 100, kind: 'pause', node: 's2', durationTicks: 1000 }],
      script: {
        s1: [{ at: 0, step: connectTo('s2') }, { at: 200, step: sendTo('s2', 'm1') }, { at: 400, step: sendTo('s2', 'm2') }],
        s2: [{ at: 300, step: () => [] }],
      },
    });
    p.run(2000);
    const afterPause = p.seen.filter((s) => s.node === 's2' && s.at >= 100);
    expect(afterPause.map((s) => [s.at, s.input.kind])).toEqual([
      [1100, 'deliver'],
      [1100, 'timer'],
      [1100, 'deliver'],
    ]);
    expect(delivered(p, 's2')).toEqual(['m1', 'm2']);
    expect(p.ofKind('resume')[0]).toMatchObject({ node: 's2', backlog: 3 });
  });

  it('a crash during a pause drops the backlog, each message with a drop event', () => {
    const p = probe({
      faults: [
        { at: 100, kind: 'pause', node: 's2', durationTicks: 1000 },
        { at: 500, kind: 'crash', node: 's2', mode: 'process' },
      ],
      script: { s1: [{ at: 0, step: connectTo('s2') }, { at: 200, step: sendTo('s2', 'm1') }] },
    });
    p.run(2000);
    expect(p.ofKind('drop').map((d) => [d.at, d.reason])).toEqual([[500, 'node-down']]);
    expect(p.ofKind('resume')).toEqual([]);
  });
});

describe('symbolic targets', () => {
  it('"leader" hits the node whose role says so; partition groups accept "rest"', () => {
    const p = probe({
      nodes: ['s1', 's2', 's3', 's4', 's5'],
      roles: { s4: 'LEADING' },
      faults: [
        { at: 10, kind: 'partition', groups: ['minority-with-leader', 'rest'] },
        { at: 20, kind: 'crash', node: 'leader', mode: 'process' },
        { at: 30, kind: 'pause', node: 'random-majority', durationTicks: 5 },
      ],
    });
    p.run(100);
    const [part, crash, pause] = p.ofKind('fault').map((f) => f.spec as Record<string, string[] | string[][]>);
    const [minority, rest] = part.groups as string[][];
    expect(minority).toContain('s4');
    expect(minority).toHaveLength(2);
    expect([...minority, ...rest].sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(crash.nodes).toEqual(['s4']);
    expect(pause.nodes).toHaveLength(3);
    expect(pause.nodes).not.toContain('s4'); // the crashed leader is not a candidate for a pause
  });
});
