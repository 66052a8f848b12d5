import { GoodputError } from "../errors.js";
import type { Deployment } from "./deployment.js";
import { kvBytesPerToken } from "./kv-bytes.js";
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
  /** KV bytes available across the replica's GPUs. */
  readonly poolBytes: number;
  readonly blockSizeTokens: number;
  readonly blockBytes: number;
  readonly blocks: number;
  /** True when `kvBlocks` was stated rather than derived. */
  readonly blocksStated: boolean;
}

export const defaultMemoryOptions = { gpuMemoryUtilization: 0.9, reservedBytesPerGpu: 2 * GiB, blockSizeTokens: 16 } as const;

const formatGiB = (bytes: number): string => `${(bytes / GiB).toFixed(1)} GiB`;

/**
 * KV pool (SPEC §3.3, vLLM's definition): per GPU, gpu_memory_utilization × HBM − weights/TP −
 * reserve; times TP. Throws MODEL_DOES_NOT_FIT (with the shortfall and the GPUs needed) when the
 * weights leave no room.
 */
export function computeKvPool(deployment: Deployment, options: MemoryOptions = {}): KvPool {
  const utilization = options.gpuMemoryUtilization ?? defaultMemoryOptions.gpuMemoryUtilization;
  const reserved = options.reservedBytesPerGpu ?? defaultMemoryOptions.reservedBytesPerGpu;
  const blockSizeTokens = options.blockSizeTokens ?? defaultMemoryOptions.blockSizeTokens;
  const { gpu, model, tensorParallel: t } = deployment;
  const usable = gpu.hbmBytes * utilization;
  const weights = residentWeightBytes(model) / t;
  const blockBytes = kvBytesPerToken(model, deployment.kvDtype) * blockSizeTokens;
  const free = usable - weights - reserved;
  if (free <= 0) {
    const perGpuRoom = usable - reserved;
    const gpusNeeded = Math.ceil(residentWeightBytes(model) / perGpuRoom);
    const tpNeeded = 2 ** Math.ceil(Math.log2(Math.max(gpusNeeded, 1)));
    throw new GoodputError(
      "MODEL_DOES_NOT_FIT",
      `${model.id} does not fit on ${t} × ${gpu.id}: its ${model.weightDtype} weights need ${formatGiB(weights)} per GPU but only ${formatGiB(perGpuRoom)} is usable (${formatGiB(gpu.hbmBytes)} × ${utilization} − ${formatGiB(reserved)} reserve) — short by ${formatGiB(weights - perGpuRoom)} before any KV cache. It needs at least ${gpusNeeded} GPUs of this kind for the weights alone: pass --tp ${tpNeeded} (or more for KV room), or choose a GPU with more HBM.`,
      { where: "--gpu / --tp" },
    );
  }
  const derivedBlocks = Math.floor((free * t) / blockBytes);
  const blocks = options.kvBlocks ?? derivedBlocks;
  return {
    weightBytesPerGpu: weights,
    usableBytesPerGpu: usable,
    reservedBytesPerGpu: reserved,
    poolBytes: blocks * blockBytes,
    blockSizeTokens,
    blockBytes,
    blocks,
    blocksStated: options.kvBlocks !== undefined,
  };
}
