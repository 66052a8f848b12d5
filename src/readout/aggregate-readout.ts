import type { DuckDBConnection } from "@duckdb/node-api";
import { GoodputError } from "../errors.js";
import { sqlIdentifier } from "../io/duckdb-sql.js";
import {
  clusterRobustFromClusterSums, cupedFromClusterSums, quantileEffectsFromBins, randomizationFromClusterSums, welchFromClusterSums,
  type BinnedArm, type BinRows, type ClusterSums, type CupedEstimate, type DifferenceInMeans, type QuantileTreatmentEffect, type RandomizationInference, type RegressionEstimate,
} from "../stats/index.js";

/** Which columns of the DuckDB table (it must carry the reader's `__row` order column) the aggregated estimators use. */
export interface AggregateColumns {
  readonly table: string;
  readonly outcome: string;
  /** SQL expression giving 0 (control) or 1 (treated) per row. */
  readonly treatedSql: string;
  readonly cluster: string;
  readonly prePeriod: string | null;
}

export interface AggregateSettings {
  readonly seed: number;
  readonly bootstrap: number;
  readonly permutations: number;
  readonly quantiles: readonly number[];
  /** Winsorizing cap quantile (pooled). */
  readonly winsorize: number;
  /** Rank bins per arm for the cluster bootstrap of quantiles. */
  readonly bins?: number;
}

/** The heavy estimators computed from cluster-level sufficient statistics, with the seconds each took. */
export interface AggregatedEstimates {
  readonly clusters: number;
  readonly rows: number;
  readonly welch: DifferenceInMeans;
  readonly cr2: RegressionEstimate;
  readonly cr1: RegressionEstimate;
  readonly winsorized: DifferenceInMeans & { readonly upperCap: number };
  /** The winsorized difference with its SE over clusters (CR2) — the one a cluster design reports. */
  readonly winsorizedCr2: RegressionEstimate;
  readonly cuped: CupedEstimate | null;
  /** CUPED's adjusted outcome y − θ(x − x̄) with its SE over clusters (CR2). */
  readonly cupedCr2: RegressionEstimate | null;
  readonly qte: readonly QuantileTreatmentEffect[];
  readonly randomization: RandomizationInference;
  readonly seconds: Readonly<Record<string, number>>;
}

async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

const num = (value: unknown): number => (typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : Number(value));

/** Cluster sums of the CUPED-adjusted outcome y − θ(x − x̄), centred like y: Σ = Sy − θSx, Σ² = Syy − 2θSxy + θ²Sxx. */
function adjustedSums(sums: ClusterSums, x: NonNullable<ClusterSums["x"]>, theta: number): ClusterSums {
  const sumY = Float64Array.from(sums.sumY, (sy, g) => sy - theta * (x.sumX[g] ?? 0));
  const sumYY = Float64Array.from(sums.sumYY, (syy, g) => syy - 2 * theta * (x.sumXY[g] ?? 0) + theta * theta * (x.sumXX[g] ?? 0));
  return { ...sums, sumY, sumYY, x: null };
}

/**
 * Readout estimators where rows are many (issue 5: "heavy work aggregated in DuckDB"): one GROUP BY turns the rows into
 * per-cluster counts, sums, sums of squares and cross-products (centred at the pooled means) and a rank-bin histogram
 * per cluster; Welch, CR2, winsorized, CUPED, the cluster bootstrap of quantiles and cluster randomization inference
 * then run on clusters. Each estimate equals the row path's (same formulas; same random draws for the resampling).
 * The SQL is plain aggregation and window ranking, so it can move to a distributed SQL engine unchanged.
 */
