import type { LoggedBandit } from "./logged-bandit.js";
import { _checkClip, _importanceWeights } from "./_weights.js";
import { _validateBandit } from "./_validate-bandit.js";

/** Options for {@link weightDiagnostics}. */
export interface WeightDiagnosticsOptions {
  readonly clip?: number | null | undefined;
  /** A logging probability below this counts as "rarely taken" (default 0.02, i.e. weights above 50). */
  readonly rareProbability?: number | undefined;
}

/** How well the logs support the target policy. */
export interface WeightDiagnostics {
  readonly n: number;
  /** Kish effective sample size (Σw)² / Σw² of the unclipped weights. */
  readonly ess: number;
  /** ess / n. */
  readonly essShare: number;
  readonly maxWeight: number;
  /** ≈ 1 − unsupportedMass when propensities are right. */
  readonly meanWeight: number;
  /** Standard error of the mean weight (for the "mean weight ≈ 1" check). */
  readonly meanWeightStandardError: number;
  /** Rows whose weight exceeded the clip. */
  readonly clippedRows: number;
  /** Mean over rows of the target's probability on actions the logger could not take there (π0 = 0). */
  readonly unsupportedMass: number;
  /** Mean over rows of the target's probability on actions with 0 < π0 < rareProbability. */
  readonly rareMass: number;
  readonly rareProbability: number;
  /**
   * Where the logger's support came from: "per-row" (every action's logged probability), "inferred" (rows
   * with propensity 1 are one-hot; other rows count an action as supported if it was logged anywhere).
   */
  readonly supportSource: "per-row" | "inferred";
}

/**
 * Weight diagnostics for off-policy evaluation (docs/design.md §7.4): Kish ESS, max and mean weight, and the share
 * of the target policy's mass with no (or rare) logging support.
 */
export function weightDiagnostics(data: LoggedBandit, options: WeightDiagnosticsOptions = {}): WeightDiagnostics {
  const n = _validateBandit(data);
  const k = data.actions;
  const clip = _checkClip(options.clip);
  const rareProbability = options.rareProbability ?? 0.02;
  const { raw, clippedRows } = _importanceWeights(data, n, clip);
  let sum = 0;
  let squares = 0;
  let max = 0;
  for (const w of raw) {
    sum += w;
    squares += w * w;
    max = Math.max(max, w);
  }
  const meanWeight = sum / n;
  const variance = n > 1 ? (squares - n * meanWeight * meanWeight) / (n - 1) : 0;
  const everLogged = new Set<number>();
  for (let i = 0; i < n; i++) everLogged.add(data.loggedAction[i] ?? 0);
  let unsupported = 0;
  let rare = 0;
  let inferredRows = 0;
  const logging = data.logging ?? null;
  for (let i = 0; i < n; i++) {
    const rowKnown = logging !== null && Number.isFinite(logging[i * k] ?? Number.NaN);
    const propensity = data.propensity[i] ?? 0;
    const loggedAction = data.loggedAction[i] ?? 0;
    if (!rowKnown) inferredRows++;
    for (let a = 0; a < k; a++) {
      const pi = data.target[i * k + a] ?? 0;
      if (pi === 0) continue;
      let mu: number;
      if (logging !== null && rowKnown) mu = logging[i * k + a] ?? 0;
      else if (propensity >= 1 - 1e-9) mu = a === loggedAction ? 1 : 0;
      else mu = everLogged.has(a) ? Number.NaN : 0;
      if (mu === 0) unsupported += pi;
      else if (mu < rareProbability) rare += pi;
    }
  }
  return {
    n,
    ess: squares > 0 ? (sum * sum) / squares : 0,
    essShare: squares > 0 ? (sum * sum) / squares / n : 0,
    maxWeight: max,
    meanWeight,
    meanWeightStandardError: Math.sqrt(Math.max(variance, 0) / n),
    clippedRows,
    unsupportedMass: unsupported / n,
    rareMass: rare / n,
    rareProbability,
    supportSource: inferredRows === 0 ? "per-row" : "inferred",
  };
}
