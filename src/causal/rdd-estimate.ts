import type { NumericArray } from "../stats/estimate.js";
import { normalCdf, normalQuantile } from "../stats/normal-distribution.js";
import { _fail } from "../stats/_validate.js";
import { _coefficientVariance, _localPolyFit, _makeSide, type _RddSide, type RddVarianceType } from "./_rdd-local-fit.js";
import { rddBinnedMeans, type RddBinnedMean } from "./_rdd-binned-means.js";
import { selectRddBandwidth, type RddBandwidth } from "./rdd-bandwidth.js";
import { testRddDensity, type RddDensityTest } from "./rdd-density-test.js";

/** The jump at the cutoff from one local-linear fit on each side. */
export interface RddJump {
  readonly bandwidth: number;
  /** Right intercept − left intercept at the cutoff. */
  readonly estimate: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly pValue: number;
  /** Observations with positive kernel weight (both sides). */
  readonly n: number;
  readonly nLeft: number;
  readonly nRight: number;
  readonly interceptLeft: number;
  readonly interceptRight: number;
  /** Slopes of the local-linear fits (outcome per unit of the running variable), for drawing the fitted lines. */
  readonly slopeLeft: number;
  readonly slopeRight: number;
}

export interface RddOptions {
  readonly cutoff: number;
  /** Bandwidth h; when absent the MSE-optimal h is selected (Calonico, Cattaneo & Titiunik 2014). */
  readonly bandwidth?: number;
  /** Residuals for the sandwich SE: "hc1" (default) or "nn" (rdrobust's nearest-neighbour default). */
  readonly vce?: RddVarianceType;
  /** Pre-determined covariates to test for a jump at the cutoff (each should be continuous). */
  readonly covariates?: Readonly<Record<string, NumericArray>>;
  /** Multiples of h for the sensitivity table (default 0.5, 0.75, 1, 1.5, 2). */
  readonly sensitivityMultiples?: readonly number[];
}

export interface RddCovariateCheck extends RddJump {
  readonly name: string;
  readonly verdict: string;
}

/** Sharp regression-discontinuity readout: estimate, bandwidth, sensitivity, manipulation and covariate checks. */
export interface RddResult {
  readonly design: "rdd";
  readonly assumption: string;
  /** The checks that could break the design, in words. */
  readonly diagnostics: readonly string[];
  readonly cutoff: number;
  readonly method: string;
  readonly estimate: RddJump;
  readonly bandwidthSelection: RddBandwidth | null;
  readonly sensitivity: readonly (RddJump & { readonly multiple: number })[];
  readonly densityTest: RddDensityTest;
  readonly covariates: readonly RddCovariateCheck[];
  /** The decision-relevant caveat: what the number does and does not say. */
  readonly caveat: string;
  readonly warnings: readonly string[];
  /** Rows dropped because the running variable or outcome was missing. */
  readonly droppedRows: number;
  /** Outcome means in equal-width bins of the running variable on each side (the binned scatter of an RD plot). */
  readonly binnedMeans: readonly RddBinnedMean[];
}

const z975 = normalQuantile(0.975);

function splitSides(where: string, running: NumericArray, outcome: NumericArray, cutoff: number): { left: _RddSide; right: _RddSide; dropped: number } {
  if (running.length !== outcome.length) _fail(where, `running variable has ${running.length} rows but the outcome has ${outcome.length}; every column needs one value per row`);
  const leftX: number[] = [];
  const leftY: number[] = [];
  const rightX: number[] = [];
  const rightY: number[] = [];
  let dropped = 0;
  for (let index = 0; index < running.length; index++) {
    const x = running[index] ?? Number.NaN;
    const y = outcome[index] ?? Number.NaN;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      dropped++;
      continue;
    }
    if (x < cutoff) {
      leftX.push(x);
      leftY.push(y);
    } else {
      rightX.push(x);
      rightY.push(y);
    }
  }
  if (leftX.length === 0 || rightX.length === 0) {
    _fail(where, `has ${leftX.length} observation(s) below and ${rightX.length} at or above the cutoff ${cutoff}; a discontinuity needs data on both sides — check --cutoff`);
  }
  return { left: _makeSide(leftX, leftY), right: _makeSide(rightX, rightY), dropped };
}

function jumpAt(where: string, left: _RddSide, right: _RddSide, cutoff: number, bandwidth: number, vce: RddVarianceType): RddJump {
  const fitLeft = _localPolyFit(left, cutoff, bandwidth, 1);
  const fitRight = _localPolyFit(right, cutoff, bandwidth, 1);
  if (fitLeft === null || fitRight === null || fitLeft.n < 3 || fitRight.n < 3) {
    _fail(where, `bandwidth ${bandwidth.toPrecision(4)} leaves ${fitLeft?.n ?? "<2"} observation(s) below and ${fitRight?.n ?? "<2"} above the cutoff; a local-linear fit needs at least 3 distinct points per side — widen --bandwidth`);
  }
  const interceptLeft = fitLeft.beta[0] ?? Number.NaN;
  const interceptRight = fitRight.beta[0] ?? Number.NaN;
  const estimate = interceptRight - interceptLeft;
  const standardError = Math.sqrt(_coefficientVariance(fitLeft, 0, vce) + _coefficientVariance(fitRight, 0, vce));
  return {
    bandwidth, estimate, standardError,
    ci95: [estimate - z975 * standardError, estimate + z975 * standardError],
    pValue: 2 * normalCdf(-Math.abs(estimate / standardError)),
    n: fitLeft.n + fitRight.n, nLeft: fitLeft.n, nRight: fitRight.n, interceptLeft, interceptRight,
    slopeLeft: fitLeft.beta[1] ?? Number.NaN, slopeRight: fitRight.beta[1] ?? Number.NaN,
  };
}

