/**
 * Fixed, machine-independent 32-bit string and word hashing (not a security hash): FNV-1a
 * (Fowler–Noll–Vo, 32-bit offset basis 0x811c9dc5, prime 0x01000193) and murmur3's fmix32
 * finalizer. The one copy every folder uses, so ids, rings and assignments agree everywhere.
 */

/** FNV-1a 32-bit hash of a string over its UTF-16 code units (stable across runs and machines). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** murmur3 fmix32: a bijective avalanche mix of a 32-bit word. */
export function mix32(word: number): number {
  let h = word >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a then fmix32, so short strings spread over all 32 bits (hash rings, modulo buckets). */
export function mixedStringHash(text: string): number {
  return mix32(fnv1a(text));
}
