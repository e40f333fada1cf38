/**
 * Interleavings and corner cases of the world, each once a bug found in review (by reading and by
 * fuzzing random fault lists). Every test pins the behaviour a real TCP stack, disk or kernel has.
 */
import { describe, expect, it } from 'vitest';
import type { Effect, StoredRecord } from '../sim/contract/node.js';
import { ConnectionFifo } from '../sim/check/connection-fifo.js';
import type { TraceEvent } from '../sim/kernel/trace/events.js';
import { connectTo, datagramTo, delivered, probe, sendTo } from './helpers/probe.js';
import { parseScenario, runScenario } from '../sim/index.js';

/** Every packet takes exactly 10 ticks: makes the interleavings below exact. */
const FIXED = { latency: { minTicks: 10, maxTicks: 10, tailPpm: 0, tailMaxTicks: 10 } };

describe('connection set-up', () => {
  it('the connecting side is told "connected" before data the accepting side sent on accept', () => {
    const p = probe({
      network: FIXED,
      script: { s1: [{ at: 100, step: connectTo('s2') }] },
      react: (node, _state, input) => (node === 's2' && input.kind === 'accepted' ? [{ kind: 'send', conn: input.conn, msg: 'welcome' }] : []),
    });
    p.run(500);
    const s1 = p.seen.filter((s) => s.node === 's1' && s.input.kind !== 'timer').map((s) => s.input.kind);
    // TCP: the client's connect() completes (SYN-ACK) before any server data can be read.
    expect(s1).toEqual(['connected', 'deliver']);
  });

  it('an accepting side that closes before its SYN-ACK arrives: the connecting side sees connected, then closed', () => {
    const p = probe({
      network: { ...FIXED, connectTimeoutTicks: 1000 },
      script: { s1: [{ at: 100, step: connectTo('s2') }] },
      react: (node, _state, input) => (node === 's2' && input.kind === 'accepted' ? [{ kind: 'close', conn: input.conn }] : []),
    });
    p.run(5000);
    const answers = p.seen.filter((s) => s.node === 's1' && ['connected', 'connect-failed', 'closed'].includes(s.input.kind));
    // As with a real accept() + close(): the handshake completes, then the FIN arrives.
    expect(answers.map((a) => [a.input.kind, (a.input as { reason?: string }).reason])).toEqual([
      ['connected', undefined],
      ['closed', 'peer-closed'],
    ]);
  });

  it('power loss on the connecting side after the peer accepted: the peer is reset once the machine is back', () => {
    const p = probe({
      network: FIXED,
      faults: [{ at: 115, kind: 'crash', node: 's1', mode: 'machine', restartAfterTicks: 100 }],
      script: {
        s1: [{ at: 100, step: connectTo('s2') }], // SYN at s2 at 110, SYN-ACK due at s1 at 120
        s2: [
          { at: 300, step: sendTo('s1', 'are you there?') },
          { at: 400, step: sendTo('s1', 'hello?') },
        ],
      },
    });
    p.run(3000);
    expect(p.inputs('s2', 'accepted')).toHaveLength(1);
    // s1 is back at 215; its kernel must answer s2's segments with a reset.
    expect(p.inputs('s2', 'closed').map((s) => s.input.reason)).toEqual(['reset']);
  });
});

