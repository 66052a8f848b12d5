import { computeRoofline } from "../../physics/roofline.js";
import type { CommandSpec } from "../command.js";
import { deploymentOptions, resolveDeployment } from "../deployment-options.js";
import { fixed, formatTable, gib, ms } from "../format-table.js";
import { numberListOption, numberOption, numberOr } from "../parse-values.js";

/** `goodput calc roofline`: the decode batch-size frontier and cost at the SLO-feasible point. */
export const calcRooflineCommand: CommandSpec = {
  name: "roofline",
  summary: "Decode batch sweep: step time, tokens/s, $/M tokens, bottleneck, zones, SLO frontier",
  description:
    "Decode batch sweep (docs/design.md §3.1). Step time = fixed + per-layer overhead + max(weights/BW, GEMM FLOPs/F)\n" +
    "+ max(KV/BW, attention FLOPs/F) with sustained (datasheet × efficiency) figures. The headline is the\n" +
    "cost per million tokens at the largest batch that meets the TPOT SLO and fits in KV — not the peak;\n" +
    "without --slo-tpot-ms there is no headline, only the KV-feasible frontier. Zones use the batch range\n" +
    "that fits in KV: weight-bound below 50 % of the throughput at the largest feasible batch, floor from 80 %.\n" +
    "FP8 checkpoints run their GEMMs at the GPU's FP8 peak; MXFP4/int4 weights are read at their size and\n" +
    "computed at the 16-bit peak. --mem-bandwidth is a datasheet figure (derated by the profile);\n" +
    "--measured-mem-bandwidth is a sustained figure and is used as is.",
  options: {
    ...deploymentOptions,
    batch: { type: "string", valueName: "LIST", description: "Batch sizes, e.g. 1,2,4,8 (default: powers of 2 up to the KV limit)" },
    context: { type: "string", valueName: "TOKENS", description: "Live context per sequence (default 2048)" },
    "slo-tpot-ms": { type: "string", valueName: "MS", description: "TPOT SLO in milliseconds" },
    "tail-factor": { type: "string", valueName: "X", description: "p99 TPOT ÷ mean TPOT to judge the SLO by (default 1)" },
    "acceptance-rate": { type: "string", valueName: "P", description: "Share of tokens in accepted results (default 1)" },
    "arrival-rate": { type: "string", valueName: "REQ/S", description: "Traffic per replica: requests per second (with --output-tokens) → the batch and zone it runs at" },
    "output-tokens": { type: "string", valueName: "N", description: "Traffic: mean output tokens per request (default 256)" },
  },
  examples: [
    "goodput calc roofline --gpu h100-sxm --model llama-3-8b --batch 1,2,4,8 --context 2048",
    "goodput calc roofline --gpu a100-80gb --model-config config.json --slo-tpot-ms 40 --tail-factor 1.3 --json",
  ],
  run(context) {
    const resolved = resolveDeployment(context);
    const batches = numberListOption(context.values, "batch", { rule: "positive-int", example: "1,2,4,8" });
    const sloMs = numberOption(context.values, "slo-tpot-ms", { rule: "positive", example: "50" });
    const contextTokens = numberOr(context.values, "context", 2048, { rule: "positive-int", example: "2048" });
    const arrivalRate = numberOption(context.values, "arrival-rate", { rule: "positive", example: "5" });
    const outputTokens = numberOr(context.values, "output-tokens", 256, { rule: "positive-int", example: "256" });
    const result = computeRoofline(resolved.deployment, {
      ...resolved.memory,
      ...(batches === undefined ? {} : { batches }),
      contextTokens,
      profile: resolved.profile,
      priceUsdPerGpuHour: resolved.priceUsdPerGpuHour,
      acceptanceRate: numberOr(context.values, "acceptance-rate", 1, { rule: "probability", example: "0.95" }),
      ...(sloMs === undefined ? {} : { sloTpotSeconds: sloMs / 1000 }),
      tpotTailFactor: numberOr(context.values, "tail-factor", 1, { rule: "positive", example: "1.3" }),
      ...(arrivalRate === undefined ? {} : { offeredTokensPerSecond: arrivalRate * outputTokens }),
    });
    const { deployment } = resolved;
    const rows = result.points.map((point) => [
      String(point.batch),
      ms(point.stepSeconds),
      fixed(point.tokensPerSecond, 0),
      fixed(point.costUsdPerMTok, 3),
      fixed(point.costUsdPerMAcceptedTok, 3),
      point.bottleneck,
      point.zone,
      point.feasible ? "yes" : "NO (KV)",
      point.meetsSlo === null ? "-" : point.meetsSlo ? "yes" : "no",
    ]);
    const op = result.operatingPoint;
    const zones = result.zones;
    const weightBoundText =
      zones.weightBoundBelowBatch <= 1
        ? "no weight-bound zone (batch 1 already reaches 50 % of the ceiling)"
        : `weight-bound below batch ${zones.weightBoundBelowBatch} (< 50 % of the ceiling)`;
    const zonesText = `${weightBoundText}; amortization up to batch ${zones.floorFromBatch - 1}; floor (≥ 80 % of the ceiling) from batch ${zones.floorFromBatch}; ceiling ${fixed(zones.ceilingTokensPerSecond, 0)} tok/s at batch ${zones.ceilingBatch}, the largest that fits in KV.`;
    const headline = op
      ? `$${fixed(op.costUsdPerMTok, 3)}/M tokens ($${fixed(op.costUsdPerMAcceptedTok, 3)}/M accepted) at batch ${op.batch}, TPOT ${ms(op.tpotSeconds)} ms — ${op.reason}.`
      : sloMs === undefined
        ? `no SLO given — no operating point. KV-feasible frontier: up to batch ${result.maxFeasibleBatch} at ${contextTokens} tokens of context; pass --slo-tpot-ms to price the batch your latency target allows.`
        : "no batch meets the TPOT SLO at this context — the SLO is infeasible on this deployment.";
    const lines = [
      `${deployment.model.name} on ${deployment.tensorParallel} × ${deployment.gpu.name} — context ${result.points[0]?.contextTokens ?? ""} tokens, $${resolved.priceUsdPerGpuHour}/GPU-hour, profile "${resolved.profile.name}"`,
      `KV pool ${gib(result.pool.poolBytes)} (${result.pool.blocks} blocks of ${result.pool.blockSizeTokens} tokens); max feasible batch ${result.maxFeasibleBatch}`,
      "",
      formatTable(["batch", "step ms", "tok/s", "$/M tok", "$/M accepted", "bottleneck", "zone", "fits KV", "meets SLO"], rows),
      `Zones: ${zonesText}`,
      `Headline: ${headline}`,
      ...(result.traffic ? [`Traffic (${arrivalRate ?? 0} req/s × ${outputTokens} output tokens): ${result.traffic.message}`] : []),
      ...resolved.notes.map((note) => `Note: ${note}`),
      "",
    ];
    // One object per batch (the headline flagged on its point), with the operating point, pool and zones beside.
    const points = result.points.map((point) => ({ ...point, operatingPoint: point.batch === op?.batch }));
    const json = { points, operatingPoint: op, traffic: result.traffic, headline, sloFrontierBatch: result.sloFrontierBatch, maxFeasibleBatch: result.maxFeasibleBatch, pool: result.pool, zones, notes: resolved.notes };
    const reportInput = {
      points,
      deployment: `${deployment.model.name} on ${deployment.tensorParallel} × ${deployment.gpu.name}, $${resolved.priceUsdPerGpuHour}/GPU-hour`,
      sloTpotSeconds: sloMs === undefined ? null : sloMs / 1000,
      operatingPoint: op,
      maxFeasibleBatch: result.maxFeasibleBatch,
      headline,
      zonesText: `Zones: ${zonesText}`,
      zoneBoundaries: { weightBoundBelowBatch: zones.weightBoundBelowBatch, floorFromBatch: zones.floorFromBatch },
      notes: resolved.notes,
    };
    return { json, text: lines.join("\n"), reportInput };
  },
};

