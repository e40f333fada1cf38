/**
 * Fast Leader Election in the simulated world: servers that run nothing but the election
 * (electionOnlyProgram), over the simulated TCP network with its latencies and faults.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../sim/contract/node.js';
import { Kernel } from '../sim/kernel/kernel.js';
import type { TraceEvent } from '../sim/kernel/trace/events.js';
import { MemorySink, Trace } from '../sim/kernel/trace/trace.js';
import { DEFAULT_DISK, DEFAULT_NETWORK, type NetworkConfig } from '../sim/world/config.js';
import type { FaultSpec } from '../sim/world/fault-spec.js';
import { World } from '../sim/world/world.js';
import type { ElectionNote } from '../sim/zk/election/election.js';
import { ELECTION_PORT } from '../sim/zk/election/election.js';
import { electionOnlyProgram, type ElectionOnlyState } from '../sim/zk/election/election-only-program.js';
import { totalOrderPredicate, ZXID_MINUS_ONE, type Vote } from '../sim/zk/election/vote.js';
import type { ElectionMsg } from '../sim/zk/election/vote.js';
import { zxid, type Zxid } from '../sim/zk/zxid.js';

interface Data {
  lastZxid: Zxid;
  currentEpoch: number;
}

interface WorldOptions {
  n: number;
  /** The last `observers` servers are observers. */
  observers?: number;
  data?: Record<number, Data>;
  seed?: string;
  faults?: FaultSpec[];
  network?: Partial<NetworkConfig>;
}

type DecideNote = Extract<ElectionNote, { fle: 'decide' }>;

function electionWorld(o: WorldOptions) {
  const servers = Array.from({ length: o.n }, (_, i) => ({
    sid: i + 1,
    node: `s${i + 1}`,
    observer: i >= o.n - (o.observers ?? 0),
    ...(o.data?.[i + 1] ?? {}),
  }));
  const kernel = new Kernel(o.seed ?? 'fle');
  const sink = new MemorySink();
  const trace = new Trace('full', sink);
  const events: TraceEvent[] = [];
  trace.subscribe((e) => events.push(e));
  const world = new World<ElectionOnlyState, ElectionMsg>(
    kernel,
    trace,
    { nodes: servers.map((s) => s.node), network: { ...DEFAULT_NETWORK, ...o.network }, disk: DEFAULT_DISK, clocks: {}, faults: o.faults ?? [] },
    electionOnlyProgram({ servers }),
  );
  world.start();
  const notes = <K extends ElectionNote['fle']>(kind: K) =>
    events.flatMap((e) =>
      e.kind === 'note' && (e.data as ElectionNote | undefined)?.fle === kind ? [{ at: e.at, node: e.node, text: e.text, data: e.data as Extract<ElectionNote, { fle: K }> }] : [],
    );
  return {
    kernel,
    world,
    trace,
    events,
    lines: sink.lines,
    run: (until: number) => kernel.runUntil(until),
    notes,
    decisions: (): Array<{ at: number; node: NodeId; data: DecideNote }> => notes('decide'),
    /** The last decision of each node, by node. */
    final(): Map<NodeId, { at: number; data: DecideNote }> {
      const m = new Map<NodeId, { at: number; data: DecideNote }>();
      for (const d of notes('decide')) m.set(d.node, d);
      return m;
    },
    fle: (node: NodeId) => world.stateOf(node)?.fle,
  };
}

/** The expected winner: greatest (currentEpoch, lastZxid, sid) among the voters. */
function expectedLeader(n: number, data: Record<number, Data>): number {
  let best: Vote | undefined;
  for (let sid = 1; sid <= n; sid++) {
    const d = data[sid] ?? { lastZxid: zxid(0, 0), currentEpoch: 0 };
    const v: Vote = { leader: sid, zxid: d.lastZxid, electionEpoch: 0, peerEpoch: d.currentEpoch };
    if (best === undefined || totalOrderPredicate(v, best)) best = v;
  }
  return (best as Vote).leader;
}

