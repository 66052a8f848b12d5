import { describe, expect, it } from "vitest";
import { fnv1a, mix32, mixedStringHash } from "../../src/numeric/hash.js";

describe("numeric/hash", () => {
  // Reference values from the FNV test suite (Landon Curt Noll, isthe.com/chongo/tech/comp/fnv, FNV-1a 32-bit).
  it("FNV-1a 32-bit matches the published vectors", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  // murmur3 fmix32 by hand: 1 → h ^= h>>>16 (1); h *= 0x85ebca6b; h ^= h>>>13; h *= 0xc2b2ae35; h ^= h>>>16.
  it("fmix32 fixes zero and mixes one as the murmur3 finalizer does", () => {
    expect(mix32(0)).toBe(0);
    let h = 1;
    h = Number((BigInt(h) * 0x85ebca6bn) % 2n ** 32n);
    h = (h ^ (h >>> 13)) >>> 0;
    h = Number((BigInt(h) * 0xc2b2ae35n) % 2n ** 32n);
    h = (h ^ (h >>> 16)) >>> 0;
    expect(mix32(1)).toBe(h);
    expect(mixedStringHash("a")).toBe(mix32(0xe40c292c));
  });
});
