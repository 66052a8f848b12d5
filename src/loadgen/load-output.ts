import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JsonlWriter } from "../io/jsonl-writer.js";
import type { LoadResult } from "./load-result.js";
import type { ServerMetricsRow } from "./metrics-scraper.js";
import { toRequestDetail, toRequestRecord, type RecordContext } from "./to-request-record.js";

/** The files of a bench run, written as requests complete. */
export interface LoadOutput {
  readonly files: readonly string[];
  /** Appends the canonical record (requests.jsonl) and the detail row (request-details.jsonl). */
  writeResult(result: LoadResult, context: RecordContext): void;
  writeServerMetrics(row: ServerMetricsRow): void;
  /** Writes run.json (the run's identity and wall-clock start) at once, before any request. */
  writeRunMeta(meta: unknown): void;
  /** Pushes buffered rows to disk (called with each progress report). */
  flush(): void;
  /** Writes summary.json and closes the streams. */
  finish(summary: unknown): void;
}

/**
 * Opens `dir` for a bench run: requests.jsonl (canonical RequestRecord rows, docs/design.md §8),
 * request-details.jsonl (lag, TTFB, close, ITL, failure messages), server-metrics.jsonl
 * (Prometheus scrapes), run.json (run id, wall-clock start, target, arm) at once and, at the end, summary.json. Rows are flushed as they complete.
 */
export function openLoadOutput(dir: string, nowMs: () => number): LoadOutput {
  mkdirSync(dir, { recursive: true });
  const requests = new JsonlWriter(join(dir, "requests.jsonl"), nowMs);
  const details = new JsonlWriter(join(dir, "request-details.jsonl"), nowMs);
  const metrics = new JsonlWriter(join(dir, "server-metrics.jsonl"), nowMs);
  const summaryPath = join(dir, "summary.json");
  const metaPath = join(dir, "run.json");
  let closed = false;
  return {
    files: [requests.path, details.path, metrics.path, metaPath, summaryPath],
    writeRunMeta(meta) {
      writeFileSync(metaPath, JSON.stringify(meta, null, 2) + "\n");
    },
    writeResult(result, context) {
      requests.write(toRequestRecord(result, context));
      details.write(toRequestDetail(result));
    },
    writeServerMetrics(row) {
      metrics.write(row);
    },
    flush() {
      requests.flush();
      details.flush();
      metrics.flush();
    },
    finish(summary) {
      if (closed) return;
      closed = true;
      requests.close();
      details.close();
      metrics.close();
      writeFileSync(summaryPath, JSON.stringify(summary, null, 2) + "\n");
    },
  };
}
