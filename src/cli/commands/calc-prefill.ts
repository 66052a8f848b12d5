import { computePrefillEconomics } from "../../physics/prefill-economics.js";
import type { CommandSpec } from "../command.js";
import { deploymentOptions, resolveDeployment } from "../deployment-options.js";
import { fixed, formatTable, ms } from "../format-table.js";
import { numberListOption, numberOr, stringOption } from "../parse-values.js";
import { findPriceSnapshot } from "../../catalog/catalog.js";
import type { PriceSnapshot } from "../../catalog/types.js";

/** What an API bill for one request splits into: prompt tokens at the input price, output at the output price. */
function apiBill(snapshot: PriceSnapshot, promptTokens: number, outputTokens: number) {
  const inputUsd = (promptTokens * snapshot.inputUsdPerMTok) / 1e6;
  const outputUsd = (outputTokens * snapshot.outputUsdPerMTok) / 1e6;
  return { snapshot: snapshot.id, inputUsd, outputUsd, totalUsd: inputUsd + outputUsd, inputShare: inputUsd / (inputUsd + outputUsd) };
}

function apiBillLines(snapshot: PriceSnapshot, prompts: readonly number[], outputTokens: number): string[] {
  return [
    `API bill split at ${snapshot.provider} ${snapshot.model} prices ($${snapshot.inputUsdPerMTok}/M in, $${snapshot.outputUsdPerMTok}/M out; ${snapshot.source}, ${snapshot.sourceDate}):`,
    formatTable(
      ["prompt", "input $", "output $", "total $", "input share"],
      prompts.map((prompt) => {
        const bill = apiBill(snapshot, prompt, outputTokens);
        return [String(prompt), fixed(bill.inputUsd, 5), fixed(bill.outputUsd, 5), fixed(bill.totalUsd, 5), `${fixed(bill.inputShare * 100, 1)} %`];
      }),
    ),
  ];
}

/** `goodput calc prefill`: prefill time and TTFT, and why output tokens cost more than input tokens. */
export const calcPrefillCommand: CommandSpec = {
  name: "prefill",
  summary: "Prefill time / TTFT, prefill vs decode cost split, output/input cost ratio, cached-input effect, sensitivity",
  description:
    "Prefill and decode economics (docs/design.md §3.2). Prefill FLOPs ≈ 2·params·P + causal attention 2·layers·d·P²;\n" +
    "TTFT = queue wait + prefill; T_user = TTFT + N_out·TPOT. A request's GPU time is its prefill pass ÷ prompts\n" +
    "in the pass plus N_out decode steps ÷ the decode batch. The decode batch is checked against the KV pool at\n" +
    "prompt + output tokens: when fewer sequences fit, the row is costed at the KV limit and says so.\n" +
    "--price-snapshot splits an API bill for the same request into its input and output shares.\n" +
    "--json prints one object per prompt length.",
  options: {
    ...deploymentOptions,
    prompt: { type: "string", valueName: "LIST", description: "Prompt lengths in tokens (default 512,2048,8192)" },
    batch: { type: "string", valueName: "N", description: "Prompts prefilled together (default 1)" },
    "output-tokens": { type: "string", valueName: "N", description: "Generated tokens per request (default 256)" },
    "decode-batch": { type: "string", valueName: "N", description: "Sequences decoding together (default 32)" },
    "cached-share": { type: "string", valueName: "SHARE", description: "Share of the prompt served from the prefix cache (default 0.5)" },
    "queue-wait-ms": { type: "string", valueName: "MS", description: "Queue wait added to TTFT (default 0)" },
    "price-snapshot": { type: "string", valueName: "ID", description: "An API price snapshot (see 'goodput catalog prices'): split each request's bill into input and output" },
  },
  examples: ["goodput calc prefill --model llama-3-8b --gpu h100-sxm --prompt 512,2048 --batch 1 --json"],
  run(context) {
    const resolved = resolveDeployment(context);
    const outputTokens = numberOr(context.values, "output-tokens", 256, { rule: "positive-int", example: "256" });
    const snapshotId = stringOption(context.values, "price-snapshot");
    const snapshot = snapshotId === undefined ? undefined : findPriceSnapshot(resolved.catalog, snapshotId);
    const points = computePrefillEconomics(resolved.deployment, {
      ...resolved.memory,
      promptTokens: numberListOption(context.values, "prompt", { rule: "positive-int", example: "512,2048" }) ?? [512, 2048, 8192],
      batch: numberOr(context.values, "batch", 1, { rule: "positive-int", example: "1" }),
      outputTokens,
      decodeBatch: numberOr(context.values, "decode-batch", 32, { rule: "positive-int", example: "32" }),
      cachedShare: numberOr(context.values, "cached-share", 0.5, { rule: "probability", example: "0.5" }),
      queueWaitSeconds: numberOr(context.values, "queue-wait-ms", 0, { rule: "nonnegative", example: "20" }) / 1000,
      priceUsdPerGpuHour: resolved.priceUsdPerGpuHour,
      profile: resolved.profile,
    });
    const { deployment } = resolved;
    const first = points[0];
    const lines = [
      `${deployment.model.name} on ${deployment.tensorParallel} × ${deployment.gpu.name}, $${resolved.priceUsdPerGpuHour}/GPU-hour, profile "${resolved.profile.name}"`,
      "",
      formatTable(
        ["prompt", "decode batch", "prefill ms", "TTFT ms", "TPOT ms", "T_user s", "prefill $ share", "$/M in", "$/M out", "out/in", "cached TTFT ms", "cache saving"],
        points.map((point) => [
          String(point.prompt),
          point.decodeBatchLimitedByKv ? `${point.decodeBatch} (KV)` : String(point.decodeBatch),
          ms(point.prefillSeconds),
          ms(point.ttftSeconds),
          ms(point.tpotSeconds),
          fixed(point.userLatencySeconds, 2),
          `${fixed(point.prefillShareOfCost * 100, 1)} %`,
          fixed(point.inputCostUsdPerMTok, 3),
          fixed(point.outputCostUsdPerMTok, 3),
          `${fixed(point.outputToInputCostRatio, 1)}×`,
          ms(point.cached.ttftSeconds),
          `${fixed(point.cached.savingShare * 100, 1)} %`,
        ]),
      ),
      "Sensitivity of cost per request (around the stated request):",
      formatTable(
        ["prompt", ...(first?.sensitivity.map((row) => row.lever) ?? []), "moves cost most"],
        points.map((point) => [String(point.prompt), ...point.sensitivity.map((row) => `${row.costChange >= 0 ? "+" : ""}${fixed(row.costChange * 100, 1)} %`), point.biggestLever]),
      ),
      ...points.filter((point) => point.decodeBatchLimitedByKv).map((point) => `KV limit: at ${point.prompt} + ${outputTokens} tokens only ${point.kvMaxDecodeBatch} sequences fit, so the decode batch is ${point.kvMaxDecodeBatch}, not ${point.decodeBatchRequested}.`),
      ...(snapshot === undefined ? [] : apiBillLines(snapshot, points.map((point) => point.prompt), outputTokens)),
      ...resolved.notes.map((note) => `Note: ${note}`),
      "",
    ];
    const json = snapshot === undefined ? points : points.map((point) => ({ ...point, apiBill: apiBill(snapshot, point.prompt, outputTokens) }));
    return { json, text: lines.join("\n") };
  },
};
