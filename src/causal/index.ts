/** Quasi-experimental designs for causal readouts (docs/design.md §7.4): regression discontinuity and synthetic control. */
export { estimateRdd, estimateRddJump, type RddCovariateCheck, type RddJump, type RddOptions, type RddResult } from "./rdd-estimate.js";
export type { RddVarianceType } from "./_rdd-local-fit.js";
export { selectRddBandwidth, type RddBandwidth } from "./rdd-bandwidth.js";
export { testRddDensity, type RddDensityTest } from "./rdd-density-test.js";
export { estimateSyntheticControl, type SyntheticControlFit, type SyntheticControlOptions, type SyntheticControlPanel, type SyntheticControlResult } from "./synthetic-control-estimate.js";
export { formatRddReadout, formatSyntheticControlReadout } from "./format-causal-readout.js";
export { readCausalTable, type CausalTable } from "./read-causal-table.js";
