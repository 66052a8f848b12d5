import type { CacheTier, PriceSnapshot } from "../catalog/types.js";
import { GoodputError } from "../errors.js";

/**
 * How long requests for one prefix are apart. The hit probability of a tier is P(gap ≤ TTL):
 * `exponential` is Poisson arrivals (closed form 1 − e^(−TTL/mean)); `samples` is the empirical
 * distribution of observed gaps.
 */
export type GapDistribution =
  | { readonly kind: "exponential"; readonly meanGapSeconds: number }
  | { readonly kind: "samples"; readonly gapSeconds: readonly number[] };

export interface CacheEconomicsInput {
  /** Provider prices; `source` and `sourceDate` are echoed so every result says where prices came from. */
  readonly prices: PriceSnapshot;
  /** Tokens in the shared prefix that would be cached. */
  readonly prefixTokens: number;
  /** Expected reads within TTL per write (the reuse you plan for); gives "savings at reuse". */
  readonly expectedReadsPerWrite?: number;
  /** Inter-request gap distribution for this prefix; gives P(hit) = P(gap ≤ TTL) per tier. */
  readonly gaps?: GapDistribution;
  /** Requests per hour for this prefix: hourly totals, and Poisson gaps when `gaps` is absent. */
  readonly requestsPerHour?: number;
}

/** Where a tier's hit probability came from. */
export type HitProbabilitySource = "gap-samples" | "exponential-gaps" | "requests-per-hour" | "expected-reads";

/** One write followed by N reads, compared with sending the prefix uncached N + 1 times. */
export interface CacheReuseOutcome {
  readonly readsPerWrite: number;
  readonly uncachedUsd: number;
  /** Write + N reads + rent for one TTL. */
  readonly cachedUsd: number;
  readonly savingsUsd: number;
  /** savings ÷ uncached cost (negative when caching loses). */
  readonly savingsShare: number;
}

/** Long-run expected cost of the prefix per request under the hit probability of this tier. */
export interface CachePerRequestCost {
  readonly hitProbability: number;
  readonly hitProbabilitySource: HitProbabilitySource;
  /** Seconds the entry is held per request (the rent clock). */
  readonly cacheHeldSecondsPerRequest: number;
  readonly rentUsdPerRequest: number;
  readonly costUsdPerRequest: number;
  readonly uncachedUsdPerRequest: number;
  readonly savingsUsdPerRequest: number;
  /** Null unless requests per hour are known. */
  readonly rentUsdPerHour: number | null;
  readonly savingsUsdPerHour: number | null;
}

export interface CacheTierEconomics {
  readonly tier: string;
  readonly ttlSeconds: number;
  readonly writeUsdPerMTok: number;
  readonly readUsdPerMTok: number;
  readonly storageUsdPerMTokHour: number;
  /** Full write price of the prefix: p_write × tokens (the write itself, not its premium). */
  readonly writeUsd: number;
  /** Extra paid over an uncached send when the prefix is written: (p_write − p_in) × tokens. */
  readonly writePremiumUsd: number;
  /** Saved by each read instead of an uncached send: (p_in − p_read) × tokens. */
  readonly savingPerReadUsd: number;
  /** Rent for holding the entry one TTL: tokens × storage price × TTL hours. */
  readonly rentPerWriteUsd: number;
  /**
   * docs/design.md §3.4: N = (p_write·tokens + rent) / ((p_in − p_read)·tokens), with p_write the full write
   * price per token — the reads whose savings repay the whole write. Null when a read saves nothing.
   */
  readonly breakEvenReads: number | null;
  /**
   * Reads at which caching first beats not caching: (write premium + rent) / saving per read, since
   * the write request would have paid p_in anyway. At most `breakEvenReads`; 0 when writes carry no premium.
   */
  readonly breakEvenReadsVsUncached: number | null;
  /** Lost when no read follows the write: the write premium plus one TTL of rent. */
  readonly wasteIfNoReuseUsd: number;
  /** At the stated reuse, or at the reuse implied by the hit probability; null when unknown. */
  readonly atReuse: CacheReuseOutcome | null;
  readonly perRequest: CachePerRequestCost;
}

