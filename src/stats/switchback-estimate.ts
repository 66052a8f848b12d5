import { createRng } from "../numeric/rng.js";
import { _armMoments, _welch } from "./_arm-moments.js";
import { _referenceInterval } from "./_interval.js";
import { _fail } from "./_validate.js";
import type { Estimate } from "./estimate.js";

/** One time block of a switchback experiment. */
export interface SwitchbackBlock {
  /** Position in time (any increasing numbers; sorted here). */
  readonly block: number;
  readonly arm: 0 | 1;
  readonly outcomeMean: number;
  /** Total outcome in the block (used when `outcome: "sum"`). */
  readonly outcomeSum?: number;
  /** Rows (requests) in the block. */
  readonly n: number;
}

export interface SwitchbackOptions {
  /** Carryover order m: a block's outcome may depend on the arms of the previous m blocks (default 0). */
  readonly carryoverBlocks?: number;
  /** Block outcome analysed: the per-row mean (default) or the block total. */
  readonly outcome?: "mean" | "sum";
  /** Re-drawn Bernoulli(1/2) block assignments for the randomization p-value (default 10 000). */
  readonly permutations?: number;
  readonly seed: number;
}

/** Block-level difference in means after dropping the m blocks that follow each switch. */
export interface WashoutDifference extends Estimate {
  readonly keptBlocks: number;
}

/** Switchback readout: the Horvitz–Thompson estimate (headline), its randomization p-value, and the washout comparison. */
export interface SwitchbackEstimate extends Estimate {
  readonly carryoverBlocks: number;
  readonly blocks: number;
  readonly randomizationPValue: number;
  readonly randomizationPValueMonteCarloError: number;
  /** Null when fewer than 2 clean blocks remain in an arm. */
  readonly washout: WashoutDifference | null;
}

/** (1/(T − m)) Σ_{t ≥ m} Y_t·[1{last m+1 arms all 1} − 1{all 0}]·2^{m+1}, with the run lengths of equal arms tracked in one pass. */
function horvitzThompson(outcomes: Float64Array, arms: Uint8Array, m: number): number {
  const weight = 2 ** (m + 1);
  let run = 0;
  let total = 0;
  for (let t = 0; t < arms.length; t++) {
    run = t > 0 && arms[t] === arms[t - 1] ? run + 1 : 1;
    if (t >= m && run >= m + 1) total += (arms[t] === 1 ? weight : -weight) * (outcomes[t] ?? 0);
  }
  return total / (arms.length - m);
}

/**
 * Conservative variance of the m-carryover Horvitz–Thompson estimator under independent Bernoulli(1/2) blocks: the exact
 * variance with every never-jointly-observed product Y_t(1)·Y_s(0) bounded by Young's inequality, each term estimated by
 * inverse-probability weighting (Bojinov, Simchi-Levi & Zhao 2023, §4; Aronow & Samii 2017).
 */
function conservativeVariance(outcomes: Float64Array, arms: Uint8Array, m: number): number {
  const T = arms.length;
  const p = 2 ** -(m + 1);
  const exposure = new Int8Array(T); // 1: all-treated window, −1: all-control window, 0: mixed
  let run = 0;
  for (let t = 0; t < T; t++) {
    run = t > 0 && arms[t] === arms[t - 1] ? run + 1 : 1;
    if (t >= m && run >= m + 1) exposure[t] = arms[t] === 1 ? 1 : -1;
  }
  let total = 0;
  for (let t = m; t < T; t++) {
    const yt = outcomes[t] ?? 0;
    // Var_t ≤ (Y_t(1)² + Y_t(0)²)/p, each square estimated by Y_t²·1{window}/p.
    const squareT = exposure[t] === 0 ? 0 : (yt * yt) / p;
    total += squareT / p;
    for (let s = t + 1; s <= Math.min(T - 1, t + m); s++) {
      const d = s - t;
      const ys = outcomes[s] ?? 0;
      const squareS = exposure[s] === 0 ? 0 : (ys * ys) / p;
      // Cov ≤ (Y_t(1)Y_s(1) + Y_t(0)Y_s(0))(2^{m+1−d} − 1) + (Y_t(1)² + Y_t(0)² + Y_s(1)² + Y_s(0)²)/2, counted twice.
      // Same-arm windows overlapping by m+1−d blocks: P(both) = 2^{−(m+1+d)}.
      const bothSame = exposure[t] !== 0 && exposure[t] === exposure[s] ? yt * ys * 2 ** (m + 1 + d) : 0;
      total += 2 * bothSame * (2 ** (m + 1 - d) - 1) + squareT + squareS;
    }
  }
  return total / (T - m) ** 2;
}