describe('TCP give-up', () => {
  it('data sent to a machine that lost power and stays down breaks the sender\'s connection after tcpTimeoutTicks', () => {
    const p = probe({
      network: { ...FIXED, tcpTimeoutTicks: 500 },
      faults: [{ at: 200, kind: 'crash', node: 's2', mode: 'machine' }],
      script: { s1: [{ at: 0, step: connectTo('s2') }, { at: 300, step: sendTo('s2', 'm1') }, { at: 400, step: sendTo('s2', 'm2') }] },
    });
    p.run(5000);
    expect(p.ofKind('drop').map((d) => d.reason)).toEqual(['node-down', 'node-down']);
    // Real TCP retransmits unacknowledged data and gives up (ETIMEDOUT): ~300 + 500.
    expect(p.inputs('s1', 'closed').map((s) => s.input.reason)).toEqual(['timeout']);
  });

  it('one-way partition: the side whose data flows but whose ACKs are cut off gives up too', () => {
    const sends = Array.from({ length: 20 }, (_, i) => ({ at: 1000 + i * 200, step: sendTo('s2', `m${i}`) }));
    const p = probe({
      network: { ...FIXED, tcpTimeoutTicks: 500 },
      faults: [{ at: 50, kind: 'one-way', from: 's2', to: 's1', durationTicks: 20_000 }],
      script: { s1: [{ at: 0, step: connectTo('s2') }, ...sends], s2: [{ at: 100, step: sendTo('s1', 'reply') }] },
    });
    p.run(10_000);
    expect(p.inputs('s2', 'closed').map((s) => s.input.reason)).toEqual(['timeout']);
    const droppedAtPeer = p.ofKind('drop').filter((d) => d.from === 's1' && d.reason === 'closed').length;
    expect(droppedAtPeer).toBeGreaterThan(10);
    // s1's ACKs never come back: its TCP gives up tcpTimeoutTicks after its first send.
    expect(p.inputs('s1', 'closed').map((s) => [s.at, s.input.reason])).toEqual([[1500, 'timeout']]);
  });
});

describe('pauses', () => {
  it('a timer that expired during a pause does not fire if an earlier backlog input cancelled it', () => {
    const p = probe({
      faults: [{ at: 100, kind: 'pause', node: 's2', durationTicks: 1000 }],
      script: {
        s1: [{ at: 0, step: connectTo('s2') }, { at: 200, step: sendTo('s2', 'm1') }],
        s2: [{ at: 300, step: () => [] }], // timer "script:0", due during the pause
      },
      react: (node, _state, input) => (node === 's2' && input.kind === 'deliver' ? [{ kind: 'cancel-timer', timer: 'script:0' }] : []),
    });
    p.run(2000);
    const s2 = p.seen.filter((s) => s.node === 's2' && s.at >= 100).map((s) => s.input.kind);
    expect(s2).toEqual(['deliver']);
  });

  it('a timer re-armed by an earlier backlog input fires once, at its new time', () => {
    const p = probe({
      faults: [{ at: 100, kind: 'pause', node: 's2', durationTicks: 1000 }],
      script: {
        s1: [{ at: 0, step: connectTo('s2') }, { at: 200, step: sendTo('s2', 'm1') }],
        s2: [{ at: 300, step: () => [] }],
      },
      react: (node, _state, input) => (node === 's2' && input.kind === 'deliver' ? [{ kind: 'set-timer', timer: 'script:0', afterTicks: 5000 }] : []),
    });
    p.run(10_000);
    expect(p.inputs('s2', 'timer').map((s) => s.at)).toEqual([6100]);
  });
});

describe('fault lifetimes', () => {
  it('heal stops a swizzle-clog in progress', () => {
    const p = probe({
      faults: [
        { at: 100, kind: 'swizzle-clog', stepTicks: 100 },
        { at: 150, kind: 'heal' },
      ],
    });
    p.run(160);
    expect(p.world.links.active).toEqual([]);
    p.run(250);
    expect(p.world.links.active).toEqual([]);
  });

  it('overlapping network faults: the second stays in force after the first ends', () => {
    const p = probe({
      network: FIXED,
      faults: [
        { at: 0, kind: 'network', dropRate: 1, durationTicks: 1000 },
        { at: 500, kind: 'network', dropRate: 1, durationTicks: 5000 },
      ],
      script: { s1: [{ at: 1500, step: datagramTo('s2', 'should be lost') }] },
    });
    p.run(2000);
    expect(p.world.activeFaults()).toContain('network fault');
    expect(delivered(p, 's2')).toEqual([]);
  });

  it('overlapping disk-full faults: the disk stays full until the last ends', () => {
    const p = probe({
      nodes: ['s1'],
      faults: [
        { at: 0, kind: 'disk-full', node: 's1', durationTicks: 1000 },
        { at: 500, kind: 'disk-full', node: 's1', durationTicks: 5000 },
      ],
      script: { s1: [{ at: 1500, step: () => [{ kind: 'append', file: 'log', record: 1, ref: 'a' }] }] },
    });
    p.run(2000);
    expect(p.inputs('s1', 'disk-done').map((s) => s.input.error)).toEqual(['ENOSPC']);
  });
});

