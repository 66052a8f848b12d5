import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { latencyCdf } from "../report/latency-cdf.js";
import type { SimCdfRow, SimSeriesRow } from "../report/builders/sim-report.js";

/**
 * What `sim --report` draws beyond the summary, read from the files the run wrote (--out DIR): latency CDFs per arm
 * from requests.jsonl (successful requests) and the pool-level rows of series.jsonl. Streams line by line, so a
 * million-request log is never one string. Without --out there are no files and the report uses the percentiles.
 */
export async function loadSimReportInput(summary: unknown, files: readonly string[], groupBy: "arm" | "profile" = "arm"): Promise<{ summary: unknown; cdf: SimCdfRow[]; series: SimSeriesRow[]; unreadableLines: number }> {
  // An interrupted run can leave a half-written last line; it is counted and shown in the report, not fatal.
  let unreadableLines = 0;
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      unreadableLines++;
      return null;
    }
  };
  const requestsPath = files.find((file) => file.endsWith("requests.jsonl"));
  const seriesPath = files.find((file) => file.endsWith("series.jsonl"));
  const samples = new Map<string, number[]>();
  if (requestsPath !== undefined && existsSync(requestsPath)) {
    for await (const line of lines(requestsPath)) {
      const record = parse(line) as { status: string; arm: string | null; profile?: string | null; ttft_s: number | null; tpot_s: number | null; e2e_s: number | null } | null;
      if (record === null || record.status !== "ok") continue;
      for (const [metric, value] of [["ttft", record.ttft_s], ["tpot", record.tpot_s], ["e2e", record.e2e_s]] as const) {
        if (value === null || !Number.isFinite(value)) continue;
        const key = `${metric}\u0000${record[groupBy] ?? "all"}`;
        const list = samples.get(key) ?? [];
        list.push(value);
        samples.set(key, list);
      }
    }
  }
  const cdf = [...samples.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, values]) => {
      const [metric = "", arm = "all"] = key.split("\u0000");
      return latencyCdf(values).map((point) => ({ metric, arm, ...point }));
    });
  const series: SimSeriesRow[] = [];
  if (seriesPath !== undefined && existsSync(seriesPath)) {
    for await (const line of lines(seriesPath)) {
      const row = parse(line) as (SimSeriesRow & { replica: number | null }) | null;
      if (row !== null && row.replica === null) series.push({ t_s: row.t_s, pool: row.pool, queue_depth: row.queue_depth, kv_utilization: row.kv_utilization });
    }
  }
  return { summary, cdf, series, unreadableLines };
}

async function* lines(path: string): AsyncGenerator<string> {
  const reader = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  for await (const line of reader) if (line.trim() !== "") yield line;
}