export interface CacheEconomicsResult {
  readonly priceSnapshot: { readonly id: string; readonly source: string; readonly sourceDate: string };
  readonly prefixTokens: number;
  readonly inputUsdPerMTok: number;
  readonly tiers: readonly CacheTierEconomics[];
  /** The tier with the lowest expected cost per request. */
  readonly bestTier: string;
  /** `bestTier`, or "no-cache" when sending the prefix uncached is at least as cheap or the prefix is too short to cache. */
  readonly cheapestOption: string;
  /** The provider's minimum cacheable prefix (null when the snapshot does not state one). */
  readonly minCacheablePrefixTokens: number | null;
  /** True when the prefix is shorter than that minimum: the provider bills it as plain input. */
  readonly belowMinimumCacheablePrefix: boolean;
  /** Cost per request of each tier at a range of hit rates, and the hit rate at which caching breaks even. */
  readonly hitRateSensitivity: readonly HitRateSensitivityRow[];
  readonly breakEvenHitRate: Readonly<Record<string, number | null>>;
  readonly assumptions: readonly string[];
}

const perToken = (usdPerMTok: number): number => usdPerMTok / 1e6;

export interface HitRateSensitivityRow {
  readonly hitRate: number;
  readonly uncachedUsdPerRequest: number;
  /** Expected prefix cost per request on each tier at this hit rate (rent for TTL × (1 − h) per request). */
  readonly costUsdPerRequestByTier: Readonly<Record<string, number>>;
}

/** Hit rates the sensitivity table shows. */
export const sensitivityHitRates = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 1] as const;

/**
 * Cost per request at hit rate h (each miss writes, each write held one TTL):
 *   c(h) = T · (h · p_read + (1 − h) · (p_write + rent_per_token_per_write))
 * and the break-even h* where c(h*) = T · p_in: h* = (p_write' − p_in) / (p_write' − p_read), clamped to
 * [0, 1] (0: caching never costs more; null: it never pays).
 */
function hitRateTable(input: CacheEconomicsInput): { rows: HitRateSensitivityRow[]; breakEven: Record<string, number | null> } {
  const tokens = input.prefixTokens;
  const pIn = perToken(input.prices.inputUsdPerMTok);
  const writeCost = (tier: CacheTier): number => perToken(tier.writeUsdPerMTok) + (perToken(tier.storageUsdPerMTokHour) * tier.ttlSeconds) / 3600;
  const rows = sensitivityHitRates.map((hitRate) => ({
    hitRate,
    uncachedUsdPerRequest: pIn * tokens,
    costUsdPerRequestByTier: Object.fromEntries(
      input.prices.cacheTiers.map((tier) => [tier.name, tokens * (hitRate * perToken(tier.readUsdPerMTok) + (1 - hitRate) * writeCost(tier))]),
    ),
  }));
  const breakEven: Record<string, number | null> = {};
  for (const tier of input.prices.cacheTiers) {
    const pRead = perToken(tier.readUsdPerMTok);
    const pWrite = writeCost(tier);
    breakEven[tier.name] = pRead >= pIn ? null : pWrite <= pIn ? 0 : (pWrite - pIn) / (pWrite - pRead);
  }
  return { rows, breakEven };
}

function _validate(input: CacheEconomicsInput): void {
  const issues: string[] = [];
  const nonnegative = (value: number, path: string): void => {
    if (!Number.isFinite(value) || value < 0) issues.push(`${path}: ${value} must be a number of 0 or more`);
  };
  const positive = (value: number, path: string): void => {
    if (!Number.isFinite(value) || value <= 0) issues.push(`${path}: ${value} must be a number greater than 0`);
  };
  positive(input.prefixTokens, "prefixTokens");
  nonnegative(input.prices.inputUsdPerMTok, "prices.inputUsdPerMTok");
  if (input.prices.cacheTiers.length === 0) issues.push(`prices.cacheTiers: snapshot "${input.prices.id}" has no cache tiers; add at least one`);
  input.prices.cacheTiers.forEach((tier, index) => {
    positive(tier.ttlSeconds, `prices.cacheTiers.${index}.ttlSeconds`);
    nonnegative(tier.writeUsdPerMTok, `prices.cacheTiers.${index}.writeUsdPerMTok`);
    nonnegative(tier.readUsdPerMTok, `prices.cacheTiers.${index}.readUsdPerMTok`);
    nonnegative(tier.storageUsdPerMTokHour, `prices.cacheTiers.${index}.storageUsdPerMTokHour`);
  });
  if (input.expectedReadsPerWrite !== undefined) nonnegative(input.expectedReadsPerWrite, "expectedReadsPerWrite");
  if (input.requestsPerHour !== undefined) positive(input.requestsPerHour, "requestsPerHour");
  if (input.gaps?.kind === "exponential") positive(input.gaps.meanGapSeconds, "gaps.meanGapSeconds");
  if (input.gaps?.kind === "samples") {
    if (input.gaps.gapSeconds.length === 0) issues.push("gaps.gapSeconds: give at least one gap sample");
    input.gaps.gapSeconds.forEach((gap, index) => { nonnegative(gap, `gaps.gapSeconds.${index}`); });
  }
  if (input.gaps === undefined && input.requestsPerHour === undefined && input.expectedReadsPerWrite === undefined) {
    issues.push("give expectedReadsPerWrite, gaps or requestsPerHour so the hit probability is known");
  }
  if (issues.length > 0) {
    throw new GoodputError("BAD_INPUT", `Bad cache-economics input:\n  - ${issues.join("\n  - ")}`, { issues });
  }
}

