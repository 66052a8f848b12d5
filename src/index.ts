/** goodput's library API: the pure core (catalog, physics, simulator, experiments) and the CLI entry point. */
export { GoodputError, isGoodputError, type GoodputErrorCode } from "./errors.js";
export { builtInCatalog, extendCatalog, findGpu, findModel, findPriceSnapshot, type Catalog } from "./catalog/catalog.js";
export { modelFromHfConfig } from "./catalog/hf-config.js";
export { countModelParams, type ModelParamCounts } from "./catalog/model-params.js";
export type { CacheTier, Dtype, GpuSpec, ModelSpec, MoeSpec, MlaSpec, PriceSnapshot, Provenance } from "./catalog/types.js";
export { singleGpuDeployment, type Deployment } from "./physics/deployment.js";
export { blockRoundedTokens, kvBytesForContext, kvBytesPerToken } from "./physics/kv-bytes.js";
export { computeKvPool, type KvPool, type MemoryOptions } from "./physics/kv-pool.js";
export { computeKvCapacity, type KvCapacityInput, type KvCapacityResult } from "./physics/kv-capacity.js";
export { expectedExpertsTouched } from "./physics/experts-touched.js";
export { defaultStepTimeProfile, type StepTimeProfile } from "./physics/step-time-profile.js";
export { decodeStepTime, prefillTime, uniformDecodeStepTime, type StepTimeBreakdown } from "./physics/step-time.js";
export { computeRoofline, type RooflineInput, type RooflineResult } from "./physics/roofline.js";
export { computePrefillEconomics, type PrefillEconomicsInput, type PrefillPoint } from "./physics/prefill-economics.js";
export { computeMoeTopology, type MoeTopologyInput, type MoeTopologyResult } from "./physics/moe-topology.js";
export { calibrateStepTime, type CalibrationResult, type Measurement } from "./physics/calibrate.js";
export { computeCacheEconomics } from "./physics/cache-economics.js";
export { lintPrefixStability } from "./physics/prefix-stability.js";
export { computeCacheLocality, routingPolicies } from "./physics/cache-locality.js";
export { assessDisaggReadiness, disaggDefaults } from "./physics/disagg-readiness.js";
export { compareRoutes, recommendOperatingPoint, summarizeGoodput } from "./physics/goodput-lcpr.js";
export { stepTimeForBatch, type BatchComposition } from "./physics/step-time.js";
// Simulator
export { createRng, hashUniform, type Rng } from "./numeric/rng.js";
export { simulateFleet, startFleetSimulation, type FleetSimulation, type PoolSpec, type PolicySpec, type SimulationInput, type SeriesRow, type StepTrace } from "./sim/simulate-fleet.js";
export type { SimulationSummary } from "./sim/summary.js";
export type { RequestSource, SimRequestSpec } from "./sim/sim-request.js";
export { createRequestStream } from "./sim/workload/generate-requests.js";
export { parseTrace, traceFormats, type ParsedTrace, type TraceFormat, type TraceRow } from "./sim/workload/trace-parse.js";
export { createTraceReplay, parseTraceWindow, type TraceWindow } from "./sim/workload/trace-replay.js";
export type { EngineConfig, OffloadConfig } from "./sim/engine/replica-engine.js";
export { createRouter } from "./sim/routers/create-router.js";
export type { ReplicaSignals, RoutedRequest, Router, RouterDecision } from "./sim/routers/router.js";
export { policyFor } from "./sim/policy-for.js";
export { createAssignment, type AssignmentDesign } from "./sim/designs/assignment.js";
export { trueGlobalEffect, type MetricEffect } from "./sim/true-effect.js";
export { requestFieldRoles, requestLogSchemaVersion, type RequestRecord, type RequestStatus } from "./sim/log/request-record.js";
// Experiments and decisions
export { experimentSchema, type ExperimentConfig } from "./experiment/experiment-schema.js";
export { costMatrixRow, type CostMatrixRow } from "./experiment/cost-matrix.js";
export { decideExperiment, type DecisionRecord, type DecisionStatus } from "./experiment/decide.js";
// Causal readouts
export * from "./stats/index.js";
export { buildReadout, decideReadout, formatReadout, lintBadControls, selectDesign, type Readout, type ReadoutDecision, type ReadoutEstimate } from "./readout/index.js";
export { estimateRdd, estimateSyntheticControl, selectRddBandwidth, testRddDensity } from "./causal/index.js";
export * from "./ope/index.js";
export { estimateIv } from "./causal/iv-estimate.js";
export { estimateDid } from "./causal/did-estimate.js";
export { estimateObservational, fitLogisticPropensity, estimateDoubleMl, type ObservationalResult } from "./observational/index.js";
// Reports (SPEC §9): result → document → self-contained HTML / Markdown
export type { ReportBlock, ReportDocument, ReportSection, VegaLiteSpec } from "./report/report-document.js";
export { buildReportForCommand, writeReport, type ReportMeta } from "./report/build-report.js";
export { renderReportHtml, renderReportMarkdown } from "./report/render-report.js";
export { buildReadoutReport } from "./report/readout/build-readout-report.js";
export { buildDecisionReport } from "./report/decision/build-decision-report.js";
export { main } from "./cli/main.js";
