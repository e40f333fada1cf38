import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel, type TimerHandle } from '../sim/kernel/kernel.js';

/**
 * A random program against the kernel: schedule events (some from inside running events),
 * cancel some. fast-check prints the seed and path of any failure, so it replays with
 * `fc.assert(..., { seed, path })`.
 */
type Op = { kind: 'schedule'; delay: number; spawn: number } | { kind: 'cancel'; index: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('schedule' as const), delay: fc.integer({ min: 0, max: 20 }), spawn: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), index: fc.nat() }) },
);

interface Record_ {
  id: number;
  at: number;
  scheduledInOrder: number;
}

function execute(ops: Op[]): { ran: Array<{ id: number; ranAt: number; nowBefore: number }>; records: Record_[]; cancelled: Set<number> } {
  const k = new Kernel('prop');
  const records: Record_[] = [];
  const handles: TimerHandle[] = [];
  const cancelled = new Set<number>();
  const ran: Array<{ id: number; ranAt: number; nowBefore: number }> = [];
  let order = 0;
  let lastNow = 0;
  const schedule = (delay: number, spawn: number): void => {
    const id = records.length;
    records.push({ id, at: k.now + delay, scheduledInOrder: order++ });
    handles.push(
      k.after(delay, () => {
        ran.push({ id, ranAt: k.now, nowBefore: lastNow });
        lastNow = k.now;
        for (let i = 0; i < spawn; i++) schedule((id * 7 + i) % 5, 0);
      }),
    );
  };
  for (const op of ops) {
    if (op.kind === 'schedule') schedule(op.delay, op.spawn);
    else if (handles.length > 0) {
      const i = op.index % handles.length;
      if (k.cancel(handles[i])) cancelled.add(i);
    }
  }
  k.runUntil(1000);
  return { ran, records, cancelled };
}

describe('kernel properties', () => {
  it('events never run before now, and each runs at its scheduled time', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { ran, records } = execute(ops);
        for (const r of ran) {
          expect(r.ranAt).toBeGreaterThanOrEqual(r.nowBefore);
          expect(r.ranAt).toBe(records[r.id].at);
        }
      }),
    );
  });

  it('equal-time events run in scheduling order', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { ran, records } = execute(ops);
        for (let i = 1; i < ran.length; i++) {
          const a = records[ran[i - 1].id];
          const b = records[ran[i].id];
          if (a.at === b.at) expect(a.scheduledInOrder).toBeLessThan(b.scheduledInOrder);
          else expect(a.at).toBeLessThan(b.at);
        }
      }),
    );
  });

  it('cancelled timers never fire, and every live one does', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { ran, records, cancelled } = execute(ops);
        const ranIds = new Set(ran.map((r) => r.id));
        for (const id of cancelled) expect(ranIds.has(id)).toBe(false);
        for (const r of records) if (!cancelled.has(r.id)) expect(ranIds.has(r.id)).toBe(true);
      }),
    );
  });
});
