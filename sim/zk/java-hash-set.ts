/**
 * The iteration order of a Java HashSet<String>. ZooKeeper deletes a closing session's ephemerals
 * in the order it iterates a clone of that session's HashSet, so emulating it makes the order of
 * the close's NodeDeleted events match the real server's. Covers table growth and the smaller
 * table a clone gets; not treeified buckets (8+ colliding names), which small trees never reach.
 */

export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function bucket(s: string, capacity: number): number {
  const h = javaStringHashCode(s);
  return (h ^ (h >>> 16)) & (capacity - 1);
}

function tableSizeFor(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

export class JavaHashSet {
  /** Present elements in insertion order (a bucket keeps its entries in that order). */
  private readonly items: string[] = [];

  constructor(private capacity = 16) {}

  add(s: string): void {
    if (this.items.includes(s)) return;
    this.items.push(s);
    if (this.items.length > this.capacity * 0.75) this.capacity *= 2;
  }

  remove(s: string): void {
    const i = this.items.indexOf(s);
    if (i >= 0) this.items.splice(i, 1);
  }

  get size(): number {
    return this.items.length;
  }

  /** Bucket by bucket; within a bucket, in insertion order. */
  order(): string[] {
    return this.items
      .map((s, i) => ({ s, i, b: bucket(s, this.capacity) }))
      .sort((x, y) => x.b - y.b || x.i - y.i)
      .map((e) => e.s);
  }

  /** HashSet.clone(): a table sized for the current size, filled in this set's iteration order. */
  clone(): JavaHashSet {
    const n = this.items.length;
    const c = new JavaHashSet(n === 0 ? 16 : tableSizeFor(Math.trunc(Math.fround(Math.fround(n / 0.75) + 1))));
    for (const s of this.order()) c.items.push(s);
    return c;
  }

  /** A set that grew to `peak` elements and now holds `items` (added in that order). */
  static withHistory(items: Iterable<string>, peak: number): JavaHashSet {
    let capacity = 16;
    while (peak > capacity * 0.75) capacity *= 2;
    const set = new JavaHashSet(capacity);
    for (const s of items) set.items.push(s);
    return set;
  }
}
