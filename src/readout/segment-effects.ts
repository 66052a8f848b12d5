import { GoodputError } from "../errors.js";
import { benjaminiHochberg, differenceInMeans, holm } from "../stats/index.js";
import { subsetLabels, subsetNumbers, type OutcomeRows } from "./estimate-outcome.js";
import type { SegmentEffect, SegmentNetValue } from "./readout-types.js";
import { withUnitRobustSe } from "./unit-robust-se.js";

const maxSegments = 30;

/** What the net value of a segment needs: the value of one outcome unit and the per-row cost. */
export interface NetValueSettings {
  /** Money per unit of improvement of the outcome, per row (e.g. USD per second of TTFT saved per request). */
  readonly valuePerUnit: number;
  /** Per-row cost aligned with `rows.y` (NaN = missing). */
  readonly cost: Float64Array;
  readonly costColumn: string;
}

/**
 * Welch effect per pre-specified segment (CR2 over the assignment units when rows are not the units), with Holm (family-wise) and Benjamini–Hochberg (FDR) adjusted p-values; with a
 * value per unit, the per-row net value v = value × (improvement of y) − cost, compared by Welch so the SE carries the
 * covariance of lift and cost: E[v₁] − E[v₀] = value × lift − incremental cost (heterogeneity net value, docs/design.md §7.4).
 */
export function segmentEffects(rows: OutcomeRows, lowerIsBetter: boolean, net: NetValueSettings | null, notes: string[] = []): SegmentEffect[] {
  const groups = new Map<string, number[]>();
  (rows.segment ?? []).forEach((label, index) => {
    const key = label ?? "(missing)";
    const list = groups.get(key) ?? [];
    list.push(index);
    groups.set(key, list);
  });
  const direction = lowerIsBetter ? -1 : 1;
  const raw: Omit<SegmentEffect, "pHolm" | "pBH">[] = [];
  const netRaw: (Omit<SegmentNetValue, "pHolm" | "pBH"> | null)[] = [];
  // Every segment is tested and adjusted for: a cap that kept the first few would hide the others and shrink Holm/BH.
  if (groups.size > maxSegments) {
    throw new GoodputError("BAD_USAGE", `--segment: the segment column has ${groups.size} distinct values (more than ${maxSegments}); pre-specify a coarse segmentation (e.g. bucket the column into tiers) — with this many, every per-segment effect is noise after multiple-testing control.`, { where: "--segment" });
  }
  for (const [segment, indices] of groups) {
    const treated = Uint8Array.from(indices, (row) => rows.treated[row] ?? 0);
    // Under unit assignment the segment's SE comes from its assignment units (CR2), as for the whole-sample estimates.
    const units = rows.units === null ? null : subsetLabels(rows.units, indices);
    let estimate;
    try {
      const y = subsetNumbers(rows.y, indices);
      estimate = withUnitRobustSe(differenceInMeans(y, treated, { outcomeName: rows.outcome }), y, treated, units);
    } catch (error) {
      notes.push(`segment "${segment}" of ${rows.outcome}: no effect estimated (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    raw.push({ segment, n: indices.length, estimate: estimate.estimate, lift: direction * estimate.estimate, standardError: estimate.standardError, ci95: estimate.ci95, pValue: estimate.pValue, netValue: null });
    netRaw.push(net === null ? null : segmentNetValue(rows, indices, direction, net, units));
  }
  if (raw.length === 0) return [];
  const pHolm = holm(raw.map((entry) => entry.pValue));
  const pBH = benjaminiHochberg(raw.map((entry) => entry.pValue));
  const netP = netRaw.filter((entry): entry is Omit<SegmentNetValue, "pHolm" | "pBH"> => entry !== null).map((entry) => entry.pValue);
  const netHolm = holm(netP);
  const netBH = benjaminiHochberg(netP);
  let netIndex = 0;
  return raw.map((entry, index) => {
    const value = netRaw[index] ?? null;
    const adjusted = value === null ? null : { ...value, pHolm: netHolm[netIndex] ?? 1, pBH: netBH[netIndex++] ?? 1 };
    return { ...entry, pHolm: pHolm[index] ?? 1, pBH: pBH[index] ?? 1, netValue: adjusted };
  });
}

/** Net value per row (value × improvement − cost, treated − control) over `indices`; also the pooled net value of the whole table. */
export function segmentNetValue(rows: OutcomeRows, indices: readonly number[], direction: number, net: NetValueSettings, segmentUnits: readonly string[] | null): Omit<SegmentNetValue, "pHolm" | "pBH"> | null {
  const keptPositions = indices.flatMap((row, position) => (Number.isFinite(net.cost[row] ?? Number.NaN) ? [position] : []));
  const kept = keptPositions.map((position) => indices[position] ?? 0);
  const units = segmentUnits === null ? null : subsetLabels(segmentUnits, keptPositions);
  const values = Float64Array.from(kept, (row) => net.valuePerUnit * direction * (rows.y[row] ?? 0) - (net.cost[row] ?? 0));
  const costs = Float64Array.from(kept, (row) => net.cost[row] ?? 0);
  const treated = Uint8Array.from(kept, (row) => rows.treated[row] ?? 0);
  try {
    const value = withUnitRobustSe(differenceInMeans(values, treated, { outcomeName: "net value" }), values, treated, units);
    const incrementalCost = differenceInMeans(costs, treated, { outcomeName: net.costColumn });
    return { estimate: value.estimate, standardError: value.standardError, ci95: value.ci95, pValue: value.pValue, incrementalCost: incrementalCost.estimate, rowsWithoutCost: indices.length - kept.length };
  } catch {
    return null;
  }
}