describe('trace and checkers', () => {
  it('the end event lists a message held in a partition once', () => {
    const p = probe({
      network: { tcpTimeoutTicks: null },
      faults: [{ at: 50, kind: 'partition', groups: [['s1'], 'rest'] }],
      script: { s1: [{ at: 0, step: connectTo('s2') }, { at: 100, step: sendTo('s2', 'held') }] },
    });
    p.run(500);
    p.finish();
    const end = p.ofKind('end')[0];
    const sent = p.ofKind('send').map((e) => e.msgId);
    expect(end.inFlight).toEqual(sent);
  });

  it('connection-fifo forgets closed connections: memory follows open connections', () => {
    const c = new ConnectionFifo();
    let seq = 0;
    let msgId = 0;
    const ev = (e: Record<string, unknown>): void => c.onEvent({ seq: seq++, at: seq, ...e } as TraceEvent);
    for (let conn = 1; conn <= 5000; conn++) {
      const id = ++msgId;
      ev({ kind: 'connect', conn, from: 's1', to: 's2', port: 'p' });
      ev({ kind: 'send', msgId: id, from: 's1', to: 's2', port: 'p', conn, msg: 0 });
      ev({ kind: 'deliver', msgId: id, from: 's1', to: 's2' });
      ev({ kind: 'close', conn, node: 's1', peer: 's2', reason: 'local' });
      ev({ kind: 'close', conn, node: 's2', peer: 's1', reason: 'peer-closed' });
    }
    expect(c.finish().status).toBe('pass');
    const flows = (c as unknown as { flows: Map<string, unknown> }).flows;
    expect(flows.size).toBeLessThan(100);
  });
});

describe('kernel', () => {
  it('cancelled events are compacted away: re-arming a long timer every tick keeps the queue small', () => {
    const p = probe({
      nodes: ['s1'],
      boot: () => [{ kind: 'set-timer', timer: 'tick', afterTicks: 1 }],
      react: (_node, _state, input) =>
        input.kind === 'timer' && input.timer === 'tick'
          ? ([
              { kind: 'set-timer', timer: 'tick', afterTicks: 1 },
              { kind: 'set-timer', timer: 'watchdog', afterTicks: 1_000_000_000 },
            ] as Effect<unknown>[])
          : [],
    });
    p.run(20_000);
    const heapSize = (p.kernel as unknown as { queue: { size: number } }).queue.size;
    expect(p.kernel.pending).toBeLessThan(5);
    expect(heapSize).toBeLessThan(1000);
  });
});

describe('disk', () => {
  it('an un-fsynced truncate is undone by a power loss', () => {
    const reads: StoredRecord[][] = [];
    const p = probe({
      nodes: ['s1'],
      faults: [{ at: 500, kind: 'crash', node: 's1', mode: 'machine', restartAfterTicks: 100 }],
      script: {
        s1: [
          {
            at: 10,
            step: () => [
              ...[0, 1, 2, 3].map((i): Effect<unknown> => ({ kind: 'append', file: 'log', record: i, ref: `a${i}` })),
              { kind: 'fsync', file: 'log', ref: 'sync' },
            ],
          },
          { at: 100, step: () => [{ kind: 'truncate', file: 'log', length: 1, ref: 't' }] },
        ],
      },
      boot: (_n, _s, _c, disk) => {
        reads.push(disk.readLog('log'));
        return [];
      },
    });
    p.run(1000);
    expect(reads[1]).toHaveLength(4);
  });
});

describe('fault targets', () => {
  it('symbolic targets of a crash pick among running nodes only', () => {
    const p = probe({
      nodes: ['s1', 's2'],
      faults: [
        { at: 10, kind: 'crash', node: 's1', mode: 'process' },
        { at: 20, kind: 'crash', node: 'majority-without-leader', mode: 'machine' },
      ],
    });
    p.run(100);
    expect((p.ofKind('fault')[1].spec as { nodes: string[] }).nodes).toEqual(['s2']);
    expect(p.ofKind('crash').map((c) => [c.node, c.mode])).toEqual([
      ['s1', 'process'],
      ['s2', 'machine'],
    ]);
  });
});

