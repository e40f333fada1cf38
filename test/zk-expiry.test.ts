import { describe, expect, it } from 'vitest';
import { simulateExpiry } from '../sim/conformance/expiry.js';

describe('session expiry timing (the simulator side of the real-server comparison)', () => {
  it('a silent session expires between timeout and timeout + tickTime, spread across that window', () => {
    const tickTimeMs = 2000;
    for (const timeout of [4000, 10_000]) {
      const after = Array.from({ length: 20 }, (_, i) => simulateExpiry({ sessionTimeoutMs: timeout, tickTimeMs, seed: String(i) }).expiredAfterMs);
      for (const ms of after) {
        expect(ms).toBeGreaterThanOrEqual(timeout - 20); // the last touch is a few ms before the cut
        expect(ms).toBeLessThanOrEqual(timeout + tickTimeMs + 20);
      }
      // Bucket boundaries fall anywhere relative to the last ping, as on a real server.
      expect(Math.min(...after)).toBeLessThan(timeout + tickTimeMs / 2);
      expect(Math.max(...after)).toBeGreaterThan(timeout + tickTimeMs / 2);
    }
  });
});
