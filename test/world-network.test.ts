import { describe, expect, it } from 'vitest';
import { connectTo, datagramTo, delivered, probe, sendTo, type Step } from './helpers/probe.js';

const seq = (n: number, peer: string, from = 100): Array<{ at: number; step: Step }> =>
  Array.from({ length: n }, (_, i) => ({ at: from + i, step: sendTo(peer, i) }));

describe('connections', () => {
  it('deliver in FIFO order despite random latency, each send paired with its deliver', () => {
    const p = probe({ network: { latency: { minTicks: 1, maxTicks: 40, tailPpm: 100_000, tailMaxTicks: 400 } }, script: { s1: [{ at: 0, step: connectTo('s2') }, ...seq(50, 's2', 2000)] } });
    p.run(1900);
    expect(p.inputs('s1', 'connected')).toHaveLength(1);
    p.run(10_000);
    expect(delivered(p, 's2')).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const sends = p.ofKind('send').map((e) => e.msgId);
    expect(p.ofKind('deliver').map((e) => e.msgId)).toEqual(sends);
  });

  it('connect is answered by connected, and the peer sees accepted', () => {
    const p = probe({ script: { s1: [{ at: 0, step: connectTo('s2', 'quorum') }] } });
    p.run(100);
    expect(p.inputs('s1', 'connected')[0].input).toMatchObject({ to: 's2', port: 'quorum', ref: 'to-s2' });
    expect(p.inputs('s2', 'accepted')[0].input).toMatchObject({ from: 's1', port: 'quorum' });
  });

  it('a one-way partition lets A→B through and holds B→A until it heals', () => {
    const p = probe({
      faults: [{ at: 50, kind: 'one-way', from: 's2', to: 's1', durationTicks: 1000 }],
      script: {
        s1: [{ at: 0, step: connectTo('s2') }, { at: 100, step: sendTo('s2', 'a→b') }],
        s2: [{ at: 100, step: sendTo('s1', 'b→a') }],
      },
    });
    p.run(900);
    expect(delivered(p, 's2')).toEqual(['a→b']);
    expect(delivered(p, 's1')).toEqual([]);
    p.run(2000);
    expect(delivered(p, 's1')).toEqual(['b→a']);
    expect(p.inputs('s1', 'deliver')[0].at).toBeGreaterThanOrEqual(1050);
  });

  it('a partition that outlasts TCP breaks the sender side only, dropping what it held', () => {
    const p = probe({
      network: { tcpTimeoutTicks: 500 },
      faults: [{ at: 50, kind: 'partition', groups: [['s1'], ['s2']], durationTicks: 2000 }],
      script: { s1: [{ at: 0, step: connectTo('s2') }, { at: 100, step: sendTo('s2', 'lost') }] },
    });
    p.run(3000);
    expect(p.inputs('s1', 'closed').map((s) => [s.at, s.input.reason])).toEqual([[600, 'timeout']]);
    expect(p.inputs('s2', 'closed')).toEqual([]);
    expect(p.ofKind('drop').map((e) => e.reason)).toEqual(['connection-timeout']);
    expect(delivered(p, 's2')).toEqual([]);
  });

  it('a partition on one port leaves the other ports connected', () => {
    const p = probe({
      faults: [{ at: 0, kind: 'partition', groups: [['s1'], 'rest'], ports: ['election'] }],
      script: { s1: [{ at: 10, step: datagramTo('s2', 'e', 'election') }, { at: 10, step: datagramTo('s2', 'c', 'client') }] },
    });
    p.run(200);
    expect(delivered(p, 's2')).toEqual(['c']);
    expect(p.ofKind('drop').map((e) => e.reason)).toEqual(['partition']);
  });

  it('heal lifts every partition and clog at once, and held data flows again in order', () => {
    const p = probe({
      faults: [
        { at: 50, kind: 'partition', groups: [['s1'], 'rest'] },
        { at: 60, kind: 'clog', from: 's2', to: 's3' },
        { at: 70, kind: 'network', dropRate: 1 },
        { at: 1000, kind: 'heal' },
      ],
      script: { s1: [{ at: 0, step: connectTo('s2') }, ...seq(3, 's2', 100)] },
    });
    p.run(900);
    expect(p.world.links.active.length).toBe(3);
    expect(p.world.activeFaults()).toContain('network fault');
    expect(delivered(p, 's2')).toEqual([]);
    p.run(2000);
    expect(p.world.links.active.length).toBe(0);
    expect(p.world.activeFaults()).toEqual([]);
    expect(delivered(p, 's2')).toEqual([0, 1, 2]);
  });

  it('kill-connections resets both ends at once', () => {
    const p = probe({ faults: [{ at: 100, kind: 'kill-connections', nodes: ['s1'] }], script: { s1: [{ at: 0, step: connectTo('s2') }] } });
    p.run(200);
    expect(p.inputs('s1', 'closed').map((s) => [s.at, s.input.reason])).toEqual([[100, 'killed']]);
    expect(p.inputs('s2', 'closed').map((s) => [s.at, s.input.reason])).toEqual([[100, 'killed']]);
  });

  it('connecting to a dead process is refused; to a dead machine or across a partition it times out', () => {
    const p = probe({
      nodes: ['s1', 's2', 's3', 's4'],
      network: { connectTimeoutTicks: 300 },
      faults: [
        { at: 10, kind: 'crash', node: 's2', mode: 'process' },
        { at: 10, kind: 'crash', node: 's3', mode: 'machine' },
        { at: 10, kind: 'isolate', node: 's4' },
      ],
      script: { s1: [{ at: 100, step: connectTo('s2') }, { at: 100, step: connectTo('s3') }, { at: 100, step: connectTo('s4') }] },
    });
    p.run(1000);
    const failed = p.inputs('s1', 'connect-failed').map((s) => [s.input.to, s.input.reason, s.at < 120 ? 'fast' : s.at]);
    expect(failed).toEqual([
      ['s2', 'refused', 'fast'],
      ['s3', 'timeout', 400],
      ['s4', 'timeout', 400],
    ]);
  });
});