/**
 * P(gap ≤ TTL) and E[min(gap, TTL)] for one tier. With refresh-on-use (each request either writes
 * the entry or refreshes its TTL), request k hits iff the gap since request k−1 is at most the TTL,
 * and the entry is held min(gap, TTL) after each request.
 * Exponential: P = 1 − e^(−TTL/μ), E[min(G, TTL)] = μ·(1 − e^(−TTL/μ)).
 */
function _gapModel(gaps: GapDistribution, ttlSeconds: number): { hitProbability: number; heldSeconds: number } {
  if (gaps.kind === "exponential") {
    const hitProbability = 1 - Math.exp(-ttlSeconds / gaps.meanGapSeconds);
    return { hitProbability, heldSeconds: gaps.meanGapSeconds * hitProbability };
  }
  let hits = 0;
  let held = 0;
  for (const gap of gaps.gapSeconds) {
    if (gap <= ttlSeconds) hits++;
    held += Math.min(gap, ttlSeconds);
  }
  return { hitProbability: hits / gaps.gapSeconds.length, heldSeconds: held / gaps.gapSeconds.length };
}

function _tierEconomics(input: CacheEconomicsInput, tier: CacheTier): CacheTierEconomics {
  const tokens = input.prefixTokens;
  const pIn = perToken(input.prices.inputUsdPerMTok);
  const pWrite = perToken(tier.writeUsdPerMTok);
  const pRead = perToken(tier.readUsdPerMTok);
  const rentUsdPerSecond = (tokens * perToken(tier.storageUsdPerMTokHour)) / 3600;
  const writeUsd = pWrite * tokens;
  const writePremiumUsd = (pWrite - pIn) * tokens;
  const savingPerReadUsd = (pIn - pRead) * tokens;
  const rentPerWriteUsd = rentUsdPerSecond * tier.ttlSeconds;
  const breakEvenReads = savingPerReadUsd > 0 ? (writeUsd + rentPerWriteUsd) / savingPerReadUsd : null;
  const breakEvenReadsVsUncached = savingPerReadUsd > 0 ? Math.max(0, (writePremiumUsd + rentPerWriteUsd) / savingPerReadUsd) : null;

  // Hit probability: the gap distribution if given, else Poisson at the stated rate, else N/(N+1)
  // from the stated reuse (a write followed by N reads serves N + 1 requests with N hits).
  let hitProbability: number;
  let hitProbabilitySource: HitProbabilitySource;
  let heldSeconds: number;
  const gaps: GapDistribution | undefined =
    input.gaps ?? (input.requestsPerHour === undefined ? undefined : { kind: "exponential", meanGapSeconds: 3600 / input.requestsPerHour });
  if (gaps !== undefined) {
    ({ hitProbability, heldSeconds } = _gapModel(gaps, tier.ttlSeconds));
    hitProbabilitySource = input.gaps === undefined ? "requests-per-hour" : gaps.kind === "samples" ? "gap-samples" : "exponential-gaps";
  } else {
    const reads = input.expectedReadsPerWrite ?? 0;
    hitProbability = reads / (reads + 1);
    hitProbabilitySource = "expected-reads";
    // Without gaps each write holds the entry for one TTL, shared by the N + 1 requests it serves.
    heldSeconds = tier.ttlSeconds * (1 - hitProbability);
  }

  const uncachedUsdPerRequest = pIn * tokens;
  const rentUsdPerRequest = rentUsdPerSecond * heldSeconds;
  const costUsdPerRequest = hitProbability * pRead * tokens + (1 - hitProbability) * pWrite * tokens + rentUsdPerRequest;
  const savingsUsdPerRequest = uncachedUsdPerRequest - costUsdPerRequest;
  const rate = input.requestsPerHour;

  // Under renewal gaps the run of hits after a write is geometric: mean reads per write = h / (1 − h).
  const readsPerWrite = input.expectedReadsPerWrite ?? (hitProbability < 1 ? hitProbability / (1 - hitProbability) : null);
  let atReuse: CacheReuseOutcome | null = null;
  if (readsPerWrite !== null) {
    const uncachedUsd = (1 + readsPerWrite) * uncachedUsdPerRequest;
    const cachedUsd = writeUsd + readsPerWrite * pRead * tokens + rentPerWriteUsd;
    atReuse = { readsPerWrite, uncachedUsd, cachedUsd, savingsUsd: uncachedUsd - cachedUsd, savingsShare: uncachedUsd > 0 ? (uncachedUsd - cachedUsd) / uncachedUsd : 0 };
  }

  return {
    tier: tier.name,
    ttlSeconds: tier.ttlSeconds,
    writeUsdPerMTok: tier.writeUsdPerMTok,
    readUsdPerMTok: tier.readUsdPerMTok,
    storageUsdPerMTokHour: tier.storageUsdPerMTokHour,
    writeUsd,
    writePremiumUsd,
    savingPerReadUsd,
    rentPerWriteUsd,
    breakEvenReads,
    breakEvenReadsVsUncached,
    wasteIfNoReuseUsd: Math.max(0, writePremiumUsd) + rentPerWriteUsd,
    atReuse,
    perRequest: {
      hitProbability,
      hitProbabilitySource,
      cacheHeldSecondsPerRequest: heldSeconds,
      rentUsdPerRequest,
      costUsdPerRequest,
      uncachedUsdPerRequest,
      savingsUsdPerRequest,
      rentUsdPerHour: rate === undefined ? null : rentUsdPerRequest * rate,
      savingsUsdPerHour: rate === undefined ? null : savingsUsdPerRequest * rate,
    },
  };
}

