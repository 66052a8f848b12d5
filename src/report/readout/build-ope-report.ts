import type { ReportDocument } from "../report-document.js";
import { chartBlock, intervalChartSpec } from "./_chart-specs.js";
import { warningCallouts } from "./_checks.js";
import { formatNumber, roundSignificant } from "./_round.js";

/** The JSON `goodput readout --design ope` prints (src/cli/readout-ope.ts). */
export interface OpeReadoutJson {
  readonly design: "ope";
  readonly assumption: string;
  readonly target: { readonly name: string; readonly description: string };
  readonly reward: { readonly column: string; readonly sign: number; readonly label: string };
  readonly actionColumn: string;
  readonly actions: number;
  readonly n: number;
  readonly estimates: readonly { readonly method: string; readonly estimate: number; readonly standardError: number; readonly ci95: readonly [number, number]; readonly assumptions: readonly string[] }[];
  readonly diagnostics: {
    readonly ess: number;
    readonly essShare: number;
    readonly maxWeight: number;
    readonly meanWeight: number;
    readonly unsupportedMass: number;
    readonly rareMass: number;
    readonly clippedRows: number;
    readonly supportSource: string;
  };
  readonly warnings: readonly string[];
}

/** The report of an off-policy evaluation (`goodput readout --design ope`): the four estimators side by side and how well the logs support the target. */
export function buildOpeReport(result: OpeReadoutJson, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  const d = result.diagnostics;
  const rows = result.estimates.map((entry) => ({ label: entry.method, estimate: entry.estimate, low: entry.ci95[0], high: entry.ci95[1], status: entry.method === "DR" ? ("primary" as const) : ("valid" as const) }));
  const dr = result.estimates.find((entry) => entry.method === "DR");
  const reference = dr?.estimate ?? result.estimates[0]?.estimate ?? 0;
  return {
    title: `Off-policy evaluation: ${result.target.name}`,
    subtitle: `${result.n} logged rows, ${result.actions} actions (${result.actionColumn}); reward ${result.reward.label}${dr === undefined ? "" : `; DR ${formatNumber(dr.estimate)}`}`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [
      {
        title: "Estimators",
        blocks: [
          { kind: "paragraph", text: `Target policy ${result.target.name}: ${result.target.description}. Value = mean reward per request (${result.reward.label}; larger is better).` },
          chartBlock("Estimated value of the target policy", "DM, IPS, SNIPS and DR estimates with 95 % CIs; DR (red) is the headline; the dashed line is at the DR estimate so the others read as differences from it.", intervalChartSpec(rows, { xTitle: `value (${result.reward.label})`, reference, legend: { primary: "DR (headline)", valid: "other estimators" } })),
          { kind: "table", columns: ["method", "estimate", "SE", "CI low", "CI high", "assumptions"], rows: result.estimates.map((entry) => [entry.method, roundSignificant(entry.estimate, 4), roundSignificant(entry.standardError, 4), roundSignificant(entry.ci95[0], 4), roundSignificant(entry.ci95[1], 4), entry.assumptions.join("; ")]) },
        ],
      },
      {
        title: "Weight diagnostics",
        blocks: [
          {
            kind: "keyValues",
            entries: [
              ["effective sample size (Kish)", roundSignificant(d.ess, 4)],
              ["ESS / n", roundSignificant(d.essShare, 4)],
              ["max importance weight", roundSignificant(d.maxWeight, 4)],
              ["mean importance weight (≈ 1 when supported)", roundSignificant(d.meanWeight, 4)],
              ["target mass the logger never takes", roundSignificant(d.unsupportedMass, 4)],
              ["target mass on rarely taken actions", roundSignificant(d.rareMass, 4)],
              ["rows clipped", d.clippedRows],
              ["support from", d.supportSource],
            ],
          },
          { kind: "callout", tone: d.unsupportedMass > 0 ? "fail" : d.essShare < 0.1 ? "warn" : "pass", title: "support of the target policy", text: d.unsupportedMass > 0 ? `${formatNumber(d.unsupportedMass * 100)} % of the target's mass is on actions the logger never takes: IPS and SNIPS cannot see it, DR leans on the reward model there.` : d.essShare < 0.1 ? `ESS is ${formatNumber(d.essShare * 100)} % of n: a few rows carry the estimate.` : "every target action is logged with positive probability and the weights are not concentrated." },
          ...warningCallouts(result.warnings),
        ],
      },
      { title: "Assumptions", blocks: [{ kind: "callout", tone: "info", title: "Identifying assumption", text: result.assumption }] },
    ],
  };
}
