/**
 * A binary min-heap of scheduled events ordered by (at, seq).
 *
 * `seq` is assigned by the kernel when an event is scheduled, so two events due at the same tick
 * run in the order they were scheduled and the order is total. Cancellation is lazy: a cancelled
 * event stays in the heap and is skipped when it reaches the top, which keeps cancel O(1).
 */
export interface QueuedEvent {
  readonly at: number;
  readonly seq: number;
  cancelled: boolean;
}

export class EventQueue<E extends QueuedEvent> {
  private heap: E[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(event: E): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p.at < event.at || (p.at === event.at && p.seq < event.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const heap = this.heap;
    const n = heap.length;
    if (n === 0) return undefined;
    const top = heap[0];
    const last = heap.pop() as E;
    if (n > 1) {
      // Sift the former last element down from the root.
      const size = n - 1;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        let c = l;
        let ce = heap[l];
        if (r < size) {
          const re = heap[r];
          if (re.at < ce.at || (re.at === ce.at && re.seq < ce.seq)) {
            c = r;
            ce = re;
          }
        }
        if (last.at < ce.at || (last.at === ce.at && last.seq < ce.seq)) break;
        heap[i] = ce;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }

  /**
   * Removes every cancelled event. A sorted array is a valid heap, so this is one filter and one
   * sort; the kernel calls it when cancelled events outnumber live ones, which keeps the queue
   * bounded by the live events even when a long timer is re-armed on every tick.
   */
  compact(): void {
    this.heap = this.heap.filter((e) => !e.cancelled).sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  /** Drops cancelled events from the top so that peek() shows the next live one. */
  skipCancelled(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
  }
}
