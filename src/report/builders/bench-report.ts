import type { ReportBlock, ReportDocument, ReportSection } from "../report-document.js";
import type { ReportMeta } from "../report-meta.js";
import { isRecord, requireRecord, requireRecords, roundSignificant } from "./_shape.js";
import { latencyCdfCharts, type SimCdfRow } from "./sim-report.js";

interface SampleJson {
  readonly n: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
}

interface BenchPointJson {
  readonly label: string;
  readonly mode: unknown;
  readonly stopReason: string;
  readonly summary: {
    readonly requests: number;
    readonly statuses: { readonly ok: number; readonly error: number; readonly incomplete: number };
    readonly requestsPerSecond: number;
    readonly goodputRequestsPerSecond: number;
    readonly outputTokensPerSecond: number;
    readonly sloAttainment: number | null;
    readonly latencies: { readonly ttftMs: SampleJson; readonly tpotMs: SampleJson; readonly e2eMs: SampleJson };
    readonly warnings: readonly string[];
  };
}

/** SLO attainment a sweep point needs to be recommended when the report states none: bench's default `--slo-attainment`. */
export const recommendedAttainment = 0.9;

/** Offered load of a point: requests/s for open loop, requests in flight for closed loop. */
function offeredLoad(mode: unknown): { kind: "rate" | "concurrency"; value: number } | null {
  if (!isRecord(mode)) return null;
  if (mode.kind === "open" && typeof mode.ratePerSecond === "number") return { kind: "rate", value: mode.ratePerSecond };
  if (mode.kind === "closed" && typeof mode.concurrency === "number") return { kind: "concurrency", value: mode.concurrency };
  return null;
}

/**
 * The sweep point to run at: the highest goodput among points whose SLO attainment is at least the target (the run's
 * --slo-attainment); with no SLO set, the highest goodput (then it is plain throughput). Null when no point qualifies.
 */
export function recommendedPoint<T extends { readonly summary: { readonly goodputRequestsPerSecond: number; readonly sloAttainment: number | null } }>(points: readonly T[], attainmentTarget = recommendedAttainment): T | null {
  const eligible = points.filter((point) => point.summary.sloAttainment === null || point.summary.sloAttainment >= attainmentTarget);
  return eligible.reduce<T | null>((best, point) => (best === null || point.summary.goodputRequestsPerSecond > best.summary.goodputRequestsPerSecond ? point : best), null);
}

