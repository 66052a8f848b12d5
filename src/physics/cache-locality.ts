import { GoodputError } from "../errors.js";

/** Routing policies compared by the cache-locality model (docs/design.md §3.8). */
export type RoutingPolicy = "round-robin" | "least-request" | "prefix-hash" | "kv-aware-spill" | "sticky-session";

/** Every policy, in the order tables show them. */
export const routingPolicies: readonly RoutingPolicy[] = ["round-robin", "least-request", "prefix-hash", "kv-aware-spill", "sticky-session"];

/**
 * How prefixes are assigned to home replicas under prefix-hash routing. `rank-round-robin` puts the
 * prefix of popularity rank i on replica (i − 1) mod R — deterministic and close to the best a
 * static partition can do; `hash` uses a seeded 32-bit integer hash of the rank (murmur3's fmix32),
 * closer to what a real hash ring does, and usually more imbalanced.
 */
export type PrefixPartition = { readonly kind: "rank-round-robin" } | { readonly kind: "hash"; readonly seed: number };

/** TTFT on a prefix hit vs miss: stated directly, or base + prefix tokens × prefill time per token on a miss. */
export type LocalityTtftModel =
  | { readonly kind: "fixed"; readonly hitSeconds: number; readonly missSeconds: number }
  | { readonly kind: "prefill"; readonly baseSeconds: number; readonly prefillSecondsPerToken: number };

/** Per-replica prefix-cache capacity, in whole prefixes or in tokens (floor(tokens / prefix tokens) prefixes). */
export type LocalityCacheCapacity = { readonly prefixes: number } | { readonly tokens: number };

export interface CacheLocalityInput {
  readonly replicas: number;
  /** K distinct prefixes; prefix of rank i has popularity ∝ 1 / i^s. */
  readonly prefixes: number;
  /** Zipf exponent s (0 = uniform). */
  readonly zipfExponent: number;
  readonly prefixTokens: number;
  /** Total traffic over all replicas. */
  readonly requestsPerSecond: number;
  readonly cacheCapacity: LocalityCacheCapacity;
  readonly ttft: LocalityTtftModel;
  /** Price of an uncached prefix token (list price, or your prefill cost per token). */
  readonly inputUsdPerMTok: number;
  /** Price of a cached prefix token (default 0: self-hosted prefill skipped). */
  readonly hitUsdPerMTok?: number;
  /** Policies to evaluate (default: all). */
  readonly policies?: readonly RoutingPolicy[];
  /** Prefix-to-replica assignment for prefix-hash, sticky-session and kv-aware-spill (default rank-round-robin). */
  readonly partition?: PrefixPartition;
  /** KV-aware spill: a replica may carry at most loadBound × the mean share before it spills (default 1.25, ≥ 1). */
  readonly spillLoadBound?: number;
  /** Requests per second one replica can serve; gives the hottest replica's utilization. */
  readonly replicaCapacityRequestsPerSecond?: number;
}

export interface PolicyLocality {
  readonly policy: RoutingPolicy;
  /** Expected share of requests whose prefix is already in the serving replica's cache. */
  readonly hitRate: number;
  readonly meanTtftSeconds: number;
  readonly uncachedInputUsdPerHour: number;
  readonly inputUsdPerHour: number;
  readonly savingsUsdPerHour: number;
  /** savings ÷ uncached prefix-input cost. */
  readonly savingsShare: number;
  /** Busiest replica's share of traffic ÷ the mean share (1 = perfectly balanced). */
  readonly loadImbalanceFactor: number;
  readonly replicaLoadShares: readonly number[];
  readonly replicaHitRates: readonly number[];
  /** Share of all traffic sent away from its home replica (kv-aware-spill only; else 0). */
  readonly spilledShare: number;
  /** Busiest replica's load ÷ replica capacity; null when the capacity is not given. */
  readonly peakUtilization: number | null;
  readonly note: string;
}

