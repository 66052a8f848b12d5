import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findPriceSnapshot } from "../../catalog/catalog.js";
import { resolveCatalog } from "../deployment-options.js";
import type { PriceSnapshot } from "../../catalog/types.js";
import { GoodputError } from "../../errors.js";
import { computeCacheEconomics, type CacheEconomicsResult, type CacheReuseOutcome, type GapDistribution } from "../../physics/cache-economics.js";
import { lintPrefixStability, type PrefixStabilityResult } from "../../physics/prefix-stability.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { fixed, formatTable } from "../format-table.js";
import { numberListOption, numberOption, stringOption } from "../parse-values.js";

const defaultSnapshotId = "anthropic-claude-sonnet-4";
const defaultReadsPerWrite = 10;
const explicitPriceFlags = ["input-price", "cache-write-price", "cache-read-price", "ttl-seconds"] as const;

/** What `calc cache --json` prints: the economics result plus the prefix lint when --prompts is given. */
export type CalcCacheJson = CacheEconomicsResult & { readonly prefixLint: PrefixStabilityResult | null };

function _prices(context: CommandContext): PriceSnapshot {
  const values = context.values;
  const explicit = explicitPriceFlags.filter((flag) => stringOption(values, flag) !== undefined);
  const snapshotId = stringOption(values, "prices");
  if (explicit.length === 0) return findPriceSnapshot(resolveCatalog(context), snapshotId ?? defaultSnapshotId);
  if (snapshotId !== undefined) {
    throw new GoodputError("BAD_USAGE", `Give either --prices ${snapshotId} or explicit prices (--${explicit.join(", --")}), not both.`, { where: "--prices" });
  }
  const missing = explicitPriceFlags.filter((flag) => !explicit.includes(flag));
  if (missing.length > 0) {
    throw new GoodputError(
      "BAD_USAGE",
      `Explicit prices need all of --${explicitPriceFlags.join(", --")}; missing --${missing.join(", --")} (e.g. --input-price 3 --cache-write-price 3.75 --cache-read-price 0.3 --ttl-seconds 300).`,
      { where: `--${missing[0] ?? "input-price"}` },
    );
  }
  const price = (flag: string, example: string): number => numberOption(values, flag, { rule: "nonnegative", example }) ?? 0;
  const ttlSeconds = numberOption(values, "ttl-seconds", { rule: "positive", example: "300" }) ?? 300;
  return {
    id: "explicit",
    provider: "user",
    model: "user",
    inputUsdPerMTok: price("input-price", "3"),
    outputUsdPerMTok: 0,
    cacheTiers: [
      {
        name: `ttl-${ttlSeconds}s`,
        ttlSeconds,
        writeUsdPerMTok: price("cache-write-price", "3.75"),
        readUsdPerMTok: price("cache-read-price", "0.3"),
        storageUsdPerMTokHour: price("storage-price", "4.5"),
      },
    ],
    source: "command-line flags",
    sourceDate: "n/a",
  };
}

/** Reads example prompts: a JSON array of strings, or JSONL of strings / objects with a "prompt" string. */
function _readPrompts(context: CommandContext, file: string): string[] {
  const path = resolve(context.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new GoodputError("FILE_NOT_FOUND", `--prompts: cannot read "${file}" (check the path).`, { where: "--prompts" });
  }
  const asPrompt = (value: unknown, where: string): string => {
    if (typeof value === "string") return value;
    if (typeof value === "object" && value !== null && "prompt" in value && typeof value.prompt === "string") return value.prompt;
    throw new GoodputError("BAD_FILE", `${where}: expected a prompt string or an object with a "prompt" string; fix that entry.`, { where });
  };
  if (text.trimStart().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new GoodputError("BAD_FILE", `${file}: not valid JSON (${error instanceof Error ? error.message : String(error)}); fix the syntax or use one JSON string per line.`, { where: file });
    }
    if (!Array.isArray(parsed)) throw new GoodputError("BAD_FILE", `${file}: expected a JSON array of prompt strings.`, { where: file });
    return parsed.map((entry: unknown, index) => asPrompt(entry, `${file}: element ${index}`));
  }
  const prompts: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new GoodputError("BAD_FILE", `${file}:${index + 1}: not valid JSON; each line must be a JSON string such as "You are…" or {"prompt": "…"}.`, { where: `${file}:${index + 1}` });
    }
    prompts.push(asPrompt(parsed, `${file}:${index + 1}`));
  });
  return prompts;
}

