/**
 * Deadlines for many keys with one min-heap, so a sweep costs O(log n) per deadline
 * that is due and nothing for the rest: 100,000 idle rooms cost no CPU until theirs
 * come. Rescheduling later is free (the owner re-checks the key when it pops and
 * schedules again); rescheduling earlier pushes a new entry and the old one goes stale.
 */
export class DeadlineQueue<K> {
  private readonly heap: Array<{ at: number; key: K }> = [];
  private readonly scheduled = new Map<K, number>();

  get size(): number {
    return this.scheduled.size;
  }

  /** Entries in the heap, stale ones included: what the queue costs in memory. */
  get heldEntries(): number {
    return this.heap.length;
  }

  /** Makes sure `key` pops no later than `at`. */
  schedule(key: K, at: number): void {
    const current = this.scheduled.get(key);
    if (current !== undefined && current <= at) return;
    this.scheduled.set(key, at);
    this.push({ at, key });
  }

  cancel(key: K): void {
    if (this.scheduled.delete(key)) this.compactIfSparse();
  }

  /** Earliest entry, possibly stale: at worst one sweep finds nothing to do. */
  nextAt(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Removes and returns the keys whose deadline is at or before `now`. */
  popDue(now: number): K[] {
    const due: K[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const entry = this.pop();
      if (this.scheduled.get(entry.key) !== entry.at) continue; // stale
      this.scheduled.delete(entry.key);
      due.push(entry.key);
    }
    this.compactIfSparse();
    return due;
  }

  // Cancelled and superseded entries would otherwise sit in the heap until their time;
  // rebuilding once they outnumber the live ones keeps memory in step with the live
  // count at amortised O(1) per entry (64: below that a rebuild is not worth it).
  private compactIfSparse(): void {
    if (this.heap.length <= 64 || this.heap.length <= 2 * this.scheduled.size) return;
    const live = this.heap.filter((entry) => this.scheduled.get(entry.key) === entry.at);
    this.heap.length = 0;
    for (const entry of live) this.push(entry);
  }

  private push(entry: { at: number; key: K }): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= entry.at) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): { at: number; key: K } {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= last.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
