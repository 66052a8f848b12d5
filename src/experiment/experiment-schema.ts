import { z } from "zod";
import { routerConfigSchema } from "../sim/routers/router-schema.js";
import { workloadSchema } from "../sim/workload/workload-schema.js";

/**
 * An experiment file (docs/design.md §5): the question and the decision it serves, cases (workloads) ×
 * profiles (serving configurations or policies), the target, SLOs, the cost model with its evidence
 * boundary, and the decision rule. Strict: unknown keys are errors.
 */
const engineOverrides = z.strictObject({
  maxNumSeqs: z.number().int().positive().optional(),
  maxNumBatchedTokens: z.number().int().positive().optional(),
  chunkedPrefill: z.boolean().optional(),
  blockSize: z.number().int().positive().optional(),
  prefixCaching: z.boolean().optional(),
  gpuMemoryUtilization: z.number().positive().max(1).optional(),
  kvBlocks: z.number().int().positive().optional(),
});

/** Two cases (or profiles) with one name would overwrite each other's cells in the store. */
function _uniqueNames(kind: string) {
  return (entries: readonly { readonly name: string }[], context: z.RefinementCtx): void => {
    const seen = new Map<string, number>();
    entries.forEach((entry, index) => {
      const first = seen.get(entry.name);
      if (first === undefined) seen.set(entry.name, index);
      else context.addIssue({ code: "custom", path: [index, "name"], message: `duplicate ${kind} name "${entry.name}" (also ${kind} ${first + 1}); give each ${kind} its own name` });
    });
  };
}

export const experimentSchema = z.strictObject({
  name: z.string().min(1),
  question: z.string().min(1),
  decision: z.string().min(1),
  /** "sim" (the embedded simulator) or an OpenAI-compatible base URL. */
  target: z.string().min(1).default("sim"),
  evidenceBoundary: z.string().min(1),
  seed: z.number().int().nonnegative().default(1),
  requests: z.number().int().positive().default(2000),
  /** Runs per cell, on seeds seed, seed + 1, …: ≥ 2 gives each percentile a 95 % interval across seeds. */
  replicates: z.number().int().positive().max(100).default(1),
  deployment: z.strictObject({
    gpu: z.string().min(1),
    model: z.string().min(1),
    replicas: z.number().int().positive().default(1),
    tensorParallel: z.number().int().positive().default(1),
    calibration: z.string().min(1).default("default"),
    /** On-demand price of one GPU-hour charged for the target's GPUs. */
    priceUsdPerGpuHour: z.number().nonnegative(),
    /** Requests waiting longer than this are dropped (a gateway timeout). */
    maxQueueSeconds: z.number().positive().optional(),
  }),
  slo: z.strictObject({
    /** Run-level bounds: the run passes when this percentile of request latency is within it; each request over it is not accepted. */
    p95LatencySeconds: z.number().positive().optional(),
    p99LatencySeconds: z.number().positive().optional(),
    ttftSeconds: z.number().positive().optional(),
    tpotSeconds: z.number().positive().optional(),
    e2eSeconds: z.number().positive().optional(),
  }),
  cases: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        description: z.string().optional(),
        workload: workloadSchema,
        requests: z.number().int().positive().optional(),
        /** Time-bounded: every request arriving in the first durationSeconds (simulator only; overrides requests). */
        durationSeconds: z.number().positive().optional(),
      }),
    )
    .min(1)
    .superRefine(_uniqueNames("case")),
  profiles: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        description: z.string().optional(),
        engine: engineOverrides.default({}),
        replicas: z.number().int().positive().optional(),
        router: routerConfigSchema.optional(),
        /** This profile's queue timeout (overrides deployment.maxQueueSeconds). */
        maxQueueSeconds: z.number().positive().optional(),
        /** Requests per cell for this profile (overrides the case's and the experiment's). */
        requests: z.number().int().positive().optional(),
      }),
    )
    .min(1)
    .superRefine(_uniqueNames("profile")),
  decisionRule: z
    .strictObject({
      /** The unit-cost metric profiles compete on (lower is better). */
      // Default: cost per accepted (in-SLO) request — work that missed the SLO is not useful work.
      metric: z.enum(["costPer1kAccepted", "lcpr", "costPer1MTokensInSlo", "costPer1kSuccessful", "costPer1MTokens"]).default("costPer1kAccepted"),
      /** The cheapest profile must be at least this many times cheaper than the next to count as a clear win. */
      minAdvantage: z.number().min(1).default(1.5),
    })
    .default({ metric: "costPer1kAccepted", minAdvantage: 1.5 }),
});

export type ExperimentConfig = z.infer<typeof experimentSchema>;
export type ExperimentCase = ExperimentConfig["cases"][number];
export type ExperimentProfile = ExperimentConfig["profiles"][number];
