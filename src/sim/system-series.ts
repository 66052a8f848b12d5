import type { ReplicaEngine } from "./engine/replica-engine.js";

const roundTo = (value: number, digits: number): number => Number(value.toFixed(digits));

/** One row of the per-interval system series (a replica, or a pool when replica is null). */
export interface SeriesRow {
  readonly t_s: number;
  readonly pool: string;
  readonly replica: number | null;
  readonly queue_depth: number;
  readonly running: number;
  readonly kv_utilization: number;
  readonly preemptions: number;
  /** Prompt tokens not recomputed ÷ admitted, both tiers (null when nothing was admitted). */
  readonly cache_hit_rate: number | null;
  /** The offload tier's part of cache_hit_rate. */
  readonly offload_hit_rate: number | null;
  readonly busy_fraction: number;
  /** Engine steps run in the interval. */
  readonly steps: number;
}

/**
 * The per-interval system series (docs/design.md §4): for every replica and every pool, queue depth, running
 * sequences, KV utilization, and — over the interval since the last sample — preemptions, prefix
 * cache hit rate, busy fraction and engine steps.
 */
export class SystemSeries {
  private readonly lastPreemptions: Float64Array;
  private readonly lastBusy: Float64Array;
  private readonly lastSeen: Float64Array;
  private readonly lastCached: Float64Array;
  private readonly lastOffload: Float64Array;
  private readonly lastSteps: Float64Array;

  constructor(replicaCount: number) {
    this.lastPreemptions = new Float64Array(replicaCount);
    this.lastBusy = new Float64Array(replicaCount);
    this.lastSeen = new Float64Array(replicaCount);
    this.lastCached = new Float64Array(replicaCount);
    this.lastOffload = new Float64Array(replicaCount);
    this.lastSteps = new Float64Array(replicaCount);
  }

  /** Emits one row per replica and one per pool for the interval ending at `now`. */
  emit(now: number, replicas: readonly ReplicaEngine[], interval: number, onSeries: (row: SeriesRow) => void): void {
    const poolRows = new Map<string, { queue: number; running: number; kv: number; preemptions: number; seen: number; cached: number; offload: number; busy: number; count: number; steps: number }>();
    for (const replica of replicas) {
      const i = replica.index;
      const seen = replica.promptTokensSeen - (this.lastSeen[i] ?? 0);
      const cached = replica.promptTokensFromCache - (this.lastCached[i] ?? 0);
      const offload = replica.promptTokensFromOffload - (this.lastOffload[i] ?? 0);
      const busy = replica.busySeconds - (this.lastBusy[i] ?? 0);
      const preemptions = replica.preemptions - (this.lastPreemptions[i] ?? 0);
      const steps = replica.steps - (this.lastSteps[i] ?? 0);
      this.lastSeen[i] = replica.promptTokensSeen;
      this.lastCached[i] = replica.promptTokensFromCache;
      this.lastOffload[i] = replica.promptTokensFromOffload;
      this.lastBusy[i] = replica.busySeconds;
      this.lastPreemptions[i] = replica.preemptions;
      this.lastSteps[i] = replica.steps;
      onSeries({
        t_s: roundTo(now, 6),
        pool: replica.pool,
        replica: i,
        queue_depth: replica.queueDepth,
        running: replica.runningCount,
        kv_utilization: roundTo(replica.kvUtilization, 6),
        preemptions,
        cache_hit_rate: seen > 0 ? roundTo(cached / seen, 6) : null,
        offload_hit_rate: seen > 0 ? roundTo(offload / seen, 6) : null,
        busy_fraction: roundTo(Math.min(1, busy / interval), 6),
        steps,
      });
      const row = poolRows.get(replica.pool) ?? { queue: 0, running: 0, kv: 0, preemptions: 0, seen: 0, cached: 0, offload: 0, busy: 0, count: 0, steps: 0 };
      row.queue += replica.queueDepth;
      row.running += replica.runningCount;
      row.kv += replica.kvUtilization;
      row.preemptions += preemptions;
      row.seen += seen;
      row.cached += cached;
      row.offload += offload;
      row.busy += busy;
      row.count++;
      row.steps += steps;
      poolRows.set(replica.pool, row);
    }
    for (const [pool, row] of poolRows) {
      onSeries({
        t_s: roundTo(now, 6),
        pool,
        replica: null,
        queue_depth: row.queue,
        running: row.running,
        kv_utilization: roundTo(row.kv / row.count, 6),
        preemptions: row.preemptions,
        cache_hit_rate: row.seen > 0 ? roundTo(row.cached / row.seen, 6) : null,
        offload_hit_rate: row.seen > 0 ? roundTo(row.offload / row.seen, 6) : null,
        busy_fraction: roundTo(Math.min(1, row.busy / (interval * row.count)), 6),
        steps: row.steps,
      });
    }
  }
}