function _gaps(context: CommandContext): GapDistribution | undefined {
  const mean = numberOption(context.values, "mean-gap-seconds", { rule: "positive", example: "120" });
  const samples = numberListOption(context.values, "gap-samples", { rule: "nonnegative", example: "1,5,30,600" });
  if (mean !== undefined && samples !== undefined) {
    throw new GoodputError("BAD_USAGE", "Give either --mean-gap-seconds (exponential gaps) or --gap-samples (observed gaps), not both.", { where: "--gap-samples" });
  }
  if (mean !== undefined) return { kind: "exponential", meanGapSeconds: mean };
  return samples === undefined ? undefined : { kind: "samples", gapSeconds: samples };
}

const _usd = (value: number): string => `$${value.toFixed(Math.abs(value) >= 1 ? 2 : 5)}`;
const _reads = (value: number | null): string => (value === null ? "never" : fixed(value, 2));

/** Reuse implied by P(hit) ≈ 1 runs to millions of reads; past 1000 only the share is informative. */
function _reuseCell(reuse: CacheReuseOutcome | null): string {
  if (reuse === null) return "-";
  const share = `(${fixed(reuse.savingsShare * 100, 0)} %)`;
  return reuse.readsPerWrite > 1000 ? `>1000: ${share}` : `${fixed(reuse.readsPerWrite, 1)}: ${_usd(reuse.savingsUsd)} ${share}`;
}

function _lintText(lint: PrefixStabilityResult): string[] {
  const lines = [
    `Prefix lint over ${lint.prompts} prompts: static prefix ${lint.staticPrefixChars} chars ≈ ${lint.staticPrefixTokensApprox} tokens (${fixed(lint.cacheableShare * 100, 1)} % of input cacheable)` +
      (lint.divergenceCharIndex === null ? "; the prompts are identical." : `; first difference at character ${lint.divergenceCharIndex}: ${lint.divergenceSnippets.map((s) => JSON.stringify(s)).join(" vs ")}`),
  ];
  for (const finding of lint.findings) lines.push(`  [${finding.severity.toUpperCase()}] ${finding.message}\n    Fix: ${finding.fix}`);
  if (lint.staticPrefixCharsIfVolatileMoved > lint.staticPrefixChars) {
    lines.push(`  With the volatile values moved after the static content the static prefix would be ≈ ${lint.staticPrefixCharsIfVolatileMoved} chars.`);
  }
  return lines;
}

