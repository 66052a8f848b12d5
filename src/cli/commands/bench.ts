import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { GoodputError } from "../../errors.js";
import { readApiKey } from "../../loadgen/api-key.js";
import { parseArrivalFlag, parseTraceText, type ArrivalSpec } from "../../loadgen/arrival-spec.js";
import { traceFormats, type TraceFormat } from "../../sim/workload/trace-parse.js";
import { parseTraceWindow, traceArrivals } from "../../sim/workload/trace-replay.js";
import { readTraceFile } from "../read-trace-file.js";
import { discoverModel } from "../../loadgen/discover-model.js";
import { resolveEndpoints, type LoadApi } from "../../loadgen/endpoints.js";
import type { SampleSummary } from "../../loadgen/percentiles.js";
import type { SloGates } from "../../loadgen/request-metrics.js";
import { displayTarget, runBench, type BenchOptions, type BenchReport } from "../../loadgen/run-bench.js";
import type { LoadMode, LoadProgress } from "../../loadgen/run-load.js";
import { parseSessionsFlag, type SessionSpec } from "../../loadgen/session-spec.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { fixed, formatTable } from "../format-table.js";
import { numberListOption, numberOption, requiredString, stringOption } from "../parse-values.js";
import { loadSimReportInput } from "../sim-report-input.js";

const numberRule = { rule: "positive", example: "4" } as const;

function _exclusive(values: CommandContext["values"], names: readonly string[]): void {
  const given = names.filter((name) => values[name] !== undefined && values[name] !== false);
  if (given.length > 1) {
    throw new GoodputError("BAD_USAGE", `--${given[0] ?? ""} and --${given[1] ?? ""} cannot be combined; pick one of ${names.map((name) => `--${name}`).join(", ")}.`, { where: `--${given[1] ?? ""}` });
  }
}

function _wholeNonnegative(values: CommandContext["values"], name: string, example: string): number | undefined {
  const value = numberOption(values, name, { rule: "nonnegative", example });
  if (value !== undefined && !Number.isInteger(value)) throw new GoodputError("BAD_INPUT", `--${name}: "${String(values[name])}" is not a whole number of 0 or more; for example --${name} ${example}.`, { where: `--${name}` });
  return value;
}

function _arrivals(context: CommandContext): ArrivalSpec {
  const flag = parseArrivalFlag(stringOption(context.values, "arrivals") ?? "poisson");
  const format = stringOption(context.values, "trace-format");
  const speedFlag = numberOption(context.values, "trace-speed", { rule: "positive", example: "10" });
  const windowFlag = stringOption(context.values, "trace-window");
  if (flag.kind !== "trace" && (format ?? speedFlag ?? windowFlag) !== undefined) throw new GoodputError("BAD_USAGE", "--trace-format, --trace-speed and --trace-window go with --arrivals trace:FILE.", { where: "--trace-format" });
  if (flag.kind !== "trace") return flag;
  const path = resolve(context.cwd, flag.path);
  if (format !== undefined) {
    if (!(traceFormats as readonly string[]).includes(format)) throw new GoodputError("BAD_USAGE", `--trace-format: "${format}" is not a known trace format; use ${traceFormats.join(" or ")}.`, { where: "--trace-format" });
    // Production traces (Mooncake, Azure 2023): their timestamps and lengths, sped up and windowed.
    const trace = readTraceFile(path, format as TraceFormat);
    const window = windowFlag === undefined ? null : parseTraceWindow(windowFlag, "--trace-window");
    const entries = traceArrivals(trace, { speed: speedFlag ?? 1, window });
    if (entries.length === 0) throw new GoodputError("BAD_USAGE", `--trace-window ${windowFlag ?? ""}: no request of ${flag.path} arrives in that window.`, { where: "--trace-window" });
    return { kind: "trace", entries };
  }
  if ((speedFlag ?? windowFlag) !== undefined) throw new GoodputError("BAD_USAGE", "--trace-speed and --trace-window need --trace-format (mooncake or azure-2023).", { where: "--trace-format" });
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new GoodputError("FILE_NOT_FOUND", `--arrivals: trace file "${flag.path}" cannot be read; give a file with one arrival time (s) per line or JSON lines with arrival_s.`, { where: "--arrivals" });
  }
  return { kind: "trace", entries: parseTraceText(text, flag.path) };
}

