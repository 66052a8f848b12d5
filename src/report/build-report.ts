import { GoodputError } from "../errors.js";
import { buildBenchReport } from "./builders/bench-report.js";
import { buildCacheReport } from "./builders/cache-report.js";
import { buildCalcTableReport } from "./builders/calc-table-report.js";
import { buildDisaggReport, buildGoodputReport, buildLocalityReport, buildMoeReport, buildPrefillReport } from "./builders/calc-verdict-reports.js";
import { buildCostMatrixReport } from "./builders/cost-matrix-report.js";
import { buildKvReport } from "./builders/kv-report.js";
import { buildRooflineReport } from "./builders/roofline-report.js";
import { buildSimReport } from "./builders/sim-report.js";
import { buildTourReport } from "./builders/tour-report.js";
import { buildDecisionReport } from "./decision/build-decision-report.js";
import { buildReadoutReport } from "./readout/build-readout-report.js";
import type { ReportDocument } from "./report-document.js";
import type { ReportMeta } from "./report-meta.js";

export type { ReportMeta } from "./report-meta.js";
export { reportFormatForPath, writeReport } from "./write-report.js";

type ReportBuilder = (input: unknown, meta: ReportMeta) => ReportDocument;

const table = (title: string): ReportBuilder => (input, meta) => buildCalcTableReport(input, meta, { title });

/** Which builder turns which command's result into a report; keys are the command path without "goodput". */
const buildersByCommand: Readonly<Record<string, ReportBuilder>> = {
  "calc roofline": buildRooflineReport,
  "calc kv": buildKvReport,
  "calc cache": buildCacheReport,
  "calc prefill": buildPrefillReport,
  "calc moe": buildMoeReport,
  "calc disagg": buildDisaggReport,
  "calc goodput": buildGoodputReport,
  "calc locality": buildLocalityReport,
  "calc calibrate": table("Calibration fit"),
  sim: buildSimReport,
  bench: buildBenchReport,
  "experiment run": buildCostMatrixReport,
  "experiment show": buildCostMatrixReport,
  "experiment decision": buildDecisionReport,
  readout: buildReadoutReport,
  "experiment list": table("Experiments in the lab store"),
  "catalog gpus": table("GPU catalog"),
  "catalog models": table("Model catalog"),
  "catalog prices": table("Price snapshots"),
  tour: (input, meta) => buildTourReport(input, meta, (command, result, stepMeta) => buildReportForCommand(["calc", command], result, stepMeta)),
};

function commandKey(commandPath: readonly string[]): string {
  return (commandPath[0] === "goodput" ? commandPath.slice(1) : commandPath).join(" ");
}

/** Whether `--report` is available for a command (checked before the command runs, so no work is wasted). */
export function hasReportBuilder(commandPath: readonly string[]): boolean {
  return Object.hasOwn(buildersByCommand, commandKey(commandPath));
}

/**
 * The report document for a command's result (its `reportInput`, else its `--json` output). Pure: the time shown is
 * the one passed in `meta`.
 */
export function buildReportForCommand(commandPath: readonly string[], json: unknown, meta: ReportMeta): ReportDocument {
  const key = commandKey(commandPath);
  const builder = Object.hasOwn(buildersByCommand, key) ? buildersByCommand[key] : undefined;
  if (builder === undefined) {
    const known = Object.keys(buildersByCommand).map((name) => `goodput ${name}`).join(", ");
    throw new GoodputError("BAD_USAGE", `no report for this command ("goodput ${key}"); --report works on: ${known}.`, { where: "--report" });
  }
  return builder(json, meta);
}
