import type { SimulationSummary } from "./summary.js";

export interface MetricEffect {
  readonly metric: string;
  readonly a: number;
  readonly b: number;
  /** B − A. */
  readonly difference: number;
  /** (B − A) / A; null when A is 0 or not finite. */
  readonly relative: number | null;
}

function flatten(prefix: string, value: unknown, into: Map<string, number>): void {
  if (typeof value === "number") into.set(prefix, value);
  else if (typeof value === "object" && value !== null) for (const [key, inner] of Object.entries(value)) flatten(prefix ? `${prefix}.${key}` : key, inner, into);
}

/**
 * The true global effect of policy B vs policy A (everyone on B vs everyone on A) on every summary
 * metric, from two runs on common random numbers.
 */
export function trueGlobalEffect(a: SimulationSummary, b: SimulationSummary): MetricEffect[] {
  const left = new Map<string, number>();
  const right = new Map<string, number>();
  flatten("", a, left);
  flatten("", b, right);
  return [...left].flatMap(([metric, valueA]) => {
    // Wall-clock time is how long the run took, not an effect of the policy.
    if (metric === "wallSeconds") return [];
    const valueB = right.get(metric);
    if (valueB === undefined) return [];
    const difference = valueB - valueA;
    return [{ metric, a: valueA, b: valueB, difference, relative: valueA !== 0 && Number.isFinite(valueA) ? difference / valueA : null }];
  });
}