function _slo(context: CommandContext): SloGates {
  const read = (name: string): number | undefined => numberOption(context.values, name, { rule: "positive", example: "0.5" });
  return { ttftSeconds: read("slo-ttft"), tpotSeconds: read("slo-tpot"), e2eSeconds: read("slo-e2e") };
}

function _plan(context: CommandContext, arrivals: ArrivalSpec): BenchOptions["plan"] {
  const { values } = context;
  _exclusive(values, ["rate", "concurrency", "sweep-rates", "sweep-concurrency"]);
  _exclusive(values, ["concurrency", "sweep-concurrency", "find-max-rate"]);
  _exclusive(values, ["sweep-rates", "find-max-rate"]);
  const rate = numberOption(values, "rate", numberRule);
  const concurrency = numberOption(values, "concurrency", { rule: "positive-int", example: "8" });
  const sweepRates = numberListOption(values, "sweep-rates", { rule: "positive", example: "1,2,4,8" });
  const sweepConcurrency = numberListOption(values, "sweep-concurrency", { rule: "positive-int", example: "1,4,16" });
  const open = (ratePerSecond: number): LoadMode => ({ kind: "open", ratePerSecond, arrivals });
  if (values["find-max-rate"] === true) {
    if (arrivals.kind === "trace" || arrivals.kind === "ramp") throw new GoodputError("BAD_USAGE", `--find-max-rate scales a rate; use --arrivals constant, poisson or gamma:SHAPE, not ${arrivals.kind}.`, { where: "--arrivals" });
    const attainmentTarget = numberOption(values, "slo-attainment", { rule: "probability", example: "0.9" }) ?? 0.9;
    return { kind: "find-max-rate", arrivals, startRatePerSecond: rate ?? 1, attainmentTarget };
  }
  if (sweepRates) return { kind: "points", modes: sweepRates.map(open) };
  if (sweepConcurrency) return { kind: "points", modes: sweepConcurrency.map((count) => ({ kind: "closed", concurrency: count })) };
  if (concurrency !== undefined) return { kind: "points", modes: [{ kind: "closed", concurrency }] };
  if (rate !== undefined || arrivals.kind === "trace" || arrivals.kind === "ramp") return { kind: "points", modes: [open(rate ?? 1)] };
  throw new GoodputError("BAD_USAGE", "Missing the load: set --rate R (open loop, requests/s) or --concurrency C (closed loop), or a sweep; for example --rate 4.", { where: "--rate" });
}

