import { latencyHistogramSpecs } from "./latency-histograms.js";
import type { ReplicaMetrics } from "./replica-metrics.js";

interface MetricSpec {
  readonly name: string;
  readonly type: "gauge" | "counter";
  readonly help: string;
  readonly value: (metrics: ReplicaMetrics) => number;
}

/** vLLM's metric names (v1 engine); the KV gauge under both its old and new name. */
const metricSpecs: readonly MetricSpec[] = [
  { name: "vllm:num_requests_running", type: "gauge", help: "Number of requests in model execution batches.", value: (m) => m.running },
  { name: "vllm:num_requests_waiting", type: "gauge", help: "Number of requests waiting to be processed.", value: (m) => m.waiting },
  { name: "vllm:gpu_cache_usage_perc", type: "gauge", help: "GPU KV-cache usage. 1 means 100 percent usage.", value: (m) => m.kvUsageFraction },
  { name: "vllm:kv_cache_usage_perc", type: "gauge", help: "KV-cache usage. 1 means 100 percent usage.", value: (m) => m.kvUsageFraction },
  { name: "vllm:num_preemptions_total", type: "counter", help: "Cumulative number of preemptions from the engine.", value: (m) => m.preemptions },
  { name: "vllm:prefix_cache_queries_total", type: "counter", help: "Prefix cache queries, in terms of number of queried tokens.", value: (m) => m.promptTokens },
  { name: "vllm:prefix_cache_hits_total", type: "counter", help: "Prefix cache hits, in terms of number of cached tokens.", value: (m) => m.promptTokensFromCache },
  { name: "vllm:prompt_tokens_total", type: "counter", help: "Number of prefill tokens processed.", value: (m) => m.promptTokens },
  { name: "vllm:generation_tokens_total", type: "counter", help: "Number of generation tokens processed.", value: (m) => m.generationTokens },
];

/** Label values escaped as the Prometheus text format requires (backslash, quote, newline). */
const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

const formatValue = (value: number): string => (Number.isFinite(value) ? String(value) : value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN");

/** A bucket bound as Python's prometheus_client writes it (1.0, not 1), so `le` label values equal vLLM's. */
const formatBound = (bound: number): string => (Number.isInteger(bound) ? bound.toFixed(1) : String(bound));

/** vLLM labels each engine's series with model_name and engine; pool names the replica's pool. */
const labelsOf = (replica: ReplicaMetrics): string => `model_name="${escapeLabel(replica.model)}",engine="${replica.replica}",pool="${escapeLabel(replica.pool)}"`;

/**
 * Prometheus text exposition (format 0.0.4) of every replica's engine metrics, one series per
 * replica as vLLM exports one per engine (sum over `engine` for a model), and vLLM's latency
 * histograms with its bucket bounds.
 */
export function renderMetrics(replicas: readonly ReplicaMetrics[]): string {
  const lines: string[] = [];
  for (const spec of metricSpecs) {
    lines.push(`# HELP ${spec.name} ${spec.help}`, `# TYPE ${spec.name} ${spec.type}`);
    for (const replica of replicas) lines.push(`${spec.name}{${labelsOf(replica)}} ${formatValue(spec.value(replica))}`);
  }
  // vLLM counts finished requests by reason; here every request runs to max_tokens or is aborted.
  lines.push("# HELP vllm:request_success_total Count of successfully processed requests.", "# TYPE vllm:request_success_total counter");
  for (const replica of replicas) {
    lines.push(`vllm:request_success_total{${labelsOf(replica)},finished_reason="length"} ${replica.finishedLength}`, `vllm:request_success_total{${labelsOf(replica)},finished_reason="abort"} ${replica.finishedAbort}`);
  }
  for (const spec of latencyHistogramSpecs) {
    lines.push(`# HELP ${spec.name} ${spec.help}`, `# TYPE ${spec.name} histogram`);
    for (const replica of replicas) {
      const histogram = replica.latency[spec.metric];
      const labels = labelsOf(replica);
      const cumulative = histogram.cumulative();
      histogram.bucketsSeconds.forEach((bound, index) => lines.push(`${spec.name}_bucket{${labels},le="${formatBound(bound)}"} ${cumulative[index] ?? 0}`));
      lines.push(`${spec.name}_bucket{${labels},le="+Inf"} ${histogram.count}`, `${spec.name}_sum{${labels}} ${formatValue(histogram.sum)}`, `${spec.name}_count{${labels}} ${histogram.count}`);
    }
  }
  return lines.join("\n") + "\n";
}
