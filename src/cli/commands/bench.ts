import { join, resolve } from "node:path";
import { GoodputError } from "../../errors.js";
import { redactUrl } from "../../io/redact-url.js";
import { readApiKey } from "../../loadgen/api-key.js";
import { probeTarget } from "../../loadgen/discover-model.js";
import { resolveEndpoints, type LoadApi } from "../../loadgen/endpoints.js";
import type { SampleSummary } from "../../loadgen/percentiles.js";
import { formatProgressLine } from "../../loadgen/progress-line.js";
import { benchRunId, runBench, type BenchReport } from "../../loadgen/run-bench.js";
import { labHome } from "../../store/calibration-store.js";
import type { CommandSpec } from "../command.js";
import { fixed, formatTable } from "../format-table.js";
import { requiredString, stringOption } from "../parse-values.js";
import { loadSimReportInput } from "../sim-report-input.js";
import { maxSessionTurns } from "../../loadgen/session-spec.js";
import { benchArrivals, benchFlagBounds, benchPlan, benchPrice, benchSessions, benchSlo, boundedOption, checkWarmupLeavesRequests, sloAttainmentOf, wholeNonnegative } from "./bench-options.js";
import { benchRunDir, saveBenchRun } from "./bench-store.js";

const _ms = (value: number | null): string => (value === null ? "-" : value.toFixed(1));

function _latencyRows(summary: BenchReport["points"][number]["summary"]): string[][] {
  const rows: [string, SampleSummary][] = [
    ["TTFT", summary.latencies.ttftMs],
    ["TTFB", summary.latencies.ttfbMs],
    ["TPOT", summary.latencies.tpotMs],
    ["ITL", summary.latencies.itlMs],
    ["E2E", summary.latencies.e2eMs],
    ["stream close", summary.latencies.closeMs],
    ["TTFT from intended", summary.latencies.ttftFromIntendedMs],
    ["E2E from intended", summary.latencies.e2eFromIntendedMs],
    ["client lag", summary.latencies.clientLagMs],
  ];
  return rows.map(([name, s]) => [name, String(s.n), _ms(s.mean), _ms(s.p50), _ms(s.p90), _ms(s.p95), _ms(s.p99), _ms(s.max)]);
}

/** The human-readable report: a table per point, the legend, warnings and files. */
export function formatBenchReport(report: BenchReport): string {
  const lines = [
    `goodput bench → ${report.target} (${report.api}, model ${report.model}${report.arm === null ? "" : `, arm ${report.arm}`})${report.interrupted ? " — INTERRUPTED, partial result" : ""}`,
    `run ${report.runId}, started ${report.startedAt} (arrival_s 0)`,
    "",
  ];
  lines.push(
    formatTable(
      ["point", "stop", "n", "ok", "error", "dropped", "incompl", "dur s", "req/s", "tok/s", "goodput req/s", "goodput tok/s", "SLO attain", "warm-up n"],
      report.points.map(({ label, stopReason, summary: s }) => [
        label, stopReason, String(s.requests), String(s.statuses.ok), String(s.statuses.error), String(s.statuses.dropped), String(s.statuses.incomplete),
        fixed(s.durationSeconds, 2), fixed(s.requestsPerSecond, 2), fixed(s.outputTokensPerSecond, 1), fixed(s.goodputRequestsPerSecond, 2), fixed(s.goodputTokensPerSecond, 1),
        s.sloAttainment === null ? "-" : `${fixed(s.sloAttainment * 100, 1)} %`, String(s.warmup.requests),
      ]),
    ),
  );
  for (const point of report.points) {
    lines.push(`${point.label} latency (ms; successful measured requests, client lag over all):`, formatTable(["metric", "n", "mean", "p50", "p90", "p95", "p99", "max"], _latencyRows(point.summary)));
    const failures = Object.entries(point.summary.failureKinds);
    if (failures.length > 0) lines.push(`failures: ${failures.map(([kind, count]) => `${kind} ${count}`).join(", ")}`, "");
    const sessions = point.summary.sessions;
    if (sessions !== null) {
      lines.push(
        `${point.label} sessions: ${sessions.started} started, ${sessions.completed} completed, ${sessions.ended} ended early; by turn (TTFT ms of successful measured turns; prompt tokens: client count vs server usage):`,
        formatTable(
          ["turn", "n", "ok", "TTFT p50", "TTFT p90", "prompt tok", "usage prompt tok", "cached tok"],
          sessions.byTurn.map((turn) => [String(turn.turn), String(turn.requests), String(turn.ok), _ms(turn.ttftMs.p50), _ms(turn.ttftMs.p90), _ms(turn.meanPromptTokens), turn.reported === 0 ? "-" : _ms(turn.meanReportedPromptTokens), _ms(turn.meanCachedPromptTokens)]),
        ),
      );
    }
    for (const warning of point.summary.warnings) lines.push(`warning: ${warning}`);
  }
  if (report.maxRate) {
    lines.push(
      `SLO-max-rate search (attainment ≥ ${fixed(report.maxRate.attainmentTarget * 100, 1)} %): ${report.maxRate.maxRatePerSecond === null ? "no probed rate met the SLO" : `${fixed(report.maxRate.maxRatePerSecond, 3)} req/s`}`,
      formatTable(
        ["rate/s", "n", "held s", "attain", "goodput req/s", "latency growth ms", "steady", "passed"],
        report.maxRate.probes.map((probe) => [fixed(probe.ratePerSecond, 3), String(probe.requests), fixed(probe.durationSeconds, 1), `${fixed(probe.sloAttainment * 100, 1)} %`, fixed(probe.goodputRequestsPerSecond, 2), fixed(probe.latencyGrowthMs, 1), probe.steady ? "yes" : "no", probe.passed ? "yes" : "no"]),
      ),
    );
  }
  if (report.price !== null) {
    const money = (usd: number | null): string => (usd === null ? "-" : `$${usd.toPrecision(3)}`);
    lines.push(
      `cost at $${report.price.usdPerGpuHour}/GPU-hour × ${report.price.gpus} GPUs (${report.costDefinition ?? ""}):`,
      formatTable(["point", "cost", "$/1K ok", "$/1K within SLO", "$/1M output tok"], report.points.map((point) => [point.label, money(point.cost.usd), money(point.cost.usdPer1kSuccessful), money(point.cost.usdPer1kWithinSlo), money(point.cost.usdPer1MOutputTokens)])),
    );
  }
  lines.push("Definitions:", ...report.legend.map((line) => `  ${line}`));
  lines.push(report.serverMetrics.available ? `server metrics: ${report.serverMetrics.scrapes} scrapes of /metrics` : `server metrics: ${report.serverMetrics.note ?? "none"}`);
  if (report.files.length > 0) lines.push(`Wrote ${report.files.join(", ")}`);
  lines.push("");
  return lines.join("\n");
}

