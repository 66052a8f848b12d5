import { KeyTable } from "./key-table.js";

const noHits = { hits: 0, idle: 0 } as const;

/**
 * A paged KV block pool with prefix caching, after vLLM's block manager: full blocks are
 * registered under a key that identifies their whole prefix, shared read-only between sequences
 * (reference counts), and kept after release as evictable cache entries, evicted least recently
 * used first when a fresh block is needed.
 */
export class BlockManager {
  readonly totalBlocks: number;
  readonly blockSizeTokens: number;
  readonly prefixCaching: boolean;
  private readonly refCount: Int32Array;
  private readonly keyOf: Float64Array;
  private readonly keyToBlock: KeyTable;
  // Free, never-cached blocks (a stack) and evictable cached blocks (a doubly linked LRU list).
  private readonly freeStack: Int32Array;
  private freeTop: number;
  private readonly lruPrev: Int32Array;
  private readonly lruNext: Int32Array;
  private readonly inLru: Uint8Array;
  private lruHead = -1;
  private lruTail = -1;
  private lruSize = 0;
  private referenced = 0;
  /** Cached blocks evicted so far. */
  evictions = 0;
  /** Told the key of every cached block evicted (to keep it in a second tier). */
  onEvict: ((key: number) => void) | null = null;

  constructor(totalBlocks: number, blockSizeTokens: number, prefixCaching: boolean) {
    this.totalBlocks = totalBlocks;
    this.blockSizeTokens = blockSizeTokens;
    this.prefixCaching = prefixCaching;
    this.refCount = new Int32Array(totalBlocks);
    // At most one key per block is registered at a time.
    this.keyToBlock = new KeyTable(totalBlocks);
    this.keyOf = new Float64Array(totalBlocks).fill(NaN);
    this.freeStack = new Int32Array(totalBlocks);
    for (let index = 0; index < totalBlocks; index++) this.freeStack[index] = totalBlocks - 1 - index;
    this.freeTop = totalBlocks;
    this.lruPrev = new Int32Array(totalBlocks).fill(-1);
    this.lruNext = new Int32Array(totalBlocks).fill(-1);
    this.inLru = new Uint8Array(totalBlocks);
  }

  /** Blocks a new allocation can take: free plus evictable cached ones. */
  get availableBlocks(): number {
    return this.freeTop + this.lruSize;
  }

  /** Blocks referenced by live sequences. */
  get usedBlocks(): number {
    return this.referenced;
  }

  /**
   * Consecutive cached blocks from block 0 whose keys `keyAt(i)` are present (no references taken),
   * and how many of them are unreferenced (`idle` — taking those shrinks availableBlocks).
   */
  lookupCachedPrefix(keyAt: (blockIndex: number) => number, maxBlocks: number): { readonly hits: number; readonly idle: number } {
    if (!this.prefixCaching) return noHits;
    let hits = 0;
    let idle = 0;
    while (hits < maxBlocks) {
      const key = keyAt(hits);
      const block = Number.isNaN(key) ? -1 : this.keyToBlock.get(key);
      if (block < 0) break;
      if (this.refCount[block] === 0) idle++;
      hits++;
    }
    return hits === 0 ? noHits : { hits, idle };
  }

  /** Consecutive cached blocks from block 0 whose keys `keyAt(i)` are present (no references taken). */
  countCachedPrefix(keyAt: (blockIndex: number) => number, maxBlocks: number): number {
    return this.lookupCachedPrefix(keyAt, maxBlocks).hits;
  }

  /** Takes a reference on the cached block under `key` (which must be present). */
  acquireCached(key: number): number {
    const block = this.keyToBlock.get(key);
    if (block < 0) throw new Error(`no cached block for key ${key}`);
    if (this.refCount[block] === 0) {
      this.unlinkLru(block);
      this.referenced++;
    }
    this.refCount[block] = (this.refCount[block] ?? 0) + 1;
    return block;
  }

  /** A fresh block with one reference, evicting the least recently used cached block if needed; -1 if none. */
  allocate(): number {
    let block: number;
    if (this.freeTop > 0) {
      this.freeTop--;
      block = this.freeStack[this.freeTop] ?? -1;
    } else if (this.lruHead >= 0) {
      block = this.lruHead;
      this.unlinkLru(block);
      const key = this.keyOf[block] ?? NaN;
      this.onEvict?.(key);
      if (!Number.isNaN(key)) this.keyToBlock.delete(key);
      this.keyOf[block] = NaN;
      this.evictions++;
    } else {
      return -1;
    }
    this.refCount[block] = 1;
    this.referenced++;
    return block;
  }

  /** Registers a just-filled block under its prefix key so later sequences can share it. */
  register(block: number, key: number): void {
    if (!this.prefixCaching || Number.isNaN(key) || this.keyToBlock.has(key)) return;
    this.keyToBlock.set(key, block);
    this.keyOf[block] = key;
  }

  /** Drops one reference; an unreferenced cached block stays as an evictable cache entry. */
  release(block: number): void {
    const count = (this.refCount[block] ?? 0) - 1;
    this.refCount[block] = count;
    if (count > 0) return;
    this.referenced--;
    if (!Number.isNaN(this.keyOf[block] ?? NaN)) this.pushLruTail(block);
    else this.freeStack[this.freeTop++] = block;
  }

  private pushLruTail(block: number): void {
    this.lruPrev[block] = this.lruTail;
    this.lruNext[block] = -1;
    if (this.lruTail >= 0) this.lruNext[this.lruTail] = block;
    else this.lruHead = block;
    this.lruTail = block;
    this.inLru[block] = 1;
    this.lruSize++;
  }

  private unlinkLru(block: number): void {
    if (this.inLru[block] !== 1) return;
    const prev = this.lruPrev[block] ?? -1;
    const next = this.lruNext[block] ?? -1;
    if (prev >= 0) this.lruNext[prev] = next;
    else this.lruHead = next;
    if (next >= 0) this.lruPrev[next] = prev;
    else this.lruTail = prev;
    this.inLru[block] = 0;
    this.lruSize--;
  }
}