function _sessions(values: CommandContext["values"]): SessionSpec | undefined {
  const text = stringOption(values, "sessions");
  const thinkSeconds = numberOption(values, "think-seconds", { rule: "nonnegative", example: "5" });
  if (text === undefined) {
    if (thinkSeconds !== undefined) throw new GoodputError("BAD_USAGE", `--think-seconds ${thinkSeconds} needs --sessions TURNS; for example --sessions 3 --think-seconds ${thinkSeconds}.`, { where: "--think-seconds" });
    return undefined;
  }
  return { ...parseSessionsFlag(text), thinkSeconds: thinkSeconds ?? 0 };
}

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
  const lines = [`goodput bench → ${report.target} (${report.api}, model ${report.model})${report.interrupted ? " — INTERRUPTED, partial result" : ""}`, ""];
  lines.push(
    formatTable(
      ["point", "stop", "n", "ok", "error", "incompl", "dur s", "req/s", "tok/s", "goodput req/s", "goodput tok/s", "SLO attain", "warm-up n"],
      report.points.map(({ label, stopReason, summary: s }) => [
        label, stopReason, String(s.requests), String(s.statuses.ok), String(s.statuses.error), String(s.statuses.incomplete),
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
      formatTable(["rate/s", "attain", "goodput req/s", "passed"], report.maxRate.probes.map((probe) => [fixed(probe.ratePerSecond, 3), `${fixed(probe.sloAttainment * 100, 1)} %`, fixed(probe.goodputRequestsPerSecond, 2), probe.passed ? "yes" : "no"])),
    );
  }
  lines.push("Definitions:", ...report.legend.map((line) => `  ${line}`));
  lines.push(report.serverMetrics.available ? `server metrics: ${report.serverMetrics.scrapes} scrapes of /metrics` : `server metrics: ${report.serverMetrics.note ?? "none"}`);
  if (report.files.length > 0) lines.push(`Wrote ${report.files.join(", ")}`);
  lines.push("");
  return lines.join("\n");
}

const _progressLine = (progress: LoadProgress): string =>
  `${progress.label ? `[${progress.label}] ` : ""}${progress.elapsedSeconds.toFixed(1)} s  sent ${progress.sent}  done ${progress.finished} (ok ${progress.ok}, error ${progress.error}, incomplete ${progress.incomplete})  in flight ${progress.inFlight}  max lag ${progress.maxLagMs.toFixed(1)} ms\n`;

/** `goodput bench`: drive a real OpenAI-compatible endpoint and report SPEC §6 metrics. */
export const benchCommand: CommandSpec = {
  name: "bench",
  summary: "Load-test an OpenAI-compatible endpoint: open/closed loop, sweeps, SLO goodput",
  description:
    "Streams requests to the target you name (SPEC §6). Open loop (--rate) sends on a precomputed absolute schedule\n" +
    "independent of responses and reports client lag and latency from the intended send time; closed loop\n" +
    "(--concurrency) keeps C requests in flight. Prompts have an exact o200k_base token length; max_tokens with\n" +
    "ignore_eos. With --out DIR, requests.jsonl (canonical records), request-details.jsonl and server-metrics.jsonl\n" +
    "stream as requests complete, then summary.json. API key from GOODPUT_API_KEY or OPENAI_API_KEY (never written).\n" +
    "Ctrl-C stops scheduling, gives in-flight requests 1 s, cancels the rest (incomplete) and keeps a partial result.\n" +
    "Multi-turn sessions (--sessions TURNS or LOW-HIGH, drawn per session from --seed): each arrival (or free slot\n" +
    "with --concurrency) starts a session; each follow-up is sent --think-seconds (exponential mean, seeded) after the\n" +
    "previous response completes, carrying the conversation so far (earlier user messages and the replies actually\n" +
    "streamed, then a new --prompt-tokens user message; completions: previous prompt + completion + new prompt).\n" +
    "Starts stay open loop, follow-ups are closed loop within a session. --requests counts turns; --duration stops new\n" +
    "sessions and follow-ups; a failed turn ends its session. Each turn is a record (session_id s<first request id>;\n" +
    "turn in request-details.jsonl); the summary gives sessions started/completed and TTFT and prompt tokens by turn.",
  options: {
    target: { type: "string", valueName: "URL", description: "Server root or /v1 base, e.g. http://127.0.0.1:8000" },
    api: { type: "string", valueName: "chat|completions", description: "API to drive (default chat)" },
    model: { type: "string", valueName: "NAME", description: "Model name (default: the first of GET /v1/models)" },
    rate: { type: "string", valueName: "R", description: "Open loop: requests per second" },
    concurrency: { type: "string", valueName: "C", description: "Closed loop: requests in flight" },
    arrivals: { type: "string", valueName: "PROCESS", description: "constant | poisson (default) | gamma:SHAPE | ramp:FROM-TO | trace:FILE" },
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
    "slo-attainment": { type: "string", valueName: "X", description: "Share meeting the SLO for --find-max-rate (default 0.9)" },
    "find-max-rate": { type: "boolean", description: "Search the highest rate meeting the SLO (doubling from --rate, then bisection)" },
    timeout: { type: "string", valueName: "S", description: "Per-request timeout in seconds (default 60)" },
    "metrics-interval": { type: "string", valueName: "S", description: "Scrape the target's /metrics every S seconds (default 1; 0 = off)" },
    sessions: { type: "string", valueName: "TURNS", description: "Multi-turn sessions of TURNS (≥ 2) or LOW-HIGH turns, e.g. 3 or 2-6" },
    "think-seconds": { type: "string", valueName: "S", description: "Mean think time (exponential) before each follow-up turn (default 0)" },
    "no-ignore-eos": { type: "boolean", description: "Do not send ignore_eos (servers that reject it)" },
    out: { type: "string", valueName: "DIR", description: "Write records, server metrics and summary.json here" },
    seed: { type: "string", valueName: "S", description: "Random seed for arrivals and prompts (default 1)" },
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
    const arrivals = _arrivals(context);
    const plan = _plan(context, arrivals);
    const slo = _slo(context);
    const sessions = _sessions(values);
    const requests = numberOption(values, "requests", { rule: "positive-int", example: "200" });
    const durationSeconds = numberOption(values, "duration", { rule: "positive", example: "60" });
    const maxErrorRate = numberOption(values, "max-error-rate", { rule: "probability", example: "0.1" });
    const warmup = _wholeNonnegative(values, "warmup", "10");
    const promptTokens = numberOption(values, "prompt-tokens", { rule: "positive-int", example: "512" });
    const outputTokens = numberOption(values, "output-tokens", { rule: "positive-int", example: "128" });
    const prefixGroups = numberOption(values, "prefix-groups", { rule: "positive-int", example: "8" });
    const prefixTokens = numberOption(values, "prefix-tokens", { rule: "positive-int", example: "1024" });
    if ((prefixGroups === undefined) !== (prefixTokens === undefined)) {
      const missing = prefixGroups === undefined ? "prefix-groups" : "prefix-tokens";
      throw new GoodputError("BAD_USAGE", `Shared prefixes need both --prefix-groups and --prefix-tokens; add --${missing}, e.g. --prefix-groups 8 --prefix-tokens 1024.`, { where: `--${missing}` });
    }
    const timeoutSeconds = numberOption(values, "timeout", { rule: "positive", example: "60" });
    const metricsIntervalSeconds = numberOption(values, "metrics-interval", { rule: "nonnegative", example: "1" });
    const seed = _wholeNonnegative(values, "seed", "1");
    const outDir = stringOption(values, "out");
    const apiKey = readApiKey(context.env);
    const authHeaders: Record<string, string> = apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
    const model = stringOption(values, "model") ?? (await discoverModel(endpoints.modelsUrl, authHeaders));
    if (model === null) {
      throw new GoodputError("BAD_USAGE", `No --model given and ${displayTarget(endpoints.modelsUrl)} lists none; pass --model NAME.`, { where: "--model" });
    }
    const controller = new AbortController();
    const onSigint = (): void => {
      context.io.stderr("\ninterrupt: stopping the schedule; in-flight requests get 1 s, then are cancelled (recorded incomplete)\n");
      controller.abort();
    };
    process.once("SIGINT", onSigint);
    try {
      const report = await runBench({
        target,
        api,
        model,
        plan,
        slo,
        ignoreEos: values["no-ignore-eos"] !== true,
        now: () => performance.now(),
        signal: controller.signal,
        onProgress: (progress) => {
          context.io.stderr(_progressLine(progress));
        },
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
        ...(outDir !== undefined ? { outDir: resolve(context.cwd, outDir) } : {}),
      });
      // With --out, the report draws full latency CDFs per load point from requests.jsonl (profile = the point's label).
      const reportInput = context.values.report === undefined || outDir === undefined ? undefined : { ...report, cdf: (await loadSimReportInput(null, [join(resolve(context.cwd, outDir), "requests.jsonl")], "profile")).cdf };
      return { json: report, text: formatBenchReport(report), ...(reportInput === undefined ? {} : { reportInput }) };
    } finally {
      process.removeListener("SIGINT", onSigint);
    }
  },
};
