import { quantileSorted } from "../stats/quantile.js";
import type { Deployment } from "./deployment.js";
import { blockRoundedTokens, fullAttentionLayers, kvBytesForSequence, kvBytesPerToken, kvBytesPerTokenPerLayer } from "./kv-bytes.js";
import { computeKvPool, type KvPool, type MemoryOptions } from "./kv-pool.js";
import { poissonOverflowProbability, poissonQuantile } from "./poisson-occupancy.js";

export interface TrafficLoad {
  readonly arrivalRatePerSecond: number;
  /** Mean time a request holds KV (queue excluded): prefill + decode, seconds. */
  readonly residenceSeconds: number;
  /** Mean tokens a live request holds (prompt + half its output is a fair average). */
  readonly liveTokensPerRequest: number;
}

export interface KvCapacityInput extends MemoryOptions {
  /** Context lengths (prompt + generated) to tabulate. */
  readonly contextTokens: readonly number[];
  /** Context-length samples from traffic (optional): gives mean capacity and percentiles. */
  readonly contextSamples?: readonly number[];
  /** Reference context for long-context cost multipliers (default: the first context). */
  readonly referenceContextTokens?: number;
  /** Effective capacity loss under sustained mixed traffic (default 0.25; docs/design.md §3.3: typically 20–35 %). */
  readonly fragmentationDerate?: number;
  readonly traffic?: TrafficLoad;
}

export interface KvCapacityRow {
  readonly contextTokens: number;
  readonly blockRoundedTokens: number;
  readonly kvBytesPerSequence: number;
  readonly maxSequences: number;
  readonly effectiveMaxSequences: number;
  /** KV bytes per sequence relative to the reference context (what a long context costs in slots). */
  readonly costMultiplierVsReference: number;
}

export type PressureLevel = "ok" | "warning" | "critical";

export interface KvPressure {
  /** Little's law: mean requests holding KV = arrival rate × residence time. */
  readonly meanLiveRequests: number;
  readonly requiredBytes: number;
  readonly effectivePoolBytes: number;
  /** Sequences of the live footprint the effective pool holds. */
  readonly slots: number;
  /** P(live requests > slots), live requests ~ Poisson(λ·R) (M/G/∞ occupancy). */
  readonly overflowProbability: number;
  /** 99th percentile of live requests (Poisson(λ·R)). */
  readonly p99LiveRequests: number;
  readonly utilization: number;
  readonly level: PressureLevel;
  readonly message: string;
}

export interface KvCapacityResult {
  /** KV bytes a token adds across all layers while inside every window. */
  readonly kvBytesPerToken: number;
  /** Per layer type: full-attention layers keep every token, window layers at most windowTokens. */
  readonly layerTypes: {
    readonly fullAttentionLayers: number;
    readonly slidingWindowLayers: number;
    readonly windowTokens: number | null;
    readonly kvBytesPerTokenPerLayer: number;
  };
  readonly pool: KvPool;
  readonly fragmentationDerate: number;
  readonly rows: readonly KvCapacityRow[];
  readonly distribution: {
    readonly samples: number;
    readonly p50Tokens: number;
    readonly p90Tokens: number;
    readonly p99Tokens: number;
    readonly meanKvBytesPerSequence: number;
    readonly maxSequencesAtMean: number;
    readonly concurrencyAtP90: number;
  } | null;
  readonly pressure: KvPressure | null;
}

/**
 * KV memory economics (docs/design.md §3.3): bytes per token, the pool, N_seq_max(T) = floor(pool / bytes(T))
 * with each sequence rounded up to whole blocks, a fragmentation derate, and pressure alerts.
 */
