import type { IvResult } from "../../causal/iv-estimate.js";
import type { ReportCell, ReportDocument } from "../report-document.js";
import { assumptionsSection, termCells, termColumns } from "./_assumptions-section.js";
import { formatInterval, formatNumber, roundSignificant } from "./_round.js";

/** The report of an instrumental-variables readout (`goodput readout --design iv`): first stage, reduced form, 2SLS. */
export function buildIvReport(result: IvResult, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  const first = result.firstStage;
  const stages: ReportCell[][] = [
    ["first stage (treatment on instrument)", roundSignificant(first.coefficient, 4), roundSignificant(first.standardError, 4), null, null, null],
    ["reduced form (outcome on instrument)", ...termCells(result.reducedForm)],
    ["2SLS (effect of the treatment)", ...termCells(result.estimate)],
    ...(result.itt === undefined ? [] : [["ITT on the outcome", ...termCells(result.itt.y)], ["ITT on the treatment", ...termCells(result.itt.d)]]),
    ...(result.late === undefined ? [] : [["LATE (Wald: ITT_Y / ITT_D)", ...termCells(result.late)]]),
  ];
  return {
    title: "Instrumental variables (2SLS)",
    subtitle: `effect ${formatNumber(result.estimate.estimate)} ${formatInterval(result.estimate.ci95)} (95 % CI), n = ${result.estimate.n}; first-stage F ${formatNumber(first.F)} (${first.strength})`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [
      {
        title: "First stage and 2SLS",
        blocks: [
          { kind: "callout", tone: first.strength === "strong" ? "pass" : "fail", title: `instrument ${first.strength}`, text: `robust first-stage F = ${formatNumber(first.F)} (rule of thumb: above 10); a weak instrument biases 2SLS toward OLS and its CI is not trustworthy.` },
          { kind: "table", caption: "Stages", columns: ["stage", ...termColumns], rows: stages },
          { kind: "table", caption: "2SLS coefficients (HC1)", columns: ["term", ...termColumns], rows: result.coefficients.map((coefficient) => [coefficient.name, ...termCells(coefficient)]) },
          { kind: "keyValues", entries: [["method", result.method]] },
        ],
      },
      assumptionsSection(result),
    ],
  };
}
