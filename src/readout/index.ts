/** Causal readouts (docs/design.md §7): read a request log or table, choose the design, estimate, check, decide. */
export { buildReadout, type ReadoutOptions } from "./build-readout.js";
export { decideReadout } from "./decide-readout.js";
export { formatReadout } from "./format-readout.js";
export { lintBadControls, type ControlLint } from "./lint-bad-controls.js";
export { readReadoutTable, type ReadoutMapping } from "./read-readout-table.js";
export type { LabelColumn, NumericColumn, ReadoutTable, RequestLogColumns } from "./readout-table.js";
export type { CheckStatus, DecisionAction, OutcomeReadout, Readout, ReadoutCheck, ReadoutDecision, ReadoutEstimate, SegmentEffect } from "./readout-types.js";
export { selectDesign, storyDesign, type DesignChoice, type DesignKind, type QuasiDesign } from "./select-design.js";
export { decisionRuleSchema, parseDecisionRule, ruleOutcomeColumns, type DecisionRule, type GuardrailRule, type RollbackRule } from "./decision-rule.js";
export type { RatioReadout } from "./ratio-readouts.js";
export type { SegmentNetValue } from "./readout-types.js";
export { aggregatedEstimates, aggregatedQuantileEffects, type AggregateColumns, type AggregatedEstimates, type AggregateSettings } from "./aggregate-readout.js";
export { defaultAggregateAboveRows, heavyReadoutsInDuckDb } from "./aggregate-heavy-readouts.js";
export { decide, decisionTable, decisionWords, surrogateRung, type DecisionFacts, type DecisionWord, type TableDecision } from "./decision-table.js";
export { decideDesign, formatDesignDecision, type DesignDecision, type DesignDecisionInput } from "./design-decision.js";
