import { computeKvCapacity, type KvCapacityResult } from "../../physics/kv-capacity.js";
import type { CommandSpec } from "../command.js";
import { deploymentOptions, resolveDeployment } from "../deployment-options.js";
import { fixed, formatTable, gib } from "../format-table.js";
import { numberListOption, numberOption, numberOr } from "../parse-values.js";

/** The per-token KV line, per layer type when some layers slide a window. */
function kvPerTokenLine(result: KvCapacityResult): string {
  const types = result.layerTypes;
  const perLayer = `${types.kvBytesPerTokenPerLayer.toLocaleString("en-US")} B per layer`;
  if (types.slidingWindowLayers === 0) return `KV bytes per token: ${result.kvBytesPerToken.toLocaleString("en-US")} B (${perLayer} × ${types.fullAttentionLayers} layers)`;
  return `KV bytes per token: ${result.kvBytesPerToken.toLocaleString("en-US")} B while inside the window (${perLayer}); ${types.fullAttentionLayers} full-attention layers keep every token, ${types.slidingWindowLayers} sliding-window layers at most ${types.windowTokens} tokens`;
}

/** `goodput calc kv`: KV bytes per token, pool, live sequences by context, pressure alerts. */
export const calcKvCommand: CommandSpec = {
  name: "kv",
  summary: "KV bytes/token, pool size, max live sequences by context, FP8 KV, pressure alerts",
  description:
    "KV memory economics (docs/design.md §3.3). m_kv = 2·layers·H_kv·d_head·bytes (GQA/MQA) or layers·(kv_lora_rank+rope)·bytes\n" +
    "(MLA); pool = HBM × utilization − weights − reserve (vLLM's definition); N_max(T) = floor(pool / bytes(T)) with\n" +
    "each sequence rounded up to whole blocks. Prompt and generated tokens both live in KV. Sliding-window\n" +
    "layers keep at most the window (vLLM frees blocks wholly outside it). Under TP each GPU holds\n" +
    "max(1, H_kv/TP) KV heads (replicated beyond H_kv) or the whole MLA latent, as vLLM; TP must divide\n" +
    "the attention heads. With traffic, pressure reports the chance live requests (Poisson, M/G/∞)\n" +
    "exceed the pool's slots and their p99.",
  options: {
    ...deploymentOptions,
    context: { type: "string", valueName: "LIST", description: "Context lengths to tabulate (default 2048,8192,32768,131072)" },
    "context-samples": { type: "string", valueName: "LIST", description: "Context lengths seen in traffic (gives p50/p90/p99 and mean capacity)" },
    reference: { type: "string", valueName: "TOKENS", description: "Reference context for cost multipliers (default: first --context)" },
    "fragmentation-derate": { type: "string", valueName: "SHARE", description: "Effective capacity loss under mixed traffic (default 0.25)" },
    "arrival-rate": { type: "string", valueName: "REQ/S", description: "Traffic for pressure alerts: arrivals per second" },
    "residence-seconds": { type: "string", valueName: "S", description: "Traffic: mean time a request holds KV" },
    "live-tokens": { type: "string", valueName: "TOKENS", description: "Traffic: mean tokens a live request holds" },
  },
  examples: [
    "goodput calc kv --gpu a100-80gb --model llama-3-8b --context 2048,8192",
    "goodput calc kv --gpu h100-sxm --model llama-3-8b --kv-dtype fp8 --arrival-rate 20 --residence-seconds 8 --live-tokens 3000",
  ],
  run(context) {
    const resolved = resolveDeployment(context);
    const contexts = numberListOption(context.values, "context", { rule: "positive-int", example: "2048,8192" }) ?? [2048, 8192, 32768, 131072];
    const samples = numberListOption(context.values, "context-samples", { rule: "positive-int", example: "900,1500,4000" });
    const reference = numberOption(context.values, "reference", { rule: "positive-int", example: "2048" });
    const rate = numberOption(context.values, "arrival-rate", { rule: "positive", example: "20" });
    const traffic =
      rate === undefined
        ? undefined
        : {
            arrivalRatePerSecond: rate,
            residenceSeconds: numberOr(context.values, "residence-seconds", 10, { rule: "positive", example: "8" }),
            liveTokensPerRequest: numberOr(context.values, "live-tokens", contexts[0] ?? 2048, { rule: "positive-int", example: "3000" }),
          };
    const result = computeKvCapacity(resolved.deployment, {
      ...resolved.memory,
      contextTokens: contexts,
      ...(samples === undefined ? {} : { contextSamples: samples }),
      ...(reference === undefined ? {} : { referenceContextTokens: reference }),
      fragmentationDerate: numberOr(context.values, "fragmentation-derate", 0.25, { rule: "probability", example: "0.25" }),
      ...(traffic === undefined ? {} : { traffic }),
    });
    const { deployment } = resolved;
    const pool = result.pool;
    const lines = [
      `${deployment.model.name} on ${deployment.tensorParallel} × ${deployment.gpu.name}, KV in ${deployment.kvDtype}`,
      kvPerTokenLine(result),
      `Pool: ${gib(pool.poolBytes)} of KV = ${pool.blocks.toLocaleString("en-US")} blocks × ${pool.blockSizeTokens} tokens${pool.blocksStated ? " (stated)" : ` (per GPU: ${gib(pool.usableBytesPerGpu)} usable − ${gib(pool.weightBytesPerGpu)} weights − ${gib(pool.reservedBytesPerGpu)} reserve)`}`,
      ...(deployment.tensorParallel > 1
        ? [`Under TP ${deployment.tensorParallel} each GPU stores ${fixed(pool.kvSharePerRank * 100, 1)} % of every block (${deployment.model.mla ? "MLA: the latent is whole on every rank" : `max(1, ${deployment.model.kvHeads} KV heads / ${deployment.tensorParallel}) heads per rank${pool.kvSharePerRank * deployment.tensorParallel > 1 ? ": heads replicated" : ""}`}, as vLLM), ${gib(pool.kvBytesPerGpu)} of HBM per GPU.`]
        : []),
      "",
      formatTable(
        ["context", "rounded", "KV per seq", "max seqs", `effective (−${(result.fragmentationDerate * 100).toFixed(0)} %)`, "cost × ref"],
        result.rows.map((row) => [String(row.contextTokens), String(row.blockRoundedTokens), gib(row.kvBytesPerSequence), String(row.maxSequences), String(row.effectiveMaxSequences), fixed(row.costMultiplierVsReference, 2)]),
      ),
    ];
    if (result.distribution) {
      const d = result.distribution;
      lines.push(`Traffic contexts (n = ${d.samples}): p50 ${fixed(d.p50Tokens, 0)}, p90 ${fixed(d.p90Tokens, 0)}, p99 ${fixed(d.p99Tokens, 0)} tokens; ${d.maxSequencesAtMean} sequences at the mean footprint, ${d.concurrencyAtP90} at p90.`);
    }
    if (result.pressure) lines.push(`Pressure [${result.pressure.level.toUpperCase()}]: ${result.pressure.message}`);
    lines.push(...resolved.notes.map((note) => `Note: ${note}`), "");
    return { json: result, text: lines.join("\n") };
  },
};
