/**
 * The bare kernel on the timer workload: `timers` callbacks scheduled with `kernel.after`, each
 * re-arming itself with the next LCG delay when it runs. Same draws, same (at, seq) order and
 * same checksum as the baseline heap, so the two differ only in the machinery.
 */
import { Kernel, type KernelEvent } from '../sim/kernel/kernel.js';
import { lcgDelay, lcgNext, mix, now, type TimerRun, type TimerWorkload } from './common.js';

export function runKernelTimers(w: TimerWorkload): TimerRun {
  const t0 = now();
  const kernel = new Kernel('bench');
  let rng = w.seed >>> 0;
  let checksum = 0;
  const maxDelay = w.maxDelay;
  const fire = (ev: KernelEvent): void => {
    const id = ev.data as number;
    checksum = mix(checksum, kernel.now, id);
    rng = lcgNext(rng);
    kernel.after(lcgDelay(rng, maxDelay), fire, id);
  };
  for (let id = 0; id < w.timers; id++) {
    rng = lcgNext(rng);
    kernel.schedule(lcgDelay(rng, maxDelay), fire, id);
  }
  const stats = kernel.runUntil(Number.MAX_SAFE_INTEGER, undefined, w.events);
  return { events: stats.executed, ms: now() - t0, endAt: kernel.now, checksum };
}
