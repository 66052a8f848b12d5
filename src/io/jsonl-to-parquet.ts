import { duckdbReadablePath } from "./duckdb-readable-path.js";
import { plainFileReadOptions, readJsonlSql, sqlLiteral } from "./duckdb-sql.js";
import { DuckDBInstance } from "@duckdb/node-api";

/**
 * Converts a JSON Lines file to Parquet with DuckDB (the lab's embedded analytical store), with
 * the column types given so an all-null column keeps its declared type.
 */
export async function jsonlToParquet(jsonlPath: string, parquetPath: string, columns: Readonly<Record<string, string>>): Promise<number> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`COPY (SELECT * FROM ${readJsonlSql(jsonlPath, columns)}) TO ${sqlLiteral(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`);
    const result = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlLiteral(duckdbReadablePath(parquetPath, { complete: true }))}, ${plainFileReadOptions})`);
    const row = result.getRowObjects()[0];
    return Number(row?.n ?? 0);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
