import { z } from "zod";
import { firstUnsortedIndex } from "./arrivals.js";
import { lengthAcceptanceProbability, minAcceptanceProbability } from "./length-sampler.js";

/**
 * The scenario file's `workload:` section. Strict objects (an unknown key is an error), every
 * rate and length positive, min ≤ max; each issue carries its path for the caller to report.
 */
const positive = z.number().positive();
const nonnegative = z.number().nonnegative();
const positiveInt = z.number().int().positive();
const share = z.number().min(0).max(1);

const minNotAboveMax = (value: { min: number; max: number }) => value.min <= value.max;
const minAboveMaxIssue = { message: "min must not exceed max", path: ["max"] };

const fixedLength = z.strictObject({ dist: z.literal("fixed"), value: positiveInt });
const uniformLength = z
  .strictObject({ dist: z.literal("uniform"), min: positiveInt, max: positiveInt })
  .refine(minNotAboveMax, minAboveMaxIssue);
/** Normal rounded to whole tokens and truncated to [min, max] by rejection. */
const normalLength = z
  .strictObject({ dist: z.literal("normal"), mean: positive, sd: positive, min: positiveInt, max: positiveInt })
  .refine(minNotAboveMax, minAboveMaxIssue)
  .refine((value) => value.min > value.max || lengthAcceptanceProbability(value) >= minAcceptanceProbability, {
    message: `[min, max] holds under ${minAcceptanceProbability * 100}% of this normal's mass; move the mean inside the window or widen it`,
  });
/** Lognormal with the given median, rounded, truncated to [1, max] by rejection. */
const lognormalLength = z
  .strictObject({ dist: z.literal("lognormal"), median: positive, sigma: positive, max: positiveInt.optional() })
  .refine((value) => lengthAcceptanceProbability(value) >= minAcceptanceProbability, {
    message: `[1, max] holds under ${minAcceptanceProbability * 100}% of this lognormal's mass; raise max or lower the median`,
  });
/** Pareto with shape alpha (pdf ∝ x^−(alpha+1)) truncated to [min, max] (e.g. max = context window). */
const powerlawLength = z
  .strictObject({ dist: z.literal("powerlaw"), alpha: positive, min: positiveInt, max: positiveInt })
  .refine(minNotAboveMax, minAboveMaxIssue);
const empiricalLength = z.strictObject({ dist: z.literal("empirical"), samples: z.array(positiveInt).min(1) });

/** A distribution of whole token counts (each draw ≥ 1). */
export const lengthDistSchema = z.discriminatedUnion("dist", [fixedLength, uniformLength, normalLength, lognormalLength, powerlawLength, empiricalLength]);

/** A distribution of positive durations in seconds (think time between session turns). */
export const durationDistSchema = z.discriminatedUnion("dist", [
  z.strictObject({ dist: z.literal("fixed"), value: positive }),
  z.strictObject({ dist: z.literal("exponential"), mean: positive }),
  z.strictObject({ dist: z.literal("lognormal"), median: positive, sigma: positive }),
]);

/** Arrival processes of new conversations (absolute times in seconds from 0). */
export const arrivalSchema = z.discriminatedUnion("process", [
  z.strictObject({ process: z.literal("constant"), ratePerSecond: positive }),
  z.strictObject({ process: z.literal("poisson"), ratePerSecond: positive }),
  /** Gamma inter-arrivals, mean 1/rate, CV² = 1/shape (shape < 1 is burstier than Poisson). */
  z.strictObject({ process: z.literal("gamma"), ratePerSecond: positive, shape: positive }),
  /** Poisson at onRate for onSeconds, then at offRate (0 = silent) for offSeconds, repeating; starts on. */
  z.strictObject({ process: z.literal("onoff"), onRatePerSecond: positive, offRatePerSecond: nonnegative.default(0), onSeconds: positive, offSeconds: positive }),
  /** Poisson with rate mean·(1 + amplitude·sin(2π(t + phaseSeconds)/period)). */
  z.strictObject({
    process: z.literal("diurnal"),
    meanRatePerSecond: positive,
    amplitude: share,
    periodSeconds: positive,
    phaseSeconds: nonnegative.default(0),
  }),
  /** Replay of absolute timestamps (seconds), sorted nondecreasing. */
  z.strictObject({ process: z.literal("trace"), timestamps: z.array(nonnegative).min(1) }).superRefine((value, context) => {
    const index = firstUnsortedIndex(value.timestamps);
    if (index < 0) return;
    context.addIssue({
      code: "custom",
      path: ["timestamps", index],
      message: `timestamps must be sorted nondecreasing: timestamps[${index}] = ${value.timestamps[index] ?? NaN} comes before timestamps[${index - 1}] = ${value.timestamps[index - 1] ?? NaN}; sort the trace`,
    });
  }),
]);

