import type { RequestRecord } from "./log/request-record.js";
import { quantilesOf, SampleBuffer } from "./stats/sample-buffer.js";

export interface LatencyPercentiles {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The run's headline numbers (docs/design.md §4/§5 metrics). Percentiles are exact sample quantiles by linear
 * interpolation (Hyndman & Fan type 7, docs/design.md §6), the load generator's definition.
 */
export interface SimulationSummary {
  /** Requests that arrived (first attempts), whether or not they have a final record yet. */
  readonly requests: number;
  /** Requests still in flight or awaiting a retry when the summary was taken (0 for a finished run). */
  readonly unfinished: number;
  readonly attempts: number;
  readonly completed: number;
  readonly successful: number;
  readonly accepted: number;
  readonly dropped: number;
  readonly rejected: number;
  /** Final rejections by reason: the tenant's rate limit (429) or a request no replica of its pool can hold (400). */
  readonly rejectedByReason: { readonly rateLimited: number; readonly exceedsKvCapacity: number; readonly exceedsStepBudget: number };
  readonly failed: number;
  readonly generatedTokens: number;
  readonly goodputPerSecond: number;
  readonly tokenGoodputPerSecond: number;
  readonly requestsPerSecond: number;
  readonly tokensPerSecond: number;
  readonly sloAttainment: number;
  readonly latencySeconds: LatencyPercentiles;
  readonly ttftSeconds: LatencyPercentiles;
  readonly tpotSeconds: LatencyPercentiles;
  readonly meanQueueWaitSeconds: number;
  readonly costUsd: number;
  readonly costPer1kSuccessful: number;
  readonly costPer1MTokens: number;
  readonly lcpr: number;
  /** Prompt tokens not recomputed ÷ prompt tokens admitted (GPU prefix cache and offload tier together). */
  readonly prefixCacheHitRate: number;
  /** The offload tier's part of prefixCacheHitRate (0 without a tier). */
  readonly offloadHitRate: number;
  readonly preemptions: number;
  readonly engineSteps: number;
  readonly simulatedSeconds: number;
  /** Little's law inputs: time-average requests in the system and the attempt arrival rate. */
  readonly meanInSystem: number;
  readonly arrivalRatePerSecond: number;
  readonly meanSojournSeconds: number;
  readonly gpuBusyFraction: number;
}

function percentiles(samples: SampleBuffer): LatencyPercentiles {
  const [p50 = NaN, p90 = NaN, p95 = NaN, p99 = NaN] = quantilesOf(samples.sorted(), [0.5, 0.9, 0.95, 0.99]);
  return { n: samples.count, mean: samples.mean, p50, p90, p95, p99, max: samples.count === 0 ? NaN : samples.max };
}

/** Folds request records into the summary: counters, plus 8 bytes per latency value for exact percentiles. */
export class SummaryAccumulator {
  private readonly e2e: SampleBuffer;
  private readonly ttft: SampleBuffer;
  private readonly tpot: SampleBuffer;
  attempts = 0;
  successful = 0;
  accepted = 0;
  dropped = 0;
  rejected = 0;
  readonly rejectedByReason = { rateLimited: 0, exceedsKvCapacity: 0, exceedsStepBudget: 0 };
  failed = 0;
  generatedTokens = 0;
  acceptedTokens = 0;
  queueWaitSum = 0;
  queueWaitCount = 0;
  sojournSum = 0;

  /** @param keepLatencySamples false: constant memory, latency percentiles NaN (n, mean and max still kept). */
  constructor(keepLatencySamples = true) {
    this.e2e = new SampleBuffer(keepLatencySamples);
    this.ttft = new SampleBuffer(keepLatencySamples);
    this.tpot = new SampleBuffer(keepLatencySamples);
  }

  /** Adds one attempt's record at `nowSeconds`. `final` is false for an attempt that will be retried. */
  add(record: RequestRecord, final: boolean, nowSeconds: number): void {
    this.attempts++;
    if (record.queue_wait_s !== null) {
      this.queueWaitSum += record.queue_wait_s;
      this.queueWaitCount++;
    }
    this.sojournSum += nowSeconds - record.arrival_s;
    switch (record.status) {
      case "ok":
        this.successful++;
        this.generatedTokens += record.output_tokens;
        if (record.e2e_s !== null) this.e2e.add(record.e2e_s);
        if (record.ttft_s !== null) this.ttft.add(record.ttft_s);
        if (record.tpot_s !== null) this.tpot.add(record.tpot_s);
        if (record.slo_met === true && record.quality_pass !== false) {
          this.accepted++;
          this.acceptedTokens += record.output_tokens;
        }
        break;
      case "dropped":
        if (final) this.dropped++;
        break;
      case "rejected":
        if (!final) break;
        this.rejected++;
        if (record.error_reason === "rate_limited") this.rejectedByReason.rateLimited++;
        else if (record.error_reason === "exceeds_kv_capacity") this.rejectedByReason.exceedsKvCapacity++;
        else if (record.error_reason === "exceeds_step_budget") this.rejectedByReason.exceedsStepBudget++;
        break;
      default:
        if (final) this.failed++;
    }
  }

  /** The summary over a run that spanned `spanSeconds` from first arrival to last event. */
  result(context: { arrivals: number; unresolved: number; spanSeconds: number; meanInSystem: number; costUsd: number; preemptions: number; engineSteps: number; busyFraction: number }): SimulationSummary {
    const span = context.spanSeconds;
    const requests = context.arrivals;
    return {
      requests,
      unfinished: context.unresolved,
      attempts: this.attempts,
      completed: this.successful,
      successful: this.successful,
      accepted: this.accepted,
      dropped: this.dropped,
      rejected: this.rejected,
      rejectedByReason: { ...this.rejectedByReason },
      failed: this.failed,
      generatedTokens: this.generatedTokens,
      goodputPerSecond: this.accepted / span,
      tokenGoodputPerSecond: this.acceptedTokens / span,
      requestsPerSecond: this.successful / span,
      tokensPerSecond: this.generatedTokens / span,
      sloAttainment: requests === 0 ? NaN : this.accepted / requests,
      latencySeconds: percentiles(this.e2e),
      ttftSeconds: percentiles(this.ttft),
      tpotSeconds: percentiles(this.tpot),
      meanQueueWaitSeconds: this.queueWaitCount === 0 ? NaN : this.queueWaitSum / this.queueWaitCount,
      costUsd: context.costUsd,
      costPer1kSuccessful: this.successful === 0 ? Infinity : (context.costUsd / this.successful) * 1000,
      costPer1MTokens: this.generatedTokens === 0 ? Infinity : (context.costUsd / this.generatedTokens) * 1e6,
      lcpr: this.accepted === 0 ? Infinity : context.costUsd / this.accepted,
      prefixCacheHitRate: NaN,
      offloadHitRate: NaN,
      preemptions: context.preemptions,
      engineSteps: context.engineSteps,
      simulatedSeconds: span,
      meanInSystem: context.meanInSystem,
      arrivalRatePerSecond: this.attempts / span,
      meanSojournSeconds: this.attempts === 0 ? NaN : this.sojournSum / this.attempts,
      gpuBusyFraction: context.busyFraction,
    };
  }
}
