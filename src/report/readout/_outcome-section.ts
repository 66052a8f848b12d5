import type { OutcomeReadout, Readout, ReadoutEstimate, SegmentEffect } from "../../readout/index.js";
import type { ReportBlock, ReportCell, ReportSection } from "../report-document.js";
import { chartBlock, intervalChartSpec, type IntervalRow } from "./_chart-specs.js";
import { checkCallouts } from "./_checks.js";
import { formatInterval, formatNumber, roundSignificant } from "./_round.js";

/** Robust estimates drawn on another scale than the outcome's (the log effect is a log ratio): table only, never on the shared axis. */
const offScaleMethods = new Set(["log effect (ratio of geometric means)"]);

function statusOf(entry: ReadoutEstimate): IntervalRow["status"] {
  if (!entry.valid) return "not valid";
  return entry.primary ? "primary" : "valid";
}

export function estimateRows(entries: readonly ReadoutEstimate[]): ReportCell[][] {
  return entries.map((entry) => [
    entry.method,
    roundSignificant(entry.estimate, 4),
    roundSignificant(entry.standardError, 4),
    roundSignificant(entry.ci95[0], 4),
    roundSignificant(entry.ci95[1], 4),
    roundSignificant(entry.pValue, 4),
    entry.primary ? "primary" : entry.valid ? "yes" : "NOT VALID",
    entry.note,
  ]);
}

export const estimateColumns = ["method", "estimate", "SE", "CI low", "CI high", "p", "valid", "note"];

/** The switchback's per-block means in time order, coloured by arm: carryover and drift show up here before they bias an estimate. */
function blockSeriesChart(outcome: OutcomeReadout, arms: Readout["treatment"]): ReportBlock[] {
  const series = outcome.blockSeries;
  if (series === undefined || series.length === 0) return [];
  const values = series.map((entry) => ({ block: entry.block, mean: roundSignificant(entry.outcomeMean), arm: entry.arm === 1 ? `treated (${arms.treated})` : `control (${arms.control})`, n: entry.n }));
  return [
    chartBlock(`${outcome.outcome} per switchback block`, `Mean ${outcome.outcome} in each of ${series.length} time blocks (washout rows dropped), coloured by the arm the block ran.`, {
      data: { values },
      height: 220,
      layer: [
        { mark: { type: "line", color: "#c8c8c8", strokeWidth: 1 }, encoding: { x: { field: "block", type: "quantitative", title: "time block", scale: { zero: false } }, y: { field: "mean", type: "quantitative", title: `mean ${outcome.outcome}`, scale: { zero: false } } } },
        {
          mark: { type: "point", filled: true, size: 60, opacity: 1 },
          encoding: {
            x: { field: "block", type: "quantitative" },
            y: { field: "mean", type: "quantitative" },
            color: { field: "arm", type: "nominal", title: "arm", scale: { domain: [`control (${arms.control})`, `treated (${arms.treated})`], range: ["#4c78a8", "#f58518"] } },
          },
        },
      ],
    }),
  ];
}

