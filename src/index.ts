/** goodput's library API: the pure core (catalog, physics) and the CLI entry point. */
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
export { main } from "./cli/main.js";
