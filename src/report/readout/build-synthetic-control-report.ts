import type { SyntheticControlResult } from "../../causal/index.js";
import type { ReportBlock, ReportDocument } from "../report-document.js";
import { assumptionsSection } from "./_assumptions-section.js";
import { chartBlock } from "./_chart-specs.js";
import { formatNumber, roundSignificant } from "./_round.js";

/**
 * Placebo units whose pre-period fit is this many times worse (RMSPE) than the treated unit's are left out of the
 * placebo-gap chart, as Abadie, Diamond & Hainmueller (2010, Fig. 5) do: a placebo that never tracked its own outcome says
 * nothing about post-period noise. They stay in the RMSPE-ratio table and in the p-value.
 */
const placeboFitMultiple = 5;

function treatmentRule(start: number): Record<string, unknown> {
  return { mark: { type: "rule", color: "#777777", strokeDash: [4, 4] }, encoding: { x: { datum: start - 0.5 } } };
}

function seriesChart(result: SyntheticControlResult): ReportBlock {
  const values = result.series.flatMap((row) => [
    { time: row.time, value: roundSignificant(row.treated), series: "treated unit" },
    { time: row.time, value: roundSignificant(row.synthetic), series: "synthetic control" },
  ]);
  return chartBlock(`${result.treatedUnit} vs its synthetic control`, `The treated unit's outcome and the donor-weighted synthetic control per period; the dashed line marks the treatment start ${result.treatmentStart}. Before it the lines should overlap (pre-RMSPE ${formatNumber(result.rmspe.pre)}).`, {
    data: { values },
    layer: [
      treatmentRule(result.treatmentStart),
      { mark: { type: "line", strokeWidth: 2.5 }, encoding: { x: { field: "time", type: "quantitative", title: "period", scale: { zero: false }, axis: { format: "d" } }, y: { field: "value", type: "quantitative", title: "outcome", scale: { zero: false } }, color: { field: "series", type: "nominal", title: null, scale: { domain: ["treated unit", "synthetic control"], range: ["#c0392b", "#4c78a8"] } }, strokeDash: { field: "series", type: "nominal", title: null, scale: { domain: ["treated unit", "synthetic control"], range: [[1, 0], [6, 4]] } } } },
    ],
  });
}

function gapChart(result: SyntheticControlResult): ReportBlock {
  return chartBlock("Gap: treated − synthetic", `The estimated effect per period; average post-period gap ${formatNumber(result.averagePostGap)}.`, {
    data: { values: result.gaps.map((row) => ({ time: row.time, gap: roundSignificant(row.gap) })) },
    height: 220,
    layer: [
      treatmentRule(result.treatmentStart),
      { mark: { type: "rule", color: "#999999" }, encoding: { y: { datum: 0 } } },
      { mark: { type: "line", color: "#c0392b", strokeWidth: 2.5 }, encoding: { x: { field: "time", type: "quantitative", title: "period", scale: { zero: false }, axis: { format: "d" } }, y: { field: "gap", type: "quantitative", title: "gap" } } },
    ],
  });
}

function placeboChart(result: SyntheticControlResult): ReportBlock[] {
  const placebo = result.placebo;
  if (placebo === null) return [];
  const limit = placeboFitMultiple * result.rmspe.pre;
  const shown = placebo.units.filter((unit, index) => index === 0 || unit.preRmspe <= limit);
  const hidden = placebo.units.length - shown.length;
  const values = shown.flatMap((unit, index) => unit.gaps.map((gap, t) => ({ time: result.gaps[t]?.time ?? t, gap: roundSignificant(gap), unit: unit.unit, role: index === 0 ? "treated" : "placebo" })));
  return [
    chartBlock(
      "Placebo gaps",
      `Each donor refitted as if it had been treated (grey) against the treated unit (red); ${hidden} of ${placebo.units.length - 1} placebos with a pre-period RMSPE above ${placeboFitMultiple}× the treated unit's are not drawn. Placebo p-value ${formatNumber(placebo.pValue)} (rank ${placebo.rank} of ${placebo.units.length}).`,
      {
        data: { values },
        height: 260,
        layer: [
          treatmentRule(result.treatmentStart),
          {
            transform: [{ filter: "datum.role === 'placebo'" }],
            mark: { type: "line", color: "#c4c4c4", strokeWidth: 1 },
            encoding: { x: { field: "time", type: "quantitative", title: "period", scale: { zero: false }, axis: { format: "d" } }, y: { field: "gap", type: "quantitative", title: "gap" }, detail: { field: "unit", type: "nominal" } },
          },
          {
            transform: [{ filter: "datum.role === 'treated'" }],
            mark: { type: "line", color: "#c0392b", strokeWidth: 2.5 },
            encoding: { x: { field: "time", type: "quantitative" }, y: { field: "gap", type: "quantitative" } },
          },
        ],
      },
    ),
    {
      kind: "table",
      caption: "Post/pre RMSPE ratio per unit (the placebo p-value is the treated unit's rank)",
      columns: ["unit", "pre RMSPE", "post RMSPE", "ratio"],
      rows: [...placebo.units].sort((a, b) => b.ratio - a.ratio || a.unit.localeCompare(b.unit)).map((unit) => [unit.unit, roundSignificant(unit.preRmspe, 4), roundSignificant(unit.postRmspe, 4), roundSignificant(unit.ratio, 4)]),
    },
  ];
}

/** The report of a synthetic-control readout (`goodput readout --design synthetic-control`). */
export function buildSyntheticControlReport(result: SyntheticControlResult, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  const donors = result.weights.filter((entry) => entry.weight >= 0.001).sort((a, b) => b.weight - a.weight || a.unit.localeCompare(b.unit));
  return {
    title: `Synthetic control: ${result.treatedUnit}`,
    subtitle: `average post-period gap ${formatNumber(result.averagePostGap)} from ${result.treatmentStart}; placebo p = ${result.placebo === null ? "not run" : formatNumber(result.placebo.pValue)}`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [
      {
        title: "Treated vs synthetic",
        blocks: [
          seriesChart(result),
          gapChart(result),
          { kind: "keyValues", entries: [["pre-period", `${result.prePeriod[0]}–${result.prePeriod[1]}`], ["pre RMSPE", roundSignificant(result.rmspe.pre, 4)], ["post RMSPE", roundSignificant(result.rmspe.post, 4)], ["post/pre ratio", roundSignificant(result.rmspe.ratio, 4)]] },
        ],
      },
      { title: "Placebo-in-space", blocks: placeboChart(result) },
      {
        title: "Donor weights and balance",
        blocks: [
          { kind: "table", caption: `Donors with weight ≥ 0.001 (${donors.length} of ${result.weights.length})`, columns: ["donor", "weight"], rows: donors.map((entry) => [entry.unit, roundSignificant(entry.weight, 4)]) },
          { kind: "table", caption: "Predictor balance", columns: ["predictor", "treated", "synthetic", "donor mean", "weight V"], rows: result.balance.map((row) => [row.predictor, roundSignificant(row.treated, 4), roundSignificant(row.synthetic, 4), roundSignificant(row.donorMean, 4), roundSignificant(result.predictorWeights.find((entry) => entry.predictor === row.predictor)?.weight, 4)]) },
        ],
      },
      assumptionsSection(result),
    ],
  };
}
