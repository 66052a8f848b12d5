import { GoodputError } from "../../errors.js";
import type { Rng } from "../../numeric/rng.js";
import { normalCdf, sampleStandardNormal } from "./distributions.js";
import type { LengthDistConfig } from "./workload-schema.js";

/** Draws a whole token count ≥ 1. */
export type LengthSampler = (rng: Rng) => number;

/**
 * Truncated distributions are sampled by rejection, never by clamping (clamping piles mass on the
 * bounds). Configs whose window keeps under this share of the mass are refused up front, so the
 * cap below is never reached in practice: (1 − 1e-3)^100 000 ≈ e^−100.
 */
export const minAcceptanceProbability = 1e-3;
const maxRejectionTries = 100_000;

/** The length configs sampled by rejection (declared here, not inferred, so the schema can use the check). */
export type TruncatedLengthConfig =
  | { readonly dist: "normal"; readonly mean: number; readonly sd: number; readonly min: number; readonly max: number }
  | { readonly dist: "lognormal"; readonly median: number; readonly sigma: number; readonly max?: number | undefined };

/**
 * Probability that one untruncated draw, rounded to whole tokens, lands inside the window that
 * rejection keeps: [min, max] for "normal", [1, max] for "lognormal".
 */
export function lengthAcceptanceProbability(config: TruncatedLengthConfig): number {
  if (config.dist === "normal") {
    return normalCdf((config.max + 0.5 - config.mean) / config.sd) - normalCdf((config.min - 0.5 - config.mean) / config.sd);
  }
  const upper = config.max === undefined ? 1 : normalCdf((Math.log(config.max + 0.5) - Math.log(config.median)) / config.sigma);
  return upper - normalCdf((Math.log(0.5) - Math.log(config.median)) / config.sigma);
}

/**
 * A sampler for one length distribution of the workload config:
 * - fixed: always `value`;
 * - uniform: every whole number in [min, max] equally likely;
 * - normal: round(Normal(mean, sd)) truncated to [min, max] by rejection;
 * - lognormal: round(median · e^(sigma·Z)) truncated to [1, max] by rejection (max optional);
 * - powerlaw: round of a Pareto(alpha) truncated to [min, max] by inverse CDF — fat tails bounded
 *   by the context window (Clauset, Shalizi & Newman 2009 on fitting such tails);
 * - empirical: one of `samples`, uniformly.
 * Throws BAD_INPUT when a truncation window keeps under minAcceptanceProbability of the mass.
 */
export function createLengthSampler(config: LengthDistConfig): LengthSampler {
  switch (config.dist) {
    case "fixed": {
      const value = config.value;
      return () => value;
    }
    case "uniform": {
      const { min } = config;
      const span = config.max - config.min + 1;
      return (rng) => min + Math.floor(rng.next() * span);
    }
    case "normal": {
      const { mean, sd, min, max } = config;
      _requireAcceptance(config, `[${min}, ${max}] of Normal(${mean}, ${sd})`);
      return (rng) => {
        for (let attempt = 0; attempt < maxRejectionTries; attempt++) {
          const value = Math.round(mean + sd * sampleStandardNormal(rng));
          if (value >= min && value <= max) return value;
        }
        return _rejectionExhausted(`[${min}, ${max}] of Normal(${mean}, ${sd})`);
      };
    }
    case "lognormal": {
      const mu = Math.log(config.median);
      const { sigma } = config;
      const max = config.max ?? Infinity;
      const label = `[1, ${max}] of Lognormal(median ${config.median}, sigma ${sigma})`;
      _requireAcceptance(config, label);
      return (rng) => {
        for (let attempt = 0; attempt < maxRejectionTries; attempt++) {
          const value = Math.round(Math.exp(mu + sigma * sampleStandardNormal(rng)));
          if (value >= 1 && value <= max) return value;
        }
        return _rejectionExhausted(label);
      };
    }
    case "powerlaw": {
      const { alpha, min, max } = config;
      const low = Math.pow(min, -alpha);
      const range = low - Math.pow(max, -alpha);
      const inverseAlpha = -1 / alpha;
      // The continuous draw lies in [min, max] up to rounding error in pow, so rounding keeps it
      // there; the outer min/max only guards against that floating-point error.
      return (rng) => Math.min(max, Math.max(min, Math.round(Math.pow(low - rng.next() * range, inverseAlpha))));
    }
    case "empirical": {
      const samples = config.samples.slice();
      const count = samples.length;
      return (rng) => samples[Math.floor(rng.next() * count)] ?? 1;
    }
  }
}

function _requireAcceptance(config: TruncatedLengthConfig, label: string): void {
  const probability = lengthAcceptanceProbability(config);
  if (probability < minAcceptanceProbability) {
    throw new GoodputError(
      "BAD_INPUT",
      `The window ${label} holds ${(probability * 100).toPrecision(2)}% of the mass (below ${minAcceptanceProbability * 100}%); move the centre inside the window or widen it.`,
    );
  }
}

function _rejectionExhausted(label: string): never {
  throw new GoodputError("BAD_INPUT", `No length in ${label} after ${maxRejectionTries} draws; widen the window.`);
}
