import { join } from "node:path";
import { matrixRowFromLoadSummary } from "../../experiment/cost-matrix-from-load.js";
import type { BenchPoint, BenchReport } from "../../loadgen/run-bench.js";
import { recommendedPoint } from "../../report/builders/bench-report.js";
import { LabStore } from "../../store/lab-store.js";
import { toolVersion } from "../tool-version.js";


/** Where an unnamed priced bench run writes its files: under the lab home, by run id. */
export const benchRunDir = (home: string, runId: string): string => join(home, "bench", runId);

/**
 * Stores a priced bench run in the lab store (experiment "bench", case = its --arm or "bench",
 * profile = its load points), so it is listed by `report --list` and shown by the viewer. The
 * matrix row is the recommended point's (the highest goodput among points meeting the SLO
 * attainment target), else the first point's, at that point's cost.
 */
export async function saveBenchRun(home: string, report: BenchReport, config: Record<string, unknown>, wallSeconds: number, logPath: string): Promise<void> {
  const point: BenchPoint | undefined = recommendedPoint(report.points, report.sloAttainmentTarget) ?? report.points[0];
  if (point === undefined) return;
  const cell = { case: report.arm ?? "bench", profile: report.points.map((entry) => entry.label).join(", "), runId: report.runId };
  const row = matrixRowFromLoadSummary({}, cell, point.summary, point.cost.usd ?? 0);
  const store = await LabStore.open(home);
  try {
    await store.saveRun({
      ...cell,
      experiment: "bench",
      target: report.target,
      seed: typeof config.seed === "number" ? config.seed : 1,
      requests: report.points.reduce((sum, entry) => sum + entry.summary.requests, 0),
      toolVersion,
      configJson: JSON.stringify(config),
      summaryJson: JSON.stringify(report),
      row,
      startedAt: report.startedAt,
      wallSeconds,
      logPath,
    });
  } finally {
    store.close();
  }
}
