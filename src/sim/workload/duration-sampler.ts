import type { Rng } from "../../numeric/rng.js";
import { sampleExponential, sampleLognormal } from "./distributions.js";
import type { DurationDistConfig } from "./workload-schema.js";

/** Draws a positive duration in seconds. */
export type DurationSampler = (rng: Rng) => number;

/** A sampler for a duration config: fixed `value`, exponential with `mean`, or lognormal with `median` and `sigma`. */
export function createDurationSampler(config: DurationDistConfig): DurationSampler {
  switch (config.dist) {
    case "fixed": {
      const seconds = config.value;
      return () => seconds;
    }
    case "exponential": {
      const rate = 1 / config.mean;
      return (rng) => sampleExponential(rng, rate);
    }
    case "lognormal": {
      const mu = Math.log(config.median);
      const { sigma } = config;
      return (rng) => sampleLognormal(rng, mu, sigma);
    }
  }
}