/** Local-linear jump at the cutoff with a triangular kernel and a given bandwidth (sharp RDD). */
export function estimateRddJump(running: NumericArray, outcome: NumericArray, options: { readonly cutoff: number; readonly bandwidth: number; readonly vce?: RddVarianceType }): RddJump {
  const where = "estimateRddJump";
  if (!(options.bandwidth > 0) || !Number.isFinite(options.bandwidth)) _fail(where, `bandwidth ${options.bandwidth} is not a positive number`);
  const { left, right } = splitSides(where, running, outcome, options.cutoff);
  return jumpAt(where, left, right, options.cutoff, options.bandwidth, options.vce ?? "hc1");
}

/**
 * Sharp regression discontinuity (Hahn, Todd & van der Klaauw 2001; Imbens & Lemieux 2008): local-linear regression with a
 * triangular kernel on each side of the cutoff, effect = difference of the intercepts, sandwich SE per side; MSE-optimal h
 * by Calonico, Cattaneo & Titiunik (2014) when none is given; bandwidth sensitivity, McCrary density test, covariate continuity.
 */
export function estimateRdd(running: NumericArray, outcome: NumericArray, options: RddOptions): RddResult {
  const where = "estimateRdd";
  const { cutoff } = options;
  if (!Number.isFinite(cutoff)) _fail(where, `cutoff ${cutoff} is not a finite number`);
  const vce = options.vce ?? "hc1";
  const { left, right, dropped } = splitSides(where, running, outcome, cutoff);
  let bandwidthSelection: RddBandwidth | null = null;
  let h = options.bandwidth;
  if (h === undefined) {
    bandwidthSelection = selectRddBandwidth([...left.x, ...right.x], [...left.y, ...right.y], { cutoff });
    h = bandwidthSelection.h;
  } else if (!(h > 0) || !Number.isFinite(h)) _fail(where, `bandwidth ${h} is not a positive number; pass --bandwidth H > 0 or leave it out for the MSE-optimal h`);
  const bandwidth = h;
  const estimate = jumpAt(where, left, right, cutoff, bandwidth, vce);
  const warnings: string[] = [];
  const sensitivity = (options.sensitivityMultiples ?? [0.5, 0.75, 1, 1.5, 2]).flatMap((multiple) => {
    try {
      return [{ multiple, ...jumpAt(where, left, right, cutoff, multiple * bandwidth, vce) }];
    } catch {
      warnings.push(`bandwidth ${multiple}h = ${(multiple * bandwidth).toPrecision(4)} has too few observations on one side; left out of the sensitivity table`);
      return [];
    }
  });
  const others = sensitivity.filter((row) => row.multiple !== 1);
  if (others.some((row) => Math.sign(row.estimate) !== Math.sign(estimate.estimate) || Math.abs(row.estimate - estimate.estimate) > 2 * estimate.standardError)) {
    warnings.push("the estimate moves by more than 2 SE (or changes sign) across bandwidths 0.5h–2h: the result depends on the bandwidth — report the range, not one number");
  }
  const densityTest = testRddDensity([...left.x, ...right.x], { cutoff });
  if (densityTest.pValue < 0.05) warnings.push(`manipulation: ${densityTest.verdict}`);
  const covariates: RddCovariateCheck[] = Object.entries(options.covariates ?? {}).map(([name, values]) => {
    const sides = splitSides(`${where}: covariate ${name}`, running, values, cutoff);
    const jump = jumpAt(`${where}: covariate ${name}`, sides.left, sides.right, cutoff, bandwidth, vce);
    const verdict = jump.pValue < 0.05 ? `jumps at the cutoff (p = ${jump.pValue.toPrecision(2)}): units just above and below differ — the design is suspect` : `continuous at the cutoff (p = ${jump.pValue.toPrecision(2)})`;
    if (jump.pValue < 0.05) warnings.push(`covariate "${name}" ${verdict}`);
    return { name, ...jump, verdict };
  });
  if (dropped > 0) warnings.push(`${dropped} row(s) with a missing running variable or outcome were dropped`);
  return {
    design: "rdd",
    assumption: `Continuity: without treatment, the expected outcome would change smoothly through the cutoff ${cutoff}; units cannot sort precisely to one side of it, and nothing else changes at the threshold.`,
    diagnostics: [
      "manipulation: a jump in the density of the running variable at the cutoff (McCrary test) means units sort around it",
      "covariate continuity: pre-determined covariates must not jump at the cutoff",
      "bandwidth sensitivity: the estimate should be stable from 0.5h to 2h",
      "other policies that switch at the same threshold would be confounded with this one",
    ],
    cutoff,
    method: `local linear, triangular kernel, h = ${bandwidth.toPrecision(5)}${bandwidthSelection === null ? " (given)" : " (MSE-optimal, CCT 2014)"}, ${vce === "nn" ? "nearest-neighbour" : "HC1"} SE per side; conventional CI (not bias-corrected)`,
    estimate, bandwidthSelection, sensitivity, densityTest, covariates,
    caveat: `This is a local effect for units at the cutoff ${cutoff}: it says nothing by itself about units far from the threshold, so it supports moving the threshold a little, not a broad rollout.`,
    warnings, droppedRows: dropped,
    binnedMeans: [...rddBinnedMeans(left, "left"), ...rddBinnedMeans(right, "right")],
  };
}
