import type { RequestRecord } from "../sim/log/request-record.js";
import type { ReplicaState } from "../sim/simulate-fleet.js";
import { createLatencyHistograms, type LatencyHistograms } from "./latency-histograms.js";

/** Engine gauges, counters and latency histograms of one replica, as one vLLM engine exports them. */
export interface ReplicaMetrics {
  readonly model: string;
  readonly pool: string;
  /** Replica index in the fleet (vLLM's `engine` label). */
  readonly replica: number;
  readonly running: number;
  readonly waiting: number;
  readonly kvUsageFraction: number;
  readonly preemptions: number;
  readonly promptTokens: number;
  readonly promptTokensFromCache: number;
  readonly generationTokens: number;
  /** Requests that ran to max_tokens (vLLM's finished_reason "length": the simulator has no EOS). */
  readonly finishedLength: number;
  /** Requests aborted because their client went away (finished_reason "abort"). */
  readonly finishedAbort: number;
  readonly latency: LatencyHistograms;
}

/** A request's tokens so far (its replica is known once its record arrives). */
interface TokenTrail {
  tokens: number;
  lastTokenSeconds: number;
  readonly gapsSeconds: number[];
}

/**
 * Collects per-replica metrics from the simulation's callbacks: inter-token gaps as tokens are
 * sampled, and TTFT, queue time, per-request TPOT and end-to-end latency of each finished request.
 * A request's generated tokens and gaps are credited to its replica when it ends (finished or
 * aborted), so those counters trail in-flight work by at most one request's tokens.
 */
export class ReplicaMetricsCollector {
  private readonly trails = new Map<number, TokenTrail>();
  private readonly generated: number[];
  private readonly finishedLength: number[];
  private readonly finishedAbort: number[];
  private readonly latency: LatencyHistograms[];

  constructor(replicas: number) {
    this.generated = new Array<number>(replicas).fill(0);
    this.finishedLength = new Array<number>(replicas).fill(0);
    this.finishedAbort = new Array<number>(replicas).fill(0);
    this.latency = Array.from({ length: replicas }, () => createLatencyHistograms());
  }

  onToken(requestId: number, nowSeconds: number): void {
    const trail = this.trails.get(requestId);
    if (trail === undefined) {
      this.trails.set(requestId, { tokens: 1, lastTokenSeconds: nowSeconds, gapsSeconds: [] });
      return;
    }
    trail.tokens++;
    trail.gapsSeconds.push(nowSeconds - trail.lastTokenSeconds);
    trail.lastTokenSeconds = nowSeconds;
  }

  onRecord(record: RequestRecord): void {
    const trail = this.trails.get(record.request_id);
    this.trails.delete(record.request_id);
    const replica = record.replica;
    if (replica === null) return;
    const histograms = this.latency[replica];
    if (histograms === undefined) return;
    this.generated[replica] = (this.generated[replica] ?? 0) + (trail?.tokens ?? 0);
    for (const gap of trail?.gapsSeconds ?? []) histograms.interToken.observe(gap);
    if (record.status === "incomplete") this.finishedAbort[replica] = (this.finishedAbort[replica] ?? 0) + 1;
    if (record.status !== "ok") return;
    this.finishedLength[replica] = (this.finishedLength[replica] ?? 0) + 1;
    if (record.ttft_s !== null) histograms.ttft.observe(record.ttft_s);
    if (record.queue_wait_s !== null) histograms.queue.observe(record.queue_wait_s);
    if (record.tpot_s !== null) histograms.requestTpot.observe(record.tpot_s);
    if (record.e2e_s !== null) histograms.e2e.observe(record.e2e_s);
  }

  /** Requests with tokens not yet credited (in flight). */
  get inFlightTrails(): number {
    return this.trails.size;
  }

  snapshot(states: readonly ReplicaState[], meta: readonly { readonly model: string; readonly kvBlocks: number }[]): ReplicaMetrics[] {
    return states.map((state) => ({
      model: meta[state.index]?.model ?? "?",
      pool: state.pool,
      replica: state.index,
      running: state.running,
      waiting: state.waiting,
      kvUsageFraction: state.kvUtilization,
      preemptions: state.preemptions,
      promptTokens: state.promptTokens,
      promptTokensFromCache: state.promptTokensFromCache,
      generationTokens: this.generated[state.index] ?? 0,
      finishedLength: this.finishedLength[state.index] ?? 0,
      finishedAbort: this.finishedAbort[state.index] ?? 0,
      latency: this.latency[state.index] ?? createLatencyHistograms(),
    }));
  }
}
