import type { ReportBlock, ReportDocument, ReportSection, VegaLiteSpec } from "../report-document.js";
import type { ReportMeta } from "../report-meta.js";
import { isRecord, requireRecord, roundSignificant } from "./_shape.js";

interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Latency CDF points from the request log: metric is ttft | tpot | e2e, arm "all" or the log's arm. */
export interface SimCdfRow {
  readonly metric: string;
  readonly arm: string;
  readonly seconds: number;
  readonly probability: number;
}

/** Pool-level system series rows (src/sim/system-series.ts) from series.jsonl. */
export interface SimSeriesRow {
  readonly t_s: number;
  readonly pool: string;
  readonly queue_depth: number;
  readonly kv_utilization: number;
}

const metricTitles: Readonly<Record<string, string>> = { ttft: "TTFT", tpot: "TPOT", e2e: "end-to-end latency" };

/**
 * Report for `sim` (docs/design.md §4): headline metrics, latency CDFs of TTFT / TPOT / end-to-end (from the request log when the
 * run wrote one — per arm when it has arms — else from the summary's percentiles), queue depth and KV use over time
 * per pool (from series.jsonl), and the true global effect when the scenario has a counterfactual.
 */
export function buildSimReport(input: unknown, meta: ReportMeta): ReportDocument {
  const summary = requireRecord(isRecord(input) && "summary" in input ? input.summary : input, "sim summary", ["requests", "latencySeconds", "ttftSeconds", "tpotSeconds", "costPer1kSuccessful"]);
  const cdf = isRecord(input) && Array.isArray(input.cdf) ? (input.cdf as SimCdfRow[]) : null;
  const series = isRecord(input) && Array.isArray(input.series) ? (input.series as SimSeriesRow[]) : null;
  const counterfactual = isRecord(summary.counterfactual) ? summary.counterfactual : null;
  const unreadableLines = isRecord(input) && typeof input.unreadableLines === "number" ? input.unreadableLines : 0;
  const num = (field: string): number => Number(summary[field]);
  const headline: ReportBlock = {
    kind: "keyValues",
    entries: [
      ["requests", num("requests")],
      ["accepted (within SLO)", num("accepted")],
      ["dropped / rejected / failed", `${num("dropped")} / ${num("rejected")} / ${num("failed")}`],
      ["goodput (accepted requests / s)", roundSignificant(num("goodputPerSecond"))],
      ["SLO attainment", roundSignificant(num("sloAttainment"))],
      ["$ per 1K successful requests", roundSignificant(num("costPer1kSuccessful")) ?? "∞"],
      ["LCPR ($ per accepted request)", roundSignificant(num("lcpr")) ?? "∞"],
      ["prefix-cache hit rate", roundSignificant(num("prefixCacheHitRate"))],
      ["simulated seconds", roundSignificant(num("simulatedSeconds"))],
    ],
  };
  const sections: ReportSection[] = [
    {
      title: "Run",
      blocks: [
        ...(summary.interrupted === true ? [{ kind: "callout", tone: "warn", title: "Interrupted", text: "The run was stopped early; these figures cover the finished part only." } as const] : []),
        ...(unreadableLines > 0 ? [{ kind: "callout", tone: "warn", title: "Unreadable log lines", text: `${unreadableLines} line(s) of the run's log files are not valid JSON (e.g. a half-written last line of an interrupted run); the charts leave them out.` } as const] : []),
        headline,
      ],
    },
    { title: "Latency", blocks: latencyBlocks(summary, cdf) },
  ];
  if (series && series.length > 0) sections.push({ title: "Queue depth and KV use over time", blocks: seriesBlocks(series) });
  if (counterfactual && Array.isArray(counterfactual.trueGlobalEffect)) {
    const effects = counterfactual.trueGlobalEffect as { metric: string; a: number; b: number; difference: number; relative: number | null }[];
    sections.push({
      title: "True global effect (counterfactual run, same arrivals)",
      blocks: [{ kind: "table", columns: ["metric", "A", "B", "B − A", "relative"], rows: effects.map((effect) => [effect.metric, roundSignificant(effect.a), roundSignificant(effect.b), roundSignificant(effect.difference), effect.relative === null ? null : roundSignificant(effect.relative)]) }],
    });
  }
  sections.push({ title: "Evidence boundary", blocks: [{ kind: "paragraph", text: "Serving GPU time of the simulated replicas only (idle capacity included); no control plane, networking, storage or operator time." }] });
  return {
    title: "Fleet simulation",
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections,
  };
}

