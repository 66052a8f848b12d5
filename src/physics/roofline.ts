import type { Deployment } from "./deployment.js";
import { kvBytesForSequence } from "./kv-bytes.js";
import { computeKvPool, type KvPool, type MemoryOptions } from "./kv-pool.js";
import { uniformDecodeStepTime, type Bottleneck } from "./step-time.js";
import type { StepTimeProfile } from "./step-time-profile.js";

export type RooflineZone = "weight-bound" | "amortization" | "floor";

export interface RooflineInput extends MemoryOptions {
  /** Batch sizes to evaluate; default 1, 2, 4, … up to the KV-feasible maximum. */
  readonly batches?: readonly number[];
  /** Live context per sequence (prompt + generated so far), tokens. */
  readonly contextTokens: number;
  readonly profile: StepTimeProfile;
  /** Price of one GPU-hour; the replica pays tensorParallel of them. */
  readonly priceUsdPerGpuHour: number;
  /** Probability a generated token belongs to an accepted result (quality gate); default 1. */
  readonly acceptanceRate?: number;
  /** TPOT SLO, seconds. */
  readonly sloTpotSeconds?: number;
  /** p99 TPOT ÷ mean TPOT under real traffic (default 1: judge the mean). */
  readonly tpotTailFactor?: number;
  /** Offered decode load of the traffic, output tokens per second per replica: gives the operating zone. */
  readonly offeredTokensPerSecond?: number;
}

/** Where a replica runs under the offered traffic: the smallest batch whose throughput carries it. */
export interface TrafficOperatingPoint {
  readonly offeredTokensPerSecond: number;
  /** Smallest batch B with B / T(B) ≥ offered load; null when even the largest feasible batch cannot carry it. */
  readonly batch: number | null;
  readonly zone: RooflineZone | null;
  readonly tpotSeconds: number | null;
  readonly meetsSlo: boolean | null;
  /** Replicas of this deployment the load needs at the KV-feasible ceiling (≥ 1). */
  readonly replicasAtCeiling: number;
  readonly message: string;
}

export interface RooflinePoint {
  readonly batch: number;
  readonly contextTokens: number;
  readonly stepSeconds: number;
  readonly tpotSeconds: number;
  readonly tailTpotSeconds: number;
  readonly tokensPerSecond: number;
  readonly costUsdPerMTok: number;
  readonly costUsdPerMAcceptedTok: number;
  readonly bottleneck: Bottleneck;
  readonly overheadShare: number;
  readonly zone: RooflineZone;
  /** False when batch × context exceeds the KV pool. */
  readonly feasible: boolean;
  readonly meetsSlo: boolean | null;
}

export interface OperatingPoint {
  readonly batch: number;
  readonly tpotSeconds: number;
  readonly tokensPerSecond: number;
  readonly costUsdPerMTok: number;
  readonly costUsdPerMAcceptedTok: number;
  readonly reason: string;
}

export interface RooflineResult {
  readonly points: readonly RooflinePoint[];
  readonly pool: KvPool;
  readonly maxFeasibleBatch: number;
  /**
   * Zones by the tool's thresholds on the batch range this deployment can run (1 … the KV-feasible
   * maximum, or the largest batch asked for when none fits): the ceiling is the throughput at the
   * top of that range, not an asymptote.
   */
  readonly zones: RooflineZones;
  /** Largest batch whose (tail) TPOT meets the SLO and fits in KV; null without an SLO or if none does. */
  readonly sloFrontierBatch: number | null;
  /** The headline: cost at the SLO-feasible operating point, never the peak-throughput point. */
  readonly operatingPoint: OperatingPoint | null;
  /** With offeredTokensPerSecond: the batch the traffic puts the replica at, and its zone. */
  readonly traffic: TrafficOperatingPoint | null;
}

export interface RooflineZones {
  /** Top of the batch range the ceiling is read at. */
  readonly ceilingBatch: number;
  readonly ceilingTokensPerSecond: number;
  /** Batches below this reach < 50 % of the ceiling (weights + overhead dominate); 1 = no such zone. */
  readonly weightBoundBelowBatch: number;
  /** From this batch throughput is ≥ 80 % of the ceiling: per-token cost is near its floor. */
  readonly floorFromBatch: number;
  /** Secant of T(B) over the range: T(B) ≈ fixed + B · perSequence (for the narrative). */
  readonly fixedSecondsPerStep: number;
  readonly perSequenceSeconds: number;
}

