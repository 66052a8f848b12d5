import { GoodputError } from "../errors.js";
import { kvBytesForSequence } from "./kv-bytes.js";
import { computeKvPool, type MemoryOptions } from "./kv-pool.js";
import type { Deployment } from "./deployment.js";
import { prefillTime, uniformDecodeStepTime, type Bottleneck } from "./step-time.js";
import type { StepTimeProfile } from "./step-time-profile.js";

export interface PrefillEconomicsInput extends MemoryOptions {
  readonly promptTokens: readonly number[];
  /** Prompts prefilled together in one forward pass (default 1). */
  readonly batch: number;
  readonly outputTokens: number;
  /** Sequences decoding together (the decode batch the request shares GPU time with). */
  readonly decodeBatch: number;
  /** Share of each prompt already in the prefix cache, 0–1. */
  readonly cachedShare: number;
  readonly queueWaitSeconds: number;
  readonly priceUsdPerGpuHour: number;
  readonly profile: StepTimeProfile;
}

export interface SensitivityRow {
  readonly lever: "output length +10 %" | "cache hit +10 points" | "decode batch +10 %";
  /** Relative change in cost per request. */
  readonly costChange: number;
}

export interface PrefillPoint {
  readonly batch: number;
  readonly prompt: number;
  readonly prefillSeconds: number;
  readonly ttftSeconds: number;
  readonly tpotSeconds: number;
  /** T_user = TTFT + N_out · TPOT. */
  readonly userLatencySeconds: number;
  readonly bottleneck: Bottleneck;
  /** GPU-seconds of the replica attributed to this request's prefill and decode. */
  readonly prefillGpuSeconds: number;
  readonly decodeGpuSeconds: number;
  readonly prefillCostUsd: number;
  readonly decodeCostUsd: number;
  readonly costPerRequestUsd: number;
  readonly prefillShareOfCost: number;
  readonly inputCostUsdPerMTok: number;
  readonly outputCostUsdPerMTok: number;
  /** Output-token cost ÷ input-token cost at this decode batch. */
  readonly outputToInputCostRatio: number;
  /** The same request with `cachedShare` of its prompt served from the prefix cache. */
  readonly cached: { readonly cachedTokens: number; readonly prefillSeconds: number; readonly ttftSeconds: number; readonly costPerRequestUsd: number; readonly savingShare: number };
  readonly sensitivity: readonly SensitivityRow[];
  /** Decode batch asked for. */
  readonly decodeBatchRequested: number;
  /** Largest decode batch whose KV fits at the end of generation (prompt + output tokens). */
  readonly kvMaxDecodeBatch: number;
  /** Decode batch costed: the one asked for, or the KV limit when fewer sequences fit (decodeBatchLimitedByKv). */
  readonly decodeBatch: number;
  readonly decodeBatchLimitedByKv: boolean;
  /** The lever that moves unit cost most. */
  readonly biggestLever: SensitivityRow["lever"];
}

interface Scenario {
  readonly prompt: number;
  readonly cachedTokens: number;
  readonly outputTokens: number;
  readonly decodeBatch: number;
}

/**
 * Prefill vs decode economics of one request (docs/design.md §3.2). The request's share of GPU time is its
 * prefill pass ÷ prompts in that pass, plus N_out decode steps ÷ sequences in each step; cost
 * follows the replica's price (tensorParallel GPUs).
 */
