/**
 * A zxid is (epoch, counter): the epoch of the leader that proposed the transaction and its
 * position within that epoch. Kept as two numbers, never packed into one 64-bit value, because a
 * JavaScript number loses precision past 2^53.
 */
export interface Zxid {
  readonly epoch: number;
  readonly counter: number;
}

export const ZERO_ZXID: Zxid = Object.freeze({ epoch: 0, counter: 0 });

export function zxid(epoch: number, counter: number): Zxid {
  return { epoch, counter };
}

export function compareZxid(a: Zxid, b: Zxid): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.counter - b.counter;
}

/** ZooKeeper's own notation: 0x followed by the 64-bit value in hex, e.g. 0x100000003. */
export function formatZxid(z: Zxid): string {
  return z.epoch === 0 ? `0x${z.counter.toString(16)}` : `0x${z.epoch.toString(16)}${z.counter.toString(16).padStart(8, '0')}`;
}

/** The next zxid of the same epoch. */
export function nextZxid(z: Zxid): Zxid {
  return { epoch: z.epoch, counter: z.counter + 1 };
}

/** The inverse of formatZxid (0x + up to 16 hex digits); undefined for anything else. */
export function parseZxid(text: string): Zxid | undefined {
  const m = /^0x([0-9a-fA-F]{1,16})$/.exec(text);
  if (m === null) return undefined;
  const hex = m[1].padStart(16, '0');
  return { epoch: parseInt(hex.slice(0, 8), 16), counter: parseInt(hex.slice(8), 16) };
}

/** A zxid as one exact number (epochs stay far below 2^21, so epoch·2^32 + counter < 2^53). */
export function zxidKey(z: Zxid): number {
  return z.epoch * 4294967296 + z.counter;
}
