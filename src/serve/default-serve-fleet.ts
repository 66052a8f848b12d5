import { builtInCatalog, findGpu, findModel, type Catalog } from "../catalog/catalog.js";
import { singleGpuDeployment } from "../physics/deployment.js";
import { computeKvPool } from "../physics/kv-pool.js";
import { defaultStepTimeProfile } from "../physics/step-time-profile.js";
import type { ServeFleet } from "./serve-fleet.js";

const llama3ContextTokens = 8192;

/**
 * One H100 replica of llama-3-8b with vLLM's defaults (continuous batching, chunked prefill, prefix
 * caching) and Llama-3-8B's 8192-token context (max_position_embeddings in meta-llama/Meta-Llama-3-8B's
 * config.json, which vLLM takes as max_model_len).
 */
export function defaultServeFleet(catalog: Catalog = builtInCatalog): ServeFleet {
  const gpu = findGpu(catalog, "h100-sxm");
  const deployment = singleGpuDeployment(findModel(catalog, "llama-3-8b"), gpu);
  const blockSizeTokens = 16;
  return {
    name: "default-h100-llama-3-8b",
    seed: 1,
    pools: [
      {
        name: "main",
        replicas: 1,
        deployment,
        profile: defaultStepTimeProfile,
        engine: {
          maxNumSeqs: 256,
          maxBatchedTokens: 8192,
          chunkedPrefill: true,
          blockSizeTokens,
          kvBlocks: computeKvPool(deployment, { gpuMemoryUtilization: 0.9, blockSizeTokens }).blocks,
          prefixCaching: true,
        },
        priceUsdPerGpuHour: gpu.priceUsdPerHour,
        maxQueueSeconds: null,
        qualityPassProbability: 1,
      },
    ],
    router: { type: "round-robin" },
    routerReplicas: 1,
    signalRefreshSeconds: 0,
    slo: {},
    admission: {},
    disturbances: { failures: [], slowdowns: [] },
    maxModelLenTokens: llama3ContextTokens,
  };
}
