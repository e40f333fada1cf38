import { describe, expect, it } from 'vitest';
import { Kernel } from '../sim/kernel/kernel.js';
import { RandomStreams } from '../sim/kernel/rng.js';

describe('kernel', () => {
  it('runs events in (at, seq) order and advances the clock to each', () => {
    const k = new Kernel('k');
    const log: string[] = [];
    k.schedule(10, () => log.push(`b@${k.now}`));
    k.schedule(5, () => log.push(`a@${k.now}`));
    k.schedule(10, () => log.push(`c@${k.now}`));
    k.runUntil(100);
    expect(log).toEqual(['a@5', 'b@10', 'c@10']);
    expect(k.now).toBe(100);
  });

  it('rejects events in the past and non-integer times', () => {
    const k = new Kernel('k');
    k.schedule(10, () => {});
    k.runUntil(10);
    expect(() => k.schedule(9, () => {})).toThrow(/before now/);
    expect(() => k.schedule(11.5, () => {})).toThrow(/integer/);
    expect(() => k.runUntil(3)).toThrow(/before now/);
  });

  it('cancelled timers never fire; cancel reports whether it acted', () => {
    const k = new Kernel('k');
    let fired = 0;
    const h = k.after(5, () => fired++);
    expect(k.pending).toBe(1);
    expect(k.cancel(h)).toBe(true);
    expect(k.cancel(h)).toBe(false);
    expect(k.pending).toBe(0);
    k.runUntil(10);
    expect(fired).toBe(0);
    const g = k.after(1, () => fired++);
    k.runUntil(20);
    expect(k.cancel(g)).toBe(false); // already ran
    expect(fired).toBe(1);
  });

  it('stepOnce runs exactly one live event', () => {
    const k = new Kernel('k');
    const log: number[] = [];
    const h = k.schedule(1, () => log.push(1));
    k.schedule(2, () => log.push(2));
    k.cancel(h);
    expect(k.stepOnce()).toBe(true);
    expect(log).toEqual([2]);
    expect(k.stepOnce()).toBe(false);
  });

  it('runUntil stops on a condition and on an event budget', () => {
    const k = new Kernel('k');
    let n = 0;
    const tick = (): void => {
      n++;
      k.after(1, tick);
    };
    k.after(1, tick);
    expect(k.runUntil(1000, () => n === 10).stoppedBy).toBe('stop-condition');
    expect(n).toBe(10);
    expect(k.runUntil(1000, undefined, 5)).toEqual({ executed: 5, stoppedBy: 'event-limit' });
    expect(k.runUntil(1000).stoppedBy).toBe('time-limit');
  });

  it('events scheduled for now by a running event run after the ones already due now', () => {
    const k = new Kernel('k');
    const log: string[] = [];
    k.schedule(5, () => {
      log.push('first');
      k.after(0, () => log.push('spawned'));
    });
    k.schedule(5, () => log.push('second'));
    k.runUntil(5);
    expect(log).toEqual(['first', 'second', 'spawned']);
  });
});

describe('random streams', () => {
  it('the same seed and name give the same draws', () => {
    const a = new RandomStreams('seed').get('network');
    const b = new RandomStreams('seed').get('network');
    const da = Array.from({ length: 20 }, () => a.int(1000));
    expect(Array.from({ length: 20 }, () => b.int(1000))).toEqual(da);
  });

  it('a new consumer does not shift the draws of another', () => {
    const alone = new RandomStreams('seed');
    const crowded = new RandomStreams('seed');
    const x = alone.get('network');
    const before = crowded.get('node:s9');
    before.int(10);
    const y = crowded.get('network');
    crowded.get('workload').int(10);
    expect(Array.from({ length: 50 }, () => y.int(1 << 20))).toEqual(Array.from({ length: 50 }, () => x.int(1 << 20)));
  });

  it('different seeds and different names give different draws', () => {
    const draw = (seed: string, name: string): number[] => {
      const r = new RandomStreams(seed).get(name);
      return Array.from({ length: 10 }, () => r.int(1 << 30));
    };
    expect(draw('1', 'network')).not.toEqual(draw('2', 'network'));
    expect(draw('1', 'network')).not.toEqual(draw('1', 'faults'));
  });

  it('range, chancePpm, pick and shuffle stay in bounds', () => {
    const r = new RandomStreams('s').get('x');
    for (let i = 0; i < 1000; i++) {
      const v = r.range(3, 7);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(7);
    }
    expect(r.chancePpm(0)).toBe(false);
    expect(r.chancePpm(1_000_000)).toBe(true);
    const hits = Array.from({ length: 10_000 }, () => r.chancePpm(250_000)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(2000);
    expect(hits).toBeLessThan(3000);
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => r.pick([])).toThrow(/empty/);
  });
});
