import type { KvCapacityRow } from "../../physics/kv-capacity.js";
import type { ReportBlock, ReportDocument } from "../report-document.js";
import type { ReportMeta } from "../report-meta.js";
import { requireRecord, requireRecords, roundSignificant } from "./_shape.js";

/** One context length of `calc kv --json`, as the physics computes it. */
type KvRowJson = KvCapacityRow;

const gib = (bytes: number): number | null => roundSignificant(bytes / 2 ** 30);

/** Report for `calc kv` (docs/design.md §3.3): live sequences the KV pool holds by context length, the pool, pressure. */
export function buildKvReport(input: unknown, meta: ReportMeta): ReportDocument {
  const result = requireRecord(input, "calc kv result", ["kvBytesPerToken", "pool", "rows", "fragmentationDerate"]);
  const rows = requireRecords(result.rows, "calc kv rows", ["contextTokens", "maxSequences", "effectiveMaxSequences"]) as unknown as KvRowJson[];
  const pool = requireRecord(result.pool, "calc kv pool", ["poolBytes", "blocks", "blockSizeTokens"]) as { poolBytes: number; blocks: number; blockSizeTokens: number };
  const derate = Number(result.fragmentationDerate);
  const pressure = result.pressure as { level: string; message: string } | null | undefined;
  const data = rows.flatMap((row) => [
    { contextTokens: row.contextTokens, sequences: row.maxSequences, series: "max live sequences" },
    { contextTokens: row.contextTokens, sequences: row.effectiveMaxSequences, series: `effective (−${Math.round(derate * 100)} % fragmentation)` },
  ]);
  const blocks: ReportBlock[] = [
    {
      kind: "keyValues",
      entries: [
        ["KV bytes per token", Number(result.kvBytesPerToken)],
        ["KV pool (GiB)", gib(pool.poolBytes)],
        ["blocks × tokens per block", `${pool.blocks} × ${pool.blockSizeTokens}`],
      ],
    },
    ...(pressure ? [{ kind: "callout", tone: pressure.level === "ok" ? "pass" : pressure.level === "critical" ? "fail" : "warn", title: `KV pressure: ${pressure.level}`, text: pressure.message } as const] : []),
    {
      kind: "chart",
      title: "Live sequences the KV pool holds, by context length",
      description: `Maximum concurrent sequences at each of ${rows.length} context lengths (log scales), before and after the fragmentation derate; each sequence is rounded up to whole ${pool.blockSizeTokens}-token blocks.`,
      spec: {
        data: { values: data },
        mark: { type: "line", point: { filled: true, size: 60 } },
        encoding: {
          x: { field: "contextTokens", type: "quantitative", title: "context per sequence (tokens)", scale: { type: "log", base: 2 } },
          y: { field: "sequences", type: "quantitative", title: "live sequences", scale: { type: "symlog" } },
          color: { field: "series", type: "nominal", title: null, legend: { orient: "top-right" } },
        },
      },
    },
    {
      kind: "table",
      caption: "Capacity by context",
      columns: ["context tokens", "block-rounded", "KV per sequence (GiB)", "max sequences", "effective", "cost × reference"],
      rows: rows.map((row) => [row.contextTokens, row.blockRoundedTokens, gib(row.kvBytesPerSequence), row.maxSequences, row.effectiveMaxSequences, roundSignificant(row.costMultiplierVsReference)]),
    },
  ];
  return {
    title: "KV capacity by context length",
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [{ title: "KV memory economics", blocks }],
  };
}
