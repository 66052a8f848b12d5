/**
 * Fixed 32-bit integer hashing for the consistent-hash rings: murmur3's fmix32 finalizer over
 * the key's 32-bit halves, and FNV-1a for strings. Pure and identical on every machine.
 */

/** murmur3 fmix32: a bijective avalanche mix of a 32-bit word. */
export function _mix32(word: number): number {
  let h = word >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const twoTo32 = 4294967296;

/** Hash of a (safe-integer) block key: both 32-bit halves take part. */
export function _hashNumber(key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / twoTo32) >>> 0;
  return _mix32(low ^ _mix32((high + 0x9e3779b9) >>> 0));
}

/** FNV-1a over UTF-16 code units, then fmix32 so short ids spread over the whole ring. */
export function _hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return _mix32(hash);
}
