import { computeMoeTopology } from "../../physics/moe-topology.js";
import type { CommandSpec } from "../command.js";
import { deploymentOptions, resolveDeployment } from "../deployment-options.js";
import { fixed, formatTable, gib, ms } from "../format-table.js";
import { numberListOption, numberOption, numberOr } from "../parse-values.js";
import { refuseRenamedFlag } from "./calc-renamed-flags.js";

/** `goodput calc moe`: experts touched vs batch, residency, dispatch time and the limiting resource. */
export const calcMoeCommand: CommandSpec = {
  name: "moe",
  summary: "MoE: experts touched vs batch, residency, dispatch time, compute/memory/communication verdict",
  description:
    "MoE topology (docs/design.md §3.5). Residency follows total parameters, compute active ones; at decode batch B a layer\n" +
    "touches E·(1 − (1 − k/E)^B) experts; dispatch + combine move ≈ 2·B·k·hidden·bytes per MoE layer over the link.",
  options: {
    ...deploymentOptions,
    gpus: { type: "string", valueName: "N", description: "GPUs the model is spread over (expert parallel; default: the deployable layout for residency — a power of two within a node, whole nodes beyond)" },
    batch: { type: "string", valueName: "LIST", description: "Decode batch sizes (default 1,8,64,256)" },
    context: { type: "string", valueName: "TOKENS", description: "Live context per sequence (default 2048)" },
    "link-gbyte-s": { type: "string", valueName: "GB/s", description: "Per-direction link bandwidth for all-to-all, gigabytes per second (default: the GPU's interconnect)" },
    "link-gbps": { type: "string", valueName: "-", description: "Removed (its unit differed between calculators): use --link-gbyte-s" },
    "message-latency-us": { type: "string", valueName: "µs", description: "Latency per dispatch/combine round (default 10)" },
  },
  examples: ["goodput calc moe --model deepseek-v3 --gpu h200 --batch 1,8,64", "goodput calc moe --model mixtral-8x7b --gpu h100-sxm --gpus 2"],
  run(context) {
    const resolved = resolveDeployment(context);
    const gpusGiven = numberOption(context.values, "gpus", { rule: "positive-int", example: "8" });
    refuseRenamedFlag(context.values, "link-gbps", "--link-gbyte-s", "gigabytes per second");
    const link = numberOption(context.values, "link-gbyte-s", { rule: "positive", example: "450" });
    const base = {
      batches: numberListOption(context.values, "batch", { rule: "positive-int", example: "1,8,64" }) ?? [1, 8, 64, 256],
      contextTokens: numberOr(context.values, "context", 2048, { rule: "positive-int", example: "2048" }),
      ...(link === undefined ? {} : { linkBytesPerSecond: link * 1e9 }),
      messageLatencySeconds: numberOr(context.values, "message-latency-us", 10, { rule: "nonnegative", example: "10" }) * 1e-6,
      profile: resolved.profile,
      ...(resolved.memory.gpuMemoryUtilization === undefined ? {} : { gpuMemoryUtilization: resolved.memory.gpuMemoryUtilization }),
    };
    const probe = computeMoeTopology(resolved.deployment, { ...base, gpus: gpusGiven ?? 1 });
    const result = gpusGiven === undefined ? computeMoeTopology(resolved.deployment, { ...base, gpus: probe.layout.gpus }) : probe;
    const gpus = gpusGiven ?? probe.layout.gpus;
    const { model, gpu } = resolved.deployment;
    const lines = [
      `${model.name} on ${gpus} × ${gpu.name}: ${fixed(result.totalParams / 1e9, 1)} B total / ${fixed(result.activeParams / 1e9, 1)} B active params in ${model.weightDtype}`,
      `Residency: ${gib(result.residentWeightBytes)} of weights need ≥ ${result.gpusForResidency} GPUs (${gib(result.usableBytesPerGpu)} usable each)${result.fitsOnGivenGpus ? "" : " — DOES NOT FIT on the GPUs given"}; ${fixed(result.expertsPerGpu, 1)} experts per GPU`,
      `Deployable layout: ${result.layout.description}${gpusGiven === undefined ? " (used below)" : ""}.`,
      "",
      formatTable(
        ["batch", "experts touched/layer", "weights read/GPU", "memory ms", "compute ms", "all-to-all ms", "limited by"],
        result.rows.map((row) => [String(row.batch), fixed(row.expertsTouchedPerLayer, 2), gib(row.weightBytesReadPerGpu), ms(row.memorySeconds), ms(row.computeSeconds), ms(row.communicationSeconds), row.limitedBy]),
      ),
      ...resolved.notes.map((note) => `Note: ${note}`),
      "",
    ];
    return { json: { gpus, ...result }, text: lines.join("\n") };
  },
};
