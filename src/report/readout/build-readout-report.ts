import type { DidResult } from "../../causal/did-estimate.js";
import type { RddResult, SyntheticControlResult } from "../../causal/index.js";
import type { IvResult } from "../../causal/iv-estimate.js";
import type { ObservationalResult } from "../../observational/index.js";
import { GoodputError } from "../../errors.js";
import type { CalloutTone, ReportDocument, ReportSection } from "../report-document.js";
import { buildDidReport } from "./build-did-report.js";
import { buildExperimentReadoutReport, type StoredReadout } from "./build-experiment-readout-report.js";
import { buildIvReport } from "./build-iv-report.js";
import { buildObservationalReport } from "./build-observational-report.js";
import { buildOpeReport, type OpeReadoutJson } from "./build-ope-report.js";
import { buildRddReport } from "./build-rdd-report.js";
import { buildSyntheticControlReport } from "./build-synthetic-control-report.js";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Fields each readout kind must carry; a JSON missing one is not that readout (a clear error beats a half-drawn report). */
const requiredFields = {
  rdd: ["cutoff", "estimate", "sensitivity", "densityTest", "covariates", "binnedMeans"],
  "synthetic-control": ["treatedUnit", "treatmentStart", "series", "gaps", "weights", "rmspe", "balance"],
  iv: ["estimate", "coefficients", "firstStage", "reducedForm"],
  did: ["estimate", "eventStudy", "eventWindow", "staggered"],
  ope: ["target", "reward", "estimates", "diagnostics"],
  observational: ["names", "estimates", "diagnostics", "sensitivity", "decision", "assumptions"],
  experiment: ["file", "design", "treatment", "outcomes", "checks", "decision", "settings"],
} as const;

function requireFields(json: Record<string, unknown>, kind: keyof typeof requiredFields): void {
  const missing = requiredFields[kind].filter((field) => !(field in json));
  if (missing.length > 0) {
    throw new GoodputError("BAD_INPUT", `the ${kind} readout JSON lacks ${missing.map((field) => `"${field}"`).join(", ")}; it was made by another version of goodput — re-run goodput readout to rebuild it.`, { where: "readout JSON" });
  }
}

/**
 * The report of any `goodput readout` result, chosen by the JSON's shape: quasi-experiments and OPE carry a `design`
 * string (rdd, synthetic-control, iv, did, ope, observational); experiment readouts (request, user, cluster, switchback, observational)
 * carry `design.chosen`. Pure: the time is passed in.
 */
export function buildReadoutReport(json: unknown, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  const document = buildDesignReport(json, meta);
  return isRecord(json) && typeof json.design === "string" ? withDesignDecision(document, json) : document;
}

const toneOf: Readonly<Record<string, CalloutTone>> = { ship: "pass", ramp: "info", "keep a holdout": "info", "target a segment": "info", hold: "warn", pause: "warn", "instrument more": "warn", "run a stronger design": "fail", "roll back": "fail" };

/** Quasi-experiment, OPE and observational readouts carry the decision table's word (`decision`, or `readoutDecision`): shown first. */
function withDesignDecision(document: ReportDocument, json: Record<string, unknown>): ReportDocument {
  const decision = json.design === "observational" ? json.readoutDecision : json.decision;
  if (!isRecord(decision) || typeof decision.action !== "string" || typeof decision.summary !== "string") return document;
  const conditions = Array.isArray(decision.conditions) ? decision.conditions.filter((item): item is string => typeof item === "string") : [];
  const section: ReportSection = {
    title: "Decision",
    blocks: [
      { kind: "callout", tone: toneOf[decision.action] ?? "info", title: decision.action.toUpperCase(), text: decision.summary },
      ...(conditions.length === 0 ? [] : [{ kind: "list" as const, items: conditions }]),
      { kind: "keyValues", entries: [["decision-table row", typeof decision.rule === "string" ? decision.rule : "-"]] },
    ],
  };
  return { ...document, sections: [section, ...document.sections] };
}

function buildDesignReport(json: unknown, meta: { readonly source: string; readonly createdAt?: string }): ReportDocument {
  if (!isRecord(json)) throw new GoodputError("BAD_INPUT", `a readout is a JSON object; got ${Array.isArray(json) ? "an array" : typeof json}.`, { where: "readout JSON" });
  const design = json.design;
  switch (design) {
    case "rdd":
      requireFields(json, "rdd");
      return buildRddReport(json as unknown as RddResult, meta);
    case "synthetic-control":
      requireFields(json, "synthetic-control");
      return buildSyntheticControlReport(json as unknown as SyntheticControlResult, meta);
    case "iv":
      requireFields(json, "iv");
      return buildIvReport(json as unknown as IvResult, meta);
    case "did":
      requireFields(json, "did");
      return buildDidReport(json as unknown as DidResult, meta);
    case "ope":
      requireFields(json, "ope");
      return buildOpeReport(json as unknown as OpeReadoutJson, meta);
    case "observational":
      requireFields(json, "observational");
      return buildObservationalReport(json as unknown as ObservationalResult, meta);
    default:
      if (isRecord(design) && typeof design.chosen === "string") {
        requireFields(json, "experiment");
        return buildExperimentReadoutReport(json as unknown as StoredReadout, meta);
      }
      throw new GoodputError("BAD_INPUT", `not a readout: "design" is ${design === undefined ? "missing" : JSON.stringify(design)}; expected rdd, synthetic-control, iv, did, ope, observational or an experiment readout's { chosen: … }.`, { where: "readout JSON" });
  }
}
