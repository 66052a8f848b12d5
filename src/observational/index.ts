/** Observational causal readouts (docs/design.md §7.4): propensity, IPW, regression imputation, AIPW, double ML — pure functions. */
export { estimateObservational, type ObservationalInput, type ObservationalOptions, type ObservationalResult, type TrimReport } from "./estimate-observational.js";
export type { ObservationalEstimand, ObservationalEstimate } from "./observational-estimate.js";
export { fitLogisticPropensity, degeneratePropensity, type LogisticOptions, type PropensityFit } from "./fit-logistic-propensity.js";
export { estimateDoubleMl, assignFolds, type DoubleMlOptions, type DoubleMlResult } from "./estimate-double-ml.js";
export { fitRidge, type RidgeFit, type RidgeOptions } from "./fit-ridge.js";
export { expandSplineBasis, planSplineBasis, type SplinePlanOptions, type SplineTerm } from "./natural-spline-basis.js";
export { ipwWeights } from "./estimate-ipw.js";
export { balanceTable, overlapHistogram, summarizeWeights, type BalanceRow, type OverlapBin, type WeightSummary } from "./weighting-diagnostics.js";
export { eValueForDifference, type EValue } from "./e-value.js";
export { observationalDecision, type ObservationalDecision } from "./observational-decision.js";
export { formatObservationalReadout } from "./format-observational-readout.js";
