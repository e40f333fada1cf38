import { describeDivergence, type Divergence } from '../kernel/trace/diff.js';
import type { TraceSink } from '../kernel/trace/trace.js';
import { Simulation } from '../scenario/simulation.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from './errors.js';
import { openTrace } from './inputs.js';

/** Compares the lines a re-run produces with the recorded ones, remembering the first difference. */
class ComparingSink implements TraceSink {
  private index = -1; // -1: the header
  divergence: Divergence | null = null;
  private readonly recorded: Iterator<string>;

  constructor(recorded: Iterable<string>) {
    this.recorded = recorded[Symbol.iterator]();
  }

  write(line: string): void {
    if (this.index++ < 0 || this.divergence !== null) return;
    const next = this.recorded.next();
    const expected = next.done ? undefined : next.value;
    if (expected !== line) this.divergence = describeDivergence(this.index - 1, expected, line);
  }

  close(): void {
    if (this.divergence !== null) return;
    const next = this.recorded.next();
    if (!next.done) this.divergence = describeDivergence(this.index, next.value, undefined);
  }
}

/** `zksim replay <trace>`: re-runs from the header and confirms the run is the same, event for event. */
export function replayCommand(tracePath: string, opts: { json?: boolean }): number {
  const { header, scenario, events } = openTrace(tracePath);
  const sink = new ComparingSink(events);
  const result = new Simulation(scenario, { seed: header.seed, sink }).run();
  const d = sink.divergence;
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ trace: tracePath, seed: header.seed, identical: d === null, traceHash: result.traceHash, events: result.events, divergence: d }, null, 2)}\n`,
    );
  } else if (d === null) {
    process.stdout.write(`replay of ${tracePath}: identical, ${result.events} events, hash ${result.traceHash}\n`);
  } else {
    process.stdout.write(`replay of ${tracePath}: DIVERGED (A = recorded, B = replay)\n${d.summary}\n`);
  }
  return d === null ? EXIT_OK : EXIT_CHECK_FAILED;
}
