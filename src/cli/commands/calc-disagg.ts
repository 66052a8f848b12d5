import { assessDisaggReadiness, disaggDefaults, type DisaggReadinessInput } from "../../physics/disagg-readiness.js";
import type { CommandSpec, OptionValues } from "../command.js";
import { fixed, formatTable } from "../format-table.js";
import { numberOption } from "../parse-values.js";
import { refuseRenamedFlag } from "./calc-renamed-flags.js";

type Rule = "positive" | "nonnegative" | "probability" | "positive-int";

/**
 * Flags with their defaults. The measurement defaults describe one illustrative workload — a 4,000-token
 * prompt on Llama-3-8B-class KV (131,072 B/token in BF16 ≈ 524 MB, rounded to the 500 MB example of docs/design.md §3.6)
 * over a 25 Gb/s link — so the command runs out of the box; replace them with your own measurements.
 */
const numericFlags = {
  "ttft-s": { rule: "positive", fallback: 0.8, valueName: "S", description: "Measured TTFT of the long-prompt class, seconds (default 0.8)" },
  "prefill-s": { rule: "nonnegative", fallback: 0.5, valueName: "S", description: "Prefill compute time inside that TTFT, seconds (default 0.5)" },
  "interference-s": { rule: "nonnegative", fallback: undefined, valueName: "S", description: "TTFT lost to co-running decode, seconds (default: none credited; the rest of TTFT − prefill is queueing)" },
  "prefill-share-threshold": { rule: "probability", fallback: disaggDefaults.prefillShareThreshold, valueName: "P", description: `Prefill share of TTFT that counts as dominated (default ${disaggDefaults.prefillShareThreshold})` },
  "tpot-p50-s": { rule: "positive", fallback: 0.025, valueName: "S", description: "Decode TPOT p50, seconds (default 0.025)" },
  "tpot-p99-s": { rule: "positive", fallback: 0.06, valueName: "S", description: "Decode TPOT p99, seconds (default 0.06)" },
  "tpot-inflation-threshold": { rule: "positive", fallback: disaggDefaults.tpotInflationThreshold, valueName: "X", description: `p99/p50 TPOT that counts as disturbed (default ${disaggDefaults.tpotInflationThreshold})` },
  "rate-rps": { rule: "positive", fallback: 10, valueName: "RPS", description: "Request rate, requests/s (default 10)" },
  "prompt-tokens": { rule: "positive", fallback: 4000, valueName: "TOKENS", description: "Mean prompt tokens per request (default 4000)" },
  "output-tokens": { rule: "positive", fallback: 300, valueName: "TOKENS", description: "Mean output tokens per request (default 300)" },
  "prefill-tok-s-per-gpu": { rule: "positive", fallback: 10_000, valueName: "TOK/S", description: "Sustained prefill tokens/s of one GPU at this prompt length (default 10000)" },
  "decode-tok-s-per-gpu": { rule: "positive", fallback: 1500, valueName: "TOK/S", description: "Sustained decode tokens/s of one GPU at the SLO-feasible batch (default 1500)" },
  "target-utilization": { rule: "probability", fallback: disaggDefaults.targetUtilization, valueName: "P", description: `Utilization each pool is sized for (default ${disaggDefaults.targetUtilization})` },
  "kv-mb": { rule: "nonnegative", fallback: 500, valueName: "MB", description: "KV bytes moved per request, in MB = 10^6 bytes (default 500)" },
  "link-gbit-s": { rule: "positive", fallback: 25, valueName: "GBIT/S", description: "Prefill→decode link bandwidth, gigabits per second (default 25)" },
  "link-latency-s": { rule: "nonnegative", fallback: disaggDefaults.linkLatencySeconds, valueName: "S", description: "Fixed latency per transfer, seconds (default 0)" },
  "ttft-slo-s": { rule: "positive", fallback: 1, valueName: "S", description: "TTFT SLO, seconds (default 1)" },
  "transfer-budget-share": { rule: "probability", fallback: disaggDefaults.transferBudgetShare, valueName: "P", description: `Share of the TTFT SLO the KV transfer may take (default ${disaggDefaults.transferBudgetShare})` },
} as const satisfies Record<string, { rule: Rule; fallback: number | undefined; valueName: string; description: string }>;

type NumericFlag = keyof typeof numericFlags;

/** Threshold flags: their defaults are listed under assumptions, not as stand-in measurements. */
const thresholdFlags: ReadonlySet<NumericFlag> = new Set<NumericFlag>(["prefill-share-threshold", "tpot-inflation-threshold", "target-utilization", "transfer-budget-share", "link-latency-s"]);

