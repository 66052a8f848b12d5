import { countModelParams } from "../../catalog/model-params.js";
import type { CommandSpec } from "../command.js";
import { resolveCatalog } from "../deployment-options.js";
import { fixed, formatTable } from "../format-table.js";

const catalogFileOption = { catalog: { type: "string", valueName: "FILE", multiple: true, description: "Extra catalog entries (YAML/JSON with gpus, models, prices)" } } as const;

const gpusCommand: CommandSpec = {
  name: "gpus",
  summary: "GPUs: HBM, bandwidth, dense BF16/FP8 FLOP/s, interconnect, default price, source",
  options: catalogFileOption,
  run(context) {
    const { gpus } = resolveCatalog(context);
    const text = formatTable(
      ["id", "HBM GiB", "BW GB/s", "BF16 TFLOP/s", "FP8 TFLOP/s", "link GB/s/dir", "$/hour", "source date"],
      gpus.map((gpu) => [gpu.id, fixed(gpu.hbmBytes / 2 ** 30, 0), fixed(gpu.memBandwidthBytesPerSecond / 1e9, 0), fixed(gpu.bf16FlopsPerSecond / 1e12, 0), gpu.fp8FlopsPerSecond === null ? "-" : fixed(gpu.fp8FlopsPerSecond / 1e12, 0), fixed(gpu.interconnectBytesPerSecond / 1e9, 0), fixed(gpu.priceUsdPerHour, 2), gpu.sourceDate]),
    );
    return { json: gpus, text };
  },
};

const modelsCommand: CommandSpec = {
  name: "models",
  summary: "Models: shape, total and active parameters (computed from the shape), source",
  options: catalogFileOption,
  run(context) {
    const { models } = resolveCatalog(context);
    const rows = models.map(({ spec, aliases }) => ({ ...spec, aliases, params: countModelParams(spec) }));
    const text = formatTable(
      ["id", "layers", "hidden", "heads/KV", "head dim", "FFN", "vocab", "experts (active)", "total B", "active B", "dtype"],
      rows.map((model) => [
        model.id,
        String(model.layers),
        String(model.hiddenSize),
        model.mla ? `${model.attentionHeads} MLA` : `${model.attentionHeads}/${model.kvHeads}`,
        String(model.headDim),
        String(model.moe ? model.moe.expertIntermediateSize : model.intermediateSize),
        String(model.vocabSize),
        model.moe ? `${model.moe.experts} (${model.moe.expertsPerToken})` : "-",
        fixed(model.params.totalParams / 1e9, 2),
        fixed(model.params.activeParams / 1e9, 2),
        model.expertWeightDtype === undefined || model.expertWeightDtype === model.weightDtype ? model.weightDtype : `${model.weightDtype}, ${model.expertWeightDtype} experts`,
      ]),
    );
    return { json: rows, text };
  },
};

const pricesCommand: CommandSpec = {
  name: "prices",
  summary: "Provider price snapshots: input, output, cache write/read per TTL tier, storage rent",
  options: catalogFileOption,
  run(context) {
    const { priceSnapshots } = resolveCatalog(context);
    const text = formatTable(
      ["id", "in $/M", "out $/M", "cache tiers (TTL: write / read $/M, rent $/M·h)", "as of"],
      priceSnapshots.map((price) => [
        price.id,
        fixed(price.inputUsdPerMTok, 2),
        fixed(price.outputUsdPerMTok, 2),
        price.cacheTiers.map((tier) => `${tier.name} ${tier.ttlSeconds}s: ${tier.writeUsdPerMTok} / ${tier.readUsdPerMTok}${tier.storageUsdPerMTokHour > 0 ? `, rent ${tier.storageUsdPerMTokHour}` : ""}`).join("; "),
        `${price.sourceDate} (${price.source})`,
      ]),
    );
    return { json: priceSnapshots, text };
  },
};

/** `goodput catalog`: what the lab knows about GPUs, models and prices, with sources. */
export const catalogCommand: CommandSpec = {
  name: "catalog",
  summary: "List the catalog's GPUs, models and price snapshots (each with its source and date)",
  subcommands: [gpusCommand, modelsCommand, pricesCommand],
};