/** Smallest b in [1, upper] with ok(b), for ok monotone increasing in b; upper when none below it passes. */
function smallestPassing(upper: number, ok: (batch: number) => boolean): number {
  let low = 1;
  let high = upper;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (ok(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Zone boundaries from throughput B / T(B), which rises with B, over batches 1 … ceilingBatch. */
export function rooflineZones(stepSeconds: (batch: number) => number, ceilingBatch: number): RooflineZones {
  const throughput = (batch: number): number => batch / stepSeconds(batch);
  const ceilingTokensPerSecond = throughput(ceilingBatch);
  const low = Math.max(1, Math.floor(ceilingBatch / 2));
  const perSequenceSeconds = ceilingBatch > low ? (stepSeconds(ceilingBatch) - stepSeconds(low)) / (ceilingBatch - low) : stepSeconds(ceilingBatch) / ceilingBatch;
  return {
    ceilingBatch,
    ceilingTokensPerSecond,
    weightBoundBelowBatch: smallestPassing(ceilingBatch, (batch) => throughput(batch) >= 0.5 * ceilingTokensPerSecond),
    floorFromBatch: smallestPassing(ceilingBatch, (batch) => throughput(batch) >= 0.8 * ceilingTokensPerSecond),
    fixedSecondsPerStep: stepSeconds(ceilingBatch) - perSequenceSeconds * ceilingBatch,
    perSequenceSeconds,
  };
}

function zoneOf(batch: number, weightBoundBelow: number, floorFrom: number): RooflineZone {
  if (batch < weightBoundBelow) return "weight-bound";
  return batch >= floorFrom ? "floor" : "amortization";
}

/** Largest b in [1, upper] with ok(b), for ok monotone decreasing in b; 0 when none. */
function largestPassing(upper: number, ok: (batch: number) => boolean): number {
  if (upper < 1 || !ok(1)) return 0;
  let low = 1;
  let high = upper;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (ok(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Decode batch sweep (docs/design.md §3.1): step time, tokens/s, TPOT and $/M tokens per batch size with the
 * bottleneck, the three zones, the SLO-feasible frontier and KV-infeasible points. The headline is
 * the cost at the largest batch that meets the SLO and fits in KV.
 */
export function computeRoofline(deployment: Deployment, input: RooflineInput): RooflineResult {
  const pool = computeKvPool(deployment, input);
  const sequenceBytes = kvBytesForSequence(deployment.model, input.contextTokens, deployment.kvDtype, pool.blockSizeTokens);
  const maxFeasibleBatch = Math.floor(pool.poolBytes / sequenceBytes);
  const acceptance = input.acceptanceRate ?? 1;
  const tail = input.tpotTailFactor ?? 1;
  const replicaUsdPerSecond = (input.priceUsdPerGpuHour * deployment.tensorParallel) / 3600;
  const step = (batch: number) => uniformDecodeStepTime(deployment, batch, input.contextTokens, input.profile);
  const ceilingBatch = maxFeasibleBatch > 0 ? maxFeasibleBatch : Math.max(1, ...(input.batches ?? [1]));
  const zones = rooflineZones((batch) => step(batch).stepSeconds, ceilingBatch);

  const defaultBatches: number[] = [];
  for (let batch = 1; batch <= Math.max(1, maxFeasibleBatch); batch *= 2) defaultBatches.push(batch);
  if (maxFeasibleBatch > 0 && defaultBatches.at(-1) !== maxFeasibleBatch) defaultBatches.push(maxFeasibleBatch);
  const batches = input.batches ? [...input.batches] : defaultBatches;
  const slo = input.sloTpotSeconds;
  const sloFrontierBatch = slo === undefined ? null : largestPassing(maxFeasibleBatch, (batch) => step(batch).stepSeconds * tail <= slo) || null;
  // The default sweep always shows the SLO frontier, so the headline's batch is in the table.
  if (input.batches === undefined && sloFrontierBatch !== null && !batches.includes(sloFrontierBatch)) {
    batches.push(sloFrontierBatch);
    batches.sort((a, b) => a - b);
  }

  const meetsSlo = (tpotSeconds: number): boolean | null =>
    input.sloTpotSeconds === undefined ? null : tpotSeconds * tail <= input.sloTpotSeconds;
  const points = batches.map((batch): RooflinePoint => {
    const breakdown = step(batch);
    const tokensPerSecond = batch / breakdown.stepSeconds;
    const costUsdPerMTok = (replicaUsdPerSecond / tokensPerSecond) * 1e6;
    return {
      batch,
      contextTokens: input.contextTokens,
      stepSeconds: breakdown.stepSeconds,
      tpotSeconds: breakdown.stepSeconds,
      tailTpotSeconds: breakdown.stepSeconds * tail,
      tokensPerSecond,
      costUsdPerMTok,
      costUsdPerMAcceptedTok: costUsdPerMTok / acceptance,
      bottleneck: breakdown.bottleneck,
      overheadShare: breakdown.overheadSeconds / breakdown.stepSeconds,
      zone: zoneOf(batch, zones.weightBoundBelowBatch, zones.floorFromBatch),
      feasible: batch <= maxFeasibleBatch,
      meetsSlo: meetsSlo(breakdown.stepSeconds),
    };
  });

  // Without an SLO there is no operating point to headline (docs/design.md §3.1: never the peak-throughput batch).
  const operatingBatch = slo === undefined ? null : sloFrontierBatch;
  let operatingPoint: OperatingPoint | null = null;
  if (operatingBatch !== null) {
    const stepSeconds = step(operatingBatch).stepSeconds;
    const tokensPerSecond = operatingBatch / stepSeconds;
    const costUsdPerMTok = (replicaUsdPerSecond / tokensPerSecond) * 1e6;
    operatingPoint = {
      batch: operatingBatch,
      tpotSeconds: stepSeconds,
      tokensPerSecond,
      costUsdPerMTok,
      costUsdPerMAcceptedTok: costUsdPerMTok / acceptance,
      reason: `largest batch whose ${tail === 1 ? "" : `tail (×${tail}) `}TPOT ≤ ${((slo ?? 0) * 1000).toFixed(1)} ms and that fits in KV`,
    };
  }
  const traffic =
    input.offeredTokensPerSecond === undefined
      ? null
      : trafficOperatingPoint(input.offeredTokensPerSecond, (batch) => step(batch).stepSeconds, zones, slo === undefined ? undefined : slo / tail);
  return {
    points,
    pool,
    maxFeasibleBatch,
    traffic,
    zones,
    sloFrontierBatch,
    operatingPoint,
  };
}

/**
 * Continuous batching runs at the batch the load sustains: the smallest B with B / T(B) ≥ λ_tokens
 * (throughput rises with B), within the KV-feasible range; beyond the ceiling the load needs
 * ceil(λ / ceiling) replicas.
 */
function trafficOperatingPoint(offered: number, stepSeconds: (batch: number) => number, zones: RooflineZones, tpotLimitSeconds: number | undefined): TrafficOperatingPoint {
  const replicasAtCeiling = Math.max(1, Math.ceil(offered / zones.ceilingTokensPerSecond));
  if (offered > zones.ceilingTokensPerSecond) {
    return {
      offeredTokensPerSecond: offered,
      batch: null,
      zone: null,
      tpotSeconds: null,
      meetsSlo: null,
      replicasAtCeiling,
      message: `${offered.toFixed(0)} output tok/s exceeds one replica's KV-feasible ceiling of ${zones.ceilingTokensPerSecond.toFixed(0)} tok/s: it needs ${replicasAtCeiling} replicas.`,
    };
  }
  const batch = smallestPassing(zones.ceilingBatch, (b) => b / stepSeconds(b) >= offered);
  const tpotSeconds = stepSeconds(batch);
  const zone = zoneOf(batch, zones.weightBoundBelowBatch, zones.floorFromBatch);
  const meetsSlo = tpotLimitSeconds === undefined ? null : tpotSeconds <= tpotLimitSeconds;
  return {
    offeredTokensPerSecond: offered,
    batch,
    zone,
    tpotSeconds,
    meetsSlo,
    replicasAtCeiling,
    message: `${offered.toFixed(0)} output tok/s runs one replica at batch ${batch} (${zone}, TPOT ${(tpotSeconds * 1000).toFixed(1)} ms${meetsSlo === null ? "" : meetsSlo ? ", meets the SLO" : ", misses the SLO"}).`,
  };
}