/** Why the run is a failure (exit 1): no point measured anything, or no measured request succeeded; null otherwise. */
function _nothingSucceeded(report: BenchReport): string | null {
  const measured = report.points.reduce((sum, point) => sum + point.summary.requests, 0);
  const ok = report.points.reduce((sum, point) => sum + point.summary.statuses.ok, 0);
  if (measured === 0) return "no request was measured (every request sent was warm-up, or none was sent); nothing to report.";
  if (ok > 0) return null;
  const kinds = new Map<string, number>();
  for (const point of report.points) for (const [kind, count] of Object.entries(point.summary.failureKinds)) kinds.set(kind, (kinds.get(kind) ?? 0) + count);
  return `none of the ${measured} measured requests succeeded (${[...kinds].map(([kind, count]) => `${kind} ${count}`).join(", ")}); see the failures above.`;
}

/** `goodput bench`: drive a real OpenAI-compatible endpoint and report docs/design.md §6 metrics. */
export const benchCommand: CommandSpec = {
  name: "bench",
  summary: "Load-test an OpenAI-compatible endpoint: open/closed loop, sweeps, SLO goodput",
  description:
    "Streams requests to the target you name (docs/design.md §6). Open loop (--rate) sends on a precomputed absolute schedule\n" +
    "independent of responses and reports client lag and latency from the intended send time; closed loop\n" +
    "(--concurrency) keeps C requests in flight. Prompts have an exact o200k_base token length; max_tokens with\n" +
    "ignore_eos. With --out DIR, requests.jsonl (canonical records), request-details.jsonl and server-metrics.jsonl\n" +
    "stream as requests complete, then summary.json. API key from GOODPUT_API_KEY or OPENAI_API_KEY (never written).\n" +
    "Ctrl-C or SIGTERM stops scheduling, gives in-flight requests 1 s, cancels the rest (incomplete) and keeps a partial\n" +
    "result marked interrupted. run.json (run id, wall-clock start startedAt = arrival_s 0, target, arm) is written first.\n" +
    "Before sending, GET /v1/models checks the target answers. Exit 1 when no measured request succeeded.\n" +
    "SLO gates count TTFT and E2E from the intended send time (client lag included: no coordinated omission).\n" +
    "HTTP 503 is recorded as dropped (shed by the server's queue). Impossible usage counts (negative, above\n" +
    "max_tokens) make a request error:bad-usage. With --gpu-price and --gpus each point has a cost (price × GPUs ×\n" +
    "point duration, idle included) and the run is stored in the lab store (files under GOODPUT_HOME/bench/RUN\n" +
    "without --out). Count flags are bounded (e.g. --requests ≤ 10,000,000, --prompt-tokens ≤ 2,000,000,\n" +
    "--timeout ≤ 86,400 s); larger values exit 2. Progress (n of N, ETA) is shown only when stderr is a terminal.\n" +
    "Multi-turn sessions (--sessions TURNS or LOW-HIGH, drawn per session from --seed): each arrival (or free slot\n" +
    "with --concurrency) starts a session; each follow-up is sent --think-seconds (exponential mean, seeded) after the\n" +
    "previous response completes, carrying the conversation so far (earlier user messages and the replies actually\n" +
    "streamed, then a new --prompt-tokens user message; completions: previous prompt + completion + new prompt).\n" +
    "Starts stay open loop, follow-ups are closed loop within a session. --requests counts turns; --duration stops new\n" +
    "sessions and follow-ups; a failed turn ends its session. Each turn is a record (session_id s<first request id>;\n" +
    "turn in request-details.jsonl); the summary gives sessions started/completed and TTFT and prompt tokens by turn.\n" +
    `Upper bounds: ${Object.entries(benchFlagBounds).map(([name, max]) => `--${name} ${max.toLocaleString("en-US")}`).join(", ")}; --sessions ${maxSessionTurns} turns.`,
  options: {
    target: { type: "string", valueName: "URL", description: "Server root or /v1 base, e.g. http://127.0.0.1:8000" },
    api: { type: "string", valueName: "chat|completions", description: "API to drive (default chat)" },
    model: { type: "string", valueName: "NAME", description: "Model name (default: the first of GET /v1/models)" },
    rate: { type: "string", valueName: "R", description: "Open loop: requests per second" },
    concurrency: { type: "string", valueName: "C", description: "Closed loop: requests in flight" },
    arrivals: { type: "string", valueName: "PROCESS", description: "constant | poisson (default) | gamma:SHAPE | ramp:FROM-TO | onoff:ON_RATE,OFF_RATE,ON_S,OFF_S | diurnal:MEAN,AMPLITUDE,PERIOD_S[,PHASE_S] | trace:FILE" },
    "trace-format": { type: "string", valueName: "F", description: "trace:FILE is a production trace: mooncake or azure-2023 (timestamps and lengths)" },
    "trace-speed": { type: "string", valueName: "X", description: "Replay the trace X× faster (with --trace-format)" },
    "trace-window": { type: "string", valueName: "A-B", description: "Replay seconds A to B of trace time (with --trace-format)" },
    requests: { type: "string", valueName: "N", description: "Measured requests per point (default 100 without --duration)" },
    duration: { type: "string", valueName: "S", description: "Stop scheduling after S seconds" },
    "max-error-rate": { type: "string", valueName: "X", description: "Stop when the failed share exceeds X (after 10 requests)" },
    warmup: { type: "string", valueName: "N", description: "First N requests are warm-up, reported separately (default 0)" },
    "prompt-tokens": { type: "string", valueName: "N", description: "Prompt tokens per request, after any shared prefix (default 128)" },
    "output-tokens": { type: "string", valueName: "N", description: "max_tokens per request (default 64)" },
    "prefix-groups": { type: "string", valueName: "K", description: "Shared-prefix groups (with --prefix-tokens)" },
    "prefix-tokens": { type: "string", valueName: "N", description: "Tokens of each group's shared prefix" },
    "sweep-rates": { type: "string", valueName: "LIST", description: "Open-loop sweep, e.g. 1,2,4,8" },
    "sweep-concurrency": { type: "string", valueName: "LIST", description: "Closed-loop sweep, e.g. 1,4,16" },
    "slo-ttft": { type: "string", valueName: "S", description: "SLO gate on TTFT (seconds)" },
    "slo-tpot": { type: "string", valueName: "S", description: "SLO gate on TPOT (seconds)" },
    "slo-e2e": { type: "string", valueName: "S", description: "SLO gate on E2E (seconds)" },
    "slo-attainment": { type: "string", valueName: "X", description: "Share that must meet the SLO: recommended point and --find-max-rate (default 0.9)" },
    "min-probe-seconds": { type: "string", valueName: "S", description: "--find-max-rate: hold each probe at least S seconds (default 30)" },
    "find-max-rate": { type: "boolean", description: "Search the highest rate meeting the SLO (doubling from --rate, then bisection)" },
    timeout: { type: "string", valueName: "S", description: "Per-request timeout in seconds (default 60)" },
    "metrics-interval": { type: "string", valueName: "S", description: "Scrape the target's /metrics every S seconds (default 1; 0 = off)" },
    sessions: { type: "string", valueName: "TURNS", description: "Multi-turn sessions of TURNS (≥ 2) or LOW-HIGH turns, e.g. 3 or 2-6" },
    "think-seconds": { type: "string", valueName: "S", description: "Mean think time (exponential) before each follow-up turn (default 0)" },
    "no-ignore-eos": { type: "boolean", description: "Do not send ignore_eos (servers that reject it)" },
    out: { type: "string", valueName: "DIR", description: "Write records, server metrics and summary.json here" },
    seed: { type: "string", valueName: "S", description: "Random seed for arrivals and prompts (default 1)" },
    arm: { type: "string", valueName: "NAME", description: "Arm this run measures, written in every record's arm column (readout reads two labelled logs)" },
    "gpu-price": { type: "string", valueName: "USD", description: "Price per GPU-hour of the target's GPUs (with --gpus): cost per point; the run is stored in the lab" },
    gpus: { type: "string", valueName: "N", description: "GPUs behind the target (with --gpu-price)" },
  },
  examples: [
    "goodput bench --target http://127.0.0.1:8000 --rate 4 --requests 200 --slo-ttft 0.5 --out runs/b1",
    "goodput bench --target http://127.0.0.1:8000 --sweep-concurrency 1,4,16 --duration 30 --json",
    "goodput bench --target http://127.0.0.1:8000 --rate 1 --sessions 2-6 --think-seconds 3 --prompt-tokens 200 --requests 300",
    "goodput bench --target http://127.0.0.1:8000 --find-max-rate --rate 2 --slo-ttft 0.5 --slo-tpot 0.05 --requests 200",
  ],
  async run(context) {
    const { values } = context;
    const target = requiredString(values, "target", "http://127.0.0.1:8000");
    const apiText = stringOption(values, "api") ?? "chat";
    if (apiText !== "chat" && apiText !== "completions") throw new GoodputError("BAD_INPUT", `--api: "${apiText}" is not chat or completions; for example --api completions.`, { where: "--api" });
    const api: LoadApi = apiText;
    const endpoints = resolveEndpoints(target, api);
    const arrivals = benchArrivals(context);
    const plan = benchPlan(context, arrivals);
    const slo = benchSlo(context);
    const sessions = benchSessions(values);
    const price = benchPrice(values);
    const requests = boundedOption(values, "requests", "positive-int", "200");
    const durationSeconds = boundedOption(values, "duration", "positive", "60");
    const maxErrorRate = boundedOption(values, "max-error-rate", "probability", "0.1");
    const warmup = wholeNonnegative(values, "warmup", "10");
    checkWarmupLeavesRequests(plan, warmup, requests, durationSeconds);
    const promptTokens = boundedOption(values, "prompt-tokens", "positive-int", "512");
    const outputTokens = boundedOption(values, "output-tokens", "positive-int", "128");
    const prefixGroups = boundedOption(values, "prefix-groups", "positive-int", "8");
    const prefixTokens = boundedOption(values, "prefix-tokens", "positive-int", "1024");
    if ((prefixGroups === undefined) !== (prefixTokens === undefined)) {
      const missing = prefixGroups === undefined ? "prefix-groups" : "prefix-tokens";
      throw new GoodputError("BAD_USAGE", `Shared prefixes need both --prefix-groups and --prefix-tokens; add --${missing}, e.g. --prefix-groups 8 --prefix-tokens 1024.`, { where: `--${missing}` });
    }
    const timeoutSeconds = boundedOption(values, "timeout", "positive", "60");
    const metricsIntervalSeconds = boundedOption(values, "metrics-interval", "nonnegative", "1");
    const seed = wholeNonnegative(values, "seed", "1");
    const arm = stringOption(values, "arm");
    if (arm !== undefined && arm.trim() === "") throw new GoodputError("BAD_INPUT", `--arm: give a non-empty arm name, e.g. --arm control.`, { where: "--arm" });
    const apiKey = readApiKey(context.env);
    const authHeaders: Record<string, string> = apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
    // Readiness check: nothing is sent (and nothing stored) when the target does not answer.
    const probe = await probeTarget(endpoints.modelsUrl, authHeaders, 5000, apiKey);
    if (probe.kind === "unreachable") {
      throw new GoodputError("BAD_INPUT", `--target ${redactUrl(target)}: nothing answers at ${redactUrl(endpoints.modelsUrl)} (${probe.message}); start the server or fix the URL.`, { where: "--target" });
    }
    const model = stringOption(values, "model") ?? (probe.kind === "model" ? probe.model : null);
    if (model === null) {
      throw new GoodputError("BAD_USAGE", `No --model given and ${redactUrl(endpoints.modelsUrl)} lists no model (HTTP ${probe.kind === "no-model" ? probe.httpStatus : 200}); pass --model NAME.`, { where: "--model" });
    }
    const startedAtUnixMs = Date.now();
    const home = labHome(context.cwd, context.env);
    const seedValue = seed ?? 1;
    // A priced run is stored in the lab; without --out its files go under the lab home.
    const outDirText = stringOption(values, "out");
    const outDir = outDirText !== undefined ? resolve(context.cwd, outDirText) : price !== undefined ? benchRunDir(home, benchRunId(startedAtUnixMs, seedValue)) : undefined;
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => (): void => {
      context.io.stderr(`\n${signal === "SIGTERM" ? "terminated" : "interrupt"}: stopping the schedule; in-flight requests get 1 s, then are cancelled (recorded incomplete); the partial summary is kept\n`);
      controller.abort();
    };
    const handlers = { SIGINT: onSignal("SIGINT"), SIGTERM: onSignal("SIGTERM") } as const;
    process.once("SIGINT", handlers.SIGINT);
    process.once("SIGTERM", handlers.SIGTERM);
    // Progress only where a person watches: one rewritten line on a terminal, nothing in logs and pipes.
    const tty = process.stderr.isTTY;
    try {
      const report = await runBench({
        target,
        api,
        model,
        plan,
        slo,
        startedAtUnixMs,
        sloAttainmentTarget: sloAttainmentOf(values),
        ignoreEos: values["no-ignore-eos"] !== true,
        now: () => performance.now(),
        signal: controller.signal,
        ...(tty ? { onProgress: (progress: Parameters<typeof formatProgressLine>[0]) => {
              context.io.stderr(`\r${formatProgressLine(progress)}\u001b[K`);
            } } : {}),
        ...(requests !== undefined ? { requests } : {}),
        ...(durationSeconds !== undefined ? { durationSeconds } : {}),
        ...(maxErrorRate !== undefined ? { maxErrorRate } : {}),
        ...(warmup !== undefined ? { warmup } : {}),
        ...(promptTokens !== undefined ? { promptTokens } : {}),
        ...(outputTokens !== undefined ? { outputTokens } : {}),
        ...(prefixGroups !== undefined && prefixTokens !== undefined ? { prefix: { groups: prefixGroups, tokens: prefixTokens } } : {}),
        ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
        ...(metricsIntervalSeconds !== undefined ? { metricsIntervalSeconds } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(sessions !== undefined ? { sessions } : {}),
        ...(apiKey !== undefined ? { apiKey } : {}),
        ...(arm !== undefined ? { arm } : {}),
        ...(price !== undefined ? { price } : {}),
        ...(outDir !== undefined ? { outDir } : {}),
      });
      if (tty) context.io.stderr("\n");
      let stored: string | null = null;
      if (price !== undefined && outDir !== undefined) {
        const config = { target: report.target, api, model, plan: report.points.map((point) => point.mode), slo, requests: requests ?? null, durationSeconds: durationSeconds ?? null, warmup: warmup ?? 0, promptTokens: promptTokens ?? 128, outputTokens: outputTokens ?? 64, seed: seedValue, arm: arm ?? null, price };
        await saveBenchRun(home, report, config, (Date.now() - startedAtUnixMs) / 1000, join(outDir, "requests.jsonl"));
        stored = report.runId;
      }
      // With --out, the report draws full latency CDFs per load point from requests.jsonl (profile = the point's label).
      const reportInput = context.values.report === undefined || outDir === undefined ? undefined : { ...report, cdf: (await loadSimReportInput(null, [join(outDir, "requests.jsonl")], "profile")).cdf };
      const failed = _nothingSucceeded(report);
      if (failed !== null) context.io.stderr(`error: ${failed}\n`);
      return {
        json: report,
        text: formatBenchReport(report) + (stored === null ? "" : `Stored in the lab as run ${stored} (goodput report ${stored}; the viewer lists it)\n`),
        ...(reportInput === undefined ? {} : { reportInput }),
        ...(failed === null ? {} : { exitCode: 1 }),
      };
    } finally {
      process.removeListener("SIGINT", handlers.SIGINT);
      process.removeListener("SIGTERM", handlers.SIGTERM);
    }
  },
};
