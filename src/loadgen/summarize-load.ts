import type { LoadResult } from "./load-result.js";
import { summarizeSamples, type SampleSummary } from "./percentiles.js";
import { computeRequestMetrics, hasSlo, meetsSlo, type SloGates } from "./request-metrics.js";
import { summarizeSessions, type SessionSummary } from "./summarize-sessions.js";

/** Latency distributions in milliseconds, each with its n. */
export interface LoadLatencies {
  readonly ttftMs: SampleSummary;
  readonly ttfbMs: SampleSummary;
  readonly tpotMs: SampleSummary;
  readonly itlMs: SampleSummary;
  readonly e2eMs: SampleSummary;
  readonly closeMs: SampleSummary;
  readonly ttftFromIntendedMs: SampleSummary;
  readonly e2eFromIntendedMs: SampleSummary;
  /** t0 − t_sched over every measured request, whatever its status. */
  readonly clientLagMs: SampleSummary;
}

export interface StatusCounts {
  readonly ok: number;
  readonly error: number;
  readonly incomplete: number;
  /** HTTP 503: shed by the server's queue (the simulator's "dropped"). */
  readonly dropped: number;
}

/** The summary of one run (or sweep point) per docs/design.md §6. */
export interface LoadSummary {
  readonly label: string;
  /** Measured requests (warm-up excluded). */
  readonly requests: number;
  readonly statuses: StatusCounts;
  /** "error:http", "incomplete:timeout", … → count. */
  readonly failureKinds: Readonly<Record<string, number>>;
  readonly httpStatuses: Readonly<Record<string, number>>;
  /** max(end) − min(start) over measured requests. */
  readonly durationSeconds: number;
  /** Successful requests per second. */
  readonly requestsPerSecond: number;
  /** Σ N_out(successful) / duration. */
  readonly outputTokensPerSecond: number;
  /** Requests meeting all SLO gates / duration (successful requests when no gate is set). */
  readonly goodputRequestsPerSecond: number;
  /** Σ N_out of requests meeting all SLO gates / duration. */
  readonly goodputTokensPerSecond: number;
  /** Share of measured requests meeting all SLO gates; null when no gate is set. */
  readonly sloAttainment: number | null;
  readonly latencies: LoadLatencies;
  readonly outputTokens: { readonly total: number; readonly fromUsage: number; readonly fromTokenizer: number; readonly missedTarget: number };
  readonly warmup: { readonly requests: number; readonly statuses: StatusCounts; readonly ttftMs: SampleSummary; readonly e2eMs: SampleSummary };
  readonly warnings: readonly string[];
  /** Multi-turn sessions (--sessions): started/completed and per-turn TTFT and prompt tokens; null without sessions. */
  readonly sessions: SessionSummary | null;
}

function _counts(results: readonly LoadResult[]): StatusCounts {
  let ok = 0;
  let error = 0;
  let incomplete = 0;
  let dropped = 0;
  for (const result of results) {
    if (result.outcome.status === "ok") ok++;
    else if (result.outcome.status === "error") error++;
    else if (result.outcome.status === "dropped") dropped++;
    else incomplete++;
  }
  return { ok, error, incomplete, dropped };
}

