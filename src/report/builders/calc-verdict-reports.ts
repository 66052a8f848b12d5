import type { ReportBlock, ReportDocument, VegaLiteSpec } from "../report-document.js";
import type { ReportMeta } from "../report-meta.js";
import { buildCalcTableReport } from "./calc-table-report.js";
import { isRecord, roundSignificant } from "./_shape.js";

type Tone = "pass" | "warn" | "fail" | "info";

/** What each calculator's report leads with: the verdict, then one chart; every field follows as tables. */
interface VerdictParts {
  readonly tone: Tone;
  readonly title: string;
  readonly text: string;
  readonly chart: { readonly title: string; readonly description: string; readonly spec: VegaLiteSpec } | null;
}

function verdictReport(input: unknown, meta: ReportMeta, title: string, parts: VerdictParts): ReportDocument {
  const detail = buildCalcTableReport(input, meta, { title });
  const lead: ReportBlock[] = [{ kind: "callout", tone: parts.tone, title: parts.title, text: parts.text }];
  if (parts.chart) lead.push({ kind: "chart", ...parts.chart });
  return { ...detail, sections: [{ title: "Verdict", blocks: lead }, ...detail.sections] };
}

const num = (value: unknown): number => (typeof value === "number" ? value : Number.NaN);
const text = (value: unknown, fallback = "-"): string => (typeof value === "string" ? value : fallback);
const records = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isRecord) : []);
const bars = (values: readonly Record<string, unknown>[], x: string, y: string, color: string, xTitle: string, yTitle: string): VegaLiteSpec => ({
  data: { values: [...values] },
  mark: { type: "bar" },
  encoding: {
    x: { field: x, type: "nominal", title: xTitle, sort: null },
    xOffset: { field: color },
    y: { field: y, type: "quantitative", title: yTitle },
    color: { field: color, type: "nominal", title: null, legend: { orient: "top" } },
  },
});

/** `calc prefill`: what output tokens cost next to input tokens, and the lever that moves cost most. */
export function buildPrefillReport(input: unknown, meta: ReportMeta): ReportDocument {
  const points = records(input);
  const last = points.at(-1) ?? {};
  const limited = points.filter((point) => point.decodeBatchLimitedByKv === true).map((point) => String(point.prompt));
  return verdictReport(input, meta, "Prefill and decode economics", {
    tone: limited.length > 0 ? "warn" : "info",
    title: `Output tokens cost ${roundSignificant(num(last.outputToInputCostRatio))}× input tokens at ${String(last.prompt)}-token prompts; the biggest lever is ${String(last.biggestLever)}`,
    text: `Per request at each prompt length: prefill ${points.map((point) => `${String(point.prompt)} → ${roundSignificant(num(point.prefillSeconds) * 1000)} ms`).join(", ")}.${limited.length > 0 ? ` The decode batch was capped by KV at prompt length${limited.length > 1 ? "s" : ""} ${limited.join(", ")}.` : ""}`,
    chart: {
      title: "Cost per million tokens: input (prefill) vs output (decode)",
      description: `Dollars per million input and output tokens at each of ${points.length} prompt lengths.`,
      spec: bars(points.flatMap((point) => [{ prompt: String(point.prompt), usd: roundSignificant(num(point.inputCostUsdPerMTok)), kind: "input $/M" }, { prompt: String(point.prompt), usd: roundSignificant(num(point.outputCostUsdPerMTok)), kind: "output $/M" }]), "prompt", "usd", "kind", "prompt tokens", "$ per million tokens"),
    },
  });
}

/** `calc moe`: which resource limits decode, and the layout the weights need. */
export function buildMoeReport(input: unknown, meta: ReportMeta): ReportDocument {
  const result = isRecord(input) ? input : {};
  const rows = records(result.rows);
  const top = rows.at(-1) ?? {};
  const layout = isRecord(result.layout) ? result.layout : {};
  const fits = result.fitsOnGivenGpus !== false;
  return verdictReport(input, meta, "MoE topology", {
    tone: fits ? "info" : "fail",
    title: `${fits ? "" : "DOES NOT FIT — "}limited by ${String(top.limitedBy)} at batch ${String(top.batch)} on ${String(result.gpus)} GPUs`,
    text: `Residency needs at least ${String(result.gpusForResidency)} GPUs; deployable layout: ${text(layout.description)}.`,
    chart: {
      title: "Decode step time by resource, per batch size",
      description: `Memory, compute and all-to-all time of one decode step at each of ${rows.length} batch sizes; the largest bar is the limit.`,
      spec: bars(rows.flatMap((row) => [["memory", row.memorySeconds], ["compute", row.computeSeconds], ["all-to-all", row.communicationSeconds]].map(([kind, seconds]) => ({ batch: String(row.batch), ms: roundSignificant(num(seconds) * 1000), kind }))), "batch", "ms", "kind", "decode batch", "ms per step"),
    },
  });
}