export function computePrefillEconomics(deployment: Deployment, input: PrefillEconomicsInput): PrefillPoint[] {
  const pool = computeKvPool(deployment, input);
  const replicaUsdPerSecond = (input.priceUsdPerGpuHour * deployment.tensorParallel) / 3600;
  const evaluate = (scenario: Scenario) => {
    const prefill = prefillTime(deployment, { batch: input.batch, promptTokens: scenario.prompt, cachedTokens: scenario.cachedTokens }, input.profile);
    // Mean live context over the decode: the prompt plus half the output.
    const decodeContext = Math.round(scenario.prompt + scenario.outputTokens / 2);
    const tpotSeconds = uniformDecodeStepTime(deployment, scenario.decodeBatch, decodeContext, input.profile).stepSeconds;
    const prefillGpuSeconds = prefill.stepSeconds / input.batch;
    const decodeGpuSeconds = (scenario.outputTokens * tpotSeconds) / scenario.decodeBatch;
    return {
      prefill,
      tpotSeconds,
      prefillGpuSeconds,
      decodeGpuSeconds,
      costUsd: (prefillGpuSeconds + decodeGpuSeconds) * replicaUsdPerSecond,
    };
  };
  return input.promptTokens.map((prompt): PrefillPoint => {
    // Every sequence in the decode batch holds its whole context by the last token (docs/design.md §3.3).
    const peakContext = prompt + input.outputTokens;
    const kvMaxDecodeBatch = Math.floor(pool.poolBytes / kvBytesForSequence(deployment.model, peakContext, deployment.kvDtype, pool.blockSizeTokens));
    if (kvMaxDecodeBatch < 1) {
      throw new GoodputError(
        "BAD_INPUT",
        `A ${prompt}-token prompt plus ${input.outputTokens} output tokens does not fit in the KV pool (${(pool.poolBytes / 2 ** 30).toFixed(1)} GiB) of ${deployment.tensorParallel} × ${deployment.gpu.id}; use a shorter prompt, more GPUs (--tp) or an FP8 KV cache.`,
        { where: "--prompt" },
      );
    }
    const decodeBatch = Math.min(input.decodeBatch, kvMaxDecodeBatch);
    const base: Scenario = { prompt, cachedTokens: 0, outputTokens: input.outputTokens, decodeBatch };
    const result = evaluate(base);
    const cachedTokens = Math.min(prompt - 1, Math.round(prompt * input.cachedShare));
    const cached = evaluate({ ...base, cachedTokens });
    const cachedShareUp = Math.min(1, input.cachedShare + 0.1);
    const sensitivity: SensitivityRow[] = [
      { lever: "output length +10 %", costChange: evaluate({ ...base, cachedTokens, outputTokens: Math.round(input.outputTokens * 1.1) }).costUsd / cached.costUsd - 1 },
      { lever: "cache hit +10 points", costChange: evaluate({ ...base, cachedTokens: Math.min(prompt - 1, Math.round(prompt * cachedShareUp)) }).costUsd / cached.costUsd - 1 },
      { lever: "decode batch +10 %", costChange: evaluate({ ...base, cachedTokens, decodeBatch: Math.min(kvMaxDecodeBatch, Math.max(decodeBatch + 1, Math.round(decodeBatch * 1.1))) }).costUsd / cached.costUsd - 1 },
    ];
    const biggest = sensitivity.reduce((best, row) => (Math.abs(row.costChange) > Math.abs(best.costChange) ? row : best));
    const prefillCostUsd = result.prefillGpuSeconds * replicaUsdPerSecond;
    const decodeCostUsd = result.decodeGpuSeconds * replicaUsdPerSecond;
    const inputCostUsdPerMTok = (prefillCostUsd / prompt) * 1e6;
    const outputCostUsdPerMTok = (decodeCostUsd / input.outputTokens) * 1e6;
    return {
      batch: input.batch,
      prompt,
      prefillSeconds: result.prefill.stepSeconds,
      ttftSeconds: input.queueWaitSeconds + result.prefill.stepSeconds,
      tpotSeconds: result.tpotSeconds,
      userLatencySeconds: input.queueWaitSeconds + result.prefill.stepSeconds + input.outputTokens * result.tpotSeconds,
      bottleneck: result.prefill.bottleneck,
      prefillGpuSeconds: result.prefillGpuSeconds,
      decodeGpuSeconds: result.decodeGpuSeconds,
      prefillCostUsd,
      decodeCostUsd,
      costPerRequestUsd: result.costUsd,
      prefillShareOfCost: prefillCostUsd / result.costUsd,
      inputCostUsdPerMTok,
      outputCostUsdPerMTok,
      outputToInputCostRatio: outputCostUsdPerMTok / inputCostUsdPerMTok,
      cached: {
        cachedTokens,
        prefillSeconds: cached.prefill.stepSeconds,
        ttftSeconds: input.queueWaitSeconds + cached.prefill.stepSeconds,
        costPerRequestUsd: cached.costUsd,
        savingShare: 1 - cached.costUsd / result.costUsd,
      },
      sensitivity,
      biggestLever: biggest.lever,
      decodeBatchRequested: input.decodeBatch,
      kvMaxDecodeBatch,
      decodeBatch,
      decodeBatchLimitedByKv: decodeBatch < input.decodeBatch,
    };
  });
}
