import type { DidResult } from "../../causal/did-estimate.js";
import type { ReportDocument } from "../report-document.js";
import { assumptionsSection, termCells, termColumns } from "./_assumptions-section.js";
import { chartBlock, intervalSeriesSpec } from "./_chart-specs.js";
import { formatInterval, formatNumber } from "./_round.js";

/** The report of a difference-in-differences readout (`goodput readout --design did`): TWFE estimate, event study, pre-trend test. */
export function buildDidReport(result: DidResult, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  const estimate = result.estimate;
  const preTrend = result.preTrend;
  const window = `${result.eventWindow[0]} to ${result.eventWindow[1]}${result.binnedEndpoints ? " (endpoints bin everything beyond)" : ""}`;
  return {
    title: "Difference-in-differences",
    subtitle: `effect ${formatNumber(estimate.estimate)} ${formatInterval(estimate.ci95)} (95 % CI); ${estimate.units} units × ${estimate.periods} periods`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [
      {
        title: "Estimate",
        blocks: [
          { kind: "table", columns: ["", ...termColumns, "n", "units", "periods"], rows: [["treated × post (TWFE)", ...termCells(estimate), estimate.n, estimate.units, estimate.periods]] },
          { kind: "keyValues", entries: [["method", result.method]] },
        ],
      },
      {
        title: "Event study",
        blocks: [
          chartBlock("Event study", `Effect by period relative to adoption with 95 % CIs (window ${window}; period −1 is the reference and is not drawn); leads left of the red dotted line should sit on zero if trends were parallel.`, intervalSeriesSpec(result.eventStudy.map((row) => ({ x: row.relativeTime, estimate: row.estimate, low: row.ci95[0], high: row.ci95[1] })), { xTitle: "period relative to adoption", yTitle: "effect", markerX: -0.5, integerX: true })),
          { kind: "table", columns: ["relative period", ...termColumns], rows: result.eventStudy.map((row) => [row.relativeTime, ...termCells(row)]) },
          preTrend === null
            ? { kind: "callout", tone: "warn", title: "pre-trend test", text: "no leads in the window: parallel trends cannot be checked" }
            : { kind: "callout", tone: preTrend.pValue < 0.05 ? "fail" : "pass", title: "pre-trend test", text: `joint F(${preTrend.df1}, ${preTrend.df2}) = ${formatNumber(preTrend.F)}, p = ${formatNumber(preTrend.pValue)}: ${preTrend.pValue < 0.05 ? "leads differ from zero — trends were not parallel before adoption" : "leads indistinguishable from zero (a non-rejection has limited power)"}` },
          { kind: "table", caption: `Adoption cohorts (${result.staggered.neverTreated} never-treated units)`, columns: ["first treated", "units"], rows: result.staggered.cohorts.map((cohort) => [cohort.firstTreated, cohort.units]) },
        ],
      },
      assumptionsSection(result),
    ],
  };
}
