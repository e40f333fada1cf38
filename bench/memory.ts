/**
 * Runs memory-child.js in a fresh node process so that its peak RSS is not polluted by the other
 * benchmarks (or their garbage) in this process.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemoryResult } from './memory-child.js';

export type { MemoryResult, MemoryCheckpoint } from './memory-child.js';

export function runMemoryChild(events: number, checkpoints: number[]): MemoryResult {
  const child = join(dirname(fileURLToPath(import.meta.url)), 'memory-child.js');
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', child, '--events', String(events), '--checkpoints', checkpoints.join(',')],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0) throw new Error(`memory benchmark child exited with ${r.status ?? r.signal}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as MemoryResult;
}
