import { describe, expect, it } from 'vitest';
import { ConnectionFifo } from '../sim/check/connection-fifo.js';
import { ConnectivityLiveness } from '../sim/check/liveness.js';
import { MessageAccounting } from '../sim/check/message-accounting.js';
import { PingPongDurability, PingPongSequence } from '../sim/check/pingpong-checks.js';
import type { Checker } from '../sim/check/verdict.js';
import type { TraceEvent, TraceEventInput } from '../sim/kernel/trace/events.js';

/** Feeds synthetic events (numbered in order) to a checker and returns its verdict. */
function judge(checker: Checker, events: Array<[number, TraceEventInput]>): ReturnType<Checker['finish']> {
  events.forEach(([at, e], seq) => checker.onEvent({ seq, at, ...e } as TraceEvent));
  return checker.finish();
}

const send = (msgId: number, conn?: number, msg: unknown = {}): TraceEventInput =>
  conn === undefined ? { kind: 'send', msgId, from: 's1', to: 's2', port: 'p', msg } : { kind: 'send', msgId, from: 's1', to: 's2', port: 'p', conn, msg };
const deliver = (msgId: number): TraceEventInput => ({ kind: 'deliver', msgId, from: 's1', to: 's2' });
const drop = (msgId: number): TraceEventInput => ({ kind: 'drop', msgId, from: 's1', to: 's2', reason: 'closed' });
const end = (inFlight: number[] = [], healed = true): TraceEventInput => ({ kind: 'end', inFlight, healed, active: healed ? [] : ['s2 paused'] });

describe('connection-fifo', () => {
  it('passes in-order delivery with a lost suffix, even when the loss is traced first', () => {
    const v = judge(new ConnectionFifo(), [
      [0, send(1, 7)],
      [0, send(2, 7)],
      [0, send(3, 7)],
      [1, drop(3)],
      [2, deliver(1)],
      [2, deliver(2)],
    ]);
    expect(v.status).toBe('pass');
  });

  it('fails a reordering and a delivery after an earlier-sent message was lost', () => {
    const reordered = judge(new ConnectionFifo(), [
      [0, send(1, 7)],
      [0, send(2, 7)],
      [1, deliver(2)],
      [2, deliver(1)],
    ]);
    expect(reordered.status).toBe('fail');
    expect(reordered.violations[0]).toMatch(/m2 .*before m1/);
    const gap = judge(new ConnectionFifo(), [
      [0, send(1, 7)],
      [0, send(2, 7)],
      [1, drop(1)],
      [2, deliver(2)],
    ]);
    expect(gap.status).toBe('fail');
    expect(gap.violations[0]).toMatch(/m1, sent before it, was lost/);
  });

  it('ignores datagrams', () => {
    expect(judge(new ConnectionFifo(), [[0, send(1)], [0, send(2)], [1, deliver(2)], [1, deliver(1)]]).status).toBe('pass');
  });
});

describe('message-accounting', () => {
  it('passes when every message has one fate or is listed in flight', () => {
    expect(judge(new MessageAccounting(), [[0, send(1)], [0, send(2)], [1, deliver(1)], [2, end([2])]]).status).toBe('pass');
  });

  it('fails a message without a fate, a double fate, and a missing end', () => {
    expect(judge(new MessageAccounting(), [[0, send(1)], [2, end()]]).violations[0]).toMatch(/m1 .*no deliver or drop/);
    expect(judge(new MessageAccounting(), [[0, send(1)], [1, deliver(1)], [1, deliver(1)], [2, end()]]).status).toBe('fail');
    expect(judge(new MessageAccounting(), [[0, send(1)], [1, deliver(1)]]).violations).toContain('the trace has no end event');
  });
});

describe('liveness', () => {
  const boot = (node: string): TraceEventInput => ({ kind: 'boot', node, incarnation: 1 });
  const d = (from: string, to: string): TraceEventInput => ({ kind: 'deliver', msgId: 0, from, to });

  it('passes when every pair talks after the quiet period starts', () => {
    const v = judge(new ConnectivityLiveness(100), [[0, boot('s1')], [0, boot('s2')], [150, d('s1', 's2')], [160, d('s2', 's1')], [300, end()]]);
    expect(v.status).toBe('pass');
  });

  it('fails a silent pair, and is unknown (never pass) when faults remain or the quiet time is short', () => {
    const silent = judge(new ConnectivityLiveness(100), [[0, boot('s1')], [0, boot('s2')], [150, d('s1', 's2')], [300, end()]]);
    expect(silent.status).toBe('fail');
    expect(silent.violations[0]).toMatch(/s2 → s1/);
    expect(judge(new ConnectivityLiveness(100), [[0, boot('s1')], [300, end([], false)]]).status).toBe('unknown');
    expect(judge(new ConnectivityLiveness(100), [[0, boot('s1')], [150, end()]]).status).toBe('unknown');
  });
});

describe('ping-pong checks', () => {
  it('sequence: a gap or an inversion on a channel fails', () => {
    const ping = (n: number): unknown => ({ t: 'ping', n });
    const ok = judge(new PingPongSequence(), [[0, send(1, 3, ping(0))], [0, send(2, 3, ping(1))], [1, deliver(1)], [1, deliver(2)]]);
    expect(ok.status).toBe('pass');
    const gap = judge(new PingPongSequence(), [[0, send(1, undefined, ping(0))], [0, send(2, undefined, ping(1))], [1, deliver(2)], [2, deliver(1)]]);
    expect(gap.status).toBe('fail');
    expect(gap.violations.join(' ')).toMatch(/gap: ping 1 after -1.*out of order or repeated: ping 0 after 1/);
  });

  it('durability: recovering less than was called durable fails', () => {
    const note = (node: string, data: unknown): TraceEventInput => ({ kind: 'note', node, text: '', data });
    expect(judge(new PingPongDurability(), [[0, note('s1', { durable: 10 })], [5, note('s1', { recovered: 10 })]]).status).toBe('pass');
    expect(judge(new PingPongDurability(), [[0, note('s1', { durable: 10 })], [5, note('s1', { recovered: 9 })]]).status).toBe('fail');
  });
});

describe('ensemble liveness needs time after its deadline', () => {
  it('a run ending exactly at heal + settleTicks is not judged (unknown), a longer one is', async () => {
    const { runScenario } = await import('../sim/scenario/simulation.js');
    const { validateScenario } = await import('../sim/scenario/load.js');
    const mk = (durationTicks: number) =>
      validateScenario(
        {
          version: 1,
          name: 'boundary',
          seed: 1,
          durationTicks,
          servers: 3,
          protocol: { kind: 'zookeeper', tickTimeMs: 500, load: { writesPerSecond: 20 } },
          faults: [{ at: 1000, kind: 'crash', node: 's1', mode: 'process', restartAfterTicks: 1000 }],
          checks: { liveness: { settleTicks: 5000 } },
        },
        'boundary',
      );
    const verdict = (d: number) => runScenario(mk(d)).verdicts.find((v) => v.check === 'liveness')!;
    expect(verdict(7000).status).toBe('unknown');
    expect(verdict(7000).summary).toMatch(/need more than 5000/);
    expect(verdict(9000).status).toBe('pass');
  });
});
