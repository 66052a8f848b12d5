import { GoodputError } from "../../errors.js";
import type { Rng } from "../../numeric/rng.js";

/** Ranks 1…count drawn with P(k) = k^−s / H(count, s), H the generalized harmonic number. */
export interface ZipfSampler {
  readonly count: number;
  readonly exponent: number;
  /** A rank in 1…count (rank 1 is the most popular). */
  sample(rng: Rng): number;
  /** P(rank), exactly as sample() draws it. */
  probability(rank: number): number;
}

/** Largest rank count accepted: the CDF table costs 8 bytes per rank. */
export const maxZipfCount = 10_000_000;

/**
 * Zipf's law over a finite population (Zipf 1949; s = 0 is uniform): a precomputed CDF table and
 * a binary search, one uniform per draw, O(log count).
 */
export function createZipfSampler(count: number, exponent: number): ZipfSampler {
  if (!Number.isInteger(count) || count < 1 || count > maxZipfCount) {
    throw new GoodputError("BAD_INPUT", `Zipf population ${count} must be a whole number in 1…${maxZipfCount}.`);
  }
  if (!(exponent >= 0) || !Number.isFinite(exponent)) {
    throw new GoodputError("BAD_INPUT", `Zipf exponent ${exponent} must be a finite number ≥ 0.`);
  }
  const cdf = new Float64Array(count);
  let total = 0;
  for (let rank = 1; rank <= count; rank++) {
    total += Math.pow(rank, -exponent);
    cdf[rank - 1] = total;
  }
  for (let index = 0; index < count; index++) cdf[index] = (cdf[index] ?? 0) / total;
  cdf[count - 1] = 1;
  const last = count - 1;
  return {
    count,
    exponent,
    sample(rng) {
      const u = rng.next();
      let low = 0;
      let high = last;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((cdf[middle] ?? 1) > u) high = middle;
        else low = middle + 1;
      }
      return low + 1;
    },
    probability(rank) {
      if (!Number.isInteger(rank) || rank < 1 || rank > count) return 0;
      return (cdf[rank - 1] ?? 0) - (rank === 1 ? 0 : (cdf[rank - 2] ?? 0));
    },
  };
}
