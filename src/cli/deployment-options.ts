import { builtInCatalog, findGpu, findModel, type Catalog } from "../catalog/catalog.js";
import type { Dtype, GpuSpec, ModelSpec } from "../catalog/types.js";
import { bytesPerElement } from "../catalog/types.js";
import { GoodputError } from "../errors.js";
import { checkTensorParallel, type Deployment } from "../physics/deployment.js";
import type { MemoryOptions } from "../physics/kv-pool.js";
import type { StepTimeProfile } from "../physics/step-time-profile.js";
import { labHome, loadCalibration } from "../store/calibration-store.js";
import type { CommandContext, OptionSpec } from "./command.js";
import { loadCatalogFile, loadModelConfigFile } from "./load-catalog-file.js";
import { numberOption, stringList, stringOption } from "./parse-values.js";

/** Options every calculator that needs a model on a GPU accepts. */
export const deploymentOptions: Readonly<Record<string, OptionSpec>> = {
  gpu: { type: "string", valueName: "ID", description: "GPU from the catalog (e.g. h100-sxm, a100-80gb); see 'goodput catalog gpus'" },
  model: { type: "string", valueName: "ID", description: "Model from the catalog (e.g. llama-3-8b); see 'goodput catalog models'" },
  "model-config": { type: "string", valueName: "FILE", description: "A Hugging Face config.json instead of --model" },
  catalog: { type: "string", valueName: "FILE", multiple: true, description: "Extra catalog entries (YAML/JSON with gpus, models, prices)" },
  tp: { type: "string", valueName: "N", description: "Tensor-parallel degree (GPUs per replica; default 1)" },
  "kv-dtype": { type: "string", valueName: "DTYPE", description: "KV cache dtype: bf16, fp16, fp8 (default: the weights' 16-bit type)" },
  "weight-dtype": { type: "string", valueName: "DTYPE", description: "Override the weights' dtype (bf16, fp8, int4, …)" },
  "mem-bandwidth": { type: "string", valueName: "GB/s", description: "Override the GPU's datasheet memory bandwidth (the profile's efficiencies still derate it)" },
  "measured-mem-bandwidth": { type: "string", valueName: "GB/s", description: "A measured, sustained bandwidth: used as is (bandwidth efficiencies set to 1)" },
  flops: { type: "string", valueName: "TFLOP/s", description: "Override the GPU's dense BF16 throughput" },
  hbm: { type: "string", valueName: "GiB", description: "Override the GPU's memory size" },
  "price-per-hour": { type: "string", valueName: "USD", description: "Override the price of one GPU-hour" },
  calibration: { type: "string", valueName: "NAME", description: "Step-time profile from 'goodput calc calibrate' (default: built-in)" },
  "gpu-memory-utilization": { type: "string", valueName: "SHARE", description: "Share of HBM the engine may use (default 0.9, as vLLM)" },
  "kv-blocks": { type: "string", valueName: "N", description: "State the engine's KV block count directly (from its startup log)" },
  "block-size": { type: "string", valueName: "TOKENS", description: "KV block size in tokens (default 16)" },
};

export interface ResolvedDeployment {
  readonly catalog: Catalog;
  readonly deployment: Deployment;
  readonly profile: StepTimeProfile;
  readonly priceUsdPerGpuHour: number;
  readonly memory: MemoryOptions;
  readonly notes: readonly string[];
}

function parseDtype(raw: string, flag: string): Dtype {
  if (raw in bytesPerElement) return raw as Dtype;
  throw new GoodputError("BAD_INPUT", `--${flag}: "${raw}" is not a known dtype (known: ${Object.keys(bytesPerElement).join(", ")}).`, { where: `--${flag}` });
}

/** The catalog with every --catalog file added. */
export function resolveCatalog(context: CommandContext): Catalog {
  return stringList(context.values, "catalog").reduce((catalog, path) => loadCatalogFile(catalog, path), builtInCatalog);
}

/** --model or --model-config (exactly one). */
export function resolveModel(context: CommandContext, catalog: Catalog): ModelSpec {
  const name = stringOption(context.values, "model");
  const configPath = stringOption(context.values, "model-config");
  if (name !== undefined && configPath !== undefined) {
    throw new GoodputError("BAD_USAGE", "Give either --model or --model-config, not both.", { where: "--model" });
  }
  let model: ModelSpec;
  if (configPath !== undefined) model = loadModelConfigFile(configPath).spec;
  else if (name !== undefined) model = findModel(catalog, name);
  else throw new GoodputError("BAD_USAGE", "Missing --model (e.g. --model llama-3-8b) or --model-config path/config.json.", { where: "--model" });
  const weightDtype = stringOption(context.values, "weight-dtype");
  if (weightDtype === undefined) return model;
  // An override applies to every weight, experts included.
  const dtype = parseDtype(weightDtype, "weight-dtype");
  return { ...model, expertWeightDtype: dtype, weightDtype: dtype, assumptions: [...model.assumptions, `weights taken as ${dtype} (--weight-dtype)`] };
}

