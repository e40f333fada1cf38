/** The seeded randomness a protocol handler may use (its own stream, handed in by the world). */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [lo, hi], both ends included. */
  range(lo: number, hi: number): number;
  /** True with probability ppm / 1,000,000. */
  chancePpm(ppm: number): boolean;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
}
