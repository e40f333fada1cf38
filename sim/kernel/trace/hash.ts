/**
 * FNV-1a, 64-bit, over the UTF-8 bytes of the text fed to it. A trace's fingerprint is this hash
 * over every event line (each followed by "\n"), so any tool can recompute it from the file:
 * `offset 0xcbf29ce484222325; for each byte: h ^= byte; h *= 0x100000001b3 (mod 2^64)`.
 *
 * JavaScript numbers cannot hold 64-bit integers, so the state is two unsigned 32-bit halves.
 */
export class Fnv1a64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  update(text: string): this {
    let hi = this.hi;
    let lo = this.lo;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        // mul() inlined: this loop runs over every byte of every trace line.
        lo = (lo ^ c) >>> 0;
        const loMul = lo * 0x1b3;
        const newLo = loMul >>> 0;
        hi = (Math.imul(hi, 0x1b3) + (loMul - newLo) / 4294967296 + (lo << 8)) >>> 0;
        lo = newLo;
        continue;
      }
      // Non-ASCII: feed the UTF-8 encoding of the code point.
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else {
          c = 0xfffd; // a lone surrogate encodes as U+FFFD, as TextEncoder does
        }
      }
      for (const byte of utf8Bytes(c)) {
        lo ^= byte;
        ({ hi, lo } = mul(hi, lo));
      }
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  /** The hash as 16 lowercase hex digits. */
  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

const scratch = { hi: 0, lo: 0 };

/** (hi:lo) * 0x100000001b3 mod 2^64; the prime is 2^40 + 0x1b3. */
function mul(hi: number, lo: number): { hi: number; lo: number } {
  const loMul = (lo >>> 0) * 0x1b3; // < 2^41, exact in a double
  const newLo = loMul >>> 0;
  const carry = (loMul - newLo) / 4294967296;
  scratch.hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
  scratch.lo = newLo;
  return scratch;
}

function utf8Bytes(cp: number): number[] {
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

/** FNV-1a 64 of one string, as hex. */
export function fnv1a64Hex(text: string): string {
  return new Fnv1a64().update(text).hex();
}
