/** goodput/cli: the shell — the CLI entry point, report writing and the DuckDB-backed table readers (I/O). */
export { main } from "../cli/main.js";
export { buildReportForCommand, writeReport, type ReportMeta } from "../report/build-report.js";
export { readReadoutTable, type ReadoutMapping } from "../readout/read-readout-table.js";
export { aggregatedEstimates, aggregatedQuantileEffects, type AggregateColumns, type AggregatedEstimates, type AggregateSettings } from "../readout/aggregate-readout.js";
export { defaultAggregateAboveRows, heavyReadoutsInDuckDb } from "../readout/aggregate-heavy-readouts.js";
export { readCausalTable, type CausalTable } from "../causal/read-causal-table.js";
export type { CliIo } from "../cli/command.js";
export type { LabelColumn, NumericColumn, RatioColumns, ReadoutTable, RequestLogColumns } from "../readout/readout-table.js";
export type { DesignChoice, DesignKind } from "../readout/select-design.js";
export type { ReportBlock, ReportDocument, ReportSection } from "../report/report-document.js";
export type { RegressionCoefficient, RegressionEstimate } from "../stats/_regression-result.js";
export type { CupedEstimate } from "../stats/cuped.js";
export type { DifferenceInMeans } from "../stats/difference-in-means.js";
export type { QuantileTreatmentEffect } from "../stats/quantile-treatment-effects.js";
export type { RandomizationInference } from "../stats/randomization-inference.js";