/**
 * Prompt-caching economics per TTL tier (docs/design.md §3.4): break-even reads N = p_write / (p_in − p_read),
 * savings at a reuse, waste when reuse fails, P(hit) = P(gap ≤ TTL), storage rent
 * (tokens × price × hours held) and the tier with the lowest expected cost per request.
 */
export function computeCacheEconomics(input: CacheEconomicsInput): CacheEconomicsResult {
  _validate(input);
  const tiers = input.prices.cacheTiers.map((tier) => _tierEconomics(input, tier));
  let best = tiers[0];
  for (const tier of tiers) {
    if (best === undefined || tier.perRequest.costUsdPerRequest < best.perRequest.costUsdPerRequest) best = tier;
  }
  const bestTier = best?.tier ?? "";
  const uncached = perToken(input.prices.inputUsdPerMTok) * input.prefixTokens;
  const minimum = input.prices.minCacheablePrefixTokens ?? null;
  const belowMinimum = minimum !== null && input.prefixTokens < minimum;
  const cheapestOption = !belowMinimum && best !== undefined && best.perRequest.costUsdPerRequest < uncached ? bestTier : "no-cache";
  const sensitivity = hitRateTable(input);
  return {
    priceSnapshot: { id: input.prices.id, source: input.prices.source, sourceDate: input.prices.sourceDate },
    prefixTokens: input.prefixTokens,
    inputUsdPerMTok: input.prices.inputUsdPerMTok,
    tiers,
    bestTier,
    cheapestOption,
    minCacheablePrefixTokens: minimum,
    belowMinimumCacheablePrefix: belowMinimum,
    hitRateSensitivity: sensitivity.rows,
    breakEvenHitRate: sensitivity.breakEven,
    assumptions: [
      ...(belowMinimum ? [`The ${input.prefixTokens}-token prefix is below ${input.prices.provider}'s minimum cacheable prefix of ${minimum} tokens: it is never cached, so every tier's figures are hypothetical and the cheapest option is no cache.`] : []),
      "A cache write is billed at p_write instead of p_in (not on top of it); reads at p_read.",
      "breakEvenReads follows docs/design.md §3.4 (full write price ÷ saving per read); breakEvenReadsVsUncached credits the write with the p_in it replaces.",
      "Each request writes the entry or refreshes its TTL, so a request hits iff the gap since the previous one is ≤ TTL (renewal gaps).",
      "Rent = tokens × storage price × hours held; held time per request is E[min(gap, TTL)], or one TTL per write when only reuse is given.",
      "Only the prefix tokens are priced; the uncached suffix and output cost the same either way.",
    ],
  };
}
