import type { EValue } from "./e-value.js";
import type { ObservationalEstimand, ObservationalEstimate } from "./observational-estimate.js";
import type { BalanceRow, WeightSummary } from "./weighting-diagnostics.js";

/** The claim an observational readout supports, and why it is weaker than an experiment's. */
export interface ObservationalDecision {
  /** "conditional" = an effect estimate valid only under no unmeasured confounding; "downgraded" = diagnostics undercut even that. */
  readonly claim: "conditional" | "downgraded";
  /** The estimator the statement quotes (AIPW: consistent if either nuisance model is right). */
  readonly primary: ObservationalEstimate["method"];
  readonly reasons: readonly string[];
  /** Observations that do not downgrade the claim but change how to read it. */
  readonly notes: readonly string[];
  readonly statement: string;
}

/** ESS below this share of an arm, or one weight above this share of an arm's total, is weak overlap. */
const minEssShare = 0.1;
const maxSingleWeightShare = 0.1;
/** |SMD| after weighting above this is residual imbalance (Austin 2009's 0.1 convention). */
const balanceThreshold = 0.1;

/** Rules that turn the diagnostics into the claim: weak overlap, residual imbalance and estimator disagreement downgrade it. */
export function observationalDecision(input: {
  readonly estimand: ObservationalEstimand;
  readonly estimates: readonly ObservationalEstimate[];
  readonly weights: WeightSummary;
  readonly balance: readonly BalanceRow[];
  readonly eValue: EValue;
  readonly trimmedRows: number;
  readonly n: number;
}): ObservationalDecision {
  const { weights, balance, estimates } = input;
  const reasons: string[] = [];
  const arms = [["treated", "treated"], ["control", "control"]] as const;
  for (const [arm, label] of arms) {
    if (weights.essShare[arm] < minEssShare) reasons.push(`weak overlap: the ${label} arm's effective sample size is ${weights.ess[arm].toFixed(1)} (${(100 * weights.essShare[arm]).toFixed(1)} % of its rows)`);
    // An arm of n rows gives each row 1/n of the weight even when weights are equal, so a small arm is judged against
    // three times its equal share, not the flat 10 % (which every arm under 10 rows would exceed).
    const armRows = weights.ess[arm] / weights.essShare[arm];
    if (weights.maxWeightShare[arm] > Math.max(maxSingleWeightShare, 3 / armRows)) reasons.push(`weak overlap: one ${label} row carries ${(100 * weights.maxWeightShare[arm]).toFixed(1)} % of its arm's weight (weight ${weights.maxWeight[arm].toPrecision(4)})`);
  }
  const imbalanced = balance.filter((row) => Math.abs(row.after) > balanceThreshold);
  if (imbalanced.length > 0) reasons.push(`residual imbalance after weighting: ${imbalanced.map((row) => `${row.covariate} (SMD ${row.after.toFixed(2)})`).join(", ")} — the propensity model does not balance them; add terms or interactions`);
  const aipw = estimates.find((estimate) => estimate.method === "aipw");
  // Only estimators of the same estimand are compared; OLS and double ML target a model coefficient (equal only under a constant effect).
  const comparable = estimates.filter((estimate) => estimate.method === "regression-imputation" || estimate.method === "ipw" || estimate.method === "aipw");
  const values = comparable.map((estimate) => estimate.estimate);
  const spread = Math.max(...values) - Math.min(...values);
  if (aipw !== undefined && spread > 2 * aipw.standardError) {
    reasons.push(`model dependence: the estimators span ${spread.toPrecision(3)} (${comparable.map((estimate) => `${estimate.method} ${estimate.estimate.toPrecision(4)}`).join(", ")}), more than twice the AIPW standard error`);
  }
  const notes: string[] = [];
  const doubleMl = estimates.find((estimate) => estimate.method === "double-ml");
  if (aipw !== undefined && doubleMl !== undefined && Math.abs(doubleMl.estimate - aipw.estimate) > 2 * Math.max(aipw.standardError, doubleMl.standardError)) {
    notes.push(`double ML's θ (${doubleMl.estimate.toPrecision(4)}) differs from AIPW (${aipw.estimate.toPrecision(4)}) by more than two SEs: either the effect varies with the covariates (θ weights units by their treatment variance) or the linear outcome/propensity models miss a nonlinearity the splines catch`);
  }
  const claim = reasons.length > 0 ? "downgraded" : "conditional";
  const headline =
    aipw === undefined
      ? "No AIPW estimate."
      : `AIPW ${input.estimand.toUpperCase()}: ${aipw.estimate.toPrecision(4)} (95 % CI [${aipw.ci95[0].toPrecision(4)}, ${aipw.ci95[1].toPrecision(4)}])${aipw.ci95[0] <= 0 && aipw.ci95[1] >= 0 ? ", not distinguishable from zero" : ""}.`;
  const trimmed = input.trimmedRows > 0 ? ` It describes the ${input.n - input.trimmedRows} rows left after trimming, not all ${input.n}.` : "";
  const verdict =
    claim === "downgraded"
      ? ` DOWNGRADED — do not act on this number alone: ${reasons.join("; ")}.`
      : " Overlap, balance and agreement between estimators are adequate, but that does not make it causal:";
  const confounding = ` It is an effect only if no unmeasured confounder drives both treatment and outcome — an E-value of ${input.eValue.estimate.toFixed(2)} says how strong one would have to be; if a decision rides on it, run a randomized test.`;
  return { claim, primary: "aipw", reasons, notes, statement: headline + trimmed + verdict + confounding };
}