/** `calc disagg`: the verdict, then the TTFT it expects before and after. */
export function buildDisaggReport(input: unknown, meta: ReportMeta): ReportDocument {
  const result = isRecord(input) ? input : {};
  const verdict = String(result.verdict);
  const change = isRecord(result.ttftChange) ? result.ttftChange : {};
  const inputs = isRecord(result.input) ? result.input : {};
  const reasons = Array.isArray(result.reasons) ? result.reasons.map(String) : [];
  return verdictReport(input, meta, "Disaggregated prefill/decode readiness", {
    tone: verdict === "ready" ? "pass" : verdict === "not yet" ? "warn" : "fail",
    title: `Disaggregation: ${verdict}`,
    text: reasons.join(" "),
    chart: {
      title: "Long-prompt TTFT now and with separate pools",
      description: "TTFT of the long-prompt class as measured, and as expected after removing the measured decode interference and adding the KV transfer.",
      spec: bars(
        [
          { when: "now", ms: roundSignificant(num(inputs.longPromptTtftSeconds) * 1000), part: "TTFT" },
          { when: "disaggregated", ms: roundSignificant(num(change.expectedTtftSeconds) * 1000), part: "TTFT" },
          { when: "disaggregated", ms: roundSignificant(num(change.transferAddedSeconds) * 1000), part: "of which KV transfer" },
        ],
        "when",
        "ms",
        "part",
        "",
        "TTFT (ms)",
      ),
    },
  });
}

/** `calc goodput`: records, a rate sweep or two routes — each leads with its decision. */
export function buildGoodputReport(input: unknown, meta: ReportMeta): ReportDocument {
  const result = isRecord(input) ? input : {};
  if (result.mode === "routes") {
    const routes = [result.a, result.b].filter(isRecord);
    return verdictReport(input, meta, "Goodput and LCPR", {
      tone: "pass",
      title: `Pick route ${String(routes[result.pick === "a" ? 0 : 1]?.name ?? result.pick)}`,
      text: String(result.reason),
      chart: {
        title: "Cost per accepted result vs cost per 1K successful, by route",
        description: "LCPR (all cost ÷ accepted results) is the decision metric; cost per successful request counts SLO misses and quality failures as useful.",
        spec: bars(routes.flatMap((route) => [{ route: String(route.name), usd: roundSignificant(num(route.lcprUsd) * 1000), metric: "$ per 1K accepted" }, { route: String(route.name), usd: roundSignificant(num(route.costPer1kSuccessfulUsd)), metric: "$ per 1K successful" }]), "route", "usd", "metric", "route", "USD"),
      },
    });
  }
  if (result.mode === "sweep") {
    const points = records(result.points);
    const recommended = isRecord(result.recommended) ? result.recommended : null;
    return verdictReport(input, meta, "Goodput and LCPR", {
      tone: recommended ? "pass" : "fail",
      title: recommended ? `Operating point: ${String(recommended.rateRps)} req/s` : "No load meets the attainment target",
      text: String(result.reason),
      chart: {
        title: "Goodput and SLO attainment by offered load",
        description: `Accepted requests per second and the share of attempts within the SLO at each of ${points.length} loads.`,
        spec: {
          data: { values: points.flatMap((point) => [{ rate: num(point.rateRps), value: roundSignificant(num(point.goodputRps)), series: "goodput (accepted/s)" }, { rate: num(point.rateRps), value: roundSignificant(num(point.sloAttainment) * 100), series: "attainment (%)" }]) },
          mark: { type: "line", point: true },
          encoding: { x: { field: "rate", type: "quantitative", title: "offered load (req/s)" }, y: { field: "value", type: "quantitative", title: null }, color: { field: "series", type: "nominal", title: null, legend: { orient: "top" } } },
        },
      },
    });
  }
  const meets = result.meetsTarget === true;
  return verdictReport(input, meta, "Goodput and LCPR", {
    tone: meets ? "pass" : "fail",
    title: `${String(result.accepted)} of ${String(result.attempts)} attempts accepted (${roundSignificant(num(result.sloAttainment) * 100)} % SLO attainment)${meets ? "" : " — below the target"}`,
    text: `Goodput ${roundSignificant(num(result.goodputRps))} accepted requests/s over ${roundSignificant(num(result.durationSeconds))} s.`,
    chart: {
      title: "Where the attempts went",
      description: "Attempts, successful requests and accepted results (within every SLO gate and the quality gate).",
      spec: bars([["attempts", result.attempts], ["successful", result.successful], ["accepted", result.accepted]].map(([stage, count]) => ({ stage, count: num(count), series: "requests" })), "stage", "count", "series", "", "requests"),
    },
  });
}

/** `calc locality`: the routing policy with the highest expected hit rate and what it saves. */
export function buildLocalityReport(input: unknown, meta: ReportMeta): ReportDocument {
  const result = isRecord(input) ? input : {};
  const policies = records(result.policies);
  const best = policies.reduce<Record<string, unknown> | null>((top, policy) => (top === null || num(policy.savingsUsdPerHour) > num(top.savingsUsdPerHour) ? policy : top), null);
  return verdictReport(input, meta, "Cache-locality routing", {
    tone: "info",
    title: best ? `${String(best.policy)} saves the most: ${roundSignificant(num(best.hitRate) * 100)} % hit rate, $${roundSignificant(num(best.savingsUsdPerHour))}/hour` : "No policy evaluated",
    text: best ? `Load imbalance ${roundSignificant(num(best.loadImbalanceFactor))}× the mean; ${text(best.note, "")}` : "",
    chart: {
      title: "Expected prefix-cache hit rate by routing policy",
      description: `Hit rate of each of ${policies.length} policies on ${String(result.replicas)} replicas.`,
      spec: bars(policies.map((policy) => ({ policy: String(policy.policy), hitRate: roundSignificant(num(policy.hitRate) * 100), series: "hit rate (%)" })), "policy", "hitRate", "series", "routing policy", "hit rate (%)"),
    },
  });
}
