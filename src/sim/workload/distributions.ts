import type { Rng } from "../../numeric/rng.js";

/**
 * Continuous samplers drawing from a seeded stream. Each one is a pure function of the stream's
 * next uniforms (u = rng.next() ∈ [0, 1)): no cached state, so a draw depends only on its stream
 * and the order of calls — what common random numbers need.
 */

/** Exponential with `rate` (mean 1/rate), by inversion: −ln(1 − u)/rate (1 − u ∈ (0, 1], so no log 0). */
export function sampleExponential(rng: Rng, rate: number): number {
  return -Math.log(1 - rng.next()) / rate;
}

/**
 * Standard normal by Box–Muller (Box & Muller 1958). Uses two uniforms per draw and discards the
 * second normal rather than caching it, so no hidden state is carried between calls or streams.
 */
export function sampleStandardNormal(rng: Rng): number {
  const radius = Math.sqrt(-2 * Math.log(1 - rng.next()));
  return radius * Math.cos(2 * Math.PI * rng.next());
}

/** Normal with `mean` and standard deviation `sd`. */
export function sampleNormal(rng: Rng, mean: number, sd: number): number {
  return mean + sd * sampleStandardNormal(rng);
}

/** Lognormal: exp(mu + sigma·Z), Z standard normal; its median is exp(mu). */
export function sampleLognormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * sampleStandardNormal(rng));
}

/**
 * Gamma(shape, scale) (mean shape·scale, variance shape·scale²) by Marsaglia & Tsang (2000),
 * "A simple method for generating gamma variables", ACM TOMS 26(3). For shape < 1 it uses their
 * boost: Gamma(shape) = Gamma(shape + 1) · u^(1/shape), u ∈ (0, 1].
 */
export function sampleGamma(rng: Rng, shape: number, scale: number): number {
  if (shape < 1) {
    const boost = Math.pow(1 - rng.next(), 1 / shape);
    return sampleGamma(rng, shape + 1, scale) * boost;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleStandardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const xSquared = x * x;
    // Squeeze first (cheap), then the exact log test.
    if (u < 1 - 0.0331 * xSquared * xSquared) return d * v * scale;
    if (Math.log(u) < 0.5 * xSquared + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/**
 * Continuous Pareto with shape `alpha` (pdf ∝ x^−(alpha+1)) truncated to [min, max], by inverting
 * its CDF F(x) = (min^−α − x^−α)/(min^−α − max^−α): x = (min^−α − u·(min^−α − max^−α))^(−1/α).
 */
export function sampleTruncatedPareto(rng: Rng, alpha: number, min: number, max: number): number {
  const low = Math.pow(min, -alpha);
  const high = Math.pow(max, -alpha);
  return Math.pow(low - rng.next() * (low - high), -1 / alpha);
}

/**
 * Standard normal CDF Φ(x) via the erf approximation of Abramowitz & Stegun 7.1.26 (absolute
 * error below 1.5e-7): enough for acceptance-rate checks, not for tail probabilities.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const halfErfc = 0.5 * poly * Math.exp(-z * z);
  return x >= 0 ? 1 - halfErfc : halfErfc;
}
