import type { ModelMetrics } from "./realtime-fleet.js";

interface MetricSpec {
  readonly name: string;
  readonly type: "gauge" | "counter";
  readonly help: string;
  readonly value: (metrics: ModelMetrics) => number;
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

/** Prometheus text exposition (format 0.0.4) of each model's engine metrics, summed over its replicas. */
export function renderMetrics(models: readonly ModelMetrics[]): string {
  const lines: string[] = [];
  for (const spec of metricSpecs) {
    lines.push(`# HELP ${spec.name} ${spec.help}`, `# TYPE ${spec.name} ${spec.type}`);
    for (const model of models) lines.push(`${spec.name}{model_name="${escapeLabel(model.model)}"} ${formatValue(spec.value(model))}`);
  }
  return lines.join("\n") + "\n";
}