describe('datagrams', () => {
  it('are dropped, duplicated and reordered by the network fault, and each copy has one fate', () => {
    const steps = Array.from({ length: 400 }, (_, i) => ({ at: 100 + i, step: datagramTo('s2', i) }));
    const p = probe({
      network: { reorderMaxTicks: 30 },
      faults: [{ at: 50, kind: 'network', dropRate: 0.2, duplicateRate: 0.1, reorderRate: 0.3, durationTicks: 10_000 }],
      script: { s1: steps },
    });
    p.run(5000);
    const got = delivered(p, 's2') as number[];
    const drops = p.ofKind('drop').filter((e) => e.reason === 'loss').length;
    const dups = p.ofKind('duplicate').length;
    expect(drops).toBeGreaterThan(40);
    expect(dups).toBeGreaterThan(15);
    expect(got.length).toBe(400 - drops + dups);
    const inversions = got.filter((v, i) => i > 0 && v < got[i - 1]).length;
    expect(inversions).toBeGreaterThan(10);
    // every send and duplicate has exactly one deliver or drop
    const fates = new Map<number, number>();
    for (const e of p.events) if (e.kind === 'deliver' || e.kind === 'drop') fates.set(e.msgId, (fates.get(e.msgId) ?? 0) + 1);
    for (const e of p.events) if (e.kind === 'send' || e.kind === 'duplicate') expect(fates.get(e.msgId)).toBe(1);
  });

  it('a bridge partition is not transitive: both halves reach the bridge, not each other', () => {
    const nodes = ['s1', 's2', 's3', 's4', 's5'];
    const all = Object.fromEntries(nodes.map((n) => [n, nodes.filter((m) => m !== n).map((m) => ({ at: 100, step: datagramTo(m, `${n}>${m}`) }))]));
    const p = probe({ nodes, faults: [{ at: 0, kind: 'bridge', node: 's3' }], script: all });
    p.run(500);
    const spec = p.ofKind('fault')[0].spec as { bridge: string[]; left: string[]; right: string[] };
    expect(spec.bridge).toEqual(['s3']);
    const reach = (a: string, b: string): boolean => (delivered(p, b) as string[]).includes(`${a}>${b}`);
    for (const l of spec.left) {
      expect(reach(l, 's3') && reach('s3', l)).toBe(true);
      for (const r of spec.right) expect(reach(l, r) || reach(r, l)).toBe(false);
    }
    for (const r of spec.right) expect(reach(r, 's3') && reach('s3', r)).toBe(true);
  });

  it('a ring partition gives every node a majority, and no two nodes the same one', () => {
    const nodes = ['s1', 's2', 's3', 's4', 's5'];
    const all = Object.fromEntries(nodes.map((n) => [n, nodes.filter((m) => m !== n).map((m) => ({ at: 100, step: datagramTo(m, n) }))]));
    const p = probe({ nodes, faults: [{ at: 0, kind: 'ring' }], script: all });
    p.run(500);
    const views = nodes.map((n) => [n, ...(delivered(p, n) as string[])].sort().join(','));
    for (const v of views) expect(v.split(',').length).toBe(3);
    expect(new Set(views).size).toBe(5);
  });

  it('a clog delays instead of dropping, and releases in order when lifted', () => {
    const p = probe({
      network: { tcpTimeoutTicks: 100 },
      faults: [{ at: 50, kind: 'clog', from: 's1', to: 's2', durationTicks: 5000 }],
      script: { s1: [{ at: 0, step: connectTo('s2') }, ...seq(5, 's2'), { at: 200, step: datagramTo('s2', 'dg') }] },
    });
    p.run(4000);
    expect(delivered(p, 's2')).toEqual([]);
    p.run(6000);
    expect(delivered(p, 's2').filter((m) => m !== 'dg')).toEqual([0, 1, 2, 3, 4]);
    expect(delivered(p, 's2')).toContain('dg');
    expect(p.inputs('s1', 'closed')).toEqual([]); // clogs never break TCP
  });

  it('swizzle-clog clogs nodes one by one and unclogs them in reverse order', () => {
    const nodes = ['s1', 's2', 's3'];
    const p = probe({ nodes, faults: [{ at: 100, kind: 'swizzle-clog', stepTicks: 100 }] });
    const clogged: string[][] = [];
    for (let t = 150; t <= 650; t += 100) {
      p.run(t);
      // each clogged node has its own pair of rules whose `from` is just that node
      clogged.push(p.world.links.active.filter((r) => r.from.size === 1).map((r) => [...r.from][0]));
    }
    const [a, b, c] = (p.ofKind('fault')[0].spec as { order: string[] }).order;
    expect(clogged).toEqual([[a], [a, b], [a, b, c], [a, b], [a], []]);
    expect(p.world.links.state(a, b, 'p')).toBe('open');
    expect(p.ofKind('heal').map((h) => h.at)).toEqual([600]);
  });
});
