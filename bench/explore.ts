/**
 * Explorer throughput ([explore]): seeds per hour for the reference sweep (the built-in base: 3
 * servers, 3 clients, 2 lock clients, 30 simulated seconds under swarm faults, every checker on),
 * with one worker and with every core, as the user runs it (`zksim explore`, a fresh process each
 * time, shrinking off). The scaling ratio is all-cores over one worker, measured alternately in
 * the same run so background load hits both alike; medians of the repeats are reported.
 *
 *   npm run build && node dist/bench/explore.js [--runs N] [--repeats R] [--workers W]
 *
 * Targets: >= 36,000 seeds/hour/core; scaling >= 1.8x on 2 cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, repoRoot } from './common.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const runs = arg('runs', 400);
const repeats = arg('repeats', 3);
const all = arg('workers', availableParallelism());
const bin = join(repoRoot(), 'bin', 'zksim.js');
let failures = 0;

function sweep(workers: number, seed: number): number {
  const out = mkdtempSync(join(tmpdir(), 'zksim-bench-explore-'));
  try {
    const r = spawnSync(process.execPath, [bin, 'explore', '--runs', String(runs), '--seed', String(seed), '--workers', String(workers), '--no-shrink', '--json', '--out', out], { encoding: 'utf8' });
    // Exit 1 means a seed failed: still a valid measurement, and worth knowing.
    if (r.status !== 0 && r.status !== 1) throw new Error(`explore exited ${r.status}: ${r.stderr}`);
    const j = JSON.parse(r.stdout) as { timing: { seedsPerHour: number }; failed: number };
    failures += j.failed;
    return j.timing.seedsPerHour;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

process.stderr.write(`explore bench: ${runs} seeds per sweep, ${repeats} repeats, 1 vs ${all} workers, load ${loadavg()[0].toFixed(2)}\n`);
const one: number[] = [];
const many: number[] = [];
for (let i = 0; i < repeats; i++) {
  // Different seeds each repeat, the same for both worker counts.
  one.push(sweep(1, 1 + i * runs));
  many.push(sweep(all, 1 + i * runs));
  process.stderr.write(`  repeat ${i + 1}: 1 worker ${one.at(-1)!.toLocaleString('en-US')}/h, ${all} workers ${many.at(-1)!.toLocaleString('en-US')}/h\n`);
}
const m1 = median(one);
const mn = median(many);
console.log(`explore: reference sweep (3 servers, 3 clients + 2 lock clients, 30 simulated s, swarm faults, all checkers), ${runs} seeds x ${repeats}`);
console.log(`  1 worker:   ${Math.round(m1).toLocaleString('en-US')} seeds/hour (target >= 36,000 per core: ${m1 >= 36_000 ? 'met' : 'NOT met'})`);
console.log(`  ${all} workers:  ${Math.round(mn).toLocaleString('en-US')} seeds/hour, ${Math.round(mn / all).toLocaleString('en-US')} per core`);
console.log(`  failing seeds seen (summed over all sweeps): ${failures}`);
console.log(`  scaling: ${(mn / m1).toFixed(2)}x on ${all} cores (target >= ${all === 2 ? '1.8' : `${(0.9 * all).toFixed(1)}`}x: ${mn / m1 >= 0.9 * all ? 'met' : 'NOT met'}); load average at the end ${loadavg()[0].toFixed(2)}`);
