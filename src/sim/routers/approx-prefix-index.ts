import { _LruKeySet } from "./_lru-key-set.js";

/**
 * The router's *approximate* prefix index (REFERENCE.md, "Routers in production systems": llm-d's
 * per-endpoint LRU index of chained block hashes, SGLang's approximate radix tree, Dynamo's
 * ApproxKvIndexer, vLLM production-stack's hash trie). It records only the router's own decisions
 * and never reads an engine's true cache, so it drifts when engines evict blocks it did not see —
 * that drift is the point (docs/design.md §4, "the router's view is separate from the engine's true state").
 */

/** Default LRU capacity per replica, in blocks. */
export const defaultIndexCapacityBlocks = 4096;

/** What a router believes each replica has cached, keyed by chained block keys. */
export interface ApproxPrefixIndex {
  readonly capacityBlocks: number;
  /** Records the request's blocks under `replica` (most recent), evicting that replica's LRU keys. */
  record(replica: number, blockKeys: readonly number[]): void;
  /** Leading blocks of `blockKeys` the index believes `replica` holds (consecutive from block 0). */
  matchBlocks(replica: number, blockKeys: readonly number[]): number;
  /** Keys currently believed cached on `replica`. */
  sizeBlocks(replica: number): number;
}

/**
 * An LRU set of block keys per replica (see `_LruKeySet`). `record` touches blocks from the
 * last to the first, so every prefix block is at least as recent as the blocks after it; LRU then
 * evicts the tails of prefixes first and each replica's set stays prefix-closed along a chain.
 * That makes "consecutive keys from block 0" monotone, so `matchBlocks` probes block 0 (one lookup
 * for a miss) and then binary-searches the match length in O(log blocks) lookups instead of
 * scanning (checked against a linear scan in tests).
 */
export function createApproxPrefixIndex(capacityBlocks = defaultIndexCapacityBlocks): ApproxPrefixIndex {
  if (!Number.isInteger(capacityBlocks) || capacityBlocks < 1) {
    throw new RangeError(`index capacity must be a positive integer number of blocks, got ${capacityBlocks}`);
  }
  const sets = new Map<number, _LruKeySet>();

  const record = (replica: number, blockKeys: readonly number[]): void => {
    let set = sets.get(replica);
    if (set === undefined) {
      set = new _LruKeySet(capacityBlocks);
      sets.set(replica, set);
    }
    for (let block = blockKeys.length - 1; block >= 0; block--) set.touch(blockKeys[block] ?? 0);
  };

  const matchBlocks = (replica: number, blockKeys: readonly number[]): number => {
    const set = sets.get(replica);
    if (set === undefined || blockKeys.length === 0 || !set.has(blockKeys[0] ?? 0)) return 0;
    // Largest m ≥ 1 with blocks 0..m-1 all present; presence is monotone (see above).
    let low = 1;
    let high = blockKeys.length;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (set.has(blockKeys[middle - 1] ?? 0)) low = middle;
      else high = middle - 1;
    }
    return low;
  };

  const sizeBlocks = (replica: number): number => sets.get(replica)?.size ?? 0;

  return { capacityBlocks, record, matchBlocks, sizeBlocks };
}
