/**
 * Baseline: the least a discrete-event loop can do for the timer workload. A hand-written binary
 * min-heap of plain (at, seq, id) records and a loop that pops the earliest, advances the clock and
 * re-arms the timer with the next LCG delay. No callbacks, no cancellation, no validation: the
 * kernel's figure divided by this one is the cost of its generality.
 */
import { lcgDelay, lcgNext, mix, now, type TimerRun, type TimerWorkload } from './common.js';

interface Entry {
  at: number;
  seq: number;
  id: number;
}

class MinHeap {
  private readonly a: Entry[] = [];

  get size(): number {
    return this.a.length;
  }

  push(e: Entry): void {
    const a = this.a;
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = a[p];
      if (pe.at < e.at || (pe.at === e.at && pe.seq < e.seq)) break;
      a[i] = pe;
      i = p;
    }
    a[i] = e;
  }

  pop(): Entry | undefined {
    const a = this.a;
    const n = a.length;
    if (n === 0) return undefined;
    const top = a[0];
    const last = a.pop() as Entry;
    const size = n - 1;
    if (size > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= size) break;
        let ce = a[c];
        const r = c + 1;
        if (r < size) {
          const re = a[r];
          if (re.at < ce.at || (re.at === ce.at && re.seq < ce.seq)) {
            c = r;
            ce = re;
          }
        }
        if (last.at < ce.at || (last.at === ce.at && last.seq < ce.seq)) break;
        a[i] = ce;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** Runs the timer workload on the baseline heap. */
export function runBaseline(w: TimerWorkload): TimerRun {
  const t0 = now();
  const heap = new MinHeap();
  let rng = w.seed >>> 0;
  let seq = 0;
  let clock = 0;
  let checksum = 0;
  const maxDelay = w.maxDelay;
  for (let id = 0; id < w.timers; id++) {
    rng = lcgNext(rng);
    heap.push({ at: clock + lcgDelay(rng, maxDelay), seq: seq++, id });
  }
  let executed = 0;
  const limit = w.events;
  while (executed < limit) {
    const e = heap.pop();
    if (e === undefined) break;
    clock = e.at;
    executed++;
    checksum = mix(checksum, clock, e.id);
    rng = lcgNext(rng);
    heap.push({ at: clock + lcgDelay(rng, maxDelay), seq: seq++, id: e.id });
  }
  return { events: executed, ms: now() - t0, endAt: clock, checksum };
}