export interface CacheLocalityResult {
  readonly replicas: number;
  readonly prefixes: number;
  readonly zipfExponent: number;
  readonly prefixTokens: number;
  readonly requestsPerSecond: number;
  readonly cacheCapacityPrefixes: number;
  readonly ttftHitSeconds: number;
  readonly ttftMissSeconds: number;
  readonly partition: PrefixPartition;
  readonly spillLoadBound: number;
  readonly policies: readonly PolicyLocality[];
  readonly assumptions: readonly string[];
}

/** One prefix's request stream arriving at one replica. */
interface _Stream {
  readonly prefix: number;
  readonly ratePerSecond: number;
}

function _validate(input: CacheLocalityInput): void {
  const issues: string[] = [];
  const check = (ok: boolean, path: string, value: unknown, rule: string): void => {
    if (!ok) issues.push(`${path}: ${String(value)} must be ${rule}`);
  };
  const isWhole = (value: number, min: number): boolean => Number.isInteger(value) && value >= min;
  const isNonnegative = (value: number): boolean => Number.isFinite(value) && value >= 0;
  check(isWhole(input.replicas, 1), "replicas", input.replicas, "a whole number of 1 or more");
  check(isWhole(input.prefixes, 1), "prefixes", input.prefixes, "a whole number of 1 or more");
  check(isNonnegative(input.zipfExponent), "zipfExponent", input.zipfExponent, "a number of 0 or more");
  check(Number.isFinite(input.prefixTokens) && input.prefixTokens > 0, "prefixTokens", input.prefixTokens, "a number greater than 0");
  check(Number.isFinite(input.requestsPerSecond) && input.requestsPerSecond > 0, "requestsPerSecond", input.requestsPerSecond, "a number greater than 0");
  if ("prefixes" in input.cacheCapacity) check(isWhole(input.cacheCapacity.prefixes, 0), "cacheCapacity.prefixes", input.cacheCapacity.prefixes, "a whole number of 0 or more");
  else check(isNonnegative(input.cacheCapacity.tokens), "cacheCapacity.tokens", input.cacheCapacity.tokens, "a number of 0 or more");
  if (input.ttft.kind === "fixed") {
    check(isNonnegative(input.ttft.hitSeconds), "ttft.hitSeconds", input.ttft.hitSeconds, "a number of 0 or more");
    check(isNonnegative(input.ttft.missSeconds), "ttft.missSeconds", input.ttft.missSeconds, "a number of 0 or more");
  } else {
    check(isNonnegative(input.ttft.baseSeconds), "ttft.baseSeconds", input.ttft.baseSeconds, "a number of 0 or more");
    check(isNonnegative(input.ttft.prefillSecondsPerToken), "ttft.prefillSecondsPerToken", input.ttft.prefillSecondsPerToken, "a number of 0 or more");
  }
  check(isNonnegative(input.inputUsdPerMTok), "inputUsdPerMTok", input.inputUsdPerMTok, "a number of 0 or more");
  if (input.hitUsdPerMTok !== undefined) check(isNonnegative(input.hitUsdPerMTok), "hitUsdPerMTok", input.hitUsdPerMTok, "a number of 0 or more");
  if (input.spillLoadBound !== undefined) check(Number.isFinite(input.spillLoadBound) && input.spillLoadBound >= 1, "spillLoadBound", input.spillLoadBound, "a number of 1 or more");
  if (input.replicaCapacityRequestsPerSecond !== undefined) {
    check(Number.isFinite(input.replicaCapacityRequestsPerSecond) && input.replicaCapacityRequestsPerSecond > 0, "replicaCapacityRequestsPerSecond", input.replicaCapacityRequestsPerSecond, "a number greater than 0");
  }
  if (input.policies !== undefined) {
    check(input.policies.length > 0, "policies", "[]", `at least one of ${routingPolicies.join(", ")}`);
    for (const policy of input.policies) check(routingPolicies.includes(policy), "policies", policy, `one of ${routingPolicies.join(", ")}`);
  }
  if (input.partition?.kind === "hash") check(Number.isInteger(input.partition.seed), "partition.seed", input.partition.seed, "a whole number");
  if (issues.length > 0) throw new GoodputError("BAD_INPUT", `Bad cache-locality input:\n  - ${issues.join("\n  - ")}`, { issues });
}