/** One outcome: its estimates with CIs, raw vs robust side by side, segments, and the checks that are specific to it. */
export function outcomeSection(outcome: OutcomeReadout, arms: Readout["treatment"]): ReportSection {
  const direction = outcome.lowerIsBetter ? "lower is better" : "higher is better";
  const effectTitle = `effect on ${outcome.outcome} (treated − control)`;
  const design = outcome.estimates.map((entry) => ({ label: entry.valid ? entry.method : `${entry.method} (not valid)`, estimate: entry.estimate, low: entry.ci95[0], high: entry.ci95[1], status: statusOf(entry) }));
  const invalid = outcome.estimates.filter((entry) => !entry.valid);
  const robustDrawn = outcome.robust.filter((entry) => !offScaleMethods.has(entry.method));
  const robustLeftOut = outcome.robust.filter((entry) => offScaleMethods.has(entry.method));
  const robustRows = robustDrawn.map((entry) => ({ label: entry.method, estimate: entry.estimate, low: entry.ci95[0], high: entry.ci95[1], status: entry.method === "raw mean difference" ? ("primary" as const) : ("valid" as const) }));
  const blocks: ReportBlock[] = [
    {
      kind: "keyValues",
      entries: [
        ["direction", direction],
        ["rows analysed", outcome.n],
        ["missing (control / treated)", `${outcome.missing.control} / ${outcome.missing.treated}`],
        [`mean, control (${arms.control})`, roundSignificant(outcome.means.control, 4)],
        [`mean, treated (${arms.treated})`, roundSignificant(outcome.means.treated, 4)],
      ],
    },
  ];
  if (design.length > 0) {
    blocks.push(
      chartBlock(`Estimates of the ${outcome.outcome} effect`, `Each design estimator's effect on ${outcome.outcome} with its 95 % CI; the primary estimate is red, estimates the design makes invalid are grey; dashed line: no effect.`, intervalChartSpec(design, { xTitle: effectTitle, legend: { primary: "primary (the decision rests on it)", valid: "valid", "not valid": "not valid for this design" } })),
      { kind: "table", caption: `${outcome.outcome}: design estimates`, columns: estimateColumns, rows: estimateRows(outcome.estimates) },
    );
  }
  for (const entry of invalid) blocks.push({ kind: "callout", tone: "fail", title: `${entry.method} is not valid here`, text: entry.note ?? "the design makes this estimate invalid for the decision" });
  if (outcome.robust.length > 0) {
    const leftOut = robustLeftOut.length === 0 ? "" : ` Not drawn (another scale): ${robustLeftOut.map((entry) => entry.method).join(", ")} — see the table.`;
    blocks.push(
      chartBlock(`Raw vs robust ${outcome.outcome} effects`, `The raw mean difference (red: what the business pays, tail included) beside the winsorized, trimmed, quantile and randomization readouts, each with its 95 % CI.${leftOut}`, intervalChartSpec(robustRows, { xTitle: effectTitle, legend: { primary: "raw mean (what the business pays)", valid: "robust readout (another estimand)" } })),
      { kind: "table", caption: `${outcome.outcome}: raw and robust readouts`, columns: estimateColumns, rows: estimateRows(outcome.robust) },
      { kind: "paragraph", text: outcome.robustSummary },
    );
  }
  blocks.push(...blockSeriesChart(outcome, arms));
  if (outcome.segments.length > 0) {
    // Stored readouts from before segment net value lack the field entirely (undefined), newer ones carry null without --value-per-unit.
    const netValue = outcome.segments.some((entry) => (entry.netValue as SegmentEffect["netValue"] | undefined) != null);
    blocks.push({
      kind: "table",
      caption: `${outcome.outcome} by pre-specified segment (Welch; Holm and Benjamini–Hochberg adjusted p)`,
      columns: ["segment", "n", "estimate", "SE", "CI low", "CI high", "p", "p Holm", "p BH", ...(netValue ? ["net value / row", "net value p Holm"] : [])],
      rows: outcome.segments.map((entry) => [
        entry.segment, entry.n, roundSignificant(entry.estimate, 4), roundSignificant(entry.standardError, 4), roundSignificant(entry.ci95[0], 4), roundSignificant(entry.ci95[1], 4), roundSignificant(entry.pValue, 4), roundSignificant(entry.pHolm, 4), roundSignificant(entry.pBH, 4),
        ...(netValue ? [roundSignificant(entry.netValue?.estimate, 4), roundSignificant(entry.netValue?.pHolm, 4)] : []),
      ]),
    });
  }
  blocks.push(...checkCallouts(outcome.checks));
  const primary = outcome.estimates.find((entry) => entry.primary);
  const subtitle = primary === undefined ? "" : ` — ${primary.method} ${formatNumber(primary.estimate)} ${formatInterval(primary.ci95)}`;
  return { title: `Outcome ${outcome.outcome}${subtitle}`, blocks };
}
