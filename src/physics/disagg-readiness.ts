import { GoodputError } from "../errors.js";

/**
 * Disaggregated prefill/decode readiness (docs/design.md §3.6).
 *
 * Splitting prefill and decode onto separate GPU pools (DistServe, Zhong et al., OSDI 2024;
 * Splitwise, Patel et al., ISCA 2024) removes prefill–decode interference at the price of a KV
 * transfer per request, two pools to size and autoscale, and a request that now crosses two hops.
 * Six gates decide whether that trade is worth making now. Every threshold is an input with a
 * documented default; the defaults are judgement calls, not measured constants.
 */
export interface DisaggReadinessInput {
  // Gate 1 — TTFT dominated by long-prompt prefill.
  /** Measured TTFT of the long-prompt class (e.g. its p50), seconds. */
  readonly longPromptTtftSeconds: number;
  /** Prefill compute time inside that TTFT (prompt processing only, no queueing), seconds. */
  readonly longPromptPrefillSeconds: number;
  /** Prefill share of TTFT at or above which TTFT counts as prefill-dominated (default 0.5). */
  readonly prefillShareThreshold?: number;
  /**
   * TTFT the long-prompt class loses to co-running decode batches, seconds — what a dedicated
   * prefill pool removes. Default: TTFT − prefill time, an upper bound (it also contains queueing
   * that a prefill pool does not necessarily remove).
   */
  readonly decodeInterferenceSeconds?: number;

  // Gate 2 — decode TPOT disturbed by prefill bursts.
  readonly tpotP50Seconds: number;
  readonly tpotP99Seconds: number;
  /** p99 / p50 TPOT at or above which decode counts as disturbed (default 1.5). */
  readonly tpotInflationThreshold?: number;
  /** Whether chunked prefill (the cheaper fix for the same interference) was tried first. */
  readonly chunkedPrefillTried: boolean;

  // Gate 3 — enough traffic to keep two pools utilized.
  readonly requestRatePerSecond: number;
  readonly promptTokensPerRequest: number;
  readonly outputTokensPerRequest: number;
  /** Sustained prefill throughput of one GPU at the served prompt length, prompt tokens/s. */
  readonly prefillTokensPerSecondPerGpu: number;
  /** Sustained aggregate decode throughput of one GPU at the SLO-feasible batch, output tokens/s. */
  readonly decodeTokensPerSecondPerGpu: number;
  /** Utilization each pool is sized for (default 0.7). */
  readonly targetUtilization?: number;

  // Gate 4 — KV transfer fits the TTFT budget.
  /** KV cache bytes handed from prefill to decode per request (prompt tokens × KV bytes/token). */
  readonly kvBytesPerRequest: number;
  /** Prefill→decode link bandwidth, bits per second (25 Gb/s = 25e9). */
  readonly linkBandwidthBitsPerSecond: number;
  /** Fixed per-transfer latency (connection setup, first byte), seconds (default 0). */
  readonly linkLatencySeconds?: number;
  readonly ttftSloSeconds: number;
  /** Share of the TTFT SLO the KV transfer may take (default 0.25). */
  readonly transferBudgetShare?: number;

  // Gates 5 and 6 — operations.
  /** Prefill and decode pools can scale independently (separate autoscaling signals). */
  readonly independentAutoscaling: boolean;
  /** A request can be traced across the prefill hop, the transfer and the decode hop. */
  readonly multiHopDebugging: boolean;
}

export type DisaggGateId = "prefill-dominated-ttft" | "decode-interference" | "traffic-for-two-pools" | "kv-transfer-fits" | "independent-autoscaling" | "multi-hop-debugging";

export interface DisaggGate {
  readonly id: DisaggGateId;
  readonly name: string;
  readonly passed: boolean;
  /** The number behind the gate (1 / 0 for the yes/no gates). */
  readonly value: number;
  readonly threshold: number;
  readonly unit: string;
  readonly explanation: string;
}

export type DisaggVerdict = "ready" | "not yet" | "not worth it";

export interface DisaggPoolSizing {
  /** Prefill GPUs the traffic keeps busy at the target utilization (fractional demand). */
  readonly prefillGpus: number;
  readonly decodeGpus: number;
  /** Whole GPUs to provision: ceil of the demand. */
  readonly prefillGpusRounded: number;
  readonly decodeGpusRounded: number;
  /** Prefill GPUs per decode GPU, from the fractional demand. */
  readonly prefillToDecodeRatio: number;
}

export interface DisaggTtftChange {
  /** TTFT removed by taking decode off the prefill GPUs, seconds (≥ 0). */
  readonly interferenceRemovedSeconds: number;
  /** TTFT added by the KV transfer, seconds (≥ 0). */
  readonly transferAddedSeconds: number;
  /** Added − removed: negative means TTFT improves. */
  readonly netSeconds: number;
  readonly expectedTtftSeconds: number;
}