/** Report for `bench` (docs/design.md §6): goodput vs offered load with the recommended operating point, the SLO-max-rate search, latencies. */
export function buildBenchReport(input: unknown, meta: ReportMeta): ReportDocument {
  const report = requireRecord(input, "bench report", ["target", "model", "points"]);
  const points = requireRecords(report.points, "bench points", ["label", "mode", "summary"]) as unknown as BenchPointJson[];
  const maxRate = isRecord(report.maxRate) ? (report.maxRate as { maxRatePerSecond: number | null; attainmentTarget: number; probes: { ratePerSecond: number; sloAttainment: number; goodputRequestsPerSecond: number; passed: boolean }[] }) : null;
  const attainmentTarget = typeof report.sloAttainmentTarget === "number" ? report.sloAttainmentTarget : recommendedAttainment;
  const recommended = recommendedPoint(points, attainmentTarget);
  const loads = points.map((point) => offeredLoad(point.mode));
  const loadKind = loads.every((load) => load?.kind === "rate") ? "rate" : loads.every((load) => load?.kind === "concurrency") ? "concurrency" : null;
  const blocks: ReportBlock[] = [];
  if (report.interrupted === true) blocks.push({ kind: "callout", tone: "warn", title: "Interrupted", text: "The run was stopped early; figures cover finished requests only." });
  if (recommended) {
    const s = recommended.summary;
    blocks.push({
      kind: "callout",
      tone: "pass",
      title: `Recommended operating point: ${recommended.label}`,
      text: `${roundSignificant(s.goodputRequestsPerSecond)} good requests/s${s.sloAttainment === null ? " (no SLO set: highest throughput)" : ` at ${roundSignificant(s.sloAttainment * 100)} % SLO attainment — the highest goodput among points meeting the SLO for at least ${roundSignificant(attainmentTarget * 100)} % of requests`}.`,
    });
  } else if (points.some((point) => point.summary.sloAttainment !== null)) {
    blocks.push({ kind: "callout", tone: "fail", title: "No point meets the SLO", text: `No load point reached ${roundSignificant(attainmentTarget * 100)} % SLO attainment.` });
  }
  if (points.length > 1 && loadKind !== null) {
    const axis = loadKind === "rate" ? "offered rate (requests/s)" : "concurrency (requests in flight)";
    const values = points.flatMap((point, index) => {
      const load = loads[index]?.value ?? 0;
      const marker = point === recommended ? "recommended" : "";
      return [
        { load, perSecond: roundSignificant(point.summary.requestsPerSecond), series: "completed requests/s", marker },
        { load, perSecond: roundSignificant(point.summary.goodputRequestsPerSecond), series: "goodput (within SLO)/s", marker },
      ];
    });
    const recommendedLoad = recommended ? (loads[points.indexOf(recommended)]?.value ?? null) : null;
    blocks.push({
      kind: "chart",
      title: "Goodput vs offered load",
      description: `Completed and good (within-SLO) requests per second at each of ${points.length} load points${recommendedLoad === null ? "" : `; the dashed line marks the recommended operating point (${recommendedLoad})`}.`,
      spec: {
        layer: [
          {
            data: { values },
            mark: { type: "line", point: { filled: true, size: 60 }, strokeWidth: 2 },
            encoding: { x: { field: "load", type: "quantitative", title: axis }, y: { field: "perSecond", type: "quantitative", title: "requests / s" }, color: { field: "series", type: "nominal", title: null } },
          },
          ...(recommendedLoad === null ? [] : [{ data: { values: [{ load: recommendedLoad }] }, mark: { type: "rule", strokeDash: [6, 4], color: "#1a7f37", strokeWidth: 2 }, encoding: { x: { field: "load", type: "quantitative" } } }]),
        ],
      },
    });
  }
  if (maxRate && maxRate.probes.length > 0) {
    blocks.push({
      kind: "chart",
      title: "SLO-max-rate search",
      description: `Each probed rate's SLO attainment against the ${roundSignificant(maxRate.attainmentTarget * 100)} % target (red line)${maxRate.maxRatePerSecond === null ? "; no probed rate met it" : `; the highest passing rate is ${roundSignificant(maxRate.maxRatePerSecond)} requests/s`}.`,
      spec: {
        layer: [
          {
            data: { values: maxRate.probes.map((probe) => ({ rate: roundSignificant(probe.ratePerSecond), attainment: roundSignificant(probe.sloAttainment), passed: probe.passed ? "passed" : "failed" })) },
            mark: { type: "point", filled: true, size: 80 },
            encoding: { x: { field: "rate", type: "quantitative", title: "probed rate (requests/s)" }, y: { field: "attainment", type: "quantitative", title: "SLO attainment", scale: { domain: [0, 1] } }, color: { field: "passed", type: "nominal", title: null, scale: { domain: ["passed", "failed"], range: ["#1a7f37", "#c0262d"] } } },
          },
          { data: { values: [{ target: maxRate.attainmentTarget }] }, mark: { type: "rule", color: "#c0262d" }, encoding: { y: { field: "target", type: "quantitative" } } },
        ],
      },
    });
  }
  const ms = (sample: SampleJson, field: "p50" | "p90" | "p99") => (sample[field] === null ? null : roundSignificant(sample[field]));
  blocks.push({
    kind: "table",
    caption: "Load points",
    columns: ["point", "stop", "requests", "ok", "error", "incomplete", "req/s", "goodput req/s", "output tok/s", "SLO attainment", "TTFT p50 ms", "TTFT p99 ms", "TPOT p50 ms", "E2E p50 ms", "E2E p99 ms"],
    rows: points.map(({ label, stopReason, summary: s }) => [
      label, stopReason, s.requests, s.statuses.ok, s.statuses.error, s.statuses.incomplete,
      roundSignificant(s.requestsPerSecond), roundSignificant(s.goodputRequestsPerSecond), roundSignificant(s.outputTokensPerSecond),
      s.sloAttainment === null ? null : roundSignificant(s.sloAttainment),
      ms(s.latencies.ttftMs, "p50"), ms(s.latencies.ttftMs, "p99"), ms(s.latencies.tpotMs, "p50"), ms(s.latencies.e2eMs, "p50"), ms(s.latencies.e2eMs, "p99"),
    ]),
  });
  const warnings = points.flatMap((point) => point.summary.warnings.map((warning) => `${point.label}: ${warning}`));
  const sections: ReportSection[] = [{ title: "Load test", blocks }];
  const cdf = Array.isArray(report.cdf) ? (report.cdf as SimCdfRow[]) : [];
  if (cdf.length > 0) sections.push({ title: "Latency distributions", blocks: latencyCdfCharts(cdf, "load point", " (from the run's request log)") });
  if (warnings.length > 0) sections.push({ title: "Warnings", blocks: [{ kind: "list", items: warnings }] });
  if (Array.isArray(report.legend)) sections.push({ title: "Definitions", blocks: [{ kind: "list", items: report.legend.map(String) }] });
  return {
    title: "Endpoint load test",
    subtitle: `${String(report.target)} — model ${String(report.model)}`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections,
  };
}