/** `goodput calc cache`: prompt-caching break-even, savings, waste, P(hit), best TTL tier, prefix lint. */
export const calcCacheCommand: CommandSpec = {
  name: "cache",
  summary: "Prompt-caching break-even reads, savings, waste, P(hit) from gaps, best TTL tier, prefix lint",
  description:
    "Prompt caching break-even (docs/design.md §3.4). N = p_write / (p_in − p_read) with p_write the full write price per token\n" +
    "(also shown: reads to beat not caching, (p_write − p_in) / (p_in − p_read)). P(hit) = P(gap ≤ TTL) from exponential\n" +
    "or observed gaps; rent = tokens × storage price × hours held. --prompts lints example prompts for a volatile\n" +
    "value (timestamp, date, UUID, id) before the static prefix. A prefix below the provider's minimum cacheable\n" +
    "length is never cached (cheapest option: no cache). The hit-rate table shows cost per request from 0 to 100 %\n" +
    "hits with each tier's break-even hit rate; --catalog adds price snapshots.",
  options: {
    prices: { type: "string", valueName: "SNAPSHOT", description: `Price snapshot from the catalog (default ${defaultSnapshotId})` },
    catalog: { type: "string", valueName: "FILE", multiple: true, description: "Extra catalog entries (YAML/JSON with prices) for --prices" },
    "input-price": { type: "string", valueName: "USD/MTOK", description: "Explicit input price (with the three flags below instead of --prices)" },
    "cache-write-price": { type: "string", valueName: "USD/MTOK", description: "Explicit cache-write price (full price, not the premium)" },
    "cache-read-price": { type: "string", valueName: "USD/MTOK", description: "Explicit cache-read price" },
    "ttl-seconds": { type: "string", valueName: "S", description: "Explicit cache TTL" },
    "storage-price": { type: "string", valueName: "USD/MTOK-HOUR", description: "Explicit storage rent (default 0)" },
    "prefix-tokens": { type: "string", valueName: "N", description: "Tokens in the cached prefix (default: the lint's static prefix with --prompts, else 10000)" },
    reads: { type: "string", valueName: "N", description: `Expected reads within TTL per write (default ${defaultReadsPerWrite} when no gaps or rate are given)` },
    "mean-gap-seconds": { type: "string", valueName: "S", description: "Mean gap between requests for the prefix (exponential gaps)" },
    "gap-samples": { type: "string", valueName: "LIST", description: "Observed gaps in seconds, e.g. 1,5,30,600" },
    "requests-per-hour": { type: "string", valueName: "N", description: "Requests per hour for the prefix: hourly rent and savings (Poisson gaps if no gaps given)" },
    prompts: { type: "string", valueName: "FILE", description: "Example prompts (JSON array of strings, or JSONL) for the prefix-stability lint" },
    "chars-per-token": { type: "string", valueName: "N", description: "Characters per token for the lint's estimate (default 4)" },
  },
  examples: [
    "goodput calc cache --prefix-tokens 20000 --reads 10",
    "goodput calc cache --prices anthropic-claude-sonnet-4 --prefix-tokens 20000 --mean-gap-seconds 240 --requests-per-hour 15",
    "goodput calc cache --input-price 3 --cache-write-price 3.75 --cache-read-price 0.3 --ttl-seconds 300 --gap-samples 1,5,30,600",
    "goodput calc cache --prompts examples/prompts.jsonl",
  ],
  run(context) {
    const values = context.values;
    const prices = _prices(context);
    const promptsFile = stringOption(values, "prompts");
    const charsPerToken = numberOption(values, "chars-per-token", { rule: "positive", example: "4" });
    const prefixLint = promptsFile === undefined ? null : lintPrefixStability(_readPrompts(context, promptsFile), charsPerToken === undefined ? {} : { charsPerToken });
    let prefixTokens = numberOption(values, "prefix-tokens", { rule: "positive-int", example: "20000" });
    if (prefixTokens === undefined && prefixLint !== null) {
      if (prefixLint.staticPrefixTokensApprox < 1) {
        const fix = prefixLint.findings.find((finding) => finding.severity === "error")?.fix ?? "move whatever differs between requests after the static content";
        throw new GoodputError(
          "BAD_INPUT",
          `--prompts ${promptsFile ?? ""}: the examples share no cacheable prefix (first difference at character ${prefixLint.divergenceCharIndex ?? 0}). Fix: ${fix} Or pass --prefix-tokens N to price a prefix anyway.`,
          { where: "--prompts" },
        );
      }
      prefixTokens = prefixLint.staticPrefixTokensApprox;
    }
    const gaps = _gaps(context);
    const requestsPerHour = numberOption(values, "requests-per-hour", { rule: "positive", example: "60" });
    let reads = numberOption(values, "reads", { rule: "nonnegative", example: "10" });
    const assumedReads = reads === undefined && gaps === undefined && requestsPerHour === undefined;
    if (assumedReads) reads = defaultReadsPerWrite;
    const economics = computeCacheEconomics({
      prices,
      prefixTokens: prefixTokens ?? 10000,
      ...(reads === undefined ? {} : { expectedReadsPerWrite: reads }),
      ...(gaps === undefined ? {} : { gaps }),
      ...(requestsPerHour === undefined ? {} : { requestsPerHour }),
    });
    const json: CalcCacheJson = { ...economics, prefixLint };

    const rows = economics.tiers.map((tier) => [
      tier.tier,
      String(tier.ttlSeconds),
      fixed(tier.writeUsdPerMTok, 2),
      fixed(tier.readUsdPerMTok, 2),
      fixed(tier.storageUsdPerMTokHour, 2),
      _reads(tier.breakEvenReads),
      _reads(tier.breakEvenReadsVsUncached),
      _usd(tier.wasteIfNoReuseUsd),
      _reuseCell(tier.atReuse),
      fixed(tier.perRequest.hitProbability, 3),
      _usd(tier.perRequest.costUsdPerRequest),
      _usd(tier.perRequest.savingsUsdPerRequest),
    ]);
    const lines = [
      `Prices "${economics.priceSnapshot.id}" (${economics.priceSnapshot.source}, ${economics.priceSnapshot.sourceDate}); input $${economics.inputUsdPerMTok}/MTok; prefix ${economics.prefixTokens} tokens${prefixTokens === undefined ? " (default)" : ""}${assumedReads ? `; assumed --reads ${defaultReadsPerWrite}` : ""}`,
      "",
      formatTable(
        ["tier", "TTL s", "write $/MTok", "read $/MTok", "rent $/MTok-h", "break-even reads", "vs uncached", "waste if unread", "savings at N reads", "P(hit)", "$/request", "saved/request"],
        rows,
      ),
      `Best tier: ${economics.bestTier}; cheapest option: ${economics.cheapestOption} (uncached prefix costs ${_usd(economics.tiers[0]?.perRequest.uncachedUsdPerRequest ?? 0)} per request).`,
    ];
    for (const tier of economics.tiers) {
      if (tier.perRequest.rentUsdPerHour !== null && tier.storageUsdPerMTokHour > 0) {
        lines.push(`Storage rent on ${tier.tier}: ${_usd(tier.perRequest.rentUsdPerHour)} per hour at ${requestsPerHour ?? 0} requests/hour.`);
      }
    }
    if (economics.belowMinimumCacheablePrefix) {
      lines.push(`NOT CACHEABLE: the ${economics.prefixTokens}-token prefix is below the provider's minimum cacheable prefix of ${economics.minCacheablePrefixTokens ?? 0} tokens — it is billed as plain input whatever the tier; lengthen the shared prefix or do not count on caching.`);
    } else if (economics.minCacheablePrefixTokens !== null) {
      lines.push(`Minimum cacheable prefix for ${economics.priceSnapshot.id}: ${economics.minCacheablePrefixTokens} tokens (this prefix: ${economics.prefixTokens}).`);
    }
    const tierNames = economics.tiers.map((tier) => tier.tier);
    lines.push(
      "",
      "Hit-rate sensitivity (prefix cost per request; each miss writes and holds the entry one TTL):",
      formatTable(
        ["hit rate", "uncached", ...tierNames],
        economics.hitRateSensitivity.map((row) => [`${fixed(row.hitRate * 100, 0)} %`, _usd(row.uncachedUsdPerRequest), ...tierNames.map((name) => _usd(row.costUsdPerRequestByTier[name] ?? 0))]),
      ),
      `Break-even hit rate: ${tierNames.map((name) => { const h = economics.breakEvenHitRate[name]; return `${name} ${h === null || h === undefined ? "never" : `${fixed(h * 100, 1)} %`}`; }).join(", ")}.`,
    );
    if (prefixLint !== null) lines.push("", ..._lintText(prefixLint));
    lines.push(...economics.assumptions.map((assumption) => `Assumption: ${assumption}`), "");
    return { json, text: lines.join("\n") };
  },
};
