import { redactUrl } from "../io/redact-url.js";
import { resolveEndpoints } from "./endpoints.js";
import { createPromptBuilder, promptTokenizerName } from "./exact-prompt.js";
import { openLoadOutput, type LoadOutput } from "./load-output.js";
import { startMetricsScraper, type MetricsScraper, type ScrapeReport } from "./metrics-scraper.js";
import type { LoadMode, LoadRun, StopReason } from "./run-load.js";
import { findMaxRate, runSweep, type MaxRateOptions, type RateProbe, type SweepBase } from "./run-sweep.js";
import { metricLegend, type LoadSummary } from "./summarize-load.js";

/** A whole `goodput bench` invocation: one run, a sweep, or an SLO-max-rate search. */
export interface BenchOptions extends SweepBase {
  readonly plan: { readonly kind: "points"; readonly modes: readonly LoadMode[] } | ({ readonly kind: "find-max-rate" } & MaxRateOptions);
  /** Write requests.jsonl, request-details.jsonl, server-metrics.jsonl and summary.json here. */
  readonly outDir?: string;
  /** Scrape the target's /metrics this often; 0 = do not scrape. */
  readonly metricsIntervalSeconds?: number;
  /** Wall-clock time (Unix ms) at the run's origin (arrival_s = 0): Date.now() in the shell, fixed in tests. */
  readonly startedAtUnixMs: number;
  /** The arm the run measures (`--arm`), written into every canonical record. */
  readonly arm?: string;
  /** GPU price per GPU-hour (USD) and GPUs behind the target: with both, each point states its cost. */
  readonly price?: BenchPrice;
  /** SLO attainment a point needs to count as meeting the SLO (`--slo-attainment`; the report's recommendation uses it). */
  readonly sloAttainmentTarget?: number;
}

/** What the target's GPUs cost: `--gpu-price` USD per GPU-hour × `--gpus`. */
export interface BenchPrice {
  readonly usdPerGpuHour: number;
  readonly gpus: number;
}

/** A point's cost; every figure is null when no price was given. */
export interface PointCost {
  /** usdPerGpuHour × gpus × durationSeconds / 3600: the GPUs held over the point's wall time, idle time included. */
  readonly usd: number | null;
  readonly usdPer1kSuccessful: number | null;
  /** Per 1,000 requests that met every SLO gate (null without an SLO or when none met it). */
  readonly usdPer1kWithinSlo: number | null;
  readonly usdPer1MOutputTokens: number | null;
}

/** Default SLO attainment a point must reach (and --find-max-rate searches for). */
export const defaultSloAttainment = 0.9;

/** The cost definition printed with every priced bench report. */
export const costDefinition = "cost = GPU price ($/GPU-hour) × GPUs × point duration (max end − min t0) / 3600 s: GPUs held for the point's wall time, idle included";

/** One point of the report. */
export interface BenchPoint {
  readonly label: string;
  /** The mode, with a trace's rows replaced by their count. */
  readonly mode: unknown;
  readonly stopReason: StopReason;
  readonly scheduled: number;
  readonly sent: number;
  readonly summary: LoadSummary;
  readonly cost: PointCost;
}

/** What summary.json and `--json` hold. */
export interface BenchReport {
  /** Unique per run: bench-<start time, UTC>-s<seed>. */
  readonly runId: string;
  /** Wall-clock start (ISO 8601, UTC) of the run's origin: a record's arrival_s is seconds after it (joins with Prometheus data). */
  readonly startedAt: string;
  /** The target as redactUrl prints it: no userinfo, credential query values replaced. */
  readonly target: string;
  readonly arm: string | null;
  readonly price: BenchPrice | null;
  /** null without a price. */
  readonly costDefinition: string | null;
  readonly sloAttainmentTarget: number;
  readonly api: string;
  readonly model: string;
  readonly tokenizer: string;
  readonly interrupted: boolean;
  readonly points: readonly BenchPoint[];
  readonly maxRate: { readonly maxRatePerSecond: number | null; readonly attainmentTarget: number; readonly probes: readonly RateProbe[] } | null;
  readonly serverMetrics: ScrapeReport;
  readonly legend: readonly string[];
  readonly files: readonly string[];
}

/** The run id of a bench run started at this wall-clock time: bench-20261202T133512Z-s1. */
export function benchRunId(startedAtUnixMs: number, seed: number): string {
  return `bench-${new Date(startedAtUnixMs).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-s${seed}`;
}

/** A point's cost at the stated price (see costDefinition); nulls without one. */
export function pointCost(summary: LoadSummary, price: BenchPrice | undefined): PointCost {
  if (price === undefined) return { usd: null, usdPer1kSuccessful: null, usdPer1kWithinSlo: null, usdPer1MOutputTokens: null };
  const usd = (price.usdPerGpuHour * price.gpus * summary.durationSeconds) / 3600;
  const withinSlo = summary.sloAttainment === null ? null : summary.goodputRequestsPerSecond * summary.durationSeconds;
  const per = (count: number | null, unit: number): number | null => (count === null || count <= 0 ? null : (usd / count) * unit);
  return { usd, usdPer1kSuccessful: per(summary.statuses.ok, 1000), usdPer1kWithinSlo: per(withinSlo === null ? null : Math.round(withinSlo), 1000), usdPer1MOutputTokens: per(summary.outputTokens.total, 1e6) };
}