/** A profile whose bandwidth efficiencies are 1: for a bandwidth that was measured, not read off a datasheet. */
function sustainedBandwidthProfile(profile: StepTimeProfile): StepTimeProfile {
  return {
    ...profile,
    decode: { ...profile.decode, weightBandwidthEfficiency: 1, kvBandwidthEfficiency: 1 },
    prefill: { ...profile.prefill, weightBandwidthEfficiency: 1 },
  };
}

/** --gpu with any per-run overrides of its figures. */
export function resolveGpu(context: CommandContext, catalog: Catalog): GpuSpec {
  const name = stringOption(context.values, "gpu");
  if (name === undefined) throw new GoodputError("BAD_USAGE", "Missing --gpu (e.g. --gpu h100-sxm); see 'goodput catalog gpus'.", { where: "--gpu" });
  const gpu = findGpu(catalog, name);
  const bandwidth = numberOption(context.values, "mem-bandwidth", { rule: "positive", example: "3350" });
  const flops = numberOption(context.values, "flops", { rule: "positive", example: "989" });
  const hbm = numberOption(context.values, "hbm", { rule: "positive", example: "80" });
  const price = numberOption(context.values, "price-per-hour", { rule: "nonnegative", example: "2.5" });
  return {
    ...gpu,
    ...(bandwidth === undefined ? {} : { memBandwidthBytesPerSecond: bandwidth * 1e9 }),
    ...(flops === undefined ? {} : { bf16FlopsPerSecond: flops * 1e12 }),
    ...(hbm === undefined ? {} : { hbmBytes: hbm * 2 ** 30 }),
    ...(price === undefined ? {} : { priceUsdPerHour: price }),
  };
}

/** Everything a physics calculator needs from the command line. */
export function resolveDeployment(context: CommandContext): ResolvedDeployment {
  const catalog = resolveCatalog(context);
  const model = resolveModel(context, catalog);
  let gpu = resolveGpu(context, catalog);
  const tensorParallel = numberOption(context.values, "tp", { rule: "positive-int", example: "2" }) ?? 1;
  const kvDtypeRaw = stringOption(context.values, "kv-dtype");
  const kvDtype = kvDtypeRaw === undefined ? (model.weightDtype === "fp16" ? "fp16" : "bf16") : parseDtype(kvDtypeRaw, "kv-dtype");
  checkTensorParallel(model, tensorParallel);
  const loaded = loadCalibration(labHome(context.cwd, context.env), stringOption(context.values, "calibration") ?? "default");
  const notes = [...model.assumptions];
  const measured = numberOption(context.values, "measured-mem-bandwidth", { rule: "positive", example: "2900" });
  if (measured !== undefined && stringOption(context.values, "mem-bandwidth") !== undefined) {
    throw new GoodputError("BAD_USAGE", "Give --mem-bandwidth (datasheet, derated) or --measured-mem-bandwidth (sustained, used as is), not both.", { where: "--measured-mem-bandwidth" });
  }
  const profile = measured === undefined ? loaded : sustainedBandwidthProfile(loaded);
  if (measured !== undefined) {
    gpu = { ...gpu, memBandwidthBytesPerSecond: measured * 1e9 };
    notes.push(`--measured-mem-bandwidth ${measured} GB/s is taken as sustained: the profile's bandwidth efficiencies are not applied to it`);
  }
  if (profile.gpuId !== null && profile.gpuId !== gpu.id) {
    notes.push(`calibration "${profile.name}" was fitted on ${profile.gpuId}; its efficiency shares are applied to ${gpu.id}'s datasheet figures`);
  }
  const utilization = numberOption(context.values, "gpu-memory-utilization", { rule: "probability", example: "0.9" });
  const kvBlocks = numberOption(context.values, "kv-blocks", { rule: "positive-int", example: "27000" });
  const blockSize = numberOption(context.values, "block-size", { rule: "positive-int", example: "16" });
  return {
    catalog,
    deployment: { model, gpu, tensorParallel, kvDtype },
    profile,
    priceUsdPerGpuHour: gpu.priceUsdPerHour,
    memory: {
      ...(utilization === undefined ? {} : { gpuMemoryUtilization: utilization }),
      ...(kvBlocks === undefined ? {} : { kvBlocks }),
      ...(blockSize === undefined ? {} : { blockSizeTokens: blockSize }),
    },
    notes,
  };
}
