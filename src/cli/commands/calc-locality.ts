import { findPriceSnapshot } from "../../catalog/catalog.js";
import { resolveCatalog } from "../deployment-options.js";
import { GoodputError } from "../../errors.js";
import {
  computeCacheLocality,
  routingPolicies,
  type LocalityCacheCapacity,
  type LocalityTtftModel,
  type PrefixPartition,
  type RoutingPolicy,
} from "../../physics/cache-locality.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { fixed, formatTable, ms } from "../format-table.js";
import { numberOption, numberOr, stringOption } from "../parse-values.js";

const defaultSnapshotId = "anthropic-claude-sonnet-4";

function _wholeNumber(context: CommandContext, flag: string, example: string, min: number): number | undefined {
  const value = numberOption(context.values, flag, { rule: "nonnegative", example });
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new GoodputError("BAD_INPUT", `--${flag}: "${String(value)}" is not a whole number of ${min} or more; for example --${flag} ${example}.`, { where: `--${flag}` });
  }
  return value;
}

function _capacity(context: CommandContext): LocalityCacheCapacity {
  const prefixes = _wholeNumber(context, "cache-prefixes", "100", 0);
  const tokens = numberOption(context.values, "cache-tokens", { rule: "nonnegative", example: "400000" });
  if (prefixes !== undefined && tokens !== undefined) {
    throw new GoodputError("BAD_USAGE", "Give either --cache-prefixes or --cache-tokens, not both.", { where: "--cache-tokens" });
  }
  return tokens === undefined ? { prefixes: prefixes ?? 100 } : { tokens };
}

function _ttft(context: CommandContext): LocalityTtftModel {
  const hitMs = numberOption(context.values, "ttft-hit-ms", { rule: "nonnegative", example: "40" });
  const missMs = numberOption(context.values, "ttft-miss-ms", { rule: "nonnegative", example: "400" });
  if ((hitMs === undefined) !== (missMs === undefined)) {
    const missing = hitMs === undefined ? "ttft-hit-ms" : "ttft-miss-ms";
    throw new GoodputError("BAD_USAGE", `--ttft-hit-ms and --ttft-miss-ms go together; add --${missing} (e.g. --ttft-hit-ms 40 --ttft-miss-ms 400).`, { where: `--${missing}` });
  }
  if (hitMs !== undefined && missMs !== undefined) return { kind: "fixed", hitSeconds: hitMs / 1000, missSeconds: missMs / 1000 };
  return {
    kind: "prefill",
    baseSeconds: numberOr(context.values, "ttft-base-ms", 20, { rule: "nonnegative", example: "20" }) / 1000,
    prefillSecondsPerToken: numberOr(context.values, "prefill-ms-per-token", 0.05, { rule: "nonnegative", example: "0.05" }) / 1000,
  };
}

function _policies(context: CommandContext): readonly RoutingPolicy[] {
  const raw = stringOption(context.values, "policies");
  if (raw === undefined) return routingPolicies;
  return raw.split(",").map((name) => {
    const policy = routingPolicies.find((known) => known === name.trim());
    if (policy === undefined) {
      throw new GoodputError("BAD_INPUT", `--policies: "${name}" is not a routing policy; choose from ${routingPolicies.join(", ")}.`, { where: "--policies" });
    }
    return policy;
  });
}

function _partition(context: CommandContext): PrefixPartition {
  const kind = stringOption(context.values, "partition") ?? "rank";
  if (kind === "rank") return { kind: "rank-round-robin" };
  if (kind === "hash") return { kind: "hash", seed: _wholeNumber(context, "seed", "1", 0) ?? 1 };
  throw new GoodputError("BAD_INPUT", `--partition: "${kind}" is not a partition; use rank (rank i on replica i mod R) or hash (seeded hash, with --seed).`, { where: "--partition" });
}

