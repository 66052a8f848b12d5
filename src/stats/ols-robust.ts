import { _fitLeastSquares, type Design } from "./_least-squares.js";
import { _regressionEstimate, type RegressionEstimate } from "./_regression-result.js";
import type { NumericArray } from "./estimate.js";

/** Heteroskedasticity-consistent covariance flavours (MacKinnon & White 1985). */
export type HcType = "HC0" | "HC1" | "HC2" | "HC3";

export interface OlsRobustOptions {
  /** Name of the design column whose coefficient is the headline effect. */
  readonly treatmentColumn: string;
  /** Default HC2 (unbiased under homoskedasticity; estimatr's default). */
  readonly se?: HcType;
  /** Add an intercept column (default true). */
  readonly intercept?: boolean;
}

/** OLS with heteroskedasticity-robust sandwich SEs HC0–HC3 (White 1980; MacKinnon & White 1985; as sandwich::vcovHC), t reference with n − k df. */
export function olsRobust(y: NumericArray, design: Design, options: OlsRobustOptions): RegressionEstimate {
  const seType = options.se ?? "HC2";
  const fit = _fitLeastSquares("olsRobust", y, design, options.treatmentColumn, options.intercept ?? true);
  const { n, k, x, bread, residuals } = fit;
  const meat = new Float64Array(k * k);
  const row = new Float64Array(k);
  for (let index = 0; index < n; index++) {
    const base = index * k;
    for (let j = 0; j < k; j++) row[j] = x[base + j] ?? 0;
    let leverage = 0;
    if (seType === "HC2" || seType === "HC3") {
      for (let i = 0; i < k; i++) {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += (bread[i * k + j] ?? 0) * (row[j] ?? 0);
        leverage += (row[i] ?? 0) * sum;
      }
    }
    const residual = residuals[index] ?? 0;
    const weight = seType === "HC2" ? (residual * residual) / (1 - leverage) : seType === "HC3" ? (residual * residual) / (1 - leverage) ** 2 : residual * residual;
    for (let i = 0; i < k; i++) {
      const scaled = weight * (row[i] ?? 0);
      for (let j = 0; j <= i; j++) meat[i * k + j] = (meat[i * k + j] ?? 0) + scaled * (row[j] ?? 0);
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) meat[j * k + i] = meat[i * k + j] ?? 0;
  const scale = seType === "HC1" ? n / (n - k) : 1;
  const covariance = _sandwich(bread, meat, k, scale);
  const df = n - k;
  return _regressionEstimate(fit, covariance, fit.names.map(() => df), {
    estimand: `coefficient on ${options.treatmentColumn} (ATE under randomization; conditional on the other columns otherwise)`,
    method: `OLS, ${seType} heteroskedasticity-robust SE, t(${df})`,
    assumptions: [
      "rows are independent (no clustering by user, replica or time block; otherwise use clusterRobust)",
      "covariates are measured before assignment (no bad controls)",
      "the linear model is the adjustment, not a claim about the true response surface",
      ...(seType === "HC0" || seType === "HC1" ? ["HC0/HC1 are biased down with few rows or high-leverage points; prefer HC2/HC3"] : []),
    ],
  });
}

/** scale · B M B for symmetric k×k B (bread) and M (meat). */
export function _sandwich(bread: Float64Array, meat: Float64Array, k: number, scale: number): Float64Array {
  const left = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += (bread[i * k + p] ?? 0) * (meat[p * k + j] ?? 0);
      left[i * k + j] = sum;
    }
  }
  const output = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += (left[i * k + p] ?? 0) * (bread[p * k + j] ?? 0);
      output[i * k + j] = scale * sum;
    }
  }
  return output;
}