/** Switchback experiment readout: m-carryover Horvitz–Thompson estimate with a conservative SE and a randomization p-value (Bojinov, Simchi-Levi & Zhao 2023), plus the washout block-level difference in means. */
export function switchbackEstimate(blocks: readonly SwitchbackBlock[], options: SwitchbackOptions): SwitchbackEstimate {
  const where = "switchbackEstimate";
  const m = options.carryoverBlocks ?? 0;
  const permutations = options.permutations ?? 10_000;
  if (!Number.isInteger(m) || m < 0) _fail(where, `carryoverBlocks = ${m} must be an integer ≥ 0`);
  if (!Number.isInteger(permutations) || permutations < 1) _fail(where, `permutations = ${permutations} must be an integer ≥ 1`);
  const useSum = options.outcome === "sum";
  blocks.forEach((entry, index) => {
    const value = useSum ? entry.outcomeSum : entry.outcomeMean;
    if (!Number.isFinite(entry.block)) _fail(where, `blocks[${index}].block = ${entry.block} is not a finite number`);
    const arm: unknown = entry.arm; // untyped callers (parsed logs) can pass anything
    if (arm !== 0 && arm !== 1) _fail(where, `blocks[${index}].arm = ${String(arm)} must be 0 or 1`);
    if (value === undefined || !Number.isFinite(value)) _fail(where, `blocks[${index}].${useSum ? "outcomeSum" : "outcomeMean"} = ${String(value)} is not a finite number`);
    if (!Number.isFinite(entry.n) || entry.n < 0) _fail(where, `blocks[${index}].n = ${entry.n} must be a count ≥ 0`);
  });
  const sorted = [...blocks].sort((a, b) => a.block - b.block);
  sorted.forEach((entry, index) => {
    if (index > 0 && entry.block === sorted[index - 1]?.block) _fail(where, `block ${entry.block} appears twice; each time block needs one row`);
  });
  const T = sorted.length;
  if (T <= m + 1) _fail(where, `${T} blocks cannot support carryover order ${m}; need more than m + 1 blocks`);
  const outcomes = Float64Array.from(sorted, (entry) => (useSum ? (entry.outcomeSum ?? 0) : entry.outcomeMean));
  const arms = Uint8Array.from(sorted, (entry) => entry.arm);
  let treatedBlocks = 0;
  for (const arm of arms) treatedBlocks += arm;
  if (treatedBlocks === 0 || treatedBlocks === T) _fail(where, `all ${T} blocks are in arm ${arms[0] ?? 0}; a switchback needs blocks in both arms`);
  const rows = sorted.reduce((sum, entry) => sum + entry.n, 0);

  const estimate = horvitzThompson(outcomes, arms, m);
  const standardError = Math.sqrt(conservativeVariance(outcomes, arms, m));
  const rng = createRng(options.seed, "stats/switchback");
  const redrawn = new Uint8Array(T);
  let extreme = 0;
  const tolerance = 1e-10 * Math.max(1, Math.abs(estimate));
  for (let permutation = 0; permutation < permutations; permutation++) {
    for (let t = 0; t < T; t++) redrawn[t] = rng.next() < 0.5 ? 1 : 0;
    if (Math.abs(horvitzThompson(outcomes, redrawn, m)) >= Math.abs(estimate) - tolerance) extreme++;
  }
  const randomizationPValue = (extreme + 1) / (permutations + 1);
  const outcomeText = useSum ? "block total outcome" : "block mean outcome";
  return {
    estimand: `average over blocks of the effect of being in treatment for the current and previous ${m} blocks versus control for the same window (${outcomeText})`,
    method: `Horvitz–Thompson, carryover order ${m}, Bernoulli(1/2) blocks; conservative SE, normal interval; randomization p-value over ${permutations} re-drawn assignments (seed ${options.seed})`,
    estimate,
    standardError,
    ..._referenceInterval(estimate, standardError, null),
    df: null,
    n: rows,
    assumptions: [
      `carryover lasts at most ${m} block(s) (m-carryover); longer carryover biases the estimate`,
      "each block was assigned independently with probability 1/2 (re-drawn this way for the p-value)",
      "the SE is an upper bound (conservative); the randomization p-value is the primary test",
    ],
    carryoverBlocks: m,
    blocks: T,
    randomizationPValue,
    randomizationPValueMonteCarloError: Math.sqrt((randomizationPValue * (1 - randomizationPValue)) / permutations),
    washout: washoutDifference(outcomes, arms, m, rows, outcomeText),
  };
}

function washoutDifference(outcomes: Float64Array, arms: Uint8Array, m: number, rows: number, outcomeText: string): WashoutDifference | null {
  const keptOutcomes: number[] = [];
  const keptArms: number[] = [];
  let run = 0;
  for (let t = 0; t < arms.length; t++) {
    run = t > 0 && arms[t] === arms[t - 1] ? run + 1 : 1;
    if (t >= m && run >= m + 1) {
      keptOutcomes.push(outcomes[t] ?? 0);
      keptArms.push(arms[t] ?? 0);
    }
  }
  const kept = Float64Array.from(keptOutcomes);
  const keptArmBytes = Uint8Array.from(keptArms);
  const { treated, control } = _armMoments(kept, keptArmBytes);
  if (treated.n < 2 || control.n < 2) return null;
  const { estimate, standardError, df } = _welch(treated, control);
  return {
    estimand: `difference in ${outcomeText} between clean blocks (the first ${m} block(s) after each switch dropped as washout)`,
    method: "block-level Welch t on washout-filtered blocks",
    estimate,
    standardError,
    ..._referenceInterval(estimate, standardError, df),
    df,
    n: rows,
    assumptions: ["blocks are the units of analysis and roughly independent after the washout", `carryover lasts at most ${m} block(s)`],
    keptBlocks: kept.length,
  };
}
