import { dirname, join } from "node:path";
import { loadSimReportInput } from "../cli/sim-report-input.js";
import type { LabStore, StoredItem } from "../store/lab-store.js";

/**
 * A stored item ready for its report. A run also gets the full latency CDFs and the queue / KV series from the files it
 * wrote (requests.jsonl and series.jsonl beside it, at the log path the store recorded — never a path from a request),
 * the same input `goodput sim --out DIR --report` draws; without those files its report falls back to the summary.
 */
export async function loadStoredItem(store: Pick<LabStore, "getItem">, id: string): Promise<StoredItem | null> {
  const item = await store.getItem(id);
  if (item?.kind !== "run") return item;
  const run = item.json as { readonly summary: unknown; readonly logPath: string | null };
  if (run.logPath === null) return item;
  const input = await loadSimReportInput(run.summary, [run.logPath, join(dirname(run.logPath), "series.jsonl")]);
  return { ...item, json: { ...run, ...input } };
}
