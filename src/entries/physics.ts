/** goodput/physics: the hardware and model catalog and the closed-form physics (KV memory, step time, roofline, cache and goodput economics). Pure: no I/O. */
export { GoodputError, isGoodputError, type GoodputErrorCode, type GoodputErrorDetails } from "../errors.js";
export { builtInCatalog, extendCatalog, findGpu, findModel, findPriceSnapshot, type Catalog } from "../catalog/catalog.js";
export { modelFromHfConfig, type HfModelIdentity } from "../catalog/hf-config.js";
export { countModelParams, type ModelParamCounts } from "../catalog/model-params.js";
export type { CacheTier, Dtype, GpuSpec, ModelSpec, MoeSpec, MlaSpec, PriceSnapshot, Provenance, SlidingWindowSpec } from "../catalog/types.js";
export { singleGpuDeployment, type Deployment } from "../physics/deployment.js";
export { blockRoundedTokens, kvBytesForContext, kvBytesPerToken } from "../physics/kv-bytes.js";
export { computeKvPool, type KvPool, type MemoryOptions } from "../physics/kv-pool.js";
export { computeKvCapacity, type KvCapacityInput, type KvCapacityResult, type KvCapacityRow, type KvPressure, type PressureLevel, type TrafficLoad } from "../physics/kv-capacity.js";
export { expectedExpertsTouched } from "../physics/experts-touched.js";
export { defaultStepTimeProfile, type StepTimeProfile, type DecodeTerms, type PrefillTerms } from "../physics/step-time-profile.js";
export { decodeStepTime, prefillTime, uniformDecodeStepTime, type StepTimeBreakdown, stepTimeForBatch, type BatchComposition, type Bottleneck, type PrefillShape } from "../physics/step-time.js";
export { computeRoofline, type RooflineInput, type RooflineResult, type OperatingPoint, type RooflinePoint, type RooflineZone, type RooflineZones, type TrafficOperatingPoint } from "../physics/roofline.js";
export { computePrefillEconomics, type PrefillEconomicsInput, type PrefillPoint, type SensitivityRow } from "../physics/prefill-economics.js";
export { computeMoeTopology, type MoeTopologyInput, type MoeTopologyResult, type MoeBatchRow, type MoeLimit } from "../physics/moe-topology.js";
export type { DeployableLayout } from "../physics/deployable-layout.js";
export { calibrateStepTime, type CalibrationResult, type Measurement, type PenaltyCandidate, type PhaseFitReport, type PointFit } from "../physics/calibrate.js";
export { computeCacheEconomics, type CacheEconomicsInput, type CacheEconomicsResult, type CachePerRequestCost, type CacheReuseOutcome, type CacheTierEconomics, type GapDistribution, type HitProbabilitySource, type HitRateSensitivityRow } from "../physics/cache-economics.js";
export { lintPrefixStability, type PrefixStabilityOptions, type PrefixStabilityResult, type VolatileFinding, type VolatileKind } from "../physics/prefix-stability.js";
export { computeCacheLocality, routingPolicies, type CacheLocalityInput, type CacheLocalityResult, type LocalityCacheCapacity, type LocalityTtftModel, type PolicyLocality, type PrefixPartition, type RoutingPolicy } from "../physics/cache-locality.js";
export { assessDisaggReadiness, disaggDefaults, type DisaggGate, type DisaggGateId, type DisaggPoolSizing, type DisaggReadinessInput, type DisaggReadinessResult, type DisaggTtftChange, type DisaggVerdict } from "../physics/disagg-readiness.js";
export { compareRoutes, recommendOperatingPoint, summarizeGoodput, type EvaluatedSweepPoint, type GoodputCost, type GoodputRecord, type GoodputRecordStatus, type GoodputSummary, type LatencySummary, type OperatingPointRecommendation, type RouteAggregate, type RouteComparison, type RouteMetrics, type RouteSide, type SummarizeGoodputOptions, type SweepPoint } from "../physics/goodput-lcpr.js";
export type { CatalogModel } from "../catalog/model-catalog.js";
// One SLO definition for every calculator, the simulator and the load generator (docs/design.md §1).
export { describeSloGates, hasSloGates, judgeGate, judgeSloGates, meetsSloGates, perRequestGates, type GateVerdict, type MeasuredLatency, type RunSlo, type SloGates } from "../slo/index.js";
