import type { RddResult } from "../../causal/index.js";
import type { ReportBlock, ReportDocument } from "../report-document.js";
import { assumptionsSection, termCells, termColumns } from "./_assumptions-section.js";
import { chartBlock, intervalSeriesSpec } from "./_chart-specs.js";
import { formatInterval, formatNumber, roundSignificant } from "./_round.js";

/** RD plot: binned outcome means on each side and the two local-linear fits over [c − h, c] and [c, c + h] (Calonico, Cattaneo & Titiunik's rdplot). */
function rdPlot(result: RddResult): ReportBlock[] {
  const bins = result.binnedMeans;
  const jump = result.estimate;
  const { cutoff } = result;
  const h = jump.bandwidth;
  const fit = [
    { x: cutoff - h, y: jump.interceptLeft - jump.slopeLeft * h, side: "left" },
    { x: cutoff, y: jump.interceptLeft, side: "left" },
    { x: cutoff, y: jump.interceptRight, side: "right" },
    { x: cutoff + h, y: jump.interceptRight + jump.slopeRight * h, side: "right" },
  ].map((point) => ({ ...point, x: roundSignificant(point.x), y: roundSignificant(point.y) }));
  const points = bins.map((bin) => ({ x: roundSignificant(bin.xMid), y: roundSignificant(bin.meanOutcome), n: bin.n, side: bin.side }));
  const sideColor = { field: "side", type: "nominal", title: "side of the cutoff", scale: { domain: ["left", "right"], range: ["#4c78a8", "#f58518"] } };
  return [
    chartBlock(
      "RD plot: binned means and local-linear fits",
      `Outcome means in ${bins.length} equal-width bins of the running variable, with the triangular-kernel local-linear fit on each side within the bandwidth h = ${formatNumber(h)}; the vertical line is the cutoff ${cutoff}; the gap between the fits at the cutoff is the estimate ${formatNumber(jump.estimate)}.`,
      {
        height: 300,
        layer: [
          // A datum rule needs a data row of its own in a layer whose parent has no data, or Vega draws nothing.
          { data: { values: [{}] }, mark: { type: "rule", color: "#777777", strokeDash: [4, 4] }, encoding: { x: { datum: cutoff } } },
          { data: { values: points }, mark: { type: "point", filled: true, size: 45, opacity: 0.9 }, encoding: { x: { field: "x", type: "quantitative", title: "running variable", scale: { zero: false } }, y: { field: "y", type: "quantitative", title: "outcome (bin mean)", scale: { zero: false } }, color: sideColor } },
          { data: { values: fit }, mark: { type: "line", strokeWidth: 3 }, encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" }, color: sideColor, detail: { field: "side" } } },
        ],
      },
    ),
  ];
}

/** The report of a sharp regression-discontinuity readout (`goodput readout --design rdd`). */
export function buildRddReport(result: RddResult, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  const jump = result.estimate;
  const density = result.densityTest;
  return {
    title: `Regression discontinuity at ${result.cutoff}`,
    subtitle: `jump ${formatNumber(jump.estimate)} ${formatInterval(jump.ci95)} (95 % CI), ${jump.nLeft} + ${jump.nRight} observations within h = ${formatNumber(jump.bandwidth)}`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [
      {
        title: "Estimate",
        blocks: [
          { kind: "table", columns: ["", ...termColumns, "n left", "n right"], rows: [["jump at the cutoff", ...termCells(jump), jump.nLeft, jump.nRight]] },
          { kind: "keyValues", entries: [["method", result.method], ["intercept left", roundSignificant(jump.interceptLeft, 4)], ["intercept right", roundSignificant(jump.interceptRight, 4)], ["rows dropped (missing)", result.droppedRows]] },
          ...rdPlot(result),
        ],
      },
      {
        title: "Bandwidth sensitivity",
        blocks: [
          chartBlock("Estimate by bandwidth", "The jump re-estimated at 0.5h to 2h with 95 % CIs; the red dotted line marks the chosen h. A stable estimate moves little across bandwidths.", intervalSeriesSpec(result.sensitivity.map((row) => ({ x: row.bandwidth, estimate: row.estimate, low: row.ci95[0], high: row.ci95[1] })), { xTitle: "bandwidth h", yTitle: "jump at the cutoff", markerX: roundSignificant(jump.bandwidth) ?? jump.bandwidth })),
          { kind: "table", columns: ["multiple of h", "bandwidth", ...termColumns, "n"], rows: result.sensitivity.map((row) => [row.multiple, roundSignificant(row.bandwidth, 4), ...termCells(row), row.n]) },
        ],
      },
      {
        title: "Manipulation and covariate continuity",
        blocks: [
          { kind: "callout", tone: density.pValue < 0.05 ? "fail" : "pass", title: density.method, text: `${density.verdict} (log density difference ${formatNumber(density.logDifference)}, SE ${formatNumber(density.standardError)}, p = ${formatNumber(density.pValue)})` },
          ...result.covariates.map((covariate) => ({ kind: "callout" as const, tone: covariate.pValue < 0.05 ? ("fail" as const) : ("pass" as const), title: `covariate ${covariate.name}`, text: `${covariate.verdict}; jump ${formatNumber(covariate.estimate)} ${formatInterval(covariate.ci95)}` })),
        ],
      },
      assumptionsSection(result),
    ],
  };
}
