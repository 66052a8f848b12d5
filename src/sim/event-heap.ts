/** A binary min-heap of timed events; ties break by insertion order so runs are deterministic. */
export class EventHeap<T> {
  private times: number[] = [];
  private orders: number[] = [];
  private payloads: T[] = [];
  private counter = 0;

  get size(): number {
    return this.times.length;
  }

  peekTime(): number {
    return this.times[0] ?? Infinity;
  }

  push(timeSeconds: number, payload: T): void {
    let index = this.times.length;
    const order = this.counter++;
    this.times.push(timeSeconds);
    this.orders.push(order);
    this.payloads.push(payload);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.less(index, parent)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  /** Removes the earliest event; undefined when empty. */
  pop(): { timeSeconds: number; payload: T } | undefined {
    const last = this.times.length - 1;
    if (last < 0) return undefined;
    const timeSeconds = this.times[0] ?? Infinity;
    const payload = this.payloads[0] as T;
    this.swap(0, last);
    this.times.pop();
    this.orders.pop();
    this.payloads.pop();
    let index = 0;
    const size = this.times.length;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < size && this.less(left, smallest)) smallest = left;
      if (right < size && this.less(right, smallest)) smallest = right;
      if (smallest === index) break;
      this.swap(index, smallest);
      index = smallest;
    }
    return { timeSeconds, payload };
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a] ?? Infinity;
    const tb = this.times[b] ?? Infinity;
    return ta < tb || (ta === tb && (this.orders[a] ?? 0) < (this.orders[b] ?? 0));
  }

  private swap(a: number, b: number): void {
    const time = this.times[a] ?? 0;
    this.times[a] = this.times[b] ?? 0;
    this.times[b] = time;
    const order = this.orders[a] ?? 0;
    this.orders[a] = this.orders[b] ?? 0;
    this.orders[b] = order;
    const payload = this.payloads[a] as T;
    this.payloads[a] = this.payloads[b] as T;
    this.payloads[b] = payload;
  }
}
