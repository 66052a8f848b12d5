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
}

/** One point of the report. */
export interface BenchPoint {
  readonly label: string;
  /** The mode, with a trace's rows replaced by their count. */
  readonly mode: unknown;
  readonly stopReason: StopReason;
  readonly scheduled: number;
  readonly sent: number;
  readonly summary: LoadSummary;
}

/** What summary.json and `--json` hold. */
export interface BenchReport {
  /** The target without any userinfo. */
  readonly target: string;
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

/** The target as printed and stored: credentials in the URL are dropped. */
export function displayTarget(target: string): string {
  try {
    const url = new URL(target);
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return target;
  }
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
  const runId = `bench-${options.seed ?? 1}`;
  const recordContext = { runId, originMs: sessionOriginMs, slo: options.slo ?? {} };
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
    const report = _report(options, api, runs, maxRate, scrape, output?.files ?? []);
    output?.finish(report);
  }
  return _report(options, api, runs, maxRate, scrape, output?.files ?? []);
}

function _report(options: BenchOptions, api: string, runs: readonly LoadRun[], maxRate: BenchReport["maxRate"], scrape: ScrapeReport, files: readonly string[]): BenchReport {
  return {
    target: displayTarget(options.target),
    api,
    model: options.model,
    tokenizer: promptTokenizerName,
    interrupted: options.signal?.aborted === true || runs.some((run) => run.interrupted),
    points: runs.map((run) => ({ label: run.label, mode: _describeMode(run.mode), stopReason: run.stopReason, scheduled: run.scheduled, sent: run.sent, summary: run.summary })),
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