export async function aggregatedEstimates(connection: DuckDBConnection, columns: AggregateColumns, settings: AggregateSettings): Promise<AggregatedEstimates> {
  const seconds: Record<string, number> = {};
  const clock = (name: string, start: number): void => {
    seconds[name] = (seconds[name] ?? 0) + (performance.now() - start) / 1000;
  };
  const y = `${sqlIdentifier(columns.outcome)}::DOUBLE`;
  const x = columns.prePeriod === null ? null : `${sqlIdentifier(columns.prePeriod)}::DOUBLE`;
  const cluster = `${sqlIdentifier(columns.cluster)}::VARCHAR`;
  const source = columns.table;
  let start = performance.now();
  const [global] = await rowsOf(connection, `SELECT count(*)::BIGINT AS n, avg(${y}) AS my, ${x === null ? "0" : `avg(${x})`} AS mx, quantile_cont(${y}, ${settings.winsorize}) AS cap FROM ${source}`);
  const my = num(global?.my);
  const mx = num(global?.mx);
  const cap = num(global?.cap);
  const cy = `(${y} - ${my})`;
  const cx = x === null ? "0" : `(${x} - ${mx})`;
  const cw = `(least(${y}, ${cap}) - ${my})`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE __clusters AS
    SELECT ${cluster} AS c, min(__row) AS first_row, min(${columns.treatedSql}) AS d, max(${columns.treatedSql}) AS d_max, count(*)::DOUBLE AS n,
      sum(${cy}) AS sy, sum(${cy} * ${cy}) AS syy, sum(${cx}) AS sx, sum(${cx} * ${cx}) AS sxx, sum(${cx} * ${cy}) AS sxy, sum(${cw}) AS sw, sum(${cw} * ${cw}) AS sww
    FROM ${source} GROUP BY 1 ORDER BY first_row`);
  const clusters = await rowsOf(connection, `SELECT * FROM __clusters ORDER BY first_row`);
  const mixed = clusters.find((row) => num(row.d) !== num(row.d_max));
  if (mixed !== undefined) throw new GoodputError("BAD_INPUT", `cluster "${String(mixed.c)}" (first at row ${String(mixed.first_row)}) appears in both arms; a cluster must sit in one arm.`, { where: columns.cluster });
  const column = (name: string): Float64Array => Float64Array.from(clusters, (row) => num(row[name]));
  const arm = Uint8Array.from(clusters, (row) => num(row.d));
  const base = { arm, rows: column("n"), shiftY: my };
  const sums: ClusterSums = { ...base, sumY: column("sy"), sumYY: column("syy"), x: x === null ? null : { sumX: column("sx"), sumXX: column("sxx"), sumXY: column("sxy"), shiftX: mx } };
  const capped: ClusterSums = { ...base, sumY: column("sw"), sumYY: column("sww"), x: null };
  clock("aggregate (DuckDB GROUP BY cluster)", start);

  start = performance.now();
  const welch = welchFromClusterSums(sums, { estimand: `difference in mean ${columns.outcome}, treated − control`, method: "Welch t (unequal variances), from cluster sums" });
  clock("Welch", start);
  start = performance.now();
  const cr2 = clusterRobustFromClusterSums(sums, "CR2", "treated");
  clock("CR2", start);
  const cr1 = clusterRobustFromClusterSums(sums, "CR1", "treated");
  start = performance.now();
  const winsorized = { ...welchFromClusterSums(capped, { estimand: `difference in means of ${columns.outcome} capped at the pooled p${settings.winsorize * 100} (${cap})`, method: "Welch t on winsorized outcome, from cluster sums" }), upperCap: cap };
  const winsorizedCr2 = clusterRobustFromClusterSums(capped, "CR2", "treated");
  clock("winsorized", start);
  start = performance.now();
  const cuped = x === null ? null : cupedFromClusterSums(sums);
  const cupedCr2 = cuped === null || sums.x === null ? null : clusterRobustFromClusterSums(adjustedSums(sums, sums.x, cuped.theta), "CR2", "treated");
  clock("CUPED", start);
  start = performance.now();
  const randomization = randomizationFromClusterSums(sums, { permutations: settings.permutations, seed: settings.seed });
  clock("randomization inference", start);

  start = performance.now();
  const qte = await binnedQuantileEffects(connection, columns, settings, y, cluster);
  clock("QTE cluster bootstrap (DuckDB rank bins + resampling)", start);
  let rows = 0;
  for (const count of base.rows) rows += count;
  return { clusters: clusters.length, rows, welch, cr2, cr1, winsorized, winsorizedCr2, cuped, cupedCr2, qte, randomization, seconds };
}

/**
 * Only the quantile effects (the one row-level estimator whose cost grows with rows × resamples): the production readout
 * uses this when rows are many; the table (or subquery) must carry `__row`.
 */
export async function aggregatedQuantileEffects(connection: DuckDBConnection, columns: AggregateColumns, settings: AggregateSettings): Promise<QuantileTreatmentEffect[]> {
  const cluster = `${sqlIdentifier(columns.cluster)}::VARCHAR`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE __clusters AS SELECT ${cluster} AS c, min(__row) AS first_row, min(${columns.treatedSql}) AS d FROM ${columns.table} GROUP BY 1`);
  return binnedQuantileEffects(connection, columns, settings, `${sqlIdentifier(columns.outcome)}::DOUBLE`, cluster);
}

