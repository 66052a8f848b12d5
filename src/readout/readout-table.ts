/** A request log or generic table, read and validated, as typed columns for the readout core (no I/O here). */

/** A numeric column; NaN marks a missing (null) cell. */
export interface NumericColumn {
  readonly name: string;
  readonly values: Float64Array;
}

/** A label column (assignment units, clusters, blocks, segments); null cells are kept as null. */
export interface LabelColumn {
  readonly name: string;
  readonly labels: readonly (string | null)[];
}

/** Columns of the canonical request log (docs/design.md §8) that the checks use when present. */
export interface RequestLogColumns {
  readonly status: readonly (string | null)[] | null;
  readonly intendedAction: readonly (string | null)[] | null;
  readonly executedAction: readonly (string | null)[] | null;
  readonly fallbackReason: readonly (string | null)[] | null;
  readonly policy: readonly (string | null)[] | null;
  readonly cost: Float64Array | null;
  readonly promptTokens: Float64Array | null;
  readonly cachedPromptTokens: Float64Array | null;
  readonly queueDepth: Float64Array | null;
  readonly kvUtilization: Float64Array | null;
  /** Logged propensity of the intended action; varying values mean assignment was not a fixed-share coin flip. */
  readonly propensity: Float64Array | null;
}

/** A ratio metric Σnumerator / Σdenominator (delta method), e.g. cost per successful request or cache hit rate. */
export interface RatioColumns {
  readonly name: string;
  readonly numerator: NumericColumn;
  readonly denominator: NumericColumn;
  /** Direction of improvement when known (cost per success: lower; hit rate: higher); null for user ratios. */
  readonly lowerIsBetter: boolean | null;
  /** true for the ratios added automatically on canonical logs. */
  readonly automatic: boolean;
}

/** What the reader hands the readout core. */
export interface ReadoutTable {
  readonly file: string;
  readonly format: "csv" | "parquet" | "jsonl";
  readonly rows: number;
  /** Every column in the file with its DuckDB type. */
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly treatment: { readonly column: string; readonly controlValue: string; readonly treatedValue: string; readonly treated: Uint8Array };
  /** --sampled RATE: the table is a uniform random sample of the log. */
  readonly sampled: number | null;
  /** Present when --treatment named the executed action and the intended arm was found: arms are intended (ITT); this is executed. */
  readonly executed: { readonly column: string; readonly intendedColumn: string; readonly treated: Uint8Array; readonly explicit: boolean } | null;
  readonly outcomes: readonly NumericColumn[];
  readonly unit: LabelColumn | null;
  /** The --cluster column: the assignment unit of a cluster RCT when each cluster sits in one arm, else only the grouping for CR2 SEs. */
  readonly cluster: LabelColumn | null;
  /** True when treatment varies within --cluster clusters (clusters for SEs, not assignment units). */
  readonly clusterSpansArms: boolean;
  readonly block: LabelColumn | null;
  readonly covariates: readonly NumericColumn[];
  readonly prePeriod: NumericColumn | null;
  readonly segment: LabelColumn | null;
  /** Ratio metrics: --ratio NUM/DEN plus, on canonical logs, cost per successful request and cache hit rate. */
  readonly ratios: readonly RatioColumns[];
  /** Per-row cost for the segment net value (--cost, default cost_usd when present); NaN = missing. */
  readonly cost: NumericColumn | null;
  /** Present when the file carries canonical request-log fields. */
  readonly log: RequestLogColumns;
  /** Whether the file looks like a canonical request log (it has request-level identity and policy fields). */
  readonly isRequestLog: boolean;
  /** Canonical request-log fields the decision needs that are absent or entirely null. */
  readonly missingLogFields: readonly string[];
}
