import type { ReportBlock, ReportDocument } from "../report-document.js";
import type { ReportMeta } from "../report-meta.js";
import { requireRecord, requireRecords, roundSignificant } from "./_shape.js";

interface CacheTierJson {
  readonly tier: string;
  readonly ttlSeconds: number;
  readonly writeUsd: number;
  readonly readUsdPerMTok: number;
  readonly rentPerWriteUsd: number;
  readonly breakEvenReads: number | null;
  readonly breakEvenReadsVsUncached: number | null;
  readonly atReuse: { readonly readsPerWrite: number; readonly savingsShare: number } | null;
  readonly perRequest: { readonly hitProbability: number; readonly costUsdPerRequest: number; readonly uncachedUsdPerRequest: number } | null;
}

/**
 * Cost of one cached prefix over its TTL as a function of the reads it gets (docs/design.md §3.4): not caching costs
 * (1 + r) · P · p_in; caching costs the write (P · p_write) + r · P · p_read + rent. The lines cross at
 * breakEvenReadsVsUncached, which the chart marks.
 */
export function cacheCostAtReads(tier: CacheTierJson, prefixTokens: number, inputUsdPerMTok: number, reads: number): { uncachedUsd: number; cachedUsd: number } {
  return {
    uncachedUsd: ((1 + reads) * prefixTokens * inputUsdPerMTok) / 1e6,
    cachedUsd: tier.writeUsd + (reads * prefixTokens * tier.readUsdPerMTok) / 1e6 + tier.rentPerWriteUsd,
  };
}

/** Report for `calc cache`: cost vs reads per write for each TTL tier against not caching, with the break-evens. */
export function buildCacheReport(input: unknown, meta: ReportMeta): ReportDocument {
  const result = requireRecord(input, "calc cache result", ["prefixTokens", "inputUsdPerMTok", "tiers"]);
  const tiers = requireRecords(result.tiers, "calc cache tiers", ["tier", "writeUsd", "readUsdPerMTok", "breakEvenReadsVsUncached"]) as unknown as CacheTierJson[];
  const prefixTokens = Number(result.prefixTokens);
  const inputUsdPerMTok = Number(result.inputUsdPerMTok);
  // The interesting part is around the break-evens (a few reads); the expected reuse may be far beyond, so it is not the range.
  // A tier whose reads cost more than uncached input never breaks even (null): it sets no range and gets no mark.
  const paying = tiers.flatMap((tier) => (tier.breakEvenReadsVsUncached !== null && Number.isFinite(tier.breakEvenReadsVsUncached) ? [{ tier, reads: tier.breakEvenReadsVsUncached }] : []));
  const maxReads = Math.max(4, Math.ceil(3 * Math.max(0, ...tiers.map((tier) => tier.breakEvenReads ?? 0).filter((reads) => Number.isFinite(reads)))));
  const readsGrid = Array.from({ length: 41 }, (_, index) => (maxReads * index) / 40);
  const first = tiers[0];
  const lines = [
    ...(first === undefined ? [] : readsGrid.map((reads) => ({ reads: roundSignificant(reads), usd: roundSignificant(cacheCostAtReads(first, prefixTokens, inputUsdPerMTok, reads).uncachedUsd), option: "no cache" }))),
    ...tiers.flatMap((tier) => readsGrid.map((reads) => ({ reads: roundSignificant(reads), usd: roundSignificant(cacheCostAtReads(tier, prefixTokens, inputUsdPerMTok, reads).cachedUsd), option: `cache (${tier.tier} TTL)` }))),
  ];
  const breakEvens = paying.map(({ tier, reads }) => ({
    reads: roundSignificant(reads),
    usd: roundSignificant(cacheCostAtReads(tier, prefixTokens, inputUsdPerMTok, reads).cachedUsd),
    label: tier.tier,
  }));
  const blocks: ReportBlock[] = [
    {
      kind: "chart",
      title: "Cost of a cached prefix vs reads per write",
      description: `Dollars for one ${prefixTokens}-token prefix written once and read r times within its TTL, for each cache tier and for sending it uncached; the marked points (labelled by tier) are where caching starts to pay, at ${tiers.map((tier) => (tier.breakEvenReadsVsUncached === null || !Number.isFinite(tier.breakEvenReadsVsUncached) ? `never for ${tier.tier} (a read costs more than uncached input)` : `${roundSignificant(tier.breakEvenReadsVsUncached, 3)} reads for ${tier.tier}`)).join(", ")}.`,
      spec: {
        layer: [
          {
            data: { values: lines },
            mark: { type: "line", strokeWidth: 2 },
            encoding: {
              x: { field: "reads", type: "quantitative", title: "reads per write within the TTL" },
              y: { field: "usd", type: "quantitative", title: "$ per write cycle" },
              color: { field: "option", type: "nominal", title: null },
            },
          },
          {
            data: { values: breakEvens },
            layer: [
              { mark: { type: "point", filled: true, size: 80, color: "#1d2129" }, encoding: { x: { field: "reads", type: "quantitative" }, y: { field: "usd", type: "quantitative" } } },
              { mark: { type: "text", align: "right", dx: -8, dy: -8, fontSize: 11, fontWeight: "bold" }, encoding: { x: { field: "reads", type: "quantitative" }, y: { field: "usd", type: "quantitative" }, text: { field: "label" } } },
            ],
          },
        ],
      },
    },
    {
      kind: "table",
      caption: "Break-even by tier",
      columns: ["tier", "TTL s", "write $", "break-even reads (full write)", "break-even reads vs uncached", "P(hit)", "$ per request", "uncached $ per request"],
      rows: tiers.map((tier) => [
        tier.tier,
        tier.ttlSeconds,
        roundSignificant(tier.writeUsd),
        tier.breakEvenReads === null ? "never" : roundSignificant(tier.breakEvenReads),
        tier.breakEvenReadsVsUncached === null ? "never" : roundSignificant(tier.breakEvenReadsVsUncached),
        tier.perRequest === null ? null : roundSignificant(tier.perRequest.hitProbability),
        tier.perRequest === null ? null : roundSignificant(tier.perRequest.costUsdPerRequest),
        tier.perRequest === null ? null : roundSignificant(tier.perRequest.uncachedUsdPerRequest),
      ]),
    },
    ...(typeof result.cheapestOption === "string" ? [{ kind: "callout", tone: result.cheapestOption === "no-cache" ? "warn" : "pass", title: `Cheapest option: ${result.cheapestOption}`, text: `Best cache tier: ${String(result.bestTier)}.` } as const] : []),
    ...(Array.isArray(result.assumptions) ? [{ kind: "list", items: result.assumptions.map(String) } as const] : []),
  ];
  return {
    title: "Prompt-cache break-even",
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [{ title: "Caching economics", blocks }],
  };
}
