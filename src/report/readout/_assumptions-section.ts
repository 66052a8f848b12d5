import type { ReportSection } from "../report-document.js";
import { warningCallouts } from "./_checks.js";

/** The part every quasi-experimental readout shares: the identifying assumption, what could break it, the caveat and the warnings. */
export function assumptionsSection(result: { readonly assumption: string; readonly diagnostics: readonly string[]; readonly caveat: string; readonly warnings: readonly string[] }): ReportSection {
  return {
    title: "Assumptions and checks",
    blocks: [
      { kind: "callout", tone: "info", title: "Identifying assumption", text: result.assumption },
      { kind: "paragraph", text: "What could break it:" },
      { kind: "list", items: result.diagnostics },
      { kind: "callout", tone: "info", title: "What the number does not say", text: result.caveat },
      ...(result.warnings.length === 0 ? [{ kind: "callout" as const, tone: "pass" as const, title: "No warnings", text: "None of the automatic checks raised a warning." }] : warningCallouts(result.warnings)),
    ],
  };
}

/** Estimate, SE, CI and p as table cells rounded to 4 significant digits. */
export function termCells(term: { readonly estimate: number; readonly standardError: number; readonly ci95: readonly [number, number]; readonly pValue: number }): (number | null)[] {
  const round = (value: number): number | null => (Number.isFinite(value) ? Number(value.toPrecision(4)) : null);
  return [round(term.estimate), round(term.standardError), round(term.ci95[0]), round(term.ci95[1]), round(term.pValue)];
}

export const termColumns = ["estimate", "SE", "CI low", "CI high", "p"] as const;
