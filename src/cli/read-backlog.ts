import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BacklogSample } from "../experiment/stationarity.js";

/**
 * A simulator run's backlog (queued + running, summed over pools) per series sample, and when its
 * last request arrived, read back from the run folder's series.jsonl and requests.jsonl.
 */
export function readBacklog(runDir: string): { readonly samples: BacklogSample[]; readonly lastArrivalSeconds: number } {
  const lines = (file: string): unknown[] =>
    readFileSync(join(runDir, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as unknown);
  const byTime = new Map<number, number>();
  for (const row of lines("series.jsonl") as { t_s: number; replica: number | null; queue_depth: number; running: number }[]) {
    // Pool rows (replica null) already total their replicas.
    if (row.replica === null) byTime.set(row.t_s, (byTime.get(row.t_s) ?? 0) + row.queue_depth + row.running);
  }
  let lastArrivalSeconds = 0;
  for (const row of lines("requests.jsonl") as { arrival_s: number }[]) lastArrivalSeconds = Math.max(lastArrivalSeconds, row.arrival_s);
  return { samples: [...byTime].map(([tSeconds, inSystem]) => ({ tSeconds, inSystem })), lastArrivalSeconds };
}