/** Rank bins per arm in DuckDB (window rank), per-cluster histograms, then the shared bootstrap; reads only the wanted bins' rows. */
async function binnedQuantileEffects(connection: DuckDBConnection, columns: AggregateColumns, settings: AggregateSettings, y: string, cluster: string): Promise<QuantileTreatmentEffect[]> {
  const binCount = settings.bins ?? 512;
  await connection.run(`CREATE OR REPLACE TEMP TABLE __units AS SELECT c, d, (row_number() OVER (PARTITION BY d ORDER BY first_row) - 1)::INTEGER AS u FROM __clusters`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE __ranked AS
    SELECT r.d, units.u, r.y, ((row_number() OVER (PARTITION BY r.d ORDER BY r.y) - 1) * ${binCount} // count(*) OVER (PARTITION BY r.d))::INTEGER AS bin
    FROM (SELECT ${columns.treatedSql} AS d, ${cluster} AS c, ${y} AS y FROM ${columns.table}) r JOIN __units units ON r.c = units.c`);
  const histogramRows = await rowsOf(connection, `SELECT d, u, bin, count(*)::DOUBLE AS n FROM __ranked GROUP BY ALL`);
  const unitCounts = await rowsOf(connection, `SELECT d, count(*)::INTEGER AS units FROM __units GROUP BY d`);
  const binnedArm = (armCode: number): BinnedArm => {
    const unitCount = num(unitCounts.find((row) => num(row.d) === armCode)?.units ?? 0);
    const histogram = new Float64Array(unitCount * binCount);
    for (const row of histogramRows) if (num(row.d) === armCode) histogram[num(row.u) * binCount + num(row.bin)] = num(row.n);
    return { unitCount, binCount, histogram };
  };
  const points = await rowsOf(connection, `SELECT ${columns.treatedSql} AS d, ${settings.quantiles.map((p, index) => `quantile_cont(${y}, ${p}) AS q${index}`).join(", ")}, count(*)::BIGINT AS n FROM ${columns.table} GROUP BY 1`);
  const ascending = settings.quantiles.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const pointsOf = (armCode: number): number[] => {
    const row = points.find((entry) => num(entry.d) === armCode);
    return ascending.map(({ index }) => num(row?.[`q${index}`]));
  };
  const readBins = async (armCode: 0 | 1, bins: readonly number[]): Promise<ReadonlyMap<number, BinRows>> => {
    const output = new Map<number, BinRows>();
    if (bins.length === 0) return output;
    const result = await connection.runAndReadAll(`SELECT bin, y, u FROM __ranked WHERE d = ${armCode} AND bin IN (${bins.join(", ")}) ORDER BY bin, y`);
    const [binColumn = [], valueColumn = [], unitColumn = []] = result.getColumnsJS();
    let first = 0;
    for (let row = 1; row <= binColumn.length; row++) {
      if (row < binColumn.length && binColumn[row] === binColumn[first]) continue;
      output.set(num(binColumn[first]), { values: Float64Array.from(valueColumn.slice(first, row), num), units: Int32Array.from(unitColumn.slice(first, row), num) });
      first = row;
    }
    return output;
  };
  let n = 0;
  for (const row of points) n += num(row.n);
  return quantileEffectsFromBins({ treated: binnedArm(1), control: binnedArm(0) }, { quantileTreated: pointsOf(1), quantileControl: pointsOf(0), n }, settings.quantiles, readBins, { bootstrap: settings.bootstrap, seed: settings.seed });
}