const tenantSchema = z.strictObject({
  name: z.string().min(1),
  /** Share of conversations, relative to the other tenants' weights. */
  weight: positive.default(1),
  tier: z.string().min(1).default("standard"),
  latencySensitive: z.boolean().default(false),
});

/** Most users per tenant (the popularity table costs 8 bytes per user). */
export const maxUsersPerTenant = 1_000_000;
/** Most shared-prefix groups. */
export const maxPrefixGroups = 100_000;

export const workloadSchema = z.strictObject({
  /** When new conversations start; session follow-up turns come on top of these. */
  arrivals: arrivalSchema,
  /** Tokens of a new message (single requests and a session's first turn), excluding any shared prefix. */
  promptTokens: lengthDistSchema,
  outputTokens: lengthDistSchema,
  tenants: z
    .array(tenantSchema)
    .min(1)
    .default([{ name: "default", weight: 1, tier: "standard", latencySensitive: false }])
    .superRefine((tenants, context) => {
      const seen = new Set<string>();
      tenants.forEach((tenant, index) => {
        if (seen.has(tenant.name)) context.addIssue({ code: "custom", path: [index, "name"], message: `tenant "${tenant.name}" is listed twice; names must be unique` });
        seen.add(tenant.name);
      });
    }),
  /** Each tenant has `count` users ("<tenant>/u0" most popular) drawn by Zipf(zipf); absent: every conversation is a new anonymous user. */
  users: z.strictObject({ count: positiveInt.max(maxUsersPerTenant), zipf: nonnegative.default(1) }).optional(),
  /** `share` of conversations start with the shared prefix of a group ("g0" most popular) drawn by Zipf(zipf); each group's length is drawn once. */
  prefixGroups: z
    .strictObject({ count: positiveInt.max(maxPrefixGroups), tokens: lengthDistSchema, zipf: nonnegative.default(1), share: share.default(1) })
    .optional(),
  /** `share` of conversations are multi-turn sessions of `turns` turns (counting the first), each follow-up arriving `thinkSeconds` after the previous turn's arrival. */
  sessions: z
    .strictObject({
      share,
      turns: lengthDistSchema,
      thinkSeconds: durationDistSchema,
      /** New-message tokens of follow-up turns; defaults to promptTokens. */
      followUpTokens: lengthDistSchema.optional(),
      /** End a session before a follow-up whose prompt + output would exceed this (the context window). */
      maxContextTokens: positiveInt.optional(),
    })
    .optional(),
  /** Requests whose total prompt has at least this many tokens are workloadClass "long", others "short". */
  longPromptTokens: positiveInt.default(2048),
});

/** The parsed `workload:` section (defaults filled in). */
export type WorkloadConfig = z.infer<typeof workloadSchema>;
/** The `workload:` section as written in the file (defaults optional). */
export type WorkloadInput = z.input<typeof workloadSchema>;
export type LengthDistConfig = z.infer<typeof lengthDistSchema>;
export type DurationDistConfig = z.infer<typeof durationDistSchema>;
export type ArrivalConfig = z.infer<typeof arrivalSchema>;
