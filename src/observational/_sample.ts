/** The analysis rows: outcome, 0/1 treatment and numeric covariates, all the same length. */
export interface _Sample {
  readonly y: Float64Array;
  readonly t: Uint8Array;
  readonly covariates: Readonly<Record<string, Float64Array>>;
}