/** Zipf(s) popularity over ranks 1..K, normalised to sum to 1. */
function _zipfMasses(prefixes: number, exponent: number): number[] {
  const weights = Array.from({ length: prefixes }, (_, index) => 1 / Math.pow(index + 1, exponent));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** murmur3 fmix32 of (rank, seed): a fixed, documented hash so results are reproducible. */
function _hash32(rank: number, seed: number): number {
  let h = (Math.imul(rank + 1, 0x9e3779b1) ^ seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

function _homeReplica(rankIndex: number, replicas: number, partition: PrefixPartition): number {
  return partition.kind === "hash" ? _hash32(rankIndex, partition.seed) % replicas : rankIndex % replicas;
}

/**
 * Che's approximation for an LRU cache of C items under the independent reference model
 * (Che, Tung & Wang 2002; Fricker, Robert & Roberts 2012): the characteristic time T solves
 * Σ_i (1 − e^(−λ_i·T)) = C and item i hits with probability 1 − e^(−λ_i·T). Returns per-stream
 * hit probabilities; every stream hits when the streams fit (steady state, cold misses ignored).
 */
function _cheHitProbabilities(streams: readonly _Stream[], capacity: number): number[] {
  const rates = streams.map((stream) => stream.ratePerSecond).filter((rate) => rate > 0);
  if (capacity <= 0) return streams.map(() => 0);
  if (rates.length <= capacity) return streams.map((stream) => (stream.ratePerSecond > 0 ? 1 : 0));
  const occupied = (time: number): number => rates.reduce((sum, rate) => sum - Math.expm1(-rate * time), 0);
  const totalRate = rates.reduce((sum, rate) => sum + rate, 0);
  // 1 − e^(−x) ≤ x, so occupied(T) ≤ T·Σλ: T ≥ C / Σλ brackets the root from below.
  let low = capacity / totalRate;
  let high = low;
  while (occupied(high) < capacity) {
    low = high;
    high *= 2;
  }
  for (let iteration = 0; iteration < 200 && (high - low) > 1e-14 * high; iteration++) {
    const middle = (low + high) / 2;
    if (occupied(middle) < capacity) low = middle;
    else high = middle;
  }
  const time = (low + high) / 2;
  return streams.map((stream) => -Math.expm1(-stream.ratePerSecond * time));
}

/** Water-fills `excess` onto the least-loaded replicas (never above their current level's peers); returns each one's added share. */
function _waterFill(loads: readonly number[], receivers: readonly number[], excess: number): number[] {
  const added = loads.map(() => 0);
  if (excess <= 0 || receivers.length === 0) return added;
  const sorted = [...receivers].sort((a, b) => (loads[a] ?? 0) - (loads[b] ?? 0));
  let sum = 0;
  let level = 0;
  for (let count = 1; count <= sorted.length; count++) {
    sum += loads[sorted[count - 1] ?? 0] ?? 0;
    level = (excess + sum) / count;
    const next = sorted[count];
    if (next === undefined || level <= (loads[next] ?? 0)) break;
  }
  for (const replica of receivers) added[replica] = Math.max(0, level - (loads[replica] ?? 0));
  return added;
}

interface _Routing {
  /** Streams each replica receives. */
  readonly replicaStreams: readonly (readonly _Stream[])[];
  readonly spilledShare: number;
}

function _affinityRouting(rates: readonly number[], homes: readonly number[], replicas: number): _Routing {
  const replicaStreams: _Stream[][] = Array.from({ length: replicas }, () => []);
  rates.forEach((rate, prefix) => replicaStreams[homes[prefix] ?? 0]?.push({ prefix, ratePerSecond: rate }));
  return { replicaStreams, spilledShare: 0 };
}

/**
 * Prefix affinity with a load bound: a replica whose share exceeds bound / R keeps bound / R and
 * spills the rest — a fraction f_r of each of its prefixes' traffic — to the least-loaded replicas
 * (water-filling). Spilled prefixes are extra streams at the receivers, whose caches they share.
 */
function _spillRouting(rates: readonly number[], homes: readonly number[], replicas: number, loadBound: number): _Routing {
  const total = rates.reduce((sum, rate) => sum + rate, 0);
  const loads = Array.from({ length: replicas }, () => 0);
  rates.forEach((rate, prefix) => { const home = homes[prefix] ?? 0; loads[home] = (loads[home] ?? 0) + rate / total; });
  const cap = loadBound / replicas;
  const spillFraction = loads.map((load) => (load > cap ? (load - cap) / load : 0));
  const excess = loads.reduce((sum, load) => sum + Math.max(0, load - cap), 0);
  const receivers = loads.flatMap((load, replica) => (load > cap ? [] : [replica]));
  const added = _waterFill(loads, receivers, excess);
  const replicaStreams: _Stream[][] = Array.from({ length: replicas }, () => []);
  rates.forEach((rate, prefix) => {
    const home = homes[prefix] ?? 0;
    const fraction = spillFraction[home] ?? 0;
    replicaStreams[home]?.push({ prefix, ratePerSecond: rate * (1 - fraction) });
    if (fraction > 0) {
      for (const receiver of receivers) {
        const weight = (added[receiver] ?? 0) / excess;
        if (weight > 0) replicaStreams[receiver]?.push({ prefix, ratePerSecond: rate * fraction * weight });
      }
    }
  });
  return { replicaStreams, spilledShare: excess };
}

function _evaluate(policy: RoutingPolicy, routing: _Routing, context: {
  readonly capacity: number; readonly totalRate: number; readonly ttftHit: number; readonly ttftMiss: number;
  readonly uncachedUsdPerHour: number; readonly savingUsdPerHitHour: number; readonly replicaCapacity: number | undefined; readonly note: string;
}): PolicyLocality {
  const replicaLoadShares: number[] = [];
  const replicaHitRates: number[] = [];
  let hitRateSum = 0;
  // Round-robin hands every replica the same stream list: solve Che once per distinct list.
  const solved = new Map<readonly _Stream[], number[]>();
  for (const streams of routing.replicaStreams) {
    const hits = solved.get(streams) ?? _cheHitProbabilities(streams, context.capacity);
    solved.set(streams, hits);
    const rate = streams.reduce((sum, stream) => sum + stream.ratePerSecond, 0);
    const hitRate = streams.reduce((sum, stream, index) => sum + stream.ratePerSecond * (hits[index] ?? 0), 0);
    replicaLoadShares.push(rate / context.totalRate);
    replicaHitRates.push(rate > 0 ? hitRate / rate : 0);
    hitRateSum += hitRate;
  }
  const hitRate = hitRateSum / context.totalRate;
  const maxShare = Math.max(...replicaLoadShares);
  const savingsUsdPerHour = hitRate * context.savingUsdPerHitHour;
  return {
    policy,
    hitRate,
    meanTtftSeconds: hitRate * context.ttftHit + (1 - hitRate) * context.ttftMiss,
    uncachedInputUsdPerHour: context.uncachedUsdPerHour,
    inputUsdPerHour: context.uncachedUsdPerHour - savingsUsdPerHour,
    savingsUsdPerHour,
    savingsShare: context.uncachedUsdPerHour > 0 ? savingsUsdPerHour / context.uncachedUsdPerHour : 0,
    loadImbalanceFactor: maxShare * routing.replicaStreams.length,
    replicaLoadShares,
    replicaHitRates,
    spilledShare: routing.spilledShare,
    peakUtilization: context.replicaCapacity === undefined ? null : (maxShare * context.totalRate) / context.replicaCapacity,
    note: context.note,
  };
}

const policyNotes: Readonly<Record<RoutingPolicy, string>> = {
  "round-robin": "every replica sees all K prefixes at rate λ/R; perfectly balanced",
  "least-request": "analytically the same as round-robin: each replica sees a random share of all prefixes",
  "prefix-hash": "each replica sees only its home prefixes (≈ K/R); balance follows the Zipf mass of each partition",
  "kv-aware-spill": "prefix-hash affinity, but load above the bound spills to the least-loaded replicas (misses there)",
  "sticky-session": "same as prefix-hash when the prefix is keyed by session",
};

/**
 * Cache-locality model (docs/design.md §3.8): expected prefix-cache hit rate, mean TTFT, input-cost savings
 * and load imbalance per routing policy, with per-replica LRU hit rates from Che's approximation.
 * An analytic estimate: the fleet simulator (docs/design.md §4) must cross-check it.
 */
export function computeCacheLocality(input: CacheLocalityInput): CacheLocalityResult {
  _validate(input);
  const replicas = input.replicas;
  const partition = input.partition ?? { kind: "rank-round-robin" };
  const loadBound = input.spillLoadBound ?? 1.25;
  const capacity = "prefixes" in input.cacheCapacity ? input.cacheCapacity.prefixes : Math.floor(input.cacheCapacity.tokens / input.prefixTokens);
  const ttftHit = input.ttft.kind === "fixed" ? input.ttft.hitSeconds : input.ttft.baseSeconds;
  const ttftMiss = input.ttft.kind === "fixed" ? input.ttft.missSeconds : input.ttft.baseSeconds + input.prefixTokens * input.ttft.prefillSecondsPerToken;
  const rates = _zipfMasses(input.prefixes, input.zipfExponent).map((mass) => mass * input.requestsPerSecond);
  const homes = rates.map((_, rankIndex) => _homeReplica(rankIndex, replicas, partition));
  const tokensPerHour = input.requestsPerSecond * 3600 * input.prefixTokens;
  const context = {
    capacity,
    totalRate: input.requestsPerSecond,
    ttftHit,
    ttftMiss,
    uncachedUsdPerHour: (tokensPerHour * input.inputUsdPerMTok) / 1e6,
    savingUsdPerHitHour: (tokensPerHour * (input.inputUsdPerMTok - (input.hitUsdPerMTok ?? 0))) / 1e6,
    replicaCapacity: input.replicaCapacityRequestsPerSecond,
  };
  const spread = (): _Routing => {
    const streams = rates.map((rate, prefix) => ({ prefix, ratePerSecond: rate / replicas }));
    return { replicaStreams: Array.from({ length: replicas }, () => streams), spilledShare: 0 };
  };
  const routingFor = (policy: RoutingPolicy): _Routing => {
    switch (policy) {
      case "round-robin":
      case "least-request":
        return spread();
      case "prefix-hash":
      case "sticky-session":
        return _affinityRouting(rates, homes, replicas);
      case "kv-aware-spill":
        return _spillRouting(rates, homes, replicas, loadBound);
    }
  };
  const policies = (input.policies ?? routingPolicies).map((policy) => _evaluate(policy, routingFor(policy), { ...context, note: policyNotes[policy] }));
  return {
    replicas,
    prefixes: input.prefixes,
    zipfExponent: input.zipfExponent,
    prefixTokens: input.prefixTokens,
    requestsPerSecond: input.requestsPerSecond,
    cacheCapacityPrefixes: capacity,
    ttftHitSeconds: ttftHit,
    ttftMissSeconds: ttftMiss,
    partition,
    spillLoadBound: loadBound,
    policies,
    assumptions: [
      "Requests arrive independently (IRM) with Zipf(s) prefix popularity; each replica's cache is LRU over whole prefixes.",
      "Hit rates use Che's approximation (characteristic time) per replica; steady state, cold-start misses ignored.",
      partition.kind === "hash"
        ? `Prefix-hash homes: fmix32 hash of the rank with seed ${partition.seed}, mod R.`
        : "Prefix-hash homes: rank i on replica (i − 1) mod R (a near-best static partition; a real hash ring is usually more imbalanced).",
      "Least-request is modelled as round-robin; spilled requests are extra streams at the receiving replica's cache.",
      "TTFT is hit or miss prefill time only (no queueing); see load imbalance and peak utilization for the cost of locality.",
      "Analytic estimate: the fleet simulator (docs/design.md §4) must cross-check these numbers.",
    ],
  };
}
