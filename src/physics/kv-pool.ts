import { GoodputError } from "../errors.js";
import { checkTensorParallel, type Deployment } from "./deployment.js";
import { kvBlockBytes, kvSharePerRank } from "./kv-bytes.js";
import { residentWeightBytes } from "./weight-bytes.js";

const GiB = 2 ** 30;

export interface MemoryOptions {
  /** Share of HBM the engine may use (vLLM's gpu_memory_utilization, default 0.9). */
  readonly gpuMemoryUtilization?: number;
  /** Per-GPU activation peak, CUDA graphs and communication buffers (default 2 GiB). */
  readonly reservedBytesPerGpu?: number;
  /** Tokens per KV block (paged allocation; vLLM default 16). */
  readonly blockSizeTokens?: number;
  /** State the engine's KV block count directly instead of deriving it (e.g. from vLLM's log). */
  readonly kvBlocks?: number;
}

/** The replica's KV pool, derived the way vLLM sizes it. */
export interface KvPool {
  readonly weightBytesPerGpu: number;
  readonly usableBytesPerGpu: number;
  readonly reservedBytesPerGpu: number;
  /**
   * KV the replica can hold, each token's KV counted once (whole-model bytes): blocks × blockBytes.
   * Divide a sequence's kvBytesForSequence into it for the sequences that fit.
   */
  readonly poolBytes: number;
  /** HBM each GPU gives to KV: blocks × the rank's share of a block (replicated heads and MLA latents counted per rank). */
  readonly kvBytesPerGpu: number;
  /** Share of each block every rank stores (1/TP, more when KV heads are replicated, 1 for MLA). */
  readonly kvSharePerRank: number;
  readonly blockSizeTokens: number;
  readonly blockBytes: number;
  readonly blocks: number;
  /** True when `kvBlocks` was stated rather than derived. */
  readonly blocksStated: boolean;
}

export const defaultMemoryOptions = { gpuMemoryUtilization: 0.9, reservedBytesPerGpu: 2 * GiB, blockSizeTokens: 16 } as const;

const formatGiB = (bytes: number): string => `${(bytes / GiB).toFixed(1)} GiB`;

/**
 * KV pool (docs/design.md §3.3, vLLM's definition): each rank's free memory is gpu_memory_utilization × HBM
 * − weights/TP − reserve, and holds blocks of its own share of the KV (vLLM sizes num_gpu_blocks
 * per worker and takes the minimum; all ranks are alike here). Throws MODEL_DOES_NOT_FIT (with the
 * shortfall and the GPUs needed) when the weights leave no room.
 */
export function computeKvPool(deployment: Deployment, options: MemoryOptions = {}): KvPool {
  const utilization = options.gpuMemoryUtilization ?? defaultMemoryOptions.gpuMemoryUtilization;
  const reserved = options.reservedBytesPerGpu ?? defaultMemoryOptions.reservedBytesPerGpu;
  const blockSizeTokens = options.blockSizeTokens ?? defaultMemoryOptions.blockSizeTokens;
  const { gpu, model, tensorParallel: t } = deployment;
  checkTensorParallel(model, t);
  const usable = gpu.hbmBytes * utilization;
  const weights = residentWeightBytes(model) / t;
  const blockBytes = kvBlockBytes(model, deployment.kvDtype, blockSizeTokens);
  const share = kvSharePerRank(model, t);
  const free = usable - weights - reserved;
  if (free <= 0) {
    const perGpuRoom = usable - reserved;
    const gpusNeeded = Math.ceil(residentWeightBytes(model) / perGpuRoom);
    const tpNeeded = 2 ** Math.ceil(Math.log2(Math.max(gpusNeeded, 1)));
    throw new GoodputError(
      "MODEL_DOES_NOT_FIT",
      `${model.id}${model.source.startsWith("config.json at ") ? ` (${model.source})` : ""} does not fit on ${t} × ${gpu.id}: its ${model.expertWeightDtype ? `${model.weightDtype} + ${model.expertWeightDtype} experts` : model.weightDtype} weights need ${formatGiB(weights)} per GPU but only ${formatGiB(perGpuRoom)} is usable (${formatGiB(gpu.hbmBytes)} × ${utilization} − ${formatGiB(reserved)} reserve) — short by ${formatGiB(weights - perGpuRoom)} before any KV cache. It needs at least ${gpusNeeded} GPUs of this kind for the weights alone: pass --tp ${tpNeeded} (or more for KV room), or choose a GPU with more HBM.`,
      { where: "--gpu / --tp" },
    );
  }
  const derivedBlocks = Math.floor(free / (blockBytes * share));
  const blocks = options.kvBlocks ?? derivedBlocks;
  return {
    weightBytesPerGpu: weights,
    usableBytesPerGpu: usable,
    reservedBytesPerGpu: reserved,
    poolBytes: blocks * blockBytes,
    kvBytesPerGpu: blocks * blockBytes * share,
    kvSharePerRank: share,
    blockSizeTokens,
    blockBytes,
    blocks,
    blocksStated: options.kvBlocks !== undefined,
  };
}