export interface DisaggReadinessResult {
  readonly verdict: DisaggVerdict;
  /** Why the verdict came out as it did, one sentence per reason. */
  readonly reasons: readonly string[];
  readonly gates: readonly DisaggGate[];
  readonly failingGates: readonly DisaggGateId[];
  readonly ttftChange: DisaggTtftChange;
  /** KV transfer time per request: bytes × 8 ÷ link bits/s + link latency, seconds. */
  readonly transferOverheadSeconds: number;
  readonly poolSizing: DisaggPoolSizing;
  /** Thresholds and assumptions actually used. */
  readonly assumptions: readonly string[];
}

/** Documented defaults for the thresholds (judgement calls; override per workload). */
export const disaggDefaults = {
  prefillShareThreshold: 0.5,
  tpotInflationThreshold: 1.5,
  targetUtilization: 0.7,
  linkLatencySeconds: 0,
  transferBudgetShare: 0.25,
} as const;

/** Scores the six disaggregation gates (docs/design.md §3.6) and sizes the two pools. */
export function assessDisaggReadiness(input: DisaggReadinessInput): DisaggReadinessResult {
  validate(input);
  const prefillShareThreshold = input.prefillShareThreshold ?? disaggDefaults.prefillShareThreshold;
  const inflationThreshold = input.tpotInflationThreshold ?? disaggDefaults.tpotInflationThreshold;
  const utilization = input.targetUtilization ?? disaggDefaults.targetUtilization;
  const latencySeconds = input.linkLatencySeconds ?? disaggDefaults.linkLatencySeconds;
  const budgetShare = input.transferBudgetShare ?? disaggDefaults.transferBudgetShare;

  // Gate 1: share of TTFT a prefill pool acts on — prefill compute plus the measured decode
  // interference; the rest (TTFT − prefill − interference) is queueing it does not remove. The
  // TTFT credit below uses the same interference figure, so the gate and the credit agree.
  const interferenceSeconds = input.decodeInterferenceSeconds ?? 0;
  const addressedShare = (input.longPromptPrefillSeconds + interferenceSeconds) / input.longPromptTtftSeconds;
  const gate1: DisaggGate = {
    id: "prefill-dominated-ttft",
    name: "TTFT dominated by long-prompt prefill (and the decode interference it suffers)",
    passed: addressedShare >= prefillShareThreshold,
    value: addressedShare,
    threshold: prefillShareThreshold,
    unit: "share of TTFT",
    explanation:
      addressedShare >= prefillShareThreshold
        ? `Prefill${interferenceSeconds > 0 ? " plus decode interference" : ""} is ${pct(addressedShare)} of the long-prompt TTFT (≥ ${pct(prefillShareThreshold)}): a dedicated prefill pool attacks the dominant term.`
        : `Prefill${interferenceSeconds > 0 ? " plus decode interference" : ""} is only ${pct(addressedShare)} of the long-prompt TTFT (< ${pct(prefillShareThreshold)}): TTFT is dominated by queueing or other work, which a prefill pool does not fix${input.decodeInterferenceSeconds === undefined ? " (pass --interference-s if part of it is decode interference)" : ""}.`,
  };

  // Gate 2: p99/p50 TPOT inflation, and chunked prefill tried first.
  const inflation = input.tpotP99Seconds / input.tpotP50Seconds;
  const disturbed = inflation >= inflationThreshold;
  const gate2: DisaggGate = {
    id: "decode-interference",
    name: "Decode TPOT disturbed by prefill bursts (chunked prefill tried first)",
    passed: disturbed && input.chunkedPrefillTried,
    value: inflation,
    threshold: inflationThreshold,
    unit: "p99/p50 TPOT",
    explanation: !disturbed
      ? `p99 TPOT is ${fixed(inflation, 2)}× p50 (< ${fixed(inflationThreshold, 2)}×): decode is not visibly disturbed by prefill bursts.`
      : input.chunkedPrefillTried
        ? `p99 TPOT is ${fixed(inflation, 2)}× p50 (≥ ${fixed(inflationThreshold, 2)}×) even with chunked prefill: the interference needs separate pools.`
        : `p99 TPOT is ${fixed(inflation, 2)}× p50 (≥ ${fixed(inflationThreshold, 2)}×), but chunked prefill has not been tried: try chunked prefill first — it bounds the same interference without a second pool.`,
  };

  // Gate 3: GPUs each pool keeps busy at the target utilization (work rate ÷ usable capacity per GPU).
  const prefillGpus = (input.requestRatePerSecond * input.promptTokensPerRequest) / (input.prefillTokensPerSecondPerGpu * utilization);
  const decodeGpus = (input.requestRatePerSecond * input.outputTokensPerRequest) / (input.decodeTokensPerSecondPerGpu * utilization);
  const smallerPool = Math.min(prefillGpus, decodeGpus);
  const gate3: DisaggGate = {
    id: "traffic-for-two-pools",
    name: "Enough traffic to keep two pools utilized",
    passed: smallerPool >= 1,
    value: smallerPool,
    threshold: 1,
    unit: "GPUs (smaller pool)",
    explanation:
      `Traffic needs ${fixed(prefillGpus, 2)} prefill GPUs and ${fixed(decodeGpus, 2)} decode GPUs at ${pct(utilization)} utilization; ` +
      (smallerPool >= 1
        ? "both pools keep at least one GPU busy."
        : `the ${prefillGpus < decodeGpus ? "prefill" : "decode"} pool would not keep even one GPU busy — a split fleet idles.`),
  };

  // Gate 4: transfer time = bytes × 8 / (bits/s) + latency; e.g. 500 MB × 8 / 25 Gb/s = 0.16 s.
  const transferSeconds = (input.kvBytesPerRequest * 8) / input.linkBandwidthBitsPerSecond + latencySeconds;
  const transferBudgetSeconds = budgetShare * input.ttftSloSeconds;
  const gate4: DisaggGate = {
    id: "kv-transfer-fits",
    name: "KV transfer fits the TTFT budget",
    passed: transferSeconds <= transferBudgetSeconds,
    value: transferSeconds,
    threshold: transferBudgetSeconds,
    unit: "seconds",
    explanation:
      `Moving ${fixed(input.kvBytesPerRequest / 1e6, 1)} MB over ${fixed(input.linkBandwidthBitsPerSecond / 1e9, 2)} Gb/s takes ${ms(transferSeconds)} ms; ` +
      `the budget is ${pct(budgetShare)} of the ${ms(input.ttftSloSeconds)} ms TTFT SLO = ${ms(transferBudgetSeconds)} ms` +
      (transferSeconds <= transferBudgetSeconds ? "." : " — use a faster link (RDMA/NVLink), an FP8 KV cache, or layer-wise streaming."),
  };

  const gate5: DisaggGate = booleanGate(
    "independent-autoscaling",
    "Independent autoscaling of both pools",
    input.independentAutoscaling,
    "Prefill and decode pools scale on their own signals.",
    "The pools cannot scale independently: the prefill:decode ratio drifts with the prompt/output mix and one pool ends up the bottleneck.",
  );
  const gate6: DisaggGate = booleanGate(
    "multi-hop-debugging",
    "Multi-hop request debugging in place",
    input.multiHopDebugging,
    "A request can be traced across prefill, KV transfer and decode.",
    "No trace across prefill → transfer → decode: a slow or failed request cannot be attributed to a hop.",
  );
  const gates = [gate1, gate2, gate3, gate4, gate5, gate6];

  const interferenceRemovedSeconds = interferenceSeconds;
  const netSeconds = transferSeconds - interferenceRemovedSeconds;
  const ttftChange: DisaggTtftChange = {
    interferenceRemovedSeconds,
    transferAddedSeconds: transferSeconds,
    netSeconds,
    expectedTtftSeconds: input.longPromptTtftSeconds + netSeconds,
  };

  const poolSizing: DisaggPoolSizing = {
    prefillGpus,
    decodeGpus,
    prefillGpusRounded: Math.ceil(prefillGpus),
    decodeGpusRounded: Math.ceil(decodeGpus),
    prefillToDecodeRatio: prefillGpus / decodeGpus,
  };

  const failing = gates.filter((gate) => !gate.passed);
  const noProblem = !gate1.passed && !disturbed;
  const reasons: string[] = [];
  let verdict: DisaggVerdict;
  if (failing.length === 0) {
    verdict = "ready";
    reasons.push("All six gates pass.");
  } else if (noProblem || !gate3.passed) {
    verdict = "not worth it";
    if (noProblem) reasons.push("Neither problem disaggregation solves is present: TTFT is not prefill-dominated and decode TPOT is not disturbed.");
    if (!gate3.passed) reasons.push(gate3.explanation);
  } else {
    verdict = "not yet";
    reasons.push(...failing.map((gate) => `${gate.name}: ${gate.explanation}`));
  }
  if (netSeconds > 0) {
    reasons.push(`The KV transfer (${ms(transferSeconds)} ms) exceeds the interference removed (${ms(interferenceRemovedSeconds)} ms): TTFT gets ${ms(netSeconds)} ms worse.`);
  }

  const assumptions = [
    `prefill-share threshold ${prefillShareThreshold}, TPOT inflation threshold ${inflationThreshold}× (p99/p50), target utilization ${utilization}, transfer budget ${budgetShare} × TTFT SLO, link latency ${latencySeconds} s`,
    input.decodeInterferenceSeconds === undefined
      ? `no decode interference measured: none is credited, and the ${ms(input.longPromptTtftSeconds - input.longPromptPrefillSeconds)} ms of TTFT beyond prefill is taken as queueing a prefill pool does not remove (measure it and pass --interference-s)`
      : "interference removed as given; TTFT − prefill − interference is queueing a prefill pool does not remove",
    "transfer = KV bytes × 8 ÷ link bits/s + latency, not overlapped with prefill (layer-wise streaming would hide part of it)",
    "pool demand = token rate ÷ (per-GPU tokens/s × target utilization); per-GPU rates must be measured at the served prompt length and SLO-feasible decode batch",
  ];

  return { verdict, reasons, gates, failingGates: failing.map((gate) => gate.id), ttftChange, transferOverheadSeconds: transferSeconds, poolSizing, assumptions };
}

