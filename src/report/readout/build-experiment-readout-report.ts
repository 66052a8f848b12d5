import type { DecisionAction, Readout } from "../../readout/index.js";
import type { CalloutTone, ReportDocument, ReportSection } from "../report-document.js";
import { checkCallouts } from "./_checks.js";
import { outcomeSection } from "./_outcome-section.js";
import { roundSignificant } from "./_round.js";

/** How each action reads at a glance: go (pass), go carefully (info), wait (warn), stop (fail). Older stored readouts used "ramp with holdout", "do not ship" and "redesign". */
const toneOfAction: Readonly<Record<DecisionAction | "ramp with holdout" | "do not ship" | "redesign", CalloutTone>> = {
  ship: "pass",
  ramp: "info",
  "ramp with holdout": "info",
  "keep a holdout": "info",
  "target a segment": "info",
  hold: "warn",
  pause: "warn",
  "instrument more": "warn",
  "run a stronger design": "fail",
  "do not ship": "fail",
  "roll back": "fail",
  redesign: "fail",
};

/** A readout as stored: readouts saved before ratio metrics and decision rules existed lack those fields. */
export type StoredReadout = Omit<Readout, "ratios" | "rule" | "decision"> & {
  readonly ratios?: Readout["ratios"];
  readonly decision: Omit<Readout["decision"], "targetSegments" | "action" | "rule" | "conditions" | "holdout"> & {
    readonly action: DecisionAction | "ramp with holdout" | "do not ship" | "redesign";
    readonly targetSegments?: readonly string[];
    readonly conditions?: readonly string[];
    readonly rule?: string;
    readonly holdout?: boolean;
  };
};

function decisionSection(readout: StoredReadout): ReportSection {
  const decision = readout.decision;
  return {
    title: "Decision",
    blocks: [
      { kind: "callout", tone: toneOfAction[decision.action], title: decision.action.toUpperCase(), text: decision.summary },
      {
        kind: "keyValues",
        entries: [
          ["question", decision.question],
          ["estimand", decision.estimand],
          ["counterfactual", decision.counterfactual],
          ["assignment", decision.assignment],
          ["primary outcome", decision.primaryOutcome],
          ["main failure mode", decision.mainFailureMode],
          ["mitigation", decision.mitigation],
          ["tradeoff", decision.tradeoff],
          ["surrogate", decision.surrogate],
          ...(decision.rule === undefined ? [] : [["decision-table row", decision.rule] as [string, string]]),
          ...(decision.holdout === true ? [["holdout", "keep a durable holdout"] as [string, string]] : []),
        ],
      },
      ...(decision.conditions === undefined || decision.conditions.length === 0 ? [] : [{ kind: "paragraph" as const, text: "Conditions:" }, { kind: "list" as const, items: decision.conditions }]),
      ...(decision.targetSegments === undefined || decision.targetSegments.length === 0 ? [] : [{ kind: "paragraph" as const, text: "Segments to treat:" }, { kind: "list" as const, items: decision.targetSegments }]),
      ...(decision.stopRamp.length === 0 ? [] : [{ kind: "paragraph" as const, text: "Stop the ramp if:" }, { kind: "list" as const, items: decision.stopRamp }]),
      ...(decision.reasons.length === 0 ? [] : [{ kind: "paragraph" as const, text: "Why:" }, { kind: "list" as const, items: decision.reasons }]),
    ],
  };
}

function designSection(readout: StoredReadout): ReportSection {
  const design = readout.design;
  return {
    title: "Design",
    blocks: [
      {
        kind: "keyValues",
        entries: [
          ["design", `${design.chosen}${design.requested === "auto" ? " (chosen automatically)" : ""}`],
          ["situation", design.situation],
          ["assignment unit", `${design.unit}, ${design.unitCount} units`],
          ["treatment", `${readout.treatment.column}: control "${readout.treatment.control}" (${readout.treatment.rowsControl} rows), treated "${readout.treatment.treated}" (${readout.treatment.rowsTreated} rows)`],
          ["shared state", design.sharedState ? `yes — ${design.sharedStateReason ?? "named by the assignment story"}` : "none named"],
          ["validity", design.validity],
          ["key check", design.keyCheck],
          ["assignment story", design.story],
        ],
      },
      ...(design.recommendation === null ? [] : [{ kind: "callout" as const, tone: "warn" as const, title: "Recommended design", text: design.recommendation }]),
      ...(design.basis.length === 0 ? [] : [{ kind: "list" as const, items: design.basis }]),
      ...(readout.lint.length === 0
        ? []
        : [{ kind: "table" as const, caption: "Bad-control lint", columns: ["column", "use", "role", "verdict", "message"], rows: readout.lint.map((entry) => [entry.column, entry.use, entry.role, entry.verdict, entry.message]) }]),
    ],
  };
}

/** Ratio metrics (cost per successful request, cache hit rate …): per-arm ratios and their difference by the delta method. */
function ratioSection(ratios: Readout["ratios"]): ReportSection[] {
  if (ratios.length === 0) return [];
  return [
    {
      title: "Ratio metrics",
      blocks: [
        {
          kind: "table",
          caption: "Per-arm ratio of sums and the treated − control difference (delta method)",
          columns: ["metric", "control", "treated", "difference", "CI low", "CI high", "p", "summed over"],
          rows: ratios.map((ratio) => [ratio.name, roundSignificant(ratio.control.ratio, 4), roundSignificant(ratio.treated.ratio, 4), roundSignificant(ratio.estimate, 4), roundSignificant(ratio.ci95[0], 4), roundSignificant(ratio.ci95[1], 4), roundSignificant(ratio.pValue, 4), ratio.linearizedOver]),
        },
      ],
    },
  ];
}

/** The report of a `goodput readout` of an experiment log or table (request, user, cluster, switchback designs). */
export function buildExperimentReadoutReport(readout: StoredReadout, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  return {
    title: `Readout: ${readout.file}`,
    subtitle: `${readout.design.chosen} design, ${readout.rows} rows — ${readout.decision.action}`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [
      decisionSection(readout),
      designSection(readout),
      ...readout.outcomes.map((outcome) => outcomeSection(outcome, readout.treatment)),
      ...ratioSection(readout.ratios ?? []),
      { title: "Checks", blocks: checkCallouts(readout.checks) },
      { title: "Settings", blocks: [{ kind: "keyValues", entries: [["seed", readout.settings.seed], ["bootstrap replicates", readout.settings.bootstrap], ["permutations", readout.settings.permutations]] }] },
    ],
  };
}
