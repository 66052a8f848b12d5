import { sqlIdentifier, tableSourceSql } from "../io/duckdb-sql.js";
import { existsSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { GoodputError } from "../errors.js";
import { maxAnalysableMagnitude } from "../stats/_validate.js";

/** Columns read for a quasi-experimental design: numbers (NULL / non-numeric → NaN) and labels, in file order. */
export interface CausalTable {
  readonly file: string;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly numbers: ReadonlyMap<string, Float64Array>;
  readonly labels: ReadonlyMap<string, readonly string[]>;
}



async function query(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

/**
 * Reads the named columns with DuckDB (CSV "NA" and empty cells are missing). Every requested column must exist; a numeric
 * column must hold numbers where it is not empty. Errors name the flag and the column.
 */
export async function readCausalTable(file: string, request: { readonly numeric: readonly { readonly column: string; readonly flag: string }[]; readonly labels: readonly { readonly column: string; readonly flag: string }[] }): Promise<CausalTable> {
  if (!existsSync(file)) throw new GoodputError("FILE_NOT_FOUND", `${file}: no such file; pass the table to read (CSV, Parquet or JSONL).`, { where: file });
  const { sql } = tableSourceSql(file, { naAsMissing: true });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    try {
      await connection.run(`CREATE TABLE t AS SELECT row_number() OVER () AS __row, * FROM ${sql}`);
    } catch (error) {
      throw new GoodputError("BAD_FILE", `${file}: DuckDB could not read it: ${error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)}`, { where: file });
    }
    const columns = (await query(connection, "DESCRIBE t")).map((row) => String(row.column_name)).filter((name) => name !== "__row");
    const rows = Number((await query(connection, "SELECT count(*)::BIGINT AS n FROM t"))[0]?.n ?? 0);
    if (rows === 0) throw new GoodputError("BAD_INPUT", `${file}: the table has no rows.`, { where: file });
    const missing = [...request.numeric, ...request.labels].filter((entry) => !columns.includes(entry.column));
    if (missing.length > 0) {
      throw new GoodputError("BAD_INPUT", `${file}: no column ${missing.map((entry) => `"${entry.column}" (from ${entry.flag})`).join(", ")}; available columns: ${columns.join(", ")}.`, { where: `${file}:${missing[0]?.column ?? ""}`, issues: missing.map((entry) => `missing column ${entry.column}`) });
    }
    const numbers = new Map<string, Float64Array>();
    for (const { column, flag } of request.numeric) {
      const id = sqlIdentifier(column);
      const bad = await query(connection, `SELECT __row, ${id}::VARCHAR AS v FROM t WHERE ${id} IS NOT NULL AND TRY_CAST(${id} AS DOUBLE) IS NULL ORDER BY __row LIMIT 1`);
      if (bad.length > 0) throw new GoodputError("BAD_INPUT", `${file}: column "${column}" (from ${flag}) is not numeric: "${String(bad[0]?.v)}" at row ${String(bad[0]?.__row)}; pass a numeric column.`, { where: `${file}:${column}` });
      const huge = await query(connection, `SELECT __row, ${id}::VARCHAR AS v FROM t WHERE isinf(TRY_CAST(${id} AS DOUBLE)) OR abs(TRY_CAST(${id} AS DOUBLE)) > ${maxAnalysableMagnitude} ORDER BY __row LIMIT 1`);
      if (huge.length > 0) throw new GoodputError("BAD_INPUT", `${file}: column "${column}" (from ${flag}) has ${String(huge[0]?.v)} at row ${String(huge[0]?.__row)}; values above ${maxAnalysableMagnitude} in magnitude overflow the variance, so no standard error could be trusted — check the units or the export.`, { where: `${file}:${column}` });
      const values = (await connection.runAndReadAll(`SELECT TRY_CAST(${id} AS DOUBLE) AS v FROM t ORDER BY __row`)).getColumnsJS()[0] ?? [];
      numbers.set(column, Float64Array.from(values, (value) => (typeof value === "number" ? value : Number.NaN)));
    }
    const labels = new Map<string, string[]>();
    for (const { column, flag } of request.labels) {
      const result = await query(connection, `SELECT __row, ${sqlIdentifier(column)}::VARCHAR AS v FROM t ORDER BY __row`);
      const empty = result.find((row) => typeof row.v !== "string");
      if (empty !== undefined) throw new GoodputError("BAD_INPUT", `${file}: column "${column}" (from ${flag}) is empty at row ${String(empty.__row)}; every row needs a value.`, { where: `${file}:${column}` });
      labels.set(column, result.map((row) => String(row.v)));
    }
    return { file, rows, columns, numbers, labels };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
