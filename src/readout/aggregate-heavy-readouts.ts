import { DuckDBInstance } from "@duckdb/node-api";
import { sqlIdentifier, sqlLiteral, tableSourceSql } from "../io/duckdb-sql.js";
import type { QuantileTreatmentEffect } from "../stats/index.js";
import { aggregatedQuantileEffects } from "./aggregate-readout.js";
import type { ReadoutTable } from "./readout-table.js";
import type { DesignChoice } from "./select-design.js";

/** Default row count from which the readout moves the heavy resampling into DuckDB aggregates. */
export const defaultAggregateAboveRows = 1_000_000;

/**
 * Where rows are many and the design has assignment units (cluster or user), the cluster bootstrap of quantile effects
 * — the one estimator whose cost is rows × resamples — runs on DuckDB rank-bin aggregates instead of the rows (same
 * draws, same result; see aggregate-readout.ts). Returns the effects per outcome; empty when the row path is used.
 */
export async function heavyReadoutsInDuckDb(path: string, table: ReadoutTable, design: DesignChoice, settings: { readonly seed: number; readonly bootstrap: number; readonly aggregateAboveRows: number }): Promise<Map<string, QuantileTreatmentEffect[]>> {
  const output = new Map<string, QuantileTreatmentEffect[]>();
  const unitColumn = design.unitColumn;
  const usable = unitColumn !== null && (design.chosen === "cluster" || design.chosen === "user") && (unitColumn === table.cluster?.name || unitColumn === table.unit?.name);
  if (table.rows < settings.aggregateAboveRows || !usable) return output;
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE VIEW t AS SELECT row_number() OVER () AS __row, * FROM ${tableSourceSql(path).sql}`);
    const treatedSql = `(${sqlIdentifier(table.treatment.column)}::VARCHAR <> ${sqlLiteral(table.treatment.controlValue)})::INTEGER`;
    for (const outcome of table.outcomes) {
      // Rows without the outcome are left out, as the row path does (they are counted in the missing-outcome check).
      const source = `(SELECT * FROM t WHERE ${sqlIdentifier(outcome.name)} IS NOT NULL)`;
      output.set(outcome.name, await aggregatedQuantileEffects(connection, { table: source, outcome: outcome.name, treatedSql, cluster: unitColumn, prePeriod: null }, { seed: settings.seed, bootstrap: settings.bootstrap, permutations: 1, quantiles: [0.5, 0.9, 0.95, 0.99], winsorize: 0.99 }));
    }
    return output;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