export function computeKvCapacity(deployment: Deployment, input: KvCapacityInput): KvCapacityResult {
  const pool = computeKvPool(deployment, input);
  const derate = input.fragmentationDerate ?? 0.25;
  const bytesForSequence = (tokens: number): number =>
    kvBytesForSequence(deployment.model, tokens, deployment.kvDtype, pool.blockSizeTokens);
  const reference = input.referenceContextTokens ?? input.contextTokens[0] ?? 2048;
  const referenceBytes = bytesForSequence(reference);
  const rows = input.contextTokens.map((contextTokens) => {
    const kvBytesPerSequence = bytesForSequence(contextTokens);
    const maxSequences = Math.floor(pool.poolBytes / kvBytesPerSequence);
    return {
      contextTokens,
      blockRoundedTokens: blockRoundedTokens(contextTokens, pool.blockSizeTokens),
      kvBytesPerSequence,
      maxSequences,
      effectiveMaxSequences: Math.floor((pool.poolBytes * (1 - derate)) / kvBytesPerSequence),
      costMultiplierVsReference: kvBytesPerSequence / referenceBytes,
    };
  });
  let distribution: KvCapacityResult["distribution"] = null;
  if (input.contextSamples && input.contextSamples.length > 0) {
    const sorted = [...input.contextSamples].sort((a, b) => a - b);
    const meanBytes = sorted.reduce((sum, tokens) => sum + bytesForSequence(tokens), 0) / sorted.length;
    const p90 = quantileSorted(sorted, 0.9);
    distribution = {
      samples: sorted.length,
      p50Tokens: quantileSorted(sorted, 0.5),
      p90Tokens: p90,
      p99Tokens: quantileSorted(sorted, 0.99),
      meanKvBytesPerSequence: meanBytes,
      maxSequencesAtMean: Math.floor(pool.poolBytes / meanBytes),
      concurrencyAtP90: Math.floor(pool.poolBytes / bytesForSequence(Math.ceil(p90))),
    };
  }
  const pressure = input.traffic ? kvPressure(input.traffic, bytesForSequence(input.traffic.liveTokensPerRequest), pool.poolBytes * (1 - derate)) : null;
  return {
    kvBytesPerToken: kvBytesPerToken(deployment.model, deployment.kvDtype),
    layerTypes: {
      fullAttentionLayers: fullAttentionLayers(deployment.model),
      slidingWindowLayers: deployment.model.slidingWindow?.layers ?? 0,
      windowTokens: deployment.model.slidingWindow?.windowTokens ?? null,
      kvBytesPerTokenPerLayer: kvBytesPerTokenPerLayer(deployment.model, deployment.kvDtype),
    },
    pool,
    fragmentationDerate: derate,
    rows,
    distribution,
    pressure,
  };
}

/**
 * KV pressure from traffic: mean live requests by Little's law (λ·R), and — because the mean
 * hides bursts — the overflow probability P(N > slots) and p99 of N ~ Poisson(λ·R). Critical when
 * the mean alone overflows or overflow exceeds 5 % of the time; warning above 1 % or 80 % use.
 */
function kvPressure(traffic: TrafficLoad, bytesPerLiveRequest: number, effectivePoolBytes: number): KvPressure {
  const meanLiveRequests = traffic.arrivalRatePerSecond * traffic.residenceSeconds;
  const requiredBytes = meanLiveRequests * bytesPerLiveRequest;
  const utilization = requiredBytes / effectivePoolBytes;
  const slots = Math.floor(effectivePoolBytes / bytesPerLiveRequest);
  const overflowProbability = poissonOverflowProbability(meanLiveRequests, slots);
  const p99LiveRequests = poissonQuantile(meanLiveRequests, 0.99);
  const level: PressureLevel =
    utilization > 1 || overflowProbability > 0.05 ? "critical" : utilization > 0.8 || overflowProbability > 0.01 ? "warning" : "ok";
  const share = `${(utilization * 100).toFixed(0)} % of the effective KV pool on average (${meanLiveRequests.toFixed(1)} live requests, p99 ${p99LiveRequests}, ${slots} slots); over-subscribed ${(overflowProbability * 100).toFixed(1)} % of the time`;
  const message =
    level === "critical"
      ? `Traffic needs ${share}: expect queueing and preemptions; add replicas, shorten contexts or use FP8 KV.`
      : level === "warning"
        ? `Traffic needs ${share}: bursts will preempt; keep headroom.`
        : `Traffic needs ${share}.`;
  return { meanLiveRequests, requiredBytes, effectivePoolBytes, slots, overflowProbability, p99LiveRequests, utilization, level, message };
}