function booleanGate(id: DisaggGateId, name: string, passed: boolean, yes: string, no: string): DisaggGate {
  return { id, name, passed, value: passed ? 1 : 0, threshold: 1, unit: "yes=1/no=0", explanation: passed ? yes : no };
}

function validate(input: DisaggReadinessInput): void {
  const issues: string[] = [];
  const positive: [string, number][] = [
    ["longPromptTtftSeconds", input.longPromptTtftSeconds],
    ["tpotP50Seconds", input.tpotP50Seconds],
    ["tpotP99Seconds", input.tpotP99Seconds],
    ["requestRatePerSecond", input.requestRatePerSecond],
    ["promptTokensPerRequest", input.promptTokensPerRequest],
    ["outputTokensPerRequest", input.outputTokensPerRequest],
    ["prefillTokensPerSecondPerGpu", input.prefillTokensPerSecondPerGpu],
    ["decodeTokensPerSecondPerGpu", input.decodeTokensPerSecondPerGpu],
    ["linkBandwidthBitsPerSecond", input.linkBandwidthBitsPerSecond],
    ["ttftSloSeconds", input.ttftSloSeconds],
  ];
  const nonnegative: [string, number | undefined][] = [
    ["longPromptPrefillSeconds", input.longPromptPrefillSeconds],
    ["kvBytesPerRequest", input.kvBytesPerRequest],
    ["linkLatencySeconds", input.linkLatencySeconds],
    ["decodeInterferenceSeconds", input.decodeInterferenceSeconds],
    ["prefillShareThreshold", input.prefillShareThreshold],
    ["tpotInflationThreshold", input.tpotInflationThreshold],
  ];
  const shares: [string, number | undefined][] = [
    ["targetUtilization", input.targetUtilization],
    ["transferBudgetShare", input.transferBudgetShare],
  ];
  for (const [field, value] of positive) {
    if (!(Number.isFinite(value) && value > 0)) issues.push(`${field} is ${String(value)}; give a finite number greater than 0`);
  }
  for (const [field, value] of nonnegative) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) issues.push(`${field} is ${String(value)}; give a finite number of 0 or more`);
  }
  for (const [field, value] of shares) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0 && value <= 1)) issues.push(`${field} is ${String(value)}; give a share greater than 0 and at most 1`);
  }
  if (input.decodeInterferenceSeconds !== undefined && input.longPromptPrefillSeconds + input.decodeInterferenceSeconds > input.longPromptTtftSeconds * (1 + 1e-12)) {
    issues.push(`longPromptPrefillSeconds + decodeInterferenceSeconds (${input.longPromptPrefillSeconds} + ${input.decodeInterferenceSeconds}) exceeds longPromptTtftSeconds (${input.longPromptTtftSeconds}); both are parts of TTFT`);
  }
  if (input.longPromptPrefillSeconds > input.longPromptTtftSeconds) {
    issues.push(`longPromptPrefillSeconds (${input.longPromptPrefillSeconds}) exceeds longPromptTtftSeconds (${input.longPromptTtftSeconds}); prefill time is part of TTFT`);
  }
  if (input.tpotP99Seconds < input.tpotP50Seconds) {
    issues.push(`tpotP99Seconds (${input.tpotP99Seconds}) is below tpotP50Seconds (${input.tpotP50Seconds}); check the percentiles`);
  }
  if (issues.length > 0) {
    throw new GoodputError("BAD_INPUT", `Disaggregation readiness: ${issues.join("; ")}.`, { issues });
  }
}

const pct = (share: number): string => `${(share * 100).toFixed(0)} %`;
const fixed = (value: number, digits: number): string => value.toFixed(digits);
const ms = (seconds: number): string => (seconds * 1000).toFixed(1);
