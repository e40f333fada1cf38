/**
 * What every lock recipe offers its user, whatever it is built on: acquire with a callback that
 * hands over a fencing token, release, and word that the lock was lost (the session behind it
 * expired). A holder *believes* it holds the lock from `acquired` until it releases or hears
 * `lost` — the interval the lock safety checker compares across clients.
 */
export interface Acquired {
  /**
   * A fencing token: larger for every later grant of the lock (for ZooKeeper locks the lock
   * node's czxid as one number: epoch · 2^32 + counter).
   */
  token: number;
  /** The lock node (or key) that represents this grant. */
  node: string;
}

export interface LockRecipe {
  readonly name: string;
  acquire(cb: (r: Acquired) => void): void;
  release(cb?: () => void): void;
  /** Called when the lock is gone without a release (the session expired). */
  onLost(cb: (why: string) => void): void;
  /** Called each time a watch of this recipe fires (for the herd-effect count). */
  onNotified(cb: (path: string) => void): void;
}

/** The listener plumbing every recipe shares: who hears `lost` and `notified`. */
export abstract class LockListeners {
  protected lost: (why: string) => void = () => {};
  protected notified: (path: string) => void = () => {};

  onLost(cb: (why: string) => void): void {
    this.lost = cb;
  }

  onNotified(cb: (path: string) => void): void {
    this.notified = cb;
  }
}

/** A zxid as one number: exact up to epoch 2^21, far beyond any run. */
export function zxidToken(z: { epoch: number; counter: number }): number {
  return z.epoch * 4294967296 + z.counter;
}
