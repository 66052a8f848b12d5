import type { ObservationalResult } from "../../observational/index.js";
import type { ReportDocument } from "../report-document.js";
import { chartBlock, intervalChartSpec } from "./_chart-specs.js";
import { warningCallouts } from "./_checks.js";
import { formatInterval, formatNumber, roundSignificant } from "./_round.js";

/** Short chart labels; the table keeps each estimator's full description. */
const shortLabels: Readonly<Record<ObservationalResult["estimates"][number]["method"], string>> = {
  "ols-adjustment": "OLS adjustment",
  "regression-imputation": "regression imputation",
  ipw: "IPW (Hájek)",
  aipw: "AIPW (doubly robust)",
  "double-ml": "double ML",
};

/** |SMD| above this after weighting is residual imbalance (Austin 2009's 0.1 convention, as src/observational uses). */
const balanceThreshold = 0.1;

/**
 * The report of an observational readout (`goodput readout --design observational`): the estimators side by side, the
 * propensity overlap histogram per arm (mirrored: control below the axis), balance before and after weighting, weight
 * concentration and the E-value.
 */
export function buildObservationalReport(result: ObservationalResult & { readonly file?: string }, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  const d = result.diagnostics;
  const primary = result.estimates.find((entry) => entry.method === result.decision.primary);
  const rows = result.estimates.map((entry) => ({ label: shortLabels[entry.method], estimate: entry.estimate, low: entry.ci95[0], high: entry.ci95[1], status: entry.method === result.decision.primary ? ("primary" as const) : ("valid" as const) }));
  const overlap = d.overlap.flatMap((bin) => [
    { from: roundSignificant(bin.from), to: roundSignificant(bin.to), count: bin.treated, arm: "treated" },
    { from: roundSignificant(bin.from), to: roundSignificant(bin.to), count: -bin.control, arm: "control" },
  ]);
  const balance = d.balance.flatMap((row) => [
    { covariate: row.covariate, smd: roundSignificant(row.before), stage: "before weighting" },
    { covariate: row.covariate, smd: roundSignificant(row.after), stage: "after weighting" },
  ]);
  const { outcome, treatment } = result.names;
  return {
    title: `Observational readout: ${outcome} by ${treatment}${result.file === undefined ? "" : ` (${result.file})`}`,
    subtitle: `${result.estimand.toUpperCase()}, ${result.n} rows (${result.nTreated} treated, ${result.nControl} control); claim ${result.decision.claim}${primary === undefined ? "" : `; ${primary.label} ${formatNumber(primary.estimate)} ${formatInterval(primary.ci95)}`}`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [
      {
        title: "Decision",
        blocks: [
          { kind: "callout", tone: result.decision.claim === "conditional" ? "info" : "warn", title: `claim ${result.decision.claim}`, text: result.decision.statement },
          ...(result.decision.reasons.length === 0 ? [] : [{ kind: "list" as const, items: result.decision.reasons }]),
          { kind: "callout", tone: "info", title: "Sensitivity (E-value)", text: result.sensitivity.statement },
        ],
      },
      {
        title: "Estimates",
        blocks: [
          chartBlock(`Estimates of the ${result.estimand.toUpperCase()} on ${outcome}`, `Each estimator's effect with its 95 % CI; the one the decision quotes is red; dashed line: no effect.`, intervalChartSpec(rows, { xTitle: `effect on ${outcome}`, legend: { primary: "quoted by the decision", valid: "other estimators" } })),
          { kind: "table", columns: ["method", "estimand", "estimate", "SE", "CI low", "CI high", "p", "SE from"], rows: result.estimates.map((entry) => [entry.label, entry.estimand, roundSignificant(entry.estimate, 4), roundSignificant(entry.standardError, 4), roundSignificant(entry.ci95[0], 4), roundSignificant(entry.ci95[1], 4), roundSignificant(entry.pValue, 4), entry.standardErrorMethod]) },
        ],
      },
      {
        title: "Overlap and balance",
        blocks: [
          chartBlock("Propensity overlap", `Rows per estimated-propensity bin before trimming: treated above the axis, control below. Where one arm has rows and the other none, the comparison is extrapolation. Trimmed at ${result.diagnostics.trimmed.level}: ${d.trimmed.droppedTreated} treated and ${d.trimmed.droppedControl} control rows dropped.`, {
            data: { values: overlap },
            height: 240,
            mark: { type: "bar", binSpacing: 1 },
            encoding: {
              x: { field: "from", type: "quantitative", bin: { binned: true, step: roundSignificant((d.overlap[0]?.to ?? 0.05) - (d.overlap[0]?.from ?? 0)) }, title: "estimated propensity", scale: { domain: [0, 1] } },
              x2: { field: "to" },
              y: { field: "count", type: "quantitative", title: "rows (control below 0)" },
              color: { field: "arm", type: "nominal", title: null, scale: { domain: ["treated", "control"], range: ["#f58518", "#4c78a8"] } },
            },
          }),
          chartBlock("Covariate balance", `Standardized mean difference per covariate before and after weighting; the dashed lines mark ±${balanceThreshold}.`, {
            data: { values: balance },
            height: Math.max(60, 22 * d.balance.length),
            layer: [
              { mark: { type: "rule", strokeDash: [4, 4], color: "#777777" }, encoding: { x: { datum: balanceThreshold } } },
              { mark: { type: "rule", strokeDash: [4, 4], color: "#777777" }, encoding: { x: { datum: -balanceThreshold } } },
              { mark: { type: "point", filled: true, size: 60, opacity: 1 }, encoding: { y: { field: "covariate", type: "nominal", sort: null, title: null }, x: { field: "smd", type: "quantitative", title: "standardized mean difference" }, color: { field: "stage", type: "nominal", title: null, scale: { domain: ["before weighting", "after weighting"], range: ["#b0b0b0", "#c0392b"] }, legend: { orient: "bottom", labelLimit: 400 } } } },
            ],
          }),
          {
            kind: "keyValues",
            entries: [
              ["propensity range, treated", `${formatNumber(d.propensityRange.treated[0])} – ${formatNumber(d.propensityRange.treated[1])}`],
              ["propensity range, control", `${formatNumber(d.propensityRange.control[0])} – ${formatNumber(d.propensityRange.control[1])}`],
              ["ESS treated / control", `${formatNumber(d.ess.treated)} / ${formatNumber(d.ess.control)}`],
              ["ESS share treated / control", `${formatNumber(d.essShare.treated)} / ${formatNumber(d.essShare.control)}`],
              ["largest weight's share, treated / control", `${formatNumber(d.maxWeightShare.treated)} / ${formatNumber(d.maxWeightShare.control)}`],
              ["double ML", d.doubleMl === null ? "skipped: too few rows for cross-fitting" : `${d.doubleMl.folds} folds, ${d.doubleMl.learner}; out-of-fold R² outcome ${formatNumber(d.doubleMl.outOfFoldR2.outcome)}, treatment ${formatNumber(d.doubleMl.outOfFoldR2.treatment)}`],
            ],
          },
        ],
      },
      { title: "Assumptions and warnings", blocks: [{ kind: "list", items: result.assumptions }, ...warningCallouts(result.warnings)] },
    ],
  };
}