/**
 * Runs the plan, streaming records (and server metrics) to `outDir` as they complete, and writes
 * summary.json at the end — also when interrupted, marked so, with every finished record kept.
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { now } = options;
  const sessionOriginMs = now();
  const api = options.api ?? "chat";
  const endpoints = resolveEndpoints(options.target, api);
  const output: LoadOutput | null = options.outDir === undefined ? null : openLoadOutput(options.outDir, now);
  const runId = benchRunId(options.startedAtUnixMs, options.seed ?? 1);
  // Written first, so a killed run still says when it started and what it measured.
  output?.writeRunMeta(_runMeta(options, runId, api));
  const recordContext = { runId, originMs: sessionOriginMs, slo: options.slo ?? {}, ...(options.arm === undefined ? {} : { arm: options.arm }) };
  const intervalSeconds = options.metricsIntervalSeconds ?? 1;
  const scraper: MetricsScraper | null =
    intervalSeconds > 0
      ? startMetricsScraper({
          url: endpoints.metricsUrl,
          intervalMs: intervalSeconds * 1000,
          now,
          headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
          onRow: (row) => output?.writeServerMetrics(row),
        })
      : null;
  const base: SweepBase = {
    ...options,
    promptBuilder: options.promptBuilder ?? (await createPromptBuilder(options.seed ?? 1)),
    onResult: (result) => {
      output?.writeResult(result, recordContext);
      options.onResult?.(result);
    },
    onProgress: (progress) => {
      output?.flush();
      options.onProgress?.(progress);
    },
  };
  const hooks = { onPointStart: (label: string) => scraper?.setLabel(label) };
  let runs: readonly LoadRun[] = [];
  let maxRate: BenchReport["maxRate"] = null;
  let scrape: ScrapeReport = { available: false, scrapes: 0, failures: 0, note: "not scraped (--metrics-interval 0)" };
  try {
    if (options.plan.kind === "points") {
      runs = await runSweep(base, options.plan.modes, hooks);
    } else {
      const search = await findMaxRate(base, options.plan, hooks);
      runs = search.runs;
      maxRate = { maxRatePerSecond: search.maxRatePerSecond, attainmentTarget: search.attainmentTarget, probes: search.probes };
    }
  } finally {
    if (scraper !== null) scrape = await scraper.stop();
    const report = _report(options, runId, api, runs, maxRate, scrape, output?.files ?? []);
    output?.finish(report);
  }
  return _report(options, runId, api, runs, maxRate, scrape, output?.files ?? []);
}

/** run.json: the run's identity and wall-clock origin, written before the first request. */
function _runMeta(options: BenchOptions, runId: string, api: string): Record<string, unknown> {
  return {
    runId,
    startedAt: new Date(options.startedAtUnixMs).toISOString(),
    startedAtUnixMs: options.startedAtUnixMs,
    timeOrigin: "arrival_s, dispatch_s, first_token_s and last_token_s in requests.jsonl are seconds after startedAt",
    target: redactUrl(options.target),
    api,
    model: options.model,
    arm: options.arm ?? null,
    seed: options.seed ?? 1,
    price: options.price ?? null,
  };
}

function _report(options: BenchOptions, runId: string, api: string, runs: readonly LoadRun[], maxRate: BenchReport["maxRate"], scrape: ScrapeReport, files: readonly string[]): BenchReport {
  return {
    runId,
    startedAt: new Date(options.startedAtUnixMs).toISOString(),
    target: redactUrl(options.target),
    arm: options.arm ?? null,
    price: options.price ?? null,
    costDefinition: options.price === undefined ? null : costDefinition,
    sloAttainmentTarget: options.sloAttainmentTarget ?? maxRate?.attainmentTarget ?? defaultSloAttainment,
    api,
    model: options.model,
    tokenizer: promptTokenizerName,
    interrupted: options.signal?.aborted === true || runs.some((run) => run.interrupted),
    points: runs.map((run) => ({ label: run.label, mode: _describeMode(run.mode), stopReason: run.stopReason, scheduled: run.scheduled, sent: run.sent, summary: run.summary, cost: pointCost(run.summary, options.price) })),
    maxRate,
    serverMetrics: scrape,
    legend: metricLegend,
    files,
  };
}

function _describeMode(mode: LoadMode): unknown {
  if (mode.kind === "open" && mode.arrivals.kind === "trace") return { ...mode, arrivals: { kind: "trace", entries: mode.arrivals.entries.length } };
  return mode;
}
