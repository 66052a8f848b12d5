import { _hashNumber } from "./_hash.js";

/**
 * A bounded LRU set of numeric keys with O(1) amortised touches, in typed arrays so that recording
 * a prompt costs tens of nanoseconds per block (a JS Map with delete + re-insert cost ~150 ns).
 * - An open-addressing table (linear probing, load ≤ 1/2, backward-shift deletion) maps each key
 *   to the stamp of its latest touch; stamp 0 marks an empty slot.
 * - A FIFO of (key, stamp) touches; eviction pops it and deletes a key only if the popped stamp is
 *   still the key's latest (older entries are stale). Stale entries are compacted away when the
 *   FIFO fills.
 */
export class _LruKeySet {
  private readonly mask: number;
  private readonly slotKeys: Float64Array;
  private readonly slotStamps: Float64Array;
  private count = 0;
  private queueKeys: Float64Array;
  private queueStamps: Float64Array;
  private head = 0;
  private tail = 0;
  private clock = 0;

  constructor(private readonly capacity: number) {
    let slots = 16;
    while (slots < capacity * 2 + 2) slots *= 2;
    this.mask = slots - 1;
    this.slotKeys = new Float64Array(slots);
    this.slotStamps = new Float64Array(slots);
    this.queueKeys = new Float64Array(Math.min(capacity * 2, 4096));
    this.queueStamps = new Float64Array(this.queueKeys.length);
  }

  /** Keys held. */
  get size(): number {
    return this.count;
  }

  has(key: number): boolean {
    return this.slotStamps[this.find(key)] !== 0;
  }

  /** Marks `key` most recently used, evicting the least recently used keys beyond capacity. */
  touch(key: number): void {
    const stamp = ++this.clock;
    const slot = this.find(key);
    if (this.slotStamps[slot] === 0) {
      this.slotKeys[slot] = key;
      this.count++;
    }
    this.slotStamps[slot] = stamp;
    if (this.tail === this.queueKeys.length) this.makeRoom();
    this.queueKeys[this.tail] = key;
    this.queueStamps[this.tail] = stamp;
    this.tail++;
    while (this.count > this.capacity && this.head < this.tail) {
      const oldKey = this.queueKeys[this.head] ?? 0;
      const oldStamp = this.queueStamps[this.head] ?? 0;
      this.head++;
      const oldSlot = this.find(oldKey);
      if (this.slotStamps[oldSlot] === oldStamp) this.remove(oldSlot);
    }
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(key: number): number {
    let slot = _hashNumber(key) & this.mask;
    while (this.slotStamps[slot] !== 0 && this.slotKeys[slot] !== key) slot = (slot + 1) & this.mask;
    return slot;
  }

  /** Backward-shift deletion (Knuth, TAOCP vol. 3, Algorithm 6.4R): no tombstones. */
  private remove(slot: number): void {
    let hole = slot;
    let probe = slot;
    for (;;) {
      probe = (probe + 1) & this.mask;
      if (this.slotStamps[probe] === 0) break;
      const home = _hashNumber(this.slotKeys[probe] ?? 0) & this.mask;
      // Move the entry back unless its home lies cyclically in (hole, probe].
      const homeInRange = hole <= probe ? hole < home && home <= probe : hole < home || home <= probe;
      if (homeInRange) continue;
      this.slotKeys[hole] = this.slotKeys[probe] ?? 0;
      this.slotStamps[hole] = this.slotStamps[probe] ?? 0;
      hole = probe;
    }
    this.slotStamps[hole] = 0;
    this.count--;
  }

  /** Drops consumed and stale FIFO entries; grows the FIFO only when most entries are live. */
  private makeRoom(): void {
    let write = 0;
    for (let read = this.head; read < this.tail; read++) {
      const key = this.queueKeys[read] ?? 0;
      const stamp = this.queueStamps[read] ?? 0;
      if (this.slotStamps[this.find(key)] !== stamp) continue;
      this.queueKeys[write] = key;
      this.queueStamps[write] = stamp;
      write++;
    }
    this.head = 0;
    this.tail = write;
    if (write * 2 > this.queueKeys.length) {
      const keys = new Float64Array(this.queueKeys.length * 2);
      const stamps = new Float64Array(keys.length);
      keys.set(this.queueKeys.subarray(0, write));
      stamps.set(this.queueStamps.subarray(0, write));
      this.queueKeys = keys;
      this.queueStamps = stamps;
    }
  }
}
