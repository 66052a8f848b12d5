/**
 * An open-addressing hash table from prefix keys (non-negative integers below 2^53, as BlockKeys
 * makes them) to block ids, sized once for a fixed maximum number of entries: linear probing,
 * deletion by backward shift (Knuth, TAOCP vol. 3, algorithm 6.4R), so lookups never wade through
 * tombstones. Replaces a Map whose keys are heap numbers: no allocation, no rehashing per step.
 */
export class KeyTable {
  private readonly keys: Float64Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  size = 0;

  constructor(maxEntries: number) {
    let capacity = 16;
    while (capacity < 2 * maxEntries) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(-1);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Slot of a key's home position: a mix of its high and low 32-bit halves (murmur3 finalizer). */
  private home(key: number): number {
    const low = key >>> 0;
    const high = Math.floor(key / 4294967296) >>> 0;
    let hash = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    return hash & this.mask;
  }

  /** The value under `key`, or -1. */
  get(key: number): number {
    for (let slot = this.home(key); ; slot = (slot + 1) & this.mask) {
      const stored = this.keys[slot] ?? -1;
      if (stored === key) return this.values[slot] ?? -1;
      if (stored < 0) return -1;
    }
  }

  has(key: number): boolean {
    return this.get(key) >= 0;
  }

  /** Stores `value` under `key` (which must not be present). */
  set(key: number, value: number): void {
    if (this.size * 2 >= this.keys.length) throw new Error(`KeyTable: more than ${this.keys.length / 2} entries`);
    let slot = this.home(key);
    while ((this.keys[slot] ?? -1) >= 0) slot = (slot + 1) & this.mask;
    this.keys[slot] = key;
    this.values[slot] = value;
    this.size++;
  }

  /** Removes `key` if present, shifting later entries of its probe run back into the gap. */
  delete(key: number): void {
    let slot = this.home(key);
    for (;;) {
      const stored = this.keys[slot] ?? -1;
      if (stored < 0) return;
      if (stored === key) break;
      slot = (slot + 1) & this.mask;
    }
    this.size--;
    let gap = slot;
    for (let next = (gap + 1) & this.mask; ; next = (next + 1) & this.mask) {
      const stored = this.keys[next] ?? -1;
      if (stored < 0) break;
      const home = this.home(stored);
      // Move the entry back if its home is not cyclically within (gap, next].
      const inRange = gap <= next ? home > gap && home <= next : home > gap || home <= next;
      if (!inRange) {
        this.keys[gap] = stored;
        this.values[gap] = this.values[next] ?? 0;
        gap = next;
      }
    }
    this.keys[gap] = -1;
  }
}