describe('pause backlog vs. the node\'s own close', () => {
  it('data waiting in a paused node\'s backlog is dropped when the node itself closes that connection', () => {
    const p = probe({
      network: FIXED,
      faults: [{ at: 100, kind: 'pause', node: 's2', durationTicks: 1000 }],
      script: {
        s1: [{ at: 0, step: connectTo('s2') }, { at: 200, step: sendTo('s2', 'm1') }],
        s2: [{ at: 150, step: (state) => [{ kind: 'close', conn: state.conns.get('s1') as number }] }],
      },
    });
    p.run(2000);
    const s2 = p.seen.filter((s) => s.node === 's2' && s.at >= 100).map((s) => s.input.kind);
    expect(s2).toEqual(['timer']);
    expect(p.ofKind('drop').map((d) => d.reason)).toEqual(['closed']);
  });
});

describe('the test protocol', () => {
  it('pingpong truncates a torn tail before appending, so a later crash loses nothing durable', () => {
    const scenario = parseScenario(
      JSON.stringify({
        version: 1,
        name: 'torn-then-crash',
        seed: 1,
        durationTicks: 30_000,
        servers: 2,
        protocol: { kind: 'pingpong', pingIntervalTicks: 10, syncEvery: 1 },
        disk: { fsyncLatency: { minTicks: 20, maxTicks: 40 } },
        faults: [
          { at: 5000, kind: 'crash', node: 's2', mode: 'machine', tornWrite: true, restartAfterTicks: 500 },
          { at: 15_000, kind: 'crash', node: 's2', mode: 'process', restartAfterTicks: 500 },
        ],
      }),
      'torn-then-crash.json',
    );
    const r = runScenario(scenario);
    const v = r.verdicts.find((x) => x.check === 'pingpong-durability');
    expect(v?.violations).toEqual([]);
    expect(v?.status).toBe('pass');
  });
});

describe('disk faults', () => {
  it('corrupt-record hits durable records only', () => {
    const hits: number[] = [];
    for (let i = 0; i < 20; i++) {
      const p = probe({
        seed: `corrupt-${i}`,
        nodes: ['s1'],
        disk: { fsyncLatency: { minTicks: 1000, maxTicks: 1000 } },
        faults: [{ at: 1300, kind: 'corrupt-record', node: 's1' }],
        script: {
          s1: [
            { at: 10, step: () => [{ kind: 'append', file: 'log', record: 0, ref: 'a0' }, { kind: 'fsync', file: 'log', ref: 'f0' }] },
            { at: 1200, step: () => [1, 2, 3].map((n): Effect<unknown> => ({ kind: 'append', file: 'log', record: n, ref: `a${n}` })) },
            { at: 1210, step: () => [] },
          ],
        },
      });
      p.run(1300); // the fsync covered record 0 (done at ~1010); records 1-3 are in the page cache
      expect(p.world.host('s1').disk.snapshot().log).toEqual({ records: 4, synced: 1 });
      const spec = p.ofKind('fault').at(-1)?.spec as { hits: Array<{ node: string; hit: { file: string; index: number } | null }> };
      const hit = spec.hits[0].hit;
      if (hit !== null) hits.push(hit.index);
    }
    expect(hits.length).toBeGreaterThan(0);
    // Only record 0 is durable (synced = 1).
    expect(hits.filter((i) => i > 0)).toEqual([]);
  });

  it('a power loss with keepUnsynced keeps a random prefix of the unsynced records', () => {
    const survived: number[] = [];
    for (let i = 0; i < 30; i++) {
      const reads: StoredRecord[][] = [];
      const p = probe({
        seed: `dirty-${i}`,
        nodes: ['s1'],
        faults: [{ at: 5000, kind: 'crash', node: 's1', mode: 'machine', restartAfterTicks: 100, keepUnsynced: true }],
        script: { s1: [{ at: 10, step: () => [0, 1, 2, 3].map((n): Effect<unknown> => ({ kind: 'append', file: 'log', record: n, ref: `a${n}` })) }] },
        boot: (_n, _s, _c, disk) => {
          reads.push(disk.readLog('log'));
          return [];
        },
      });
      p.run(6000);
      // whatever survives is a prefix, intact
      expect(reads[1].map((r) => (r.ok ? r.data : r))).toEqual([0, 1, 2, 3].slice(0, reads[1].length));
      survived.push(reads[1].length);
    }
    expect(new Set(survived)).toEqual(new Set([0, 1, 2, 3, 4]));
  });
});
