import { createRng } from "../numeric/rng.js";
import { _fail } from "./_validate.js";
import { _qteFromBootstrap, type QuantileTreatmentEffect } from "./quantile-treatment-effects.js";

/**
 * One arm of a cluster bootstrap held as rank bins: the arm's rows sorted by value are cut into `binCount` consecutive
 * rank ranges, and `histogram[u·binCount + b]` counts unit u's rows in bin b. A resample's weighted rank of any order
 * statistic is found from the histogram alone; only the bins that hold a wanted rank are then read row by row.
 */
export interface BinnedArm {
  /** Arm-local units in the row path's order (first appearance). */
  readonly unitCount: number;
  readonly binCount: number;
  readonly histogram: Float64Array;
}

/** Rows of one bin in ascending value order, with the arm-local unit of each row. */
export interface BinRows {
  readonly values: Float64Array;
  readonly units: Int32Array;
}

/** Reads the rows of the given bins of one arm (e.g. from DuckDB). */
export type BinReader = (arm: 0 | 1, bins: readonly number[]) => Promise<ReadonlyMap<number, BinRows>>;

interface RankRequest {
  readonly slot: number;
  readonly bin: number;
  readonly offset: number;
}

/**
 * Quantile treatment effects with a percentile cluster bootstrap from binned sufficient statistics: the same random
 * draws and the same type-7 order statistics as quantileTreatmentEffects(…, { units }) on the rows (so the same CIs),
 * at O(units × bins) per replicate plus one pass over the few bins that hold a wanted rank.
 */
export async function quantileEffectsFromBins(
  arms: { readonly treated: BinnedArm; readonly control: BinnedArm },
  point: { readonly quantileTreated: readonly number[]; readonly quantileControl: readonly number[]; readonly n: number },
  probabilities: readonly number[],
  readBins: BinReader,
  options: { readonly bootstrap: number; readonly seed: number },
): Promise<QuantileTreatmentEffect[]> {
  const where = "quantileEffectsFromBins";
  const replicates = options.bootstrap;
  if (!Number.isInteger(replicates) || replicates < 2) _fail(where, `bootstrap = ${replicates} must be an integer ≥ 2`);
  if (arms.treated.unitCount < 2 || arms.control.unitCount < 2) _fail(where, `needs at least 2 assignment units per arm (has ${arms.treated.unitCount} treated, ${arms.control.unitCount} control)`);
  const ascending = [...probabilities].sort((a, b) => a - b);
  const k = ascending.length;
  const rng = createRng(options.seed, "stats/quantile-treatment-effects");
  const ordered = [arms.treated, arms.control] as const;
  const draws = ordered.map((arm) => new Int32Array(replicates * arm.unitCount));
  const requests: RankRequest[][] = [[], []];
  // Per (replicate, arm, probability): the low rank's slot, the high rank's slot and the interpolation fraction.
  const fractions = new Float64Array(replicates * 2 * k);
  const needsHigh = new Uint8Array(replicates * 2 * k);
  for (let b = 0; b < replicates; b++) {
    ordered.forEach((arm, side) => {
      const weights = (draws[side] ?? new Int32Array(0)).subarray(b * arm.unitCount, (b + 1) * arm.unitCount);
      for (let draw = 0; draw < arm.unitCount; draw++) {
        const unit = Math.floor(rng.next() * arm.unitCount);
        weights[unit] = (weights[unit] ?? 0) + 1;
      }
      const binWeights = new Float64Array(arm.binCount);
      for (let unit = 0; unit < arm.unitCount; unit++) {
        const weight = weights[unit] ?? 0;
        if (weight === 0) continue;
        const base = unit * arm.binCount;
        for (let bin = 0; bin < arm.binCount; bin++) binWeights[bin] = (binWeights[bin] ?? 0) + weight * (arm.histogram[base + bin] ?? 0);
      }
      let total = 0;
      for (const weight of binWeights) total += weight;
      const locate = (rank: number, slot: number): void => {
        let cumulative = 0;
        for (let bin = 0; bin < arm.binCount; bin++) {
          const weight = binWeights[bin] ?? 0;
          if (rank < cumulative + weight) {
            requests[side]?.push({ slot, bin, offset: rank - cumulative });
            return;
          }
          cumulative += weight;
        }
      };
      ascending.forEach((p, j) => {
        const slot = (b * 2 + side) * k + j;
        const h = (total - 1) * p;
        const low = Math.floor(h);
        fractions[slot] = h - low;
        locate(low, 2 * slot);
        if (h - low > 0 && low + 1 < total) {
          needsHigh[slot] = 1;
          locate(low + 1, 2 * slot + 1);
        }
      });
    });
  }
  // Second pass: read only the bins that hold a wanted rank and walk them with each replicate's unit weights.
  const values = new Float64Array(replicates * 2 * k * 2);
  for (const side of [0, 1] as const) {
    const arm = ordered[side];
    const list = requests[side] ?? [];
    const bins = [...new Set(list.map((request) => request.bin))].sort((a, b) => a - b);
    const rows = await readBins(side === 0 ? 1 : 0, bins);
    for (const request of list) {
      const bin = rows.get(request.bin);
      if (bin === undefined) _fail(where, `bin ${request.bin} was not read`);
      const replicate = Math.floor(request.slot / 2 / 2 / k);
      const weights = (draws[side] ?? new Int32Array(0)).subarray(replicate * arm.unitCount, (replicate + 1) * arm.unitCount);
      let cumulative = 0;
      for (let row = 0; row < bin.values.length; row++) {
        cumulative += weights[bin.units[row] ?? 0] ?? 0;
        if (cumulative > request.offset) {
          values[request.slot] = bin.values[row] ?? Number.NaN;
          break;
        }
      }
    }
  }
  const samples = new Float64Array(replicates * k);
  const quantile = (slot: number): number => {
    const low = values[2 * slot] ?? Number.NaN;
    return needsHigh[slot] === 1 ? low + (fractions[slot] ?? 0) * ((values[2 * slot + 1] ?? Number.NaN) - low) : low;
  };
  for (let b = 0; b < replicates; b++) {
    for (let j = 0; j < k; j++) samples[j * replicates + b] = quantile(b * 2 * k + j) - quantile((b * 2 + 1) * k + j);
  }
  return _qteFromBootstrap(samples, replicates, probabilities, { ...point, seed: options.seed, unitWord: "assignment units" });
}