function latencyBlocks(summary: Record<string, unknown>, cdf: readonly SimCdfRow[] | null): ReportBlock[] {
  const percentiles = (field: string) => summary[field] as Percentiles;
  const fromSummary = cdf === null || cdf.length === 0;
  const rows: SimCdfRow[] = fromSummary
    ? (["ttft", "tpot", "e2e"] as const).flatMap((metric) => {
        const p = percentiles(metric === "e2e" ? "latencySeconds" : `${metric}Seconds`);
        return [
          [p.p50, 0.5],
          [p.p90, 0.9],
          [p.p95, 0.95],
          [p.p99, 0.99],
          [p.max, 1],
        ]
          .filter(([seconds]) => Number.isFinite(seconds))
          .map(([seconds, probability]) => ({ metric, arm: "all", seconds: seconds ?? 0, probability: probability ?? 0 }));
      })
    : [...cdf];
  const charts = latencyCdfCharts(rows, "arm", fromSummary ? "; drawn through the summary's p50, p90, p95, p99 and max (run with --out DIR for the full curve)" : "");
  const table: ReportBlock = {
    kind: "table",
    caption: "Latency percentiles (ms)",
    columns: ["metric", "p50", "p90", "p95", "p99", "max"],
    rows: (["ttftSeconds", "tpotSeconds", "latencySeconds"] as const).map((field) => {
      const p = percentiles(field);
      const ms = (seconds: number) => roundSignificant(seconds * 1000);
      return [field === "latencySeconds" ? "end-to-end" : field === "ttftSeconds" ? "TTFT" : "TPOT", ms(p.p50), ms(p.p90), ms(p.p95), ms(p.p99), ms(p.max)];
    }),
  };
  return [...charts, table];
}

/** TTFT / TPOT / end-to-end CDF charts, one line per group (`arm` of a sim log, load point of a bench log). */
export function latencyCdfCharts(rows: readonly SimCdfRow[], groupName: string, note = ""): ReportBlock[] {
  const groups = [...new Set(rows.map((row) => row.arm))];
  return (["ttft", "tpot", "e2e"] as const).map((metric) => ({
    kind: "chart",
    title: `${metricTitles[metric] ?? metric} CDF`,
    description: `Share of successful requests whose ${metricTitles[metric] ?? metric} is at most the value on the x axis${groups.length > 1 ? `, one line per ${groupName} (${groups.join(", ")})` : ""}${note}.`,
    spec: cdfSpec(rows.filter((row) => row.metric === metric).map((row) => ({ ...row, ms: roundSignificant(row.seconds * 1000), probability: roundSignificant(row.probability) })), groupName),
  }));
}

function cdfSpec(values: readonly Record<string, unknown>[], groupName: string): VegaLiteSpec {
  return {
    height: 220,
    data: { values },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
    encoding: {
      x: { field: "ms", type: "quantitative", title: "milliseconds" },
      y: { field: "probability", type: "quantitative", title: "share of requests ≤ x", scale: { domain: [0, 1] } },
      color: { field: "arm", type: "nominal", title: groupName },
    },
  };
}

/**
 * At most ~300 points per pool so a long run stays a light chart: consecutive intervals are bucketed and each bucket
 * shows its maximum queue depth and KV use at its first time, so a short spike is never sampled away.
 */
function seriesBlocks(series: readonly SimSeriesRow[]): ReportBlock[] {
  const pools = [...new Set(series.map((row) => row.pool))];
  const kept = pools.flatMap((pool) => {
    const rows = series.filter((row) => row.pool === pool);
    const stride = Math.max(1, Math.ceil(rows.length / 300));
    const buckets: SimSeriesRow[] = [];
    for (let start = 0; start < rows.length; start += stride) {
      const bucket = rows.slice(start, start + stride);
      const first = bucket[0];
      if (first === undefined) continue;
      buckets.push({ ...first, queue_depth: Math.max(...bucket.map((row) => row.queue_depth)), kv_utilization: Math.max(...bucket.map((row) => row.kv_utilization)) });
    }
    return buckets;
  });
  const values = kept.map((row) => ({ t: roundSignificant(row.t_s), pool: row.pool, queue: row.queue_depth, kv: roundSignificant(row.kv_utilization * 100) }));
  const chart = (field: string, title: string, axis: string, description: string): ReportBlock => ({
    kind: "chart",
    title,
    description,
    spec: {
      height: 200,
      data: { values },
      mark: { type: "line", strokeWidth: 1.5 },
      encoding: {
        x: { field: "t", type: "quantitative", title: "simulated time (s)" },
        y: { field, type: "quantitative", title: axis },
        color: { field: "pool", type: "nominal", title: "pool" },
      },
    },
  });
  return [
    chart("queue", "Queue depth over time", "waiting requests", `Requests waiting for admission in each pool (${pools.join(", ")}), sampled at the scenario's series interval.`),
    chart("kv", "KV cache use over time", "KV blocks in use (%)", "Share of each pool's KV blocks holding live sequences."),
  ];
}
