/**
 * Fixed 32-bit integer hashing for the consistent-hash rings: murmur3's fmix32 finalizer over
 * the key's 32-bit halves, strings use numeric/hash mixedStringHash. Pure and identical on every machine.
 */
import { mix32 } from "../../numeric/hash.js";

const twoTo32 = 4294967296;

/** Hash of a (safe-integer) block key: both 32-bit halves take part. */
export function _hashNumber(key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / twoTo32) >>> 0;
  return mix32(low ^ mix32((high + 0x9e3779b9) >>> 0));
}
