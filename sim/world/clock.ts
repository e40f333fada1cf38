/**
 * A node's clocks. The monotonic clock (what timers and `ctx.now` use) runs at the node's drift
 * rate and never jumps; the wall clock (`ctx.wallNow`, for ctime/mtime, TTLs, leases) is the
 * monotonic clock plus an offset that jumps can move in either direction.
 *
 * Integer arithmetic only: drift is in parts per million and every conversion floors or ceils.
 */
export class NodeClock {
  private baseGlobal = 0;
  private baseMono = 0;

  constructor(
    private drift: number,
    private offset: number,
  ) {
    if (drift <= -1_000_000) throw new RangeError(`clock drift must be > -1000000 ppm, got ${drift}`);
  }

  get driftPpm(): number {
    return this.drift;
  }

  /** Monotonic reading at global time `g`. */
  mono(g: number): number {
    const dt = g - this.baseGlobal;
    return this.baseMono + dt + Math.floor((dt * this.drift) / 1_000_000);
  }

  /** Wall-clock reading at global time `g`. */
  wall(g: number): number {
    return this.mono(g) + this.offset;
  }

  /** Global ticks until this node's monotonic clock has advanced by `localTicks`. */
  globalDelay(localTicks: number): number {
    if (localTicks <= 0) return 0;
    if (this.drift === 0) return localTicks;
    return Math.ceil((localTicks * 1_000_000) / (1_000_000 + this.drift));
  }

  /** Changes the drift from global time `g` on; readings stay continuous. */
  setDrift(g: number, ppm: number): void {
    if (ppm <= -1_000_000) throw new RangeError(`clock drift must be > -1000000 ppm, got ${ppm}`);
    this.baseMono = this.mono(g);
    this.baseGlobal = g;
    this.drift = ppm;
  }

  /** Moves the wall clock by `delta` ticks (NTP step, VM migration, operator error). */
  jump(delta: number): void {
    this.offset += delta;
  }
}
