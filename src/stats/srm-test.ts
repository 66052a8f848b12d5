import { chiSquareSurvival } from "./chi-square.js";
import { _fail } from "./_validate.js";

/** Sample-ratio-mismatch check result. */
export interface SrmTest {
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
  /** p < 0.001: assignment is broken; pause the readout. */
  readonly mismatch: boolean;
  readonly expectedCounts: readonly number[];
  readonly n: number;
  readonly estimand: string;
  readonly assumptions: readonly string[];
}

/** Sample-ratio-mismatch test: Pearson χ² goodness of fit of arm counts to the designed shares, flagged at p < 0.001 (Fabijan et al. 2019). */
export function srmTest(counts: readonly number[], expectedShares: readonly number[]): SrmTest {
  const where = "srmTest";
  if (counts.length !== expectedShares.length) _fail(where, `${counts.length} counts but ${expectedShares.length} expected shares; give one share per arm`);
  if (counts.length < 2) _fail(where, "needs at least 2 arms");
  counts.forEach((count, index) => {
    if (!Number.isFinite(count) || count < 0) _fail(where, `counts[${index}] = ${count} must be a count ≥ 0`);
  });
  expectedShares.forEach((share, index) => {
    if (!Number.isFinite(share) || share <= 0) _fail(where, `expectedShares[${index}] = ${share} must be > 0`);
  });
  const n = counts.reduce((sum, count) => sum + count, 0);
  if (n === 0) _fail(where, "all counts are 0; nothing was assigned");
  const shareTotal = expectedShares.reduce((sum, share) => sum + share, 0);
  const expectedCounts = expectedShares.map((share) => (n * share) / shareTotal);
  const statistic = counts.reduce((sum, count, index) => {
    const expected = expectedCounts[index] ?? 1;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
  const df = counts.length - 1;
  const pValue = chiSquareSurvival(statistic, df);
  return {
    statistic,
    df,
    pValue,
    mismatch: pValue < 0.001,
    expectedCounts,
    n,
    estimand: "whether the observed arm counts are consistent with the designed assignment shares",
    assumptions: ["units were assigned independently with the stated shares", "counts are of assignment units, not of rows within units"],
  };
}
