import { GoodputError } from "../../errors.js";
import type { Rng } from "../../numeric/rng.js";

/** Draws an index with probability proportional to its weight. */
export type WeightedChoice = (rng: Rng) => number;

/**
 * A sampler of indices 0…n−1 with P(i) = weights[i] / Σ weights: cumulative sums and a binary
 * search over them (one uniform per draw). Throws BAD_INPUT for an empty list or a weight that is
 * not a positive finite number.
 */
export function createWeightedChoice(weights: readonly number[]): WeightedChoice {
  if (weights.length === 0) throw new GoodputError("BAD_INPUT", "Weighted choice needs at least one weight.");
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((weight, index) => {
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new GoodputError("BAD_INPUT", `Weight ${index} is ${weight}; every weight must be a positive finite number.`);
    }
    total += weight;
    cumulative[index] = total;
  });
  const last = weights.length - 1;
  return (rng) => {
    const target = rng.next() * total;
    let low = 0;
    let high = last;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? Infinity) > target) high = middle;
      else low = middle + 1;
    }
    return low;
  };
}
