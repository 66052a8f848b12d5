import { _fail } from "../stats/_validate.js";
import { _coefficientVariance, _localPolyFit, _makeSide, type _RddSide } from "./_rdd-local-fit.js";

/** The MSE-optimal bandwidth and the pilot bandwidths that produced it. */
export interface RddBandwidth {
  /** MSE-optimal bandwidth h for the local-linear (p = 1) estimate of the jump. */
  readonly h: number;
  /** Bias bandwidth b (local quadratic, q = 2) used to estimate the curvature. */
  readonly b: number;
  /** Pilot bandwidth for the third-derivative step. */
  readonly d: number;
  /** Initial rule-of-thumb bandwidth c = 2.576 · min(sd, IQR/1.349) · M^(−1/5). */
  readonly pilot: number;
  readonly method: string;
}

interface BandwidthConstants {
  readonly variance: number;
  readonly bias: number;
  readonly regularization: number;
}

/**
 * Variance, bias and regularisation constants of one side for a polynomial of `order` estimating the `nu`-th derivative,
 * with the bias read off a fit of order `biasOrder` at bandwidth `biasBandwidth` (Calonico, Cattaneo & Titiunik 2014, §4;
 * Calonico, Cattaneo & Farrell 2020).
 */
function sideConstants(side: _RddSide, cutoff: number, spec: { order: number; nu: number; biasOrder: number; pilot: number; biasBandwidth: number; regularize: boolean }): BandwidthConstants {
  const where = "selectRddBandwidth";
  const { order, nu, biasOrder, pilot, biasBandwidth } = spec;
  const fit = _localPolyFit(side, cutoff, pilot, order);
  if (fit === null) _fail(where, `fewer than ${order + 1} observations within the pilot bandwidth ${pilot.toPrecision(4)} on one side of the cutoff; pass --bandwidth explicitly`);
  const varianceOfNu = _coefficientVariance(fit, nu, "nn");
  // Leading bias term: e_ν' (R'WR)⁻¹ Σ wᵢ Rᵢ ((xᵢ − c)/h)^(p+1), scaled back by h^ν.
  const v = new Array<number>(order + 1).fill(0);
  fit.rows.forEach((row, i) => {
    const scaled = (((fit.x[i] ?? 0) - cutoff) / pilot) ** (order + 1) * (fit.weights[i] ?? 0);
    row.forEach((value, j) => (v[j] = (v[j] ?? 0) + value * scaled));
  });
  const biasConstant = pilot ** nu * (fit.inverseGram[nu] ?? []).reduce((sum, value, j) => sum + value * (v[j] ?? 0), 0);
  const biasFit = _localPolyFit(side, cutoff, biasBandwidth, biasOrder);
  if (biasFit === null) _fail(where, `fewer than ${biasOrder + 1} observations within the bias bandwidth ${biasBandwidth.toPrecision(4)} on one side of the cutoff; pass --bandwidth explicitly`);
  const derivative = biasFit.beta[order + 1] ?? 0;
  const regularization = spec.regularize ? 2 * (order + 1 - nu) * 3 * biasConstant * biasConstant * _coefficientVariance(biasFit, order + 1, "nn") : 0;
  return {
    variance: (2 * nu + 1) * pilot ** (2 * nu + 1) * varianceOfNu,
    bias: Math.sqrt(2 * (order + 1 - nu)) * biasConstant * derivative,
    regularization,
  };
}

/** R's quantile type 2 (inverse empirical CDF, averaging at discontinuities) of sorted values. */
function quantileType2(sorted: Float64Array, p: number): number {
  const position = sorted.length * p;
  const lower = Math.floor(position);
  if (position === lower) return 0.5 * ((sorted[Math.max(0, lower - 1)] ?? 0) + (sorted[Math.min(sorted.length - 1, lower)] ?? 0));
  return sorted[Math.min(sorted.length - 1, lower)] ?? 0;
}

function sampleSd(values: Float64Array): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
}

/**
 * MSE-optimal bandwidth for the sharp RD local-linear estimate with a triangular kernel — the one common bandwidth
 * ("mserd") of Calonico, Cattaneo & Titiunik (2014, Econometrica) in the form of Calonico, Cattaneo & Farrell (2020) and
 * rdrobust: a rule-of-thumb pilot, then a third-derivative pilot d (local cubic), a bias bandwidth b (local quadratic) and h,
 * each h = [V / (B² + R)]^(1/(2p+3)) with nearest-neighbour (3 matches) variances and the bias-variance regularisation R.
 * The pilot counts distinct values of x (rdrobust's mass-point adjustment).
 */
