/** A point estimate with its uncertainty and the claim it supports (every stats estimator returns one). */
export interface Estimate {
  /** What is estimated, in words (e.g. "difference in mean cost per request, treated − control"). */
  readonly estimand: string;
  /** How it was estimated (e.g. "Welch t"). */
  readonly method: string;
  readonly estimate: number;
  readonly standardError: number;
  /** 95 % confidence interval [lo, hi]. */
  readonly ci95: readonly [number, number];
  /** Reference-distribution degrees of freedom; null when the interval is normal or resampling-based. */
  readonly df: number | null;
  /** Two-sided p-value for a zero effect (normal or t reference, or randomization). */
  readonly pValue: number;
  /** Number of rows (observations) used. */
  readonly n: number;
  /** What must hold for the interval to mean what it says. */
  readonly assumptions: readonly string[];
}

/** Numbers as a plain array or a typed array (Float64Array for large logs). */
export type NumericArray = ArrayLike<number>;

/** Treatment indicator per row: 1 / true = treated, 0 / false = control. */
export type TreatmentArray = ArrayLike<number | boolean>;

/** Assignment-unit or cluster labels per row. */
export type UnitLabels = ArrayLike<string | number>;
