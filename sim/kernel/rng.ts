import seedrandom from 'seedrandom';
import type { Random } from '../contract/random.js';

/**
 * A seeded random stream. Every consumer (the network, the fault injector, the workload, each
 * node) gets its own stream derived from the root seed and the consumer's name, so adding a
 * consumer never shifts the draws of another.
 *
 * Only integer arithmetic and IEEE division/multiplication are used on the sampling path, so the
 * browser reproduces a run exactly as Node does.
 */
export class RandomStream implements Random {
  private readonly prng: seedrandom.PRNG;

  constructor(readonly name: string, rootSeed: string) {
    this.prng = seedrandom.alea(`${rootSeed}\u0000${name}`);
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.prng();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** An integer in [lo, hi], both ends included. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.prng() * (hi - lo + 1));
  }

  /** True with probability ppm / 1,000,000. */
  chancePpm(ppm: number): boolean {
    if (ppm <= 0) return false;
    if (ppm >= 1_000_000) return true;
    return Math.floor(this.prng() * 1_000_000) < ppm;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error(`rng ${this.name}: pick from an empty list`);
    return items[this.int(items.length)];
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}

/** Hands out one stream per consumer name; the same name always gives the same stream. */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly rootSeed: string) {}

  get(name: string): RandomStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new RandomStream(name, this.rootSeed);
      this.streams.set(name, s);
    }
    return s;
  }
}
