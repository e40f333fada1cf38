/**
 * Lock property throughput ([locks] part 5): how many property runs per second one core does for a
 * 3-server ensemble with 5 lock clients on the standard lock (fencing on) under a generated fault
 * schedule, 30 simulated seconds each — the arbitraries of test/locks.property.test.ts. Each run
 * is one full property evaluation: the scenario is built and validated, run with a hashed trace
 * and every checker (ZAB invariants online), and the lock history read from the trace.
 *
 *   npm run build && node dist/bench/lock-property.js [--runs N] [--seed S]
 *
 * Target: >= 20 runs/s on one core.
 */
import fc from 'fast-check';
import { judge, lockCaseArb, requirePass, toScenario } from '../test/helpers/lock-property.js';
import { now } from './common.js';

const DURATION = 30_000;
const FAULT_PHASE = 20_000;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const runs = arg('runs', 300);
const seed = arg('seed', 1);
const cases = fc.sample(lockCaseArb({ clients: { min: 5, max: 5 }, faultPhase: FAULT_PHASE }), { numRuns: runs + 20, seed });

const evaluate = (i: number) => {
  const j = judge(toScenario(cases[i], { durationTicks: DURATION, faultPhase: FAULT_PHASE }));
  return { j, safe: requirePass(j, ['lock-fencing', 'zab-invariants']).ok };
};

// Warm up the JIT on cases not measured.
for (let i = runs; i < runs + 20; i++) evaluate(i);

let failures = 0;
let faults = 0;
let kernelEvents = 0;
let traceEvents = 0;
const t0 = now();
for (let i = 0; i < runs; i++) {
  const { j, safe } = evaluate(i);
  if (!safe) failures++;
  faults += j.scenario.faults !== undefined && Array.isArray(j.scenario.faults) ? j.scenario.faults.length : 0;
  kernelEvents += j.result.kernelEvents;
  traceEvents += j.result.events;
}
const seconds = (now() - t0) / 1000;
const perSecond = runs / seconds;
console.log(
  `lock property: 3 servers, 5 lock clients, ${DURATION / 1000} simulated s per run, ${(faults / runs).toFixed(1)} faults per run on average (fast-check seed ${seed})`,
);
console.log(`  ${runs} runs in ${seconds.toFixed(2)} s on one core: ${perSecond.toFixed(1)} runs/s, ${Math.round(perSecond * 3600).toLocaleString('en-US')} seeds/hour/core (target >= 20 runs/s)`);
console.log(`  ${Math.round(kernelEvents / runs)} kernel events and ${Math.round(traceEvents / runs)} trace events per run; ${(DURATION / 1000 / (seconds / runs)).toFixed(0)}x real time`);
console.log(`  property (lock-fencing and zab-invariants pass): ${runs - failures}/${runs} held`);