/** Asserts every voter decided once, for `leader`, and exactly the leader leads. */
function expectAgreement(w: ReturnType<typeof electionWorld>, voters: number, leader: number) {
  const final = w.final();
  for (let sid = 1; sid <= voters; sid++) {
    const d = final.get(`s${sid}`);
    expect(d, `s${sid} decided`).toBeDefined();
    expect(d!.data.vote.leader).toBe(leader);
    expect(d!.data.state).toBe(sid === leader ? 'LEADING' : 'FOLLOWING');
    expect(w.fle(`s${sid}`)!.state).toBe(sid === leader ? 'LEADING' : 'FOLLOWING');
  }
}

/** Election connections open at both ends at the end of the trace. */
function liveElectionConnections(events: TraceEvent[]): Array<{ conn: number; from: string; to: string }> {
  const conns = new Map<number, { from: string; to: string; connected: boolean; accepted: boolean; closed: boolean }>();
  for (const e of events) {
    if (e.kind === 'connect' && e.port === ELECTION_PORT) conns.set(e.conn, { from: e.from, to: e.to, connected: false, accepted: false, closed: false });
    const c = 'conn' in e ? conns.get((e as { conn: number }).conn) : undefined;
    if (c === undefined) continue;
    if (e.kind === 'connected') c.connected = true;
    if (e.kind === 'accept') c.accepted = true;
    if (e.kind === 'close' || e.kind === 'connect-failed') c.closed = true;
  }
  return [...conns].filter(([, c]) => c.connected && c.accepted && !c.closed).map(([conn, c]) => ({ conn, from: c.from, to: c.to }));
}

const sidOf = (node: string) => Number(node.slice(1));

