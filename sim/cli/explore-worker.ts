/**
 * The explorer's unit of work, run in a worker thread (tinypool) or in the main thread: a batch of
 * seeds, or the shrink of one failing seed. Results are plain data, so they cross threads as is.
 */
import type { Scenario } from '../scenario/schema.js';
import { exploreRun } from '../explore/explore-run.js';
import { runRow, type RunRow } from '../explore/report.js';
import { shrinkSeed, type ShrunkSeed } from '../explore/shrink.js';

export type ExploreTask =
  | { kind: 'runs'; base: Scenario; seeds: number[] }
  | { kind: 'shrink'; base: Scenario; seed: number; check: string; maxRuns: number };

export interface RunsResult {
  kind: 'runs';
  rows: RunRow[];
}

export interface ShrinkTaskResult {
  kind: 'shrink';
  shrunk: ShrunkSeed;
  wallMs: number;
}

export default function exploreTask(task: ExploreTask): RunsResult | ShrinkTaskResult {
  if (task.kind === 'runs') return { kind: 'runs', rows: task.seeds.map((seed) => runRow(exploreRun(task.base, seed))) };
  const started = performance.now(); // determinism-ok: how long the shrink took, for the report's timing only
  const shrunk = shrinkSeed(task.base, task.seed, task.check, task.maxRuns);
  return { kind: 'shrink', shrunk, wallMs: performance.now() - started }; // determinism-ok
}
