/**
 * vLLM's request-latency histograms (vllm/v1/metrics/loggers.py, PrometheusStatLogger): the same
 * metric names and bucket upper bounds, so a vLLM Grafana dashboard's latency panels work on a
 * simulated server. Values are simulated seconds.
 */
export const ttftBucketsSeconds: readonly number[] = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
export const interTokenBucketsSeconds: readonly number[] = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
export const requestLatencyBucketsSeconds: readonly number[] = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

/** The latency histograms a served request feeds. */
export type LatencyMetric = "ttft" | "interToken" | "requestTpot" | "e2e" | "queue";

export interface LatencyHistogramSpec {
  readonly metric: LatencyMetric;
  readonly name: string;
  readonly help: string;
  readonly bucketsSeconds: readonly number[];
}

export const latencyHistogramSpecs: readonly LatencyHistogramSpec[] = [
  { metric: "ttft", name: "vllm:time_to_first_token_seconds", help: "Histogram of time to first token in seconds.", bucketsSeconds: ttftBucketsSeconds },
  { metric: "interToken", name: "vllm:inter_token_latency_seconds", help: "Histogram of inter-token latency in seconds.", bucketsSeconds: interTokenBucketsSeconds },
  // vLLM keeps the pre-0.11 name for inter-token latency as a deprecated alias; dashboards still query it.
  { metric: "interToken", name: "vllm:time_per_output_token_seconds", help: "Histogram of time per output token in seconds. DEPRECATED: Use vllm:inter_token_latency_seconds instead.", bucketsSeconds: interTokenBucketsSeconds },
  { metric: "requestTpot", name: "vllm:request_time_per_output_token_seconds", help: "Histogram of time_per_output_token_seconds per request.", bucketsSeconds: interTokenBucketsSeconds },
  { metric: "e2e", name: "vllm:e2e_request_latency_seconds", help: "Histogram of e2e request latency in seconds.", bucketsSeconds: requestLatencyBucketsSeconds },
  { metric: "queue", name: "vllm:request_queue_time_seconds", help: "Histogram of time spent in WAITING phase for request.", bucketsSeconds: requestLatencyBucketsSeconds },
];

/** One cumulative Prometheus histogram: counts per bucket upper bound (le), +Inf = count. */
export class Histogram {
  readonly bucketsSeconds: readonly number[];
  /** Non-cumulative counts per bucket; the last slot is above every bound. */
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bucketsSeconds: readonly number[]) {
    this.bucketsSeconds = bucketsSeconds;
    this.counts = new Float64Array(bucketsSeconds.length + 1);
  }

  /** Counts `value` in the first bucket whose bound is ≥ it (Prometheus's le is inclusive). */
  observe(value: number): void {
    let index = 0;
    while (index < this.bucketsSeconds.length && value > (this.bucketsSeconds[index] ?? Infinity)) index++;
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.sum += value;
    this.count++;
  }

  /** Cumulative counts for each bound, then +Inf. */
  cumulative(): number[] {
    let running = 0;
    return Array.from(this.counts, (count) => (running += count));
  }
}

/** The histograms of one replica, one per LatencyMetric. */
export type LatencyHistograms = Readonly<Record<LatencyMetric, Histogram>>;

export function createLatencyHistograms(): LatencyHistograms {
  return {
    ttft: new Histogram(ttftBucketsSeconds),
    interToken: new Histogram(interTokenBucketsSeconds),
    requestTpot: new Histogram(interTokenBucketsSeconds),
    e2e: new Histogram(requestLatencyBucketsSeconds),
    queue: new Histogram(requestLatencyBucketsSeconds),
  };
}
