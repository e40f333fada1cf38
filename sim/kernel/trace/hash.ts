/**
 * FNV-1a, 64-bit, over the UTF-8 bytes of the text fed to it. A trace's fingerprint is this hash
 * over every event line (each followed by "\n"), so any tool can recompute it from the file:
 * `offset 0xcbf29ce484222325; for each byte: h ^= byte; h *= 0x100000001b3 (mod 2^64)`.
 *
 * JavaScript numbers cannot hold 64-bit integers, so the state is four 16-bit limbs (h0 lowest):
 * every partial product then stays far below 2^31 and the arithmetic is plain small-integer work,
 * which the JIT keeps in registers. The prime is 2^40 + 0x1b3: limb 0 gets 0x1b3, limb 2 gets 0x100.
 */
export class Fnv1a64 {
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;
  private readonly tail = [0, 0, 0, 0];

  update(text: string): this {
    let h0 = this.h0;
    let h1 = this.h1;
    let h2 = this.h2;
    let h3 = this.h3;
    const n = text.length;
    const tail = this.tail;
    let tailLength = 0; // continuation bytes of a non-ASCII character still to feed
    let t = 0;
    let i = 0;
    for (;;) {
      let byte: number;
      if (t < tailLength) {
        byte = tail[t++];
      } else {
        if (i >= n) break;
        byte = text.charCodeAt(i++);
        if (byte >= 0x80) {
          // Non-ASCII (rare in traces): feed the UTF-8 encoding of the code point.
          let cp = byte;
          if (cp >= 0xd800 && cp <= 0xdfff) {
            const d = i < n ? text.charCodeAt(i) : 0;
            if (cp <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (d - 0xdc00);
              i++;
            } else {
              cp = 0xfffd; // a lone surrogate encodes as U+FFFD, as TextEncoder does
            }
          }
          tailLength = utf8(cp, tail);
          byte = tail[0];
          t = 1;
        }
      }
      h0 ^= byte;
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
      h3 = (h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16)) & 0xffff;
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
    }
    this.h0 = h0;
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
    return this;
  }

  /** The hash as 16 lowercase hex digits. */
  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((h) => h.toString(16).padStart(4, '0')).join('');
  }
}

/** Writes the UTF-8 bytes of a code point into `out`; returns how many. */
function utf8(cp: number, out: number[]): number {
  if (cp < 0x800) {
    out[0] = 0xc0 | (cp >> 6);
    out[1] = 0x80 | (cp & 63);
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = 0xe0 | (cp >> 12);
    out[1] = 0x80 | ((cp >> 6) & 63);
    out[2] = 0x80 | (cp & 63);
    return 3;
  }
  out[0] = 0xf0 | (cp >> 18);
  out[1] = 0x80 | ((cp >> 12) & 63);
  out[2] = 0x80 | ((cp >> 6) & 63);
  out[3] = 0x80 | (cp & 63);
  return 4;
}

/** FNV-1a 64 of one string, as hex. */
export function fnv1a64Hex(text: string): string {
  return new Fnv1a64().update(text).hex();
}
