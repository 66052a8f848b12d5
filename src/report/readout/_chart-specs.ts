import type { ReportBlock, VegaLiteSpec } from "../report-document.js";
import { roundSignificant } from "./_round.js";

/** How an estimate is drawn in an interval chart: the decision's estimate stands out, invalid ones are greyed. */
export type IntervalStatus = "primary" | "valid" | "not valid";

export interface IntervalRow {
  readonly label: string;
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly status: IntervalStatus;
}

const statusColors: Readonly<Record<IntervalStatus, string>> = { primary: "#c0392b", valid: "#4c78a8", "not valid": "#b0b0b0" };
const statusOrder: readonly IntervalStatus[] = ["primary", "valid", "not valid"];

/** A chart block; every chart in the readout reports is built through here so titles and descriptions are never left out. */
export function chartBlock(title: string, description: string, spec: VegaLiteSpec): ReportBlock {
  return { kind: "chart", title, description, spec };
}

/**
 * Dot-and-whisker chart: one row per estimate, the point at the estimate and a rule over its 95 % CI, a dashed line at
 * zero (no effect). Rows keep the order given (the estimator list's order, not alphabetical).
 */
export function intervalChartSpec(
  rows: readonly IntervalRow[],
  options: { readonly xTitle: string; readonly reference?: number; readonly legend?: Partial<Readonly<Record<IntervalStatus, string>>> },
): VegaLiteSpec {
  const legendLabel = (status: IntervalStatus): string => options.legend?.[status] ?? status;
  const present = statusOrder.filter((status) => rows.some((row) => row.status === status));
  const values = rows.map((row) => ({ label: row.label, estimate: roundSignificant(row.estimate), low: roundSignificant(row.low), high: roundSignificant(row.high), status: legendLabel(row.status) }));
  const y = { field: "label", type: "nominal", sort: null, title: null, axis: { labelLimit: 480 } };
  // The legend lists only the kinds drawn, in a fixed order and colour, so "primary" is red in every chart.
  const color = { field: "status", type: "nominal", title: null, scale: { domain: present.map(legendLabel), range: present.map((status) => statusColors[status]) }, legend: { orient: "bottom", direction: "horizontal", labelLimit: 400 } };
  return {
    data: { values },
    height: Math.max(60, 26 * rows.length),
    layer: [
      { mark: { type: "rule", strokeDash: [4, 4], color: "#777777" }, encoding: { x: { datum: options.reference ?? 0 } } },
      { mark: { type: "rule", strokeWidth: 2 }, encoding: { y, x: { field: "low", type: "quantitative", title: options.xTitle, scale: { zero: false } }, x2: { field: "high" }, color } },
      { mark: { type: "point", filled: true, size: 80, opacity: 1 }, encoding: { y, x: { field: "estimate", type: "quantitative" }, color } },
    ],
  };
}

/** Points with 95 % CI whiskers along a quantitative x (event study, bandwidth sensitivity), with a zero line and an optional marker. */
export function intervalSeriesSpec(
  values: readonly { readonly x: number; readonly estimate: number; readonly low: number; readonly high: number }[],
  options: { readonly xTitle: string; readonly yTitle: string; readonly markerX?: number; readonly integerX?: boolean },
): VegaLiteSpec {
  const data = values.map((row) => ({ x: roundSignificant(row.x), estimate: roundSignificant(row.estimate), low: roundSignificant(row.low), high: roundSignificant(row.high) }));
  const x = { field: "x", type: "quantitative", title: options.xTitle, scale: { zero: false, nice: false, padding: 12 }, ...(options.integerX === true ? { axis: { format: "d", tickMinStep: 1 } } : {}) };
  return {
    data: { values: data },
    layer: [
      { mark: { type: "rule", strokeDash: [4, 4], color: "#777777" }, encoding: { y: { datum: 0 } } },
      ...(options.markerX === undefined ? [] : [{ mark: { type: "rule", color: "#c0392b", strokeDash: [2, 3] }, encoding: { x: { datum: options.markerX } } }]),
      { mark: { type: "rule", strokeWidth: 2, color: "#4c78a8" }, encoding: { x, y: { field: "low", type: "quantitative", title: options.yTitle }, y2: { field: "high" } } },
      { mark: { type: "point", filled: true, size: 70, color: "#4c78a8", opacity: 1 }, encoding: { x, y: { field: "estimate", type: "quantitative" } } },
    ],
  };
}
