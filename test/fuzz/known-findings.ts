import type { Finding } from "./fuzz-harness.js";

/**
 * Findings of the fuzz harness in code other sessions own (listed here, with the owner's TODO, instead of being fixed in
 * their files while they edit them). Each pattern matches the case's kind and the problem text; remove an entry once fixed.
 */
// All findings of the first fuzz pass are fixed (config errors name their file, rule columns name the rule file, out-of-range
// flag values are refused by name, huge outcome values are refused by the readout); a new one fails the suite.
export const knownFindings: readonly { readonly kind: RegExp; readonly problem: RegExp; readonly todo: string }[] = [];

export function isKnownFinding(finding: Finding): boolean {
  return knownFindings.some((known) => known.kind.test(finding.fuzzCase.kind) && known.problem.test(finding.problem));
}
