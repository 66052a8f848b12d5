/** One sample of the Prometheus text exposition format. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const _unescape = (text: string): string => text.replace(/\\(["\\n])/g, (_match, char: string) => (char === "n" ? "\n" : char));

function _value(text: string): number {
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  return Number(text);
}

/**
 * Parses the Prometheus text exposition format (version 0.0.4): `# HELP` / `# TYPE` and other
 * comments are skipped; each sample is `name{label="value",…} value [timestamp]`, label values
 * with \" \\ \n escapes. Malformed lines are skipped (a scrape must never stop the run).
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const brace = line.indexOf("{");
    const space = line.indexOf(" ");
    let name: string;
    const labels: Record<string, string> = {};
    let rest: string;
    if (brace >= 0 && (space < 0 || brace < space)) {
      name = line.slice(0, brace);
      const labelPattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
      labelPattern.lastIndex = brace + 1;
      let match: RegExpExecArray | null;
      let position = brace + 1;
      while ((match = labelPattern.exec(line)) !== null) {
        labels[match[1] ?? ""] = _unescape(match[2] ?? "");
        position = labelPattern.lastIndex;
      }
      const close = line.indexOf("}", position);
      if (close < 0) continue;
      rest = line.slice(close + 1).trim();
    } else {
      if (space < 0) continue;
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    const value = _value(rest.split(/\s+/)[0] ?? "");
    if (name === "" || (Number.isNaN(value) && !rest.startsWith("NaN"))) continue;
    samples.push({ name, labels, value });
  }
  return samples;
}

/** Server-side state read from /metrics: vLLM, SGLang and TGI names (null when not exposed). */
export interface ServerGauges {
  /** KV cache usage as a fraction (mean over series). */
  readonly kvCacheUsage: number | null;
  readonly running: number | null;
  readonly waiting: number | null;
  /** Cumulative preemptions (sum over series). */
  readonly preemptionsTotal: number | null;
  readonly prefixCacheHitsTotal: number | null;
  readonly prefixCacheQueriesTotal: number | null;
  /** A hit rate the server computes itself (fraction). */
  readonly prefixCacheHitRate: number | null;
}

const gaugePatterns: Readonly<Record<keyof ServerGauges, { readonly pattern: RegExp; readonly combine: "sum" | "mean" }>> = {
  kvCacheUsage: { pattern: /(kv_cache_usage_perc|gpu_cache_usage_perc|kv_cache_usage|token_usage)$/, combine: "mean" },
  running: { pattern: /(num_requests_running|num_running_reqs|batch_current_size)$/, combine: "sum" },
  waiting: { pattern: /(num_requests_waiting|num_queue_reqs|queue_size)$/, combine: "sum" },
  preemptionsTotal: { pattern: /(num_preemptions_total|num_preemptions|preemptions_total)$/, combine: "sum" },
  prefixCacheHitsTotal: { pattern: /prefix_cache_hits(_total)?$/, combine: "sum" },
  prefixCacheQueriesTotal: { pattern: /prefix_cache_queries(_total)?$/, combine: "sum" },
  prefixCacheHitRate: { pattern: /(prefix_cache_hit_rate|cache_hit_rate)$/, combine: "mean" },
};

/** True for a sample worth storing (one of the families ServerGauges reads). */
export function isServerStateSample(sample: PrometheusSample): boolean {
  return Object.values(gaugePatterns).some(({ pattern }) => pattern.test(sample.name));
}

/** Reads the server-state gauges from parsed samples, summing or averaging across label sets. */
export function extractServerGauges(samples: readonly PrometheusSample[]): ServerGauges {
  const read = (key: keyof ServerGauges): number | null => {
    const { pattern, combine } = gaugePatterns[key];
    let sum = 0;
    let count = 0;
    for (const sample of samples) {
      if (!pattern.test(sample.name) || !Number.isFinite(sample.value)) continue;
      sum += sample.value;
      count++;
    }
    if (count === 0) return null;
    return combine === "sum" ? sum : sum / count;
  };
  return {
    kvCacheUsage: read("kvCacheUsage"),
    running: read("running"),
    waiting: read("waiting"),
    preemptionsTotal: read("preemptionsTotal"),
    prefixCacheHitsTotal: read("prefixCacheHitsTotal"),
    prefixCacheQueriesTotal: read("prefixCacheQueriesTotal"),
    prefixCacheHitRate: read("prefixCacheHitRate"),
  };
}
