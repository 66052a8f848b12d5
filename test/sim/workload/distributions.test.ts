import { describe, expect, it } from "vitest";
import { isGoodputError } from "../../../src/errors.js";
import { createRng, type Rng } from "../../../src/numeric/rng.js";
import { normalCdf, sampleGamma, sampleTruncatedPareto } from "../../../src/sim/workload/distributions.js";
import { createLengthSampler } from "../../../src/sim/workload/length-sampler.js";
import { createWeightedChoice } from "../../../src/sim/workload/weighted-choice.js";
import type { LengthDistConfig } from "../../../src/sim/workload/workload-schema.js";
import { createZipfSampler } from "../../../src/sim/workload/zipf-sampler.js";

function draw(count: number, sample: (rng: Rng) => number, seed = 21): Float64Array {
  const rng = createRng(seed, "test/distributions");
  const values = new Float64Array(count);
  for (let index = 0; index < count; index++) values[index] = sample(rng);
  return values;
}

function meanOf(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function varianceOf(values: Float64Array): number {
  const mean = meanOf(values);
  let sum = 0;
  for (const value of values) sum += (value - mean) ** 2;
  return sum / (values.length - 1);
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return ((sorted[(sorted.length >> 1) - 1] ?? 0) + (sorted[sorted.length >> 1] ?? 0)) / 2;
}

/**
 * Mean of a Pareto(α) truncated to [L, H]: pdf α x^−(α+1)/(L^−α − H^−α), so
 * E[X] = ∫_L^H α x^−α dx / (L^−α − H^−α) = α/(1−α) · (H^(1−α) − L^(1−α)) / (L^−α − H^−α) (α ≠ 1),
 * and ln(H/L) / (1/L − 1/H) for α = 1.
 */
function truncatedParetoMean(alpha: number, low: number, high: number): number {
  const normalizer = low ** -alpha - high ** -alpha;
  if (alpha === 1) return Math.log(high / low) / normalizer;
  return ((alpha / (1 - alpha)) * (high ** (1 - alpha) - low ** (1 - alpha))) / normalizer;
}

/** E[X²] of the same truncated Pareto: α/(2−α) · (H^(2−α) − L^(2−α)) / (L^−α − H^−α) (α ≠ 2). */
function truncatedParetoSecondMoment(alpha: number, low: number, high: number): number {
  return ((alpha / (2 - alpha)) * (high ** (2 - alpha) - low ** (2 - alpha))) / (low ** -alpha - high ** -alpha);
}

/** Φ by Simpson's rule on the normal density (independent of the code's A&S approximation). */
function phi(x: number): number {
  const lower = -12;
  const steps = 20_000;
  const width = (x - lower) / steps;
  const density = (t: number) => Math.exp(-(t * t) / 2) / Math.sqrt(2 * Math.PI);
  let sum = density(lower) + density(x);
  for (let step = 1; step < steps; step++) sum += density(lower + step * width) * (step % 2 === 1 ? 4 : 2);
  return (sum * width) / 3;
}

describe("samplers", () => {
  it("normalCdf() matches table values Φ(0) = 0.5, Φ(1.96) = 0.9750021, Φ(−1) = 0.1586553", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 6);
  });

  it.each([
    [0.5, 2],
    [3, 0.5],
  ])("sampleGamma(shape %s, scale %s) has mean k·θ and variance k·θ² (n = 200,000, within 1.5 % and 4 %)", (shape, scale) => {
    const values = draw(200_000, (rng) => sampleGamma(rng, shape, scale));
    expect(Math.abs(meanOf(values) - shape * scale) / (shape * scale)).toBeLessThan(0.015);
    expect(Math.abs(varianceOf(values) - shape * scale * scale) / (shape * scale * scale)).toBeLessThan(0.04);
  });

  it.each([
    [1.8, 16, 4096],
    [1, 10, 1000],
    [0.5, 1, 100_000],
  ])("truncated Pareto(α %s) on [%s, %s]: sample mean within 4 standard errors of the closed form, every sample inside", (alpha, low, high) => {
    const n = 200_000;
    const expected = truncatedParetoMean(alpha, low, high);
    // e.g. α 1.8 on [16, 4096]: mean 35.6, sd 62.9, se 0.14 (0.4 %); α 0.5 on [1, 10⁵]: mean 316, se 7.2 (2.3 %).
    const standardError = Math.sqrt((truncatedParetoSecondMoment(alpha, low, high) - expected ** 2) / n);
    const continuous = draw(n, (rng) => sampleTruncatedPareto(rng, alpha, low, high));
    expect(Math.abs(meanOf(continuous) - expected)).toBeLessThan(4 * standardError);
    const sampler = createLengthSampler({ dist: "powerlaw", alpha, min: low, max: high });
    const lengths = draw(n, sampler, 22);
    // Rounding to whole tokens moves the mean by under 0.1 token here; allow 0.1 on top of 4 se.
    expect(Math.abs(meanOf(lengths) - expected)).toBeLessThan(4 * standardError + 0.1);
    let outside = 0;
    for (const value of lengths) if (value < low || value > high || !Number.isInteger(value)) outside++;
    expect(outside).toBe(0);
  });

  it("lognormal lengths: median ≈ the configured median; with max, P(X ≤ median) = 0.5/Φ(ln(max/median)/σ)", () => {
    const lengths = draw(100_000, createLengthSampler({ dist: "lognormal", median: 1000, sigma: 1 }));
    // se(median) = m·σ·√(2π)/(2√n) ≈ 4 tokens (0.4 %).
    expect(Math.abs(medianOf(lengths) - 1000) / 1000).toBeLessThan(0.02);
    const truncated = draw(100_000, createLengthSampler({ dist: "lognormal", median: 1000, sigma: 1, max: 3000 }));
    let below = 0;
    let above = 0;
    for (const value of truncated) {
      if (value <= 1000) below++;
      if (value > 3000) above++;
    }
    expect(above).toBe(0);
    // Φ(ln 3.0005) = Φ(1.0988) ≈ 0.86407 (table: Φ(1.09) = 0.86214, Φ(1.10) = 0.86433); P(X < 1000.5) ≈ 0.5002.
    expect(below / truncated.length).toBeCloseTo(0.5002 / 0.86407, 2);
  });

  it("normal lengths are truncated by rejection: mean μ + σ(φ(a) − φ(b))/(Φ(b) − Φ(a)), all inside [min, max]", () => {
    const lengths = draw(100_000, createLengthSampler({ dist: "normal", mean: 500, sd: 200, min: 100, max: 700 }));
    const a = (99.5 - 500) / 200;
    const b = (700.5 - 500) / 200;
    const density = (x: number) => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
    const expected = 500 + (200 * (density(a) - density(b))) / (phi(b) - phi(a));
    expect(expected).toBeCloseTo(454.2, 0);
    expect(Math.abs(meanOf(lengths) - expected) / expected).toBeLessThan(0.01);
    expect(lengths.every((value) => value >= 100 && value <= 700)).toBe(true);
  });

  it("a truncation window holding almost no mass is BAD_INPUT, not a silent clamp", () => {
    let caught: unknown;
    try {
      createLengthSampler({ dist: "normal", mean: 10_000, sd: 10, min: 1, max: 100 });
    } catch (error) {
      caught = error;
    }
    expect(isGoodputError(caught) && caught.code === "BAD_INPUT").toBe(true);
  });

  it("uniform, fixed and empirical lengths", () => {
    const uniform = draw(60_000, createLengthSampler({ dist: "uniform", min: 3, max: 8 }));
    const counts = new Map<number, number>();
    for (const value of uniform) counts.set(value, (counts.get(value) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([3, 4, 5, 6, 7, 8]);
    // Each count is Binomial(60,000, 1/6): mean 10,000, sd 91.
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    expect(draw(10, createLengthSampler({ dist: "fixed", value: 512 })).every((value) => value === 512)).toBe(true);
    const config: LengthDistConfig = { dist: "empirical", samples: [10, 20, 20, 50] };
    const empirical = draw(40_000, createLengthSampler(config));
    // Mean of the samples: 100/4 = 25 (sd 15.8, se 0.08).
    expect(meanOf(empirical)).toBeCloseTo(25, 0);
  });

  it("Zipf(s) over 1…K: rank-1 frequency is 1/H(K, s), rank 1 vs 2 ratio is 2^s", () => {
    const count = 1000;
    const exponent = 1.1;
    let harmonic = 0;
    for (let rank = 1; rank <= count; rank++) harmonic += rank ** -exponent;
    const zipf = createZipfSampler(count, exponent);
    const ranks = draw(200_000, (rng) => zipf.sample(rng));
    let first = 0;
    let second = 0;
    let outside = 0;
    for (const rank of ranks) {
      if (rank === 1) first++;
      if (rank === 2) second++;
      if (rank < 1 || rank > count) outside++;
    }
    const p1 = 1 / harmonic;
    // se = √(p(1−p)/n) ≈ 0.0008; allow 4 se.
    expect(Math.abs(first / ranks.length - p1)).toBeLessThan(4 * Math.sqrt((p1 * (1 - p1)) / ranks.length));
    expect(first / second).toBeCloseTo(2 ** exponent, 1);
    expect(outside).toBe(0);
    expect(zipf.probability(1)).toBeCloseTo(p1, 12);
  });

  it("weighted choice picks index i with probability w_i / Σw", () => {
    const choose = createWeightedChoice([3, 1, 4]);
    const picks = draw(80_000, choose);
    const shares = [0, 1, 2].map((index) => picks.filter((pick) => pick === index).length / picks.length);
    // se ≤ √(0.25/80,000) ≈ 0.0018.
    expect(shares[0]).toBeCloseTo(3 / 8, 2);
    expect(shares[1]).toBeCloseTo(1 / 8, 2);
    expect(shares[2]).toBeCloseTo(4 / 8, 2);
  });
});