export function selectRddBandwidth(running: ArrayLike<number>, outcome: ArrayLike<number>, options: { readonly cutoff: number }): RddBandwidth {
  const where = "selectRddBandwidth";
  const { cutoff } = options;
  const leftX: number[] = [];
  const leftY: number[] = [];
  const rightX: number[] = [];
  const rightY: number[] = [];
  for (let index = 0; index < running.length; index++) {
    const x = running[index] ?? Number.NaN;
    const y = outcome[index] ?? Number.NaN;
    if (x < cutoff) {
      leftX.push(x);
      leftY.push(y);
    } else {
      rightX.push(x);
      rightY.push(y);
    }
  }
  if (leftX.length + rightX.length < 20) _fail(where, `has ${leftX.length + rightX.length} observations; the bandwidth selector needs at least 20 — pass --bandwidth explicitly`);
  if (leftX.length < 5 || rightX.length < 5) _fail(where, `has ${leftX.length} observation(s) below and ${rightX.length} at or above the cutoff ${cutoff}; both sides need at least 5`);
  const left = _makeSide(leftX, leftY);
  const right = _makeSide(rightX, rightY);
  const all = Float64Array.from([...left.x, ...right.x]).sort();
  const distinct = new Set(all).size;
  const spread = Math.min(sampleSd(all), (quantileType2(all, 0.75) - quantileType2(all, 0.25)) / 1.349);
  const maxBandwidth = Math.max(Math.abs(cutoff - (all[0] ?? cutoff)), Math.abs((all[all.length - 1] ?? cutoff) - cutoff));
  const pilot = Math.min(2.576 * spread * distinct ** (-1 / 5), maxBandwidth);
  const rangeLeft = Math.abs(cutoff - (left.x[0] ?? cutoff));
  const rangeRight = Math.abs((right.x[right.x.length - 1] ?? cutoff) - cutoff);

  // The whole-side pilot is padded so the farthest observation keeps a positive triangular weight (as rdrobust does).
  const padding = 1 + Math.sqrt(Number.EPSILON);
  const p = 1;
  const q = 2;
  const combine = (l: BandwidthConstants, r: BandwidthConstants, rate: number): number => {
    const value = ((l.variance + r.variance) / ((r.bias - l.bias) ** 2 + l.regularization + r.regularization)) ** rate;
    if (!Number.isFinite(value) || value <= 0) _fail(where, "could not estimate the curvature near the cutoff (no variation); pass --bandwidth explicitly");
    return Math.min(value, maxBandwidth);
  };
  const dLeft = sideConstants(left, cutoff, { order: q + 1, nu: q + 1, biasOrder: q + 2, pilot, biasBandwidth: rangeLeft * padding, regularize: false });
  const dRight = sideConstants(right, cutoff, { order: q + 1, nu: q + 1, biasOrder: q + 2, pilot, biasBandwidth: rangeRight * padding, regularize: false });
  const d = combine(dLeft, dRight, 1 / (2 * (q + 1) + 3));
  const bLeft = sideConstants(left, cutoff, { order: q, nu: p + 1, biasOrder: q + 1, pilot, biasBandwidth: d, regularize: true });
  const bRight = sideConstants(right, cutoff, { order: q, nu: p + 1, biasOrder: q + 1, pilot, biasBandwidth: d, regularize: true });
  const b = combine(bLeft, bRight, 1 / (2 * q + 3));
  const hLeft = sideConstants(left, cutoff, { order: p, nu: 0, biasOrder: q, pilot, biasBandwidth: b, regularize: true });
  const hRight = sideConstants(right, cutoff, { order: p, nu: 0, biasOrder: q, pilot, biasBandwidth: b, regularize: true });
  const h = combine(hLeft, hRight, 1 / (2 * p + 3));
  return { h, b, d, pilot, method: "MSE-optimal common bandwidth (Calonico, Cattaneo & Titiunik 2014; mserd as in rdrobust), triangular kernel, NN variance" };
}