/** Summarizes results (pure): throughput, goodput, SLO attainment and latency distributions. */
export function summarizeLoad(results: readonly LoadResult[], options: { readonly slo?: SloGates; readonly label?: string } = {}): LoadSummary {
  const slo = options.slo ?? {};
  const measured = results.filter((result) => !result.warmup);
  const warmup = results.filter((result) => result.warmup);
  let startMs = Infinity;
  let endMs = -Infinity;
  let okTokens = 0;
  let goodRequests = 0;
  let goodTokens = 0;
  let fromUsage = 0;
  let fromTokenizer = 0;
  let missedTarget = 0;
  const failureKinds: Record<string, number> = {};
  const httpStatuses: Record<string, number> = {};
  const ttft: number[] = [];
  const ttfb: number[] = [];
  const tpot: number[] = [];
  const itl: number[] = [];
  const e2e: number[] = [];
  const close: number[] = [];
  const ttftIntended: number[] = [];
  const e2eIntended: number[] = [];
  const lag: number[] = [];
  for (const result of measured) {
    const metrics = computeRequestMetrics(result);
    startMs = Math.min(startMs, result.sentMs);
    endMs = Math.max(endMs, result.endMs);
    lag.push(metrics.clientLagMs);
    if (result.httpStatus !== null) httpStatuses[String(result.httpStatus)] = (httpStatuses[String(result.httpStatus)] ?? 0) + 1;
    if (result.outcome.status !== "ok") {
      const key = `${result.outcome.status}:${result.outcome.kind}`;
      failureKinds[key] = (failureKinds[key] ?? 0) + 1;
      continue;
    }
    okTokens += result.outputTokens;
    if (result.outputTokenSource === "usage") fromUsage++;
    else if (result.outputTokenSource === "tokenizer") fromTokenizer++;
    if (result.outputTokens !== result.maxOutputTokens) missedTarget++;
    if (meetsSlo(result, metrics, slo)) {
      goodRequests++;
      goodTokens += result.outputTokens;
    }
    if (metrics.ttftMs !== null) ttft.push(metrics.ttftMs);
    if (metrics.ttfbMs !== null) ttfb.push(metrics.ttfbMs);
    if (metrics.tpotMs !== null) tpot.push(metrics.tpotMs);
    if (metrics.e2eMs !== null) e2e.push(metrics.e2eMs);
    if (metrics.ttftFromIntendedMs !== null) ttftIntended.push(metrics.ttftFromIntendedMs);
    if (metrics.e2eFromIntendedMs !== null) e2eIntended.push(metrics.e2eFromIntendedMs);
    close.push(metrics.closeMs);
    for (const gap of result.itlMs) itl.push(gap);
  }
  const durationSeconds = measured.length === 0 ? 0 : Math.max(0, endMs - startMs) / 1000;
  const perSecond = (count: number): number => (durationSeconds > 0 ? count / durationSeconds : 0);
  const statuses = _counts(measured);
  const lagSummary = summarizeSamples(lag);
  const warnings: string[] = [];
  if (measured.length === 0 && warmup.length > 0) warnings.push(`all ${warmup.length} requests sent were warm-up: nothing was measured (n = 0); lower --warmup or send more (--requests, --duration).`);
  if (missedTarget > 0) warnings.push(`${missedTarget} of ${statuses.ok} successful requests returned an output token count other than the target (max_tokens); the server may not honour ignore_eos.`);
  if (fromTokenizer > 0) warnings.push(`${fromTokenizer} successful requests had no usage in the stream; their output tokens were counted with the client tokenizer (o200k_base), which may differ from the server's.`);
  if ((lagSummary.p99 ?? 0) > 10) warnings.push(`client lag p99 is ${(lagSummary.p99 ?? 0).toFixed(1)} ms: the generator could not keep the schedule; latency from the intended send time includes it.`);
  return {
    label: options.label ?? "",
    requests: measured.length,
    statuses,
    failureKinds,
    httpStatuses,
    durationSeconds,
    requestsPerSecond: perSecond(statuses.ok),
    outputTokensPerSecond: perSecond(okTokens),
    goodputRequestsPerSecond: perSecond(goodRequests),
    goodputTokensPerSecond: perSecond(goodTokens),
    sloAttainment: hasSlo(slo) ? (measured.length === 0 ? 0 : goodRequests / measured.length) : null,
    latencies: {
      ttftMs: summarizeSamples(ttft),
      ttfbMs: summarizeSamples(ttfb),
      tpotMs: summarizeSamples(tpot),
      itlMs: summarizeSamples(itl),
      e2eMs: summarizeSamples(e2e),
      closeMs: summarizeSamples(close),
      ttftFromIntendedMs: summarizeSamples(ttftIntended),
      e2eFromIntendedMs: summarizeSamples(e2eIntended),
      clientLagMs: lagSummary,
    },
    outputTokens: { total: okTokens, fromUsage, fromTokenizer, missedTarget },
    warmup: {
      requests: warmup.length,
      statuses: _counts(warmup),
      ttftMs: summarizeSamples(warmup.flatMap((result) => (result.outcome.status === "ok" ? [computeRequestMetrics(result).ttftMs ?? NaN] : []))),
      e2eMs: summarizeSamples(warmup.flatMap((result) => (result.outcome.status === "ok" ? [computeRequestMetrics(result).e2eMs ?? NaN] : []))),
    },
    warnings,
    sessions: summarizeSessions(results),
  };
}

/** One-line definitions of every metric, printed under the summary (docs/design.md §6). */
export const metricLegend: readonly string[] = [
  "t_sched = intended send time (open loop schedule); t0 = actual send time (monotonic clock); client lag = t0 − t_sched",
  "TTFB = first response body byte − t0; TTFT = first SSE event with non-empty content/reasoning/tool-call delta − t0 (role-only chunks do not count)",
  "E2E = last content-bearing event − t0; close = stream close − t0; '… from intended' = same event − t_sched",
  "TPOT = (E2E − TTFT)/(N_out − 1), undefined when N_out ≤ 1; ITL = gaps between consecutive content events (chunk gaps)",
  "duration = max(end) − min(t0); throughput = Σ N_out(successful)/duration; goodput = requests meeting all SLO gates/duration (tokens: their Σ N_out/duration)",
  "SLO gates: TTFT and E2E from t_sched (the intended send, so client lag counts against the SLO: no coordinated omission), TPOT as above",
  "status: ok (success) / error (non-2xx, transport, error JSON in stream, no content) / incomplete (timeout, cancelled, no finish_reason)",
  "percentiles by linear interpolation (type 7), over successful measured requests, printed with n; warm-up requests reported separately",
  "sessions: each turn is a request; a follow-up's t_sched = previous turn's stream close + think time; prompt tokens = the whole conversation (client: o200k_base count of the message texts; usage: the server's, chat template included)",
];
