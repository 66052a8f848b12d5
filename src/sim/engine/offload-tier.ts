/**
 * A replica's second KV tier (host DRAM / SSD, as Mooncake's store, LMCache, SGLang HiCache and
 * Dynamo's KV block manager keep): prefix blocks evicted from GPU memory are kept here by key, least
 * recently used evicted first once `capacityBlocks` is reached, and loaded back over PCIe on a
 * prefix hit instead of being recomputed. A hit leaves the copy in the tier (it is touched).
 * Recency is a doubly linked list over slots, so a touch moves no Map entry.
 */
export class OffloadTier {
  readonly capacityBlocks: number;
  private readonly slotOf = new Map<number, number>();
  private keyAt = new Float64Array(1024);
  private prev = new Int32Array(1024);
  private next = new Int32Array(1024);
  private readonly freeSlots: number[] = [];
  private slots = 0;
  private head = -1;
  private tail = -1;
  /** Blocks dropped from the tier for capacity. */
  evictions = 0;

  constructor(capacityBlocks: number) {
    this.capacityBlocks = capacityBlocks;
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Stores an evicted GPU block's key (or refreshes it), evicting the least recently used beyond capacity. */
  insert(key: number): void {
    if (this.capacityBlocks < 1) return;
    const existing = this.slotOf.get(key);
    if (existing !== undefined) {
      this.moveToTail(existing);
      return;
    }
    if (this.slotOf.size >= this.capacityBlocks) this.evictOldest();
    const slot = this.freeSlots.pop() ?? this.newSlot();
    this.keyAt[slot] = key;
    this.slotOf.set(key, slot);
    this.linkTail(slot);
  }

  /** Consecutive blocks from `from` whose keys are stored, at most `maxBlocks` (no recency change). */
  countPrefix(keyAt: (blockIndex: number) => number, from: number, maxBlocks: number): number {
    let hits = 0;
    while (hits < maxBlocks) {
      const key = keyAt(from + hits);
      if (Number.isNaN(key) || !this.slotOf.has(key)) break;
      hits++;
    }
    return hits;
  }

  /** Marks `count` blocks from `from` as just used (they were loaded). */
  touchPrefix(keyAt: (blockIndex: number) => number, from: number, count: number): void {
    for (let block = from; block < from + count; block++) {
      const slot = this.slotOf.get(keyAt(block));
      if (slot !== undefined) this.moveToTail(slot);
    }
  }

  private newSlot(): number {
    if (this.slots === this.keyAt.length) {
      const grow = <T extends Float64Array | Int32Array>(array: T, make: (length: number) => T): T => {
        const grown = make(array.length * 2);
        grown.set(array);
        return grown;
      };
      this.keyAt = grow(this.keyAt, (length) => new Float64Array(length));
      this.prev = grow(this.prev, (length) => new Int32Array(length));
      this.next = grow(this.next, (length) => new Int32Array(length));
    }
    return this.slots++;
  }

  private evictOldest(): void {
    const slot = this.head;
    if (slot < 0) return;
    this.unlink(slot);
    this.slotOf.delete(this.keyAt[slot] ?? NaN);
    this.freeSlots.push(slot);
    this.evictions++;
  }

  private linkTail(slot: number): void {
    this.prev[slot] = this.tail;
    this.next[slot] = -1;
    if (this.tail >= 0) this.next[this.tail] = slot;
    else this.head = slot;
    this.tail = slot;
  }

  private unlink(slot: number): void {
    const before = this.prev[slot] ?? -1;
    const after = this.next[slot] ?? -1;
    if (before >= 0) this.next[before] = after;
    else this.head = after;
    if (after >= 0) this.prev[after] = before;
    else this.tail = before;
  }

  private moveToTail(slot: number): void {
    if (slot === this.tail) return;
    this.unlink(slot);
    this.linkTail(slot);
  }
}
