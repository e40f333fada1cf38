// The failover fidelity check (docs/fidelity-failover.md): a simulated 3-server ensemble with the
// real test's settings must put its median leader-SIGKILL-to-first-write time within ±25% of the
// real ZooKeeper 3.8 median measured on this machine class (429.4 ms over 30 trials).
import { describe, expect, it } from 'vitest';
import { simulateFailover } from '../sim/harness/failover.js';

const REAL_MEDIAN_MS = 429.4;

describe('failover fidelity against a real 3-server ZooKeeper 3.8', () => {
  it('the simulated median of 30 trials is within ±25% of the real one', () => {
    const trials = Array.from({ length: 30 }, (_, i) => simulateFailover(`f${i}`));
    const sorted = trials.map((t) => t.unavailableMs).sort((a, b) => a - b);
    const median = (sorted[14] + sorted[15]) / 2;
    const lost = trials.filter((t) => t.pollTimeouts > 0).length;
    const retried = trials.filter((t) => t.connectRetries > 0).length;
    console.log(`simulated failover: median ${median} ms (min ${sorted[0]}, max ${sorted[29]}); lost first votes ${lost}/30, learner connect retries ${retried}/30`);
    expect(median).toBeGreaterThanOrEqual(REAL_MEDIAN_MS * 0.75);
    expect(median).toBeLessThanOrEqual(REAL_MEDIAN_MS * 1.25);
    // The new leader is the highest surviving sid (equal histories), as in every real trial.
    for (const t of trials) expect(t.newLeader).toBe(t.killed === 's3' ? 's2' : 's3');
  });
});