describe('FLE: fresh ensembles', () => {
  it.each([3, 5])('%i servers with equal data elect the highest sid within one round + finalizeWait', (n) => {
    const w = electionWorld({ n, seed: `equal-${n}` });
    w.run(5000);
    expectAgreement(w, n, n);
    for (const d of w.decisions()) {
      expect(d.data.via).toBe('quorum');
      expect(d.data.round).toBe(1);
      // one exchange of notifications (a few ms) + the 200 ms finalize wait
      expect(d.at).toBeGreaterThanOrEqual(200);
      expect(d.at).toBeLessThan(1000);
    }
    // exactly one decision per server, all in round 1
    expect(w.decisions()).toHaveLength(n);
  });

  it('the greatest (currentEpoch, lastZxid, sid) wins; currentEpoch outranks a longer log', () => {
    // s1 has the newest currentEpoch but the shortest log; s2 and s3 have longer logs of epoch 1.
    const data: Record<number, Data> = {
      1: { lastZxid: zxid(1, 5), currentEpoch: 2 },
      2: { lastZxid: zxid(1, 100), currentEpoch: 1 },
      3: { lastZxid: zxid(1, 100), currentEpoch: 1 },
    };
    const w = electionWorld({ n: 3, data, seed: 'epoch-first' });
    w.run(5000);
    expectAgreement(w, 3, 1);
  });

  it('with equal epochs the longer log wins over a higher sid', () => {
    const data: Record<number, Data> = {
      1: { lastZxid: zxid(2, 3), currentEpoch: 2 },
      2: { lastZxid: zxid(2, 9), currentEpoch: 2 },
      3: { lastZxid: zxid(2, 3), currentEpoch: 2 },
      4: { lastZxid: zxid(1, 50), currentEpoch: 2 },
      5: { lastZxid: zxid(2, 8), currentEpoch: 2 },
    };
    const w = electionWorld({ n: 5, data, seed: 'zxid-second' });
    w.run(5000);
    expectAgreement(w, 5, 2);
    const adopt = w.notes('adopt').find((a) => a.data.vote.leader === 2);
    expect(adopt?.data.vote.zxid).toEqual(zxid(2, 9));
    expect(adopt?.text).toMatch(/^s\d adopts s\d's vote \(epoch 2, 0x200000009, sid 2\)$/);
  });

  it('property: any data, any seed — all voters agree on the greatest (currentEpoch, lastZxid, sid)', () => {
    const arbData = fc.record({
      lastZxid: fc.record({ epoch: fc.integer({ min: 0, max: 2 }), counter: fc.integer({ min: 0, max: 3 }) }),
      currentEpoch: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 5 }), fc.array(arbData, { minLength: 5, maxLength: 5 }), fc.integer({ min: 0, max: 1_000_000 }), (n, ds, seed) => {
        const data: Record<number, Data> = {};
        ds.slice(0, n).forEach((d, i) => (data[i + 1] = d));
        const w = electionWorld({ n, data, seed: String(seed), network: { latency: { minTicks: 1, maxTicks: 20, tailPpm: 0, tailMaxTicks: 20 } } });
        w.run(10_000);
        expectAgreement(w, n, expectedLeader(n, data));
        expect(w.decisions().every((d) => d.at < 2000)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('observers end OBSERVING the elected voter and never lead, whatever their data', () => {
    const data: Record<number, Data> = { 4: { lastZxid: zxid(9, 9), currentEpoch: 9 } };
    const w = electionWorld({ n: 4, observers: 1, data, seed: 'observer' });
    w.run(10_000);
    expectAgreement(w, 3, 3);
    const obs = w.final().get('s4');
    expect(obs?.data.state).toBe('OBSERVING');
    expect(obs?.data.vote.leader).toBe(3);
    expect(w.fle('s4')!.state).toBe('OBSERVING');
    // the voters never tallied the observer's notifications (they only answered them)
    for (const d of w.decisions()) expect(d.data.supporters).not.toContain(4);
  });

  it('a server with lastZxid -1 is ignored while LOOKING and joins through FOLLOWING/LEADING answers', () => {
    const data: Record<number, Data> = { 3: { lastZxid: ZXID_MINUS_ONE, currentEpoch: 0 } };
    const w = electionWorld({ n: 3, data, seed: 'minus-one' });
    w.run(10_000);
    const final = w.final();
    expect(final.get('s2')?.data.state).toBe('LEADING');
    expect(final.get('s1')?.data.vote.leader).toBe(2);
    expect(final.get('s3')?.data.state).toBe('FOLLOWING');
    expect(final.get('s3')?.data.vote.leader).toBe(2);
    expect(final.get('s3')?.data.via).not.toBe('quorum');
    // nobody ever adopted s3's vote
    expect(w.notes('adopt').filter((a) => a.data.vote.leader === 3)).toEqual([]);
  });
});

describe('FLE: joining an established ensemble', () => {
  it('a restarted server is carried by stale LOOKING notifications its peers resend on reconnect (lastMessageSent)', () => {
    // The peers' last message to s1 was their LOOKING vote of round 1: the new connections
    // resend it, so s1 sees "an election in progress" and decides through a LOOKING quorum.
    const w = electionWorld({ n: 3, seed: 'rejoin', faults: [{ at: 2000, kind: 'crash', node: 's1', mode: 'process', restartAfterTicks: 100 }] });
    w.run(10_000);
    const s1 = w.decisions().filter((d) => d.node === 's1');
    expect(s1).toHaveLength(2);
    expect(s1[1].data).toMatchObject({ state: 'FOLLOWING', via: 'quorum', round: 1 });
    expect(s1[1].data.vote.leader).toBe(3);
    const staleLooking = w.events.filter(
      (e) => e.kind === 'send' && e.at > 2100 && e.to === 's1' && (e.msg as ElectionMsg).state === 'LOOKING',
    );
    expect(staleLooking.length).toBeGreaterThan(0);
    // the others never went back to LOOKING
    expect(w.decisions().filter((d) => d.node !== 's1')).toHaveLength(2);
  });

  it('restarted again (the last messages are now FOLLOWING/LEADING answers), it follows through recvset + checkLeader', () => {
    const w = electionWorld({
      n: 3,
      seed: 'rejoin-twice',
      faults: [
        { at: 2000, kind: 'crash', node: 's1', mode: 'process', restartAfterTicks: 100 },
        { at: 5000, kind: 'crash', node: 's1', mode: 'process', restartAfterTicks: 100 },
      ],
    });
    w.run(10_000);
    const last = w.final().get('s1')!;
    expect(last.at).toBeGreaterThan(5100);
    expect(last.data).toMatchObject({ state: 'FOLLOWING', via: 'recvset', round: 1, supporters: [2, 3] });
    expect(last.data.vote.leader).toBe(3);
    // no finalize wait on this path: a few round trips
    expect(last.at - 5100).toBeLessThan(100);
  });

  it('a server in a newer round joins the ensemble through outofelection and takes the ensemble\'s round', () => {
    const w = electionWorld({ n: 3, seed: 'rejoin-newer' });
    w.run(1000);
    w.world.call('s1', { t: 'look' }); // s1's role ended: round 2, while s2 and s3 stay in round 1
    w.run(10_000);
    const last = w.final().get('s1')!;
    expect(last.at).toBeGreaterThan(1000);
    expect(last.data).toMatchObject({ state: 'FOLLOWING', via: 'outofelection', round: 1, supporters: [2, 3] });
    expect(last.data.vote.leader).toBe(3);
    expect(w.fle('s1')!.logicalclock).toBe(1); // set back to the ensemble's round
  });

  it('a re-booted server behind the ensemble\'s round joins through outofelection + checkLeader', () => {
    const w = electionWorld({ n: 3, seed: 'reboot-behind' });
    w.run(1000);
    for (const node of ['s1', 's2', 's3']) w.world.call(node, { t: 'look' }); // a second election: round 2
    w.run(3000);
    expect(w.decisions().filter((d) => d.data.round === 2)).toHaveLength(3);
    // first re-boot: carried by the resent LOOKING votes of round 2 (jumps to round 2)
    w.world.crash('s1', 'process');
    w.world.restart('s1');
    w.run(6000);
    expect(w.final().get('s1')!.data).toMatchObject({ via: 'quorum', round: 2 });
    // second re-boot (round 1 again; the peers' last messages are now FOLLOWING/LEADING of round 2)
    w.world.crash('s1', 'process');
    w.world.restart('s1');
    w.run(10_000);
    const last = w.final().get('s1')!;
    expect(last.at).toBeGreaterThan(6000);
    expect(last.data).toMatchObject({ state: 'FOLLOWING', via: 'outofelection', round: 2, supporters: [2, 3] });
    expect(last.data.vote.leader).toBe(3);
    expect(w.fle('s1')!.logicalclock).toBe(2);
    expect(last.at - 6000).toBeLessThan(100);
  });

  it('a crashed would-be leader is not followed once only FOLLOWING votes name it (checkLeader)', () => {
    const faults: FaultSpec[] = [
      { at: 1000, kind: 'crash', node: 's5', mode: 'machine' },
      { at: 1000, kind: 'crash', node: 's1', mode: 'process', restartAfterTicks: 100 },
    ];
    const w = electionWorld({ n: 5, seed: 'dead-leader', faults });
    w.run(5000);
    // First attempt: the stale LOOKING resends make a LOOKING quorum for s5, which needs no
    // confirmation from s5 (in ZooKeeper s1 would then fail to connect to s5 and look again).
    const first = w.decisions().filter((d) => d.node === 's1' && d.at > 1000);
    expect(first).toHaveLength(1);
    expect(first[0].data).toMatchObject({ via: 'quorum', state: 'FOLLOWING' });
    expect(first[0].data.vote.leader).toBe(5);
    // Its role ends (leader unreachable): round 2. Now s2..s4 answer FOLLOWING s5, a quorum,
    // but s5 never says LEADING: s1 keeps looking.
    w.world.call('s1', { t: 'look' });
    w.run(200_000);
    for (const node of ['s2', 's3', 's4']) expect(w.fle(node)!.state).toBe('FOLLOWING');
    expect(w.decisions().filter((d) => d.node === 's1' && d.at > 5000)).toEqual([]);
    expect(w.fle('s1')!.state).toBe('LOOKING');
    expect(w.notes('timeout').filter((t) => t.node === 's1' && t.at > 5000).length).toBeGreaterThan(5);

    // control: with s5 alive, the same second attempt follows s5 at once
    const ok = electionWorld({ n: 5, seed: 'dead-leader', faults: [faults[1]] });
    ok.run(5000);
    ok.world.call('s1', { t: 'look' });
    ok.run(20_000);
    const s1 = ok.decisions().filter((d) => d.node === 's1' && d.at > 5000);
    expect(s1).toHaveLength(1);
    expect(s1[0].data).toMatchObject({ via: 'outofelection', state: 'FOLLOWING' });
    expect(s1[0].data.vote.leader).toBe(5);
  });
});

describe('FLE: partitions and timeouts', () => {
  it('a minority partition never decides while the majority does; after healing it joins', () => {
    const w = electionWorld({
      n: 5,
      seed: 'minority',
      faults: [{ at: 0, kind: 'partition', groups: [['s1', 's2'], ['s3', 's4', 's5']], durationTicks: 20_000 }],
    });
    w.run(19_999);
    const before = w.final();
    expect(before.get('s5')?.data.state).toBe('LEADING');
    expect(before.get('s3')?.data.vote.leader).toBe(5);
    expect(before.get('s4')?.data.vote.leader).toBe(5);
    expect(before.has('s1')).toBe(false);
    expect(before.has('s2')).toBe(false);
    expect(w.fle('s1')!.state).toBe('LOOKING');
    w.run(200_000);
    expectAgreement(w, 5, 5);
    // the majority kept its leader: one decision each
    for (const node of ['s3', 's4', 's5']) expect(w.decisions().filter((d) => d.node === node)).toHaveLength(1);
  });

  it('alone, the notification timeout doubles from 200 ms up to the 60 s cap', () => {
    const w = electionWorld({ n: 3, seed: 'alone', faults: [{ at: 0, kind: 'isolate', node: 's1' }] });
    w.run(250_000);
    const fires = w.events.filter((e) => e.kind === 'timer' && e.node === 's1' && e.timer === 'fle:poll').map((e) => e.at);
    const gaps = fires.map((t, i) => t - (i === 0 ? 0 : fires[i - 1]));
    expect(gaps).toEqual([200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 51_200, 60_000, 60_000]);
    const next = w.notes('timeout').filter((t) => t.node === 's1').map((t) => t.data.nextTimeoutMs);
    expect(next).toEqual([400, 800, 1600, 3200, 6400, 12_800, 25_600, 51_200, 60_000, 60_000, 60_000]);
    expect(w.fle('s1')!.state).toBe('LOOKING');
    // the other two form a quorum of three
    expect(w.final().get('s3')?.data.state).toBe('LEADING');
  });
});

describe('FLE: election connections', () => {
  it.each(['1', '2', '3', '4', '5', '6', '7', '8'])('seed %s: exactly one connection per pair survives, opened by the higher sid', (seed) => {
    const w = electionWorld({ n: 5, seed: `cnx-${seed}`, network: { latency: { minTicks: 1, maxTicks: 30, tailPpm: 0, tailMaxTicks: 30 } } });
    w.run(3000);
    const live = liveElectionConnections(w.events);
    const pairs = live.map((c) => [sidOf(c.from), sidOf(c.to)].sort((a, b) => a - b).join('-')).sort();
    expect(pairs).toEqual(['1-2', '1-3', '1-4', '1-5', '2-3', '2-4', '2-5', '3-4', '3-5', '4-5']);
    for (const c of live) expect(sidOf(c.from)).toBeGreaterThan(sidOf(c.to));
    // each server's own view agrees
    for (let sid = 1; sid <= 5; sid++) expect(w.fle(`s${sid}`)!.connectedPeers()).toEqual([1, 2, 3, 4, 5].filter((s) => s !== sid));
    expectAgreement(w, 5, 5);
  });

  it('a server that restarts gets the connections back (the survivor connects to it again)', () => {
    const w = electionWorld({ n: 3, seed: 'cnx-restart', faults: [{ at: 1000, kind: 'crash', node: 's3', mode: 'process', restartAfterTicks: 500 }] });
    w.run(10_000);
    const live = liveElectionConnections(w.events);
    expect(live.map((c) => `${c.from}>${c.to}`).sort()).toEqual(['s2>s1', 's3>s1', 's3>s2']);
  });
});

describe('FLE: determinism', () => {
  it('the same seed gives the same trace; another seed another one', () => {
    const hash = (seed: string) => {
      const w = electionWorld({
        n: 5,
        seed,
        network: { latency: { minTicks: 1, maxTicks: 25, tailPpm: 0, tailMaxTicks: 25 } },
        faults: [{ at: 3000, kind: 'crash', node: 'leader', mode: 'process', restartAfterTicks: 300 }],
      });
      w.run(20_000);
      return w.trace.hash();
    };
    expect(hash('d1')).toBe(hash('d1'));
    expect(hash('d1')).not.toBe(hash('d2'));
  });
});