/** `goodput calc disagg`: the six disaggregated prefill/decode readiness gates, verdict and pool sizing. */
export const calcDisaggCommand: CommandSpec = {
  name: "disagg",
  summary: "Disaggregated prefill/decode readiness: six gates, verdict, TTFT change, KV transfer, pool sizing",
  description:
    "Disaggregated prefill/decode readiness (docs/design.md §3.6; DistServe OSDI'24, Splitwise ISCA'24). Six gates:\n" +
    "(1) TTFT dominated by long-prompt prefill (+ measured decode interference), (2) decode TPOT disturbed by prefill bursts with chunked prefill\n" +
    "tried first, (3) enough traffic for two pools (each needs ≥ 1 GPU at the target utilization), (4) KV transfer\n" +
    "= bytes × 8 ÷ link bits/s + latency fits a share of the TTFT SLO (500 MB over 25 Gb/s = 0.16 s), (5) independent\n" +
    "autoscaling of both pools, (6) multi-hop request debugging. Verdict: ready / not yet / not worth it.\n" +
    "Measurement defaults describe one illustrative workload; pass your own.",
  options: {
    ...Object.fromEntries(Object.entries(numericFlags).map(([name, flag]) => [name, { type: "string" as const, valueName: flag.valueName, description: flag.description }])),
    "chunked-prefill-tried": { type: "boolean", description: "Chunked prefill was tried first (gate 2)" },
    "independent-autoscaling": { type: "boolean", description: "Prefill and decode pools autoscale independently (gate 5)" },
    "multi-hop-debugging": { type: "boolean", description: "Requests can be traced across prefill, transfer and decode (gate 6)" },
    "link-gbps": { type: "string", valueName: "-", description: "Removed (its unit differed between calculators): use --link-gbit-s" },
  },
  examples: [
    "goodput calc disagg",
    "goodput calc disagg --kv-mb 500 --link-gbit-s 25 --ttft-slo-s 1 --chunked-prefill-tried --independent-autoscaling --multi-hop-debugging",
    "goodput calc disagg --rate-rps 0.5 --json",
  ],
  run(context) {
    const { values } = context;
    refuseRenamedFlag(values, "link-gbps", "--link-gbit-s", "gigabits per second");
    const defaulted: string[] = [];
    const read = (name: NumericFlag): number | undefined => {
      const flag = numericFlags[name];
      const given = numberOption(values, name, { rule: flag.rule, example: String(flag.fallback ?? 0.1) });
      if (given === undefined && flag.fallback !== undefined && !thresholdFlags.has(name)) defaulted.push(`--${name} ${flag.fallback}`);
      return given ?? flag.fallback;
    };
    const required = (name: NumericFlag): number => read(name) ?? 0;
    const interference = read("interference-s");
    const input: DisaggReadinessInput = {
      longPromptTtftSeconds: required("ttft-s"),
      longPromptPrefillSeconds: required("prefill-s"),
      prefillShareThreshold: required("prefill-share-threshold"),
      ...(interference === undefined ? {} : { decodeInterferenceSeconds: interference }),
      tpotP50Seconds: required("tpot-p50-s"),
      tpotP99Seconds: required("tpot-p99-s"),
      tpotInflationThreshold: required("tpot-inflation-threshold"),
      chunkedPrefillTried: flagSet(values, "chunked-prefill-tried"),
      requestRatePerSecond: required("rate-rps"),
      promptTokensPerRequest: required("prompt-tokens"),
      outputTokensPerRequest: required("output-tokens"),
      prefillTokensPerSecondPerGpu: required("prefill-tok-s-per-gpu"),
      decodeTokensPerSecondPerGpu: required("decode-tok-s-per-gpu"),
      targetUtilization: required("target-utilization"),
      kvBytesPerRequest: required("kv-mb") * 1e6,
      linkBandwidthBitsPerSecond: required("link-gbit-s") * 1e9,
      linkLatencySeconds: required("link-latency-s"),
      ttftSloSeconds: required("ttft-slo-s"),
      transferBudgetShare: required("transfer-budget-share"),
      independentAutoscaling: flagSet(values, "independent-autoscaling"),
      multiHopDebugging: flagSet(values, "multi-hop-debugging"),
    };
    const result = assessDisaggReadiness(input);
    const rows = result.gates.map((gate, index) => [
      `${index + 1}. ${gate.name}`,
      gate.passed ? "pass" : "FAIL",
      gate.unit === "yes=1/no=0" ? (gate.value === 1 ? "yes" : "no") : fixed(gate.value, gate.unit === "seconds" ? 3 : 2),
      gate.unit === "yes=1/no=0" ? "yes" : `${gate.unit === "seconds" ? "≤" : "≥"} ${fixed(gate.threshold, gate.unit === "seconds" ? 3 : 2)}`,
      gate.unit === "yes=1/no=0" ? "" : gate.unit,
    ]);
    const { ttftChange, poolSizing } = result;
    const lines = [
      `Disaggregated prefill/decode readiness — verdict: ${result.verdict.toUpperCase()}`,
      "",
      formatTable(["gate", "result", "value", "threshold", "unit"], rows),
      ...result.gates.map((gate, index) => `  ${index + 1}. ${gate.explanation}`),
      "",
      `Expected TTFT change: −${fixed(ttftChange.interferenceRemovedSeconds * 1000, 1)} ms interference removed + ${fixed(ttftChange.transferAddedSeconds * 1000, 1)} ms KV transfer = ${ttftChange.netSeconds <= 0 ? "" : "+"}${fixed(ttftChange.netSeconds * 1000, 1)} ms (TTFT ${fixed(input.longPromptTtftSeconds * 1000, 1)} → ${fixed(ttftChange.expectedTtftSeconds * 1000, 1)} ms).`,
      `Transfer overhead: ${fixed(result.transferOverheadSeconds * 1000, 1)} ms per request.`,
      `Pool sizing: ${fixed(poolSizing.prefillGpus, 2)} prefill GPUs (provision ${poolSizing.prefillGpusRounded}) and ${fixed(poolSizing.decodeGpus, 2)} decode GPUs (provision ${poolSizing.decodeGpusRounded}); prefill:decode = ${fixed(poolSizing.prefillToDecodeRatio, 2)}:1.`,
      "",
      "Why:",
      ...result.reasons.map((reason) => `  - ${reason}`),
      "Assumptions:",
      ...result.assumptions.map((assumption) => `  - ${assumption}`),
      ...(defaulted.length > 0 ? [`Defaults used (illustrative workload — replace with measurements): ${defaulted.join(", ")}.`] : []),
      "",
    ];
    return { json: { input, ...result, defaultsUsed: defaulted }, text: lines.join("\n") };
  },
};

function flagSet(values: OptionValues, name: string): boolean {
  return values[name] === true;
}