/** `goodput calc locality`: prefix-cache hit rate, TTFT, savings and load imbalance per routing policy. */
export const calcLocalityCommand: CommandSpec = {
  name: "locality",
  summary: "Cache-locality routing: hit rate, TTFT, input savings and load imbalance per routing policy",
  description:
    "Cache-locality mode (docs/design.md §3.8). K prefixes with Zipf(s) popularity over R replicas, each an LRU cache of C\n" +
    "prefixes; per-replica hit rates from Che's approximation. Round-robin / least-request spread every prefix over\n" +
    "every replica; prefix-hash / sticky-session give each prefix a home; kv-aware-spill adds a load bound with spill\n" +
    "to the least-loaded replicas. An analytic estimate, to be cross-checked with the fleet simulator.",
  options: {
    catalog: { type: "string", valueName: "FILE", multiple: true, description: "Extra catalog entries (YAML/JSON with prices) for --prices" },
    replicas: { type: "string", valueName: "R", description: "Replicas (default 8)" },
    prefixes: { type: "string", valueName: "K", description: "Distinct prefixes (default 1000)" },
    zipf: { type: "string", valueName: "S", description: "Zipf exponent of prefix popularity, 0 = uniform (default 1)" },
    "prefix-tokens": { type: "string", valueName: "N", description: "Tokens per prefix (default 4000)" },
    rate: { type: "string", valueName: "REQ/S", description: "Total requests per second (default 50)" },
    "cache-prefixes": { type: "string", valueName: "C", description: "Per-replica cache capacity in prefixes (default 100)" },
    "cache-tokens": { type: "string", valueName: "TOKENS", description: "Per-replica cache capacity in tokens (instead of --cache-prefixes)" },
    "ttft-hit-ms": { type: "string", valueName: "MS", description: "TTFT on a prefix hit (with --ttft-miss-ms)" },
    "ttft-miss-ms": { type: "string", valueName: "MS", description: "TTFT on a prefix miss (with --ttft-hit-ms)" },
    "ttft-base-ms": { type: "string", valueName: "MS", description: "Otherwise: TTFT on a hit (default 20)" },
    "prefill-ms-per-token": { type: "string", valueName: "MS", description: "Otherwise: prefill time per prefix token on a miss (default 0.05)" },
    prices: { type: "string", valueName: "SNAPSHOT", description: `Input price from this snapshot (default ${defaultSnapshotId})` },
    "input-price": { type: "string", valueName: "USD/MTOK", description: "Price of an uncached prefix token (overrides --prices)" },
    "hit-price": { type: "string", valueName: "USD/MTOK", description: "Price of a cached prefix token (default 0: prefill skipped)" },
    policies: { type: "string", valueName: "LIST", description: `Policies to compare (default all: ${routingPolicies.join(",")})` },
    partition: { type: "string", valueName: "rank|hash", description: "Prefix homes: rank i on replica i mod R, or a seeded hash (default rank)" },
    seed: { type: "string", valueName: "N", description: "Hash seed for --partition hash (default 1)" },
    "load-bound": { type: "string", valueName: "X", description: "kv-aware-spill: max replica load ÷ mean before spilling (default 1.25)" },
    "replica-capacity": { type: "string", valueName: "REQ/S", description: "Requests/s one replica can serve (gives peak utilization)" },
  },
  examples: [
    "goodput calc locality --replicas 8 --prefixes 1000 --zipf 1 --cache-prefixes 100 --rate 50",
    "goodput calc locality --replicas 16 --prefixes 5000 --zipf 0.8 --cache-tokens 2000000 --prefix-tokens 8000 --partition hash --seed 7 --json",
  ],
  run(context) {
    const values = context.values;
    const loadBound = numberOr(values, "load-bound", 1.25, { rule: "positive", example: "1.25" });
    if (loadBound < 1) {
      throw new GoodputError("BAD_INPUT", `--load-bound: "${String(loadBound)}" is below 1 (a replica must be allowed at least the mean load); for example --load-bound 1.25.`, { where: "--load-bound" });
    }
    const inputPrice = numberOption(values, "input-price", { rule: "nonnegative", example: "3" }) ?? findPriceSnapshot(resolveCatalog(context), stringOption(values, "prices") ?? defaultSnapshotId).inputUsdPerMTok;
    const replicaCapacity = numberOption(values, "replica-capacity", { rule: "positive", example: "10" });
    const result = computeCacheLocality({
      replicas: numberOr(values, "replicas", 8, { rule: "positive-int", example: "8" }),
      prefixes: numberOr(values, "prefixes", 1000, { rule: "positive-int", example: "1000" }),
      zipfExponent: numberOr(values, "zipf", 1, { rule: "nonnegative", example: "1" }),
      prefixTokens: numberOr(values, "prefix-tokens", 4000, { rule: "positive-int", example: "4000" }),
      requestsPerSecond: numberOr(values, "rate", 50, { rule: "positive", example: "50" }),
      cacheCapacity: _capacity(context),
      ttft: _ttft(context),
      inputUsdPerMTok: inputPrice,
      hitUsdPerMTok: numberOr(values, "hit-price", 0, { rule: "nonnegative", example: "0.3" }),
      policies: _policies(context),
      partition: _partition(context),
      spillLoadBound: loadBound,
      ...(replicaCapacity === undefined ? {} : { replicaCapacityRequestsPerSecond: replicaCapacity }),
    });
    const rows = result.policies.map((policy) => [
      policy.policy,
      `${fixed(policy.hitRate * 100, 1)} %`,
      ms(policy.meanTtftSeconds),
      fixed(policy.savingsUsdPerHour, 2),
      `${fixed(policy.savingsShare * 100, 1)} %`,
      fixed(policy.loadImbalanceFactor, 2),
      `${fixed(policy.spilledShare * 100, 1)} %`,
      policy.peakUtilization === null ? "-" : `${fixed(policy.peakUtilization * 100, 0)} %`,
    ]);
    const lines = [
      `${result.replicas} replicas, ${result.prefixes} prefixes (Zipf s = ${result.zipfExponent}) of ${result.prefixTokens} tokens, ${result.requestsPerSecond} req/s; cache ${result.cacheCapacityPrefixes} prefixes per replica`,
      `TTFT ${ms(result.ttftHitSeconds)} ms on a hit, ${ms(result.ttftMissSeconds)} ms on a miss; input $${inputPrice}/MTok`,
      "",
      formatTable(["policy", "hit rate", "mean TTFT ms", "saved $/h", "saved", "load imbalance", "spilled", "peak util"], rows),
      ...result.policies.map((policy) => `${policy.policy}: ${policy.note}.`),
      ...result.assumptions.map((assumption) => `Assumption: ${assumption}`),
      "",
    ];
    return { json: result, text: lines.join("\n") };
  },
};
