import { ratioDeltaMethod, type ArmRatio } from "../stats/index.js";
import { toEntry } from "./estimate-outcome.js";
import type { RatioColumns } from "./readout-table.js";
import type { ReadoutEstimate } from "./readout-types.js";

/** One ratio metric row: per-arm Σnumerator/Σdenominator with delta-method SEs, and the treated − control difference. */
export interface RatioReadout extends ReadoutEstimate {
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly lowerIsBetter: boolean | null;
  readonly control: ArmRatio;
  readonly treated: ArmRatio;
  /** "rows" or the assignment-unit column the numerator and denominator were summed over. */
  readonly linearizedOver: string;
}

/**
 * Ratio metrics by the delta method (Deng, Knoblich & Lu 2018): numerator and denominator are summed per assignment unit
 * (cluster, user or time block when the design has one) and the ratio of means is linearized over those units, so the
 * SE respects the correlation of rows within a unit. Failures are recorded as notes, never silently skipped.
 */
export function ratioReadouts(
  ratios: readonly RatioColumns[],
  treated: Uint8Array,
  units: { readonly column: string; readonly labels: readonly (string | null)[] } | null,
  notes: string[],
): RatioReadout[] {
  const output: RatioReadout[] = [];
  const labels = units === null ? undefined : units.labels.map((label) => label ?? "");
  for (const ratio of ratios) {
    try {
      const result = ratioDeltaMethod(ratio.numerator.values, ratio.denominator.values, treated, labels === undefined ? {} : { units: labels });
      const entry = toEntry(`ratio: ${ratio.name}`, result, {
        note: `Σ${ratio.numerator.name} / Σ${ratio.denominator.name} per arm${units === null ? " (rows are the units)" : `, linearized over ${units.column}`}${ratio.automatic && ratio.name.startsWith("cost") ? "; a request without a cost counts as 0 spend" : ""}`,
        extra: { ratioControl: result.control.ratio, ratioTreated: result.treated.ratio, standardErrorControl: result.control.standardError, standardErrorTreated: result.treated.standardError },
      });
      output.push({
        ...entry,
        estimand: `difference of ${ratio.name} (Σ${ratio.numerator.name}/Σ${ratio.denominator.name}), treated − control`,
        name: ratio.name,
        numerator: ratio.numerator.name,
        denominator: ratio.denominator.name,
        lowerIsBetter: ratio.lowerIsBetter,
        control: result.control,
        treated: result.treated,
        linearizedOver: units === null ? "rows" : units.column,
      });
    } catch (error) {
      notes.push(`ratio ${ratio.name} not computed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return output;
}
