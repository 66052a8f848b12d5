import type { Rng } from "../../numeric/rng.js";

/** A stochastic choice over view positions, with the probability of every position. */
export interface _Choice {
  readonly position: number;
  readonly propensity: number;
  readonly probabilities: number[];
}

/** Scores within this relative distance of the best count as tied (guards float noise in Σ wᵢsᵢ). */
const tieTolerance = 1e-12;

/**
 * Argmax over `scores[0..length)`, ties broken uniformly at random (llm-d's "ties random";
 * vLLM production-stack's "random among tied endpoints"). Ineligible positions hold -Infinity.
 * Draws from `rng` only when there is more than one tied position.
 */
export function _argmaxUniformTies(scores: Float64Array, length: number, rng: Rng): _Choice {
  let best = -Infinity;
  for (let position = 0; position < length; position++) {
    const score = scores[position] ?? -Infinity;
    if (score > best) best = score;
  }
  const floor = best - tieTolerance * Math.max(1, Math.abs(best));
  let tied = 0;
  for (let position = 0; position < length; position++) if ((scores[position] ?? -Infinity) >= floor) tied++;
  const probabilities = new Array<number>(length).fill(0);
  const propensity = 1 / tied;
  let target = tied > 1 ? Math.floor(rng.next() * tied) : 0;
  let chosen = -1;
  for (let position = 0; position < length; position++) {
    if ((scores[position] ?? -Infinity) < floor) continue;
    probabilities[position] = propensity;
    if (target === 0 && chosen < 0) chosen = position;
    target--;
  }
  return { position: chosen, propensity, probabilities };
}

/** Samples a position from `probabilities` (which sum to 1) by inversion of one uniform draw. */
export function _sampleCategorical(probabilities: readonly number[], rng: Rng): number {
  const u = rng.next();
  let cumulative = 0;
  let lastPositive = -1;
  for (let position = 0; position < probabilities.length; position++) {
    const probability = probabilities[position] ?? 0;
    if (probability <= 0) continue;
    cumulative += probability;
    lastPositive = position;
    if (u < cumulative) return position;
  }
  return lastPositive;
}

/** A reusable Float64Array that grows to the largest view seen (no per-decision allocation). */
export class _ScoreBuffer {
  private buffer = new Float64Array(16);

  /** The buffer, at least `length` long; contents are stale until written. */
  take(length: number): Float64Array {
    if (this.buffer.length < length) this.buffer = new Float64Array(Math.max(length, this.buffer.length * 2));
    return this.buffer;
  }
}
