import { z } from "zod";
import { routerConfigSchema } from "../routers/router-schema.js";
import { traceFormats } from "../workload/trace-parse.js";
import { workloadSchema } from "../workload/workload-schema.js";

/**
 * The scenario file (YAML): pools of replicas, the workload, the policies, disturbances, cost and
 * SLO gates — and optionally a counterfactual policy or an assignment design. Strict objects:
 * an unknown key is an error, reported with its path.
 */
const positive = z.number().positive();
const positiveInt = z.number().int().positive();
const nonnegative = z.number().nonnegative();

const engineSchema = z.strictObject({
  maxNumSeqs: positiveInt.default(256),
  maxNumBatchedTokens: positiveInt.default(8192),
  chunkedPrefill: z.boolean().default(true),
  blockSize: positiveInt.default(16),
  prefixCaching: z.boolean().default(true),
  gpuMemoryUtilization: z.number().positive().max(1).default(0.9),
  /** State the KV block count directly (as vLLM logs it) instead of deriving it. */
  kvBlocks: positiveInt.optional(),
  /**
   * A second KV tier per replica (host DRAM / SSD) holding prefix blocks evicted from GPU memory,
   * loaded back instead of recomputed. capacityGiB omitted = unbounded.
   */
  offload: z
    .strictObject({ capacityGiB: positive.optional(), loadGBPerSecond: positive, latencyMs: nonnegative.default(0) })
    .optional(),
});

const poolSchema = z.strictObject({
  name: z.string().min(1),
  replicas: positiveInt.default(1),
  gpu: z.string().min(1),
  model: z.string().min(1).optional(),
  /** A Hugging Face config.json, relative to the scenario file. */
  modelConfig: z.string().min(1).optional(),
  tensorParallel: positiveInt.default(1),
  calibration: z.string().min(1).default("default"),
  priceUsdPerGpuHour: nonnegative.optional(),
  engine: engineSchema.default({ maxNumSeqs: 256, maxNumBatchedTokens: 8192, chunkedPrefill: true, blockSize: 16, prefixCaching: true, gpuMemoryUtilization: 0.9 }),
  /** Drop a request that waited this long without being scheduled (vLLM-style queue timeout). */
  maxQueueSeconds: positive.optional(),
  qualityPassProbability: z.number().min(0).max(1).default(1),
});

const admissionSchema = z.strictObject({
  perTenant: z.record(z.string(), z.strictObject({ ratePerSecond: positive, burst: positive })).default({}),
});

const policiesSchema = z.strictObject({
  router: routerConfigSchema,
  routerReplicas: positiveInt.default(1),
  /** Engine signals reach routers this stale (scrape interval, seconds; 0 = always fresh). */
  signalRefreshSeconds: nonnegative.default(0),
  admission: admissionSchema.optional(),
});

const disturbancesSchema = z.strictObject({
  failures: z.array(z.strictObject({ replica: z.number().int().nonnegative(), atSeconds: nonnegative, recoverAfterSeconds: positive })).default([]),
  slowdowns: z.array(z.strictObject({ replica: z.number().int().nonnegative(), fromSeconds: nonnegative, toSeconds: positive, factor: positive })).default([]),
  retries: z.strictObject({ maxAttempts: z.number().int().min(2), backoffSeconds: positive }).optional(),
});

const sloSchema = z.strictObject({
  ttftSeconds: positive.optional(),
  tpotSeconds: positive.optional(),
  e2eSeconds: positive.optional(),
});

const designSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("request-rct"), treatmentShare: z.number().gt(0).lt(1).default(0.5) }),
  z.strictObject({ type: z.literal("user-rct"), treatmentShare: z.number().gt(0).lt(1).default(0.5) }),
  z.strictObject({ type: z.literal("pool-cluster") }),
  z.strictObject({ type: z.literal("switchback"), blockSeconds: positive, washoutSeconds: nonnegative.default(0) }),
]);

/** Replay of a production trace file instead of a generated workload (see trace-parse.ts). */
const traceWorkloadSchema = z.strictObject({
  /** The trace file, relative to the scenario file. */
  trace: z.string().min(1),
  format: z.enum(traceFormats),
  /** Time compression: 10 replays 10× faster. */
  speed: positive.default(1),
  /** Replay only [fromSeconds, toSeconds) of trace time. */
  window: z.strictObject({ fromSeconds: nonnegative, toSeconds: positive }).refine((window) => window.toSeconds > window.fromSeconds, { message: "toSeconds must be after fromSeconds" }).optional(),
  longPromptTokens: positiveInt.default(2048),
});

/** A generated workload, or `{ trace, format }`: the key `trace` picks the schema, so errors stay specific. */
const scenarioWorkloadSchema = z.unknown().transform((value, context) => {
  const isTrace = typeof value === "object" && value !== null && "trace" in value;
  const parsed = isTrace ? traceWorkloadSchema.safeParse(value) : workloadSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) context.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

export type TraceWorkloadConfig = z.infer<typeof traceWorkloadSchema>;

export const scenarioSchema = z.strictObject({
  name: z.string().min(1).default("scenario"),
  seed: z.number().int().nonnegative().default(1),
  /** Requests to simulate (default 1000; a trace replays its whole window unless this caps it). */
  requests: positiveInt.optional(),
  pools: z.array(poolSchema).min(1),
  workload: scenarioWorkloadSchema,
  policies: policiesSchema,
  disturbances: disturbancesSchema.default({ failures: [], slowdowns: [] }),
  slo: sloSchema.default({}),
  output: z.strictObject({ seriesIntervalSeconds: nonnegative.default(1) }).default({ seriesIntervalSeconds: 1 }),
  /** Run the same arrivals under this policy too (common random numbers) and report the true global effect. */
  counterfactual: z.strictObject({ router: routerConfigSchema }).optional(),
  /** Assign the control (policies.router) and the treatment (design.treatment) inside one system. */
  design: z
    .strictObject({ assignment: designSchema, treatment: routerConfigSchema })
    .optional(),
});

export type ScenarioConfig = z.infer<typeof scenarioSchema>;
export type PoolConfig = z.infer<typeof poolSchema>;
