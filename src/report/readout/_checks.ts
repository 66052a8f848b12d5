import type { CheckStatus, ReadoutCheck } from "../../readout/index.js";
import type { CalloutTone, ReportBlock } from "../report-document.js";

/** A check's status as a callout tone: skipped checks are notes (they did not run, so they neither pass nor fail). */
export const toneOfCheck: Readonly<Record<CheckStatus, CalloutTone>> = { pass: "pass", warn: "warn", fail: "fail", info: "info", skipped: "info" };

/** One callout per check, in the readout's order, saying what it found and what it does to the recommendation. */
export function checkCallouts(checks: readonly ReadoutCheck[]): ReportBlock[] {
  return checks.map((check) => ({
    kind: "callout",
    tone: toneOfCheck[check.status],
    title: `${check.name}${check.status === "skipped" ? " (skipped)" : ""}`,
    text: `${check.message}${check.effect === "none" ? "" : ` — effect on the decision: ${check.effect}`}`,
  }));
}

/** Warnings as warn callouts (quasi-experimental readouts carry plain warning strings). */
export function warningCallouts(warnings: readonly string[]): ReportBlock[] {
  return warnings.map((warning) => ({ kind: "callout", tone: "warn", title: "Warning", text: warning }));
}
