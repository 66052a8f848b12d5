import { z } from "zod";

/** Shape of a user catalog file (YAML or JSON): any of gpus, models, prices. Units are in the names. */
const provenance = {
  source: z.string().min(1),
  sourceDate: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, "use YYYY-MM-DD or YYYY-MM"),
};

export const gpuEntrySchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  hbmGiB: z.number().positive(),
  memBandwidthGBps: z.number().positive(),
  bf16Tflops: z.number().positive(),
  fp8Tflops: z.number().positive().nullable().default(null),
  interconnectGBps: z.number().positive().describe("per direction"),
  interconnectName: z.string().default("unspecified"),
  priceUsdPerHour: z.number().nonnegative(),
  ...provenance,
});

export const modelEntrySchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  aliases: z.array(z.string()).default([]),
  /** The model's Hugging Face config.json fields, inline. */
  config: z.record(z.string(), z.unknown()).optional(),
  /** Or a path to a config.json, relative to the catalog file. */
  configFile: z.string().optional(),
  ...provenance,
});

const cacheTierSchema = z.strictObject({
  name: z.string().min(1),
  ttlSeconds: z.number().positive(),
  writeUsdPerMTok: z.number().nonnegative(),
  readUsdPerMTok: z.number().nonnegative(),
  storageUsdPerMTokHour: z.number().nonnegative().default(0),
});

export const priceEntrySchema = z.strictObject({
  id: z.string().min(1),
  provider: z.string().min(1),
  model: z.string().min(1),
  inputUsdPerMTok: z.number().nonnegative(),
  outputUsdPerMTok: z.number().nonnegative(),
  cacheTiers: z.array(cacheTierSchema).default([]),
  minCacheablePrefixTokens: z.number().int().positive().optional(),
  ...provenance,
});

export const catalogFileSchema = z.strictObject({
  gpus: z.array(gpuEntrySchema).default([]),
  models: z.array(modelEntrySchema).default([]),
  prices: z.array(priceEntrySchema).default([]),
});
