/**
 * Memory benchmark, run in its own process by memory.ts (`node --expose-gc dist/bench/memory-child.js
 * --events N --checkpoints a,b,c`): the ping-pong scenario with recurring faults, the trace at level
 * `full` streamed to a file in os.tmpdir() (deleted afterwards), run in chunks of `--chunk` ticks.
 * After every chunk it samples process.memoryUsage(); at each checkpoint (trace events written) it
 * records the peaks so far and, with --expose-gc, the heap left after a full collection. Prints one
 * JSON object on stdout; progress goes to stderr.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSink } from '../sim/cli/file-sink.js';
import { Simulation } from '../sim/scenario/simulation.js';
import { now, progress, progressDone, si } from './common.js';
import { pingPongScenario } from './pingpong.js';

export interface MemoryCheckpoint {
  /** Trace events written when the checkpoint was taken. */
  traceEvents: number;
  kernelEvents: number;
  virtualTicks: number;
  /** Highest RSS / heapUsed sampled so far. */
  peakRss: number;
  peakHeapUsed: number;
  /** Now, before any forced collection. */
  rss: number;
  heapUsed: number;
  /** heapUsed right after global.gc() (null without --expose-gc): what the run actually retains. */
  heapAfterGc: number | null;
  /** rss, heapTotal and external (C++ objects and buffers bound to JS) after that collection. */
  rssAfterGc: number;
  heapTotalAfterGc: number;
  externalAfterGc: number;
  wallMs: number;
}

export interface MemoryResult {
  targetEvents: number;
  traceEvents: number;
  kernelEvents: number;
  virtualTicks: number;
  traceBytes: number;
  samples: number;
  peakRss: number;
  peakHeapUsed: number;
  baselineRss: number;
  baselineHeapUsed: number;
  checkpoints: MemoryCheckpoint[];
  wallMs: number;
  gcExposed: boolean;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function main(): void {
  const target = Number(arg('--events', '10000000'));
  const checkpoints = arg('--checkpoints', '1000000,5000000,10000000').split(',').map(Number);
  const chunk = Number(arg('--chunk', '500'));
  const gc = (globalThis as { gc?: () => void }).gc;

  // Far more ticks than needed: the run stops once `target` trace events are written.
  const scenario = pingPongScenario({ durationTicks: 2_000_000, pingIntervalTicks: 1, seed: 7 });
  const dir = mkdtempSync(join(tmpdir(), 'zksim-bench-mem-'));
  const path = join(dir, 'trace.ndjson');
  try {
    gc?.();
    const base = process.memoryUsage();
    const sink = new FileSink(path);
    const sim = new Simulation(scenario, { sink });
    let peakRss = base.rss;
    let peakHeapUsed = base.heapUsed;
    let samples = 0;
    const out: MemoryCheckpoint[] = [];
    let next = 0;
    const t0 = now();
    let t = 0;
    while (sim.trace.count < target && t < sim.config.durationTicks) {
      t += chunk;
      sim.runUntil(t);
      const m = process.memoryUsage();
      samples++;
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.heapUsed > peakHeapUsed) peakHeapUsed = m.heapUsed;
      while (next < checkpoints.length && sim.trace.count >= checkpoints[next]) {
        let heapAfterGc: number | null = null;
        if (gc !== undefined) gc();
        const after = process.memoryUsage();
        if (gc !== undefined) heapAfterGc = after.heapUsed;
        out.push({
          traceEvents: sim.trace.count,
          kernelEvents: sim.kernel.executed,
          virtualTicks: sim.kernel.now,
          peakRss,
          peakHeapUsed,
          rss: m.rss,
          heapUsed: m.heapUsed,
          heapAfterGc,
          rssAfterGc: after.rss,
          heapTotalAfterGc: after.heapTotal,
          externalAfterGc: after.external,
          wallMs: now() - t0,
        });
        next++;
      }
      if (samples % 20 === 0) {
        progress(`  memory: ${si(sim.trace.count)} / ${si(target)} trace events, rss ${(m.rss / 2 ** 20).toFixed(0)} MiB, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MiB`);
      }
    }
    const wallMs = now() - t0;
    const traceEvents = sim.trace.count;
    // Stop here rather than run the scenario to its (far) end: close the trace file and measure it.
    sim.trace.close();
    const traceBytes = statSync(path).size;
    progressDone(`  memory: ${si(traceEvents)} trace events in ${(wallMs / 1000).toFixed(1)} s, trace file ${(traceBytes / 2 ** 20).toFixed(0)} MiB (deleted)`);
    const result: MemoryResult = {
      targetEvents: target,
      traceEvents,
      kernelEvents: sim.kernel.executed,
      virtualTicks: sim.kernel.now,
      traceBytes,
      samples,
      peakRss,
      peakHeapUsed,
      baselineRss: base.rss,
      baselineHeapUsed: base.heapUsed,
      checkpoints: out,
      wallMs,
      gcExposed: gc !== undefined,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
