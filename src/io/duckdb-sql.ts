import { extname } from "node:path";
import { GoodputError } from "../errors.js";

/** A SQL string literal (single quotes doubled). */
export const sqlLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** A quoted SQL identifier (double quotes doubled). */
export const sqlIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export type TableFormat = "csv" | "parquet" | "jsonl";

/**
 * The DuckDB table function that reads a CSV, Parquet or JSON Lines file, by extension. With
 * `naAsMissing`, CSV cells holding "NA" or nothing read as NULL (R's and many exports' convention).
 */
export function tableSourceSql(file: string, options: { readonly naAsMissing?: boolean } = {}): { sql: string; format: TableFormat } {
  const extension = extname(file).toLowerCase();
  if (extension === ".csv" || extension === ".tsv") return { sql: `read_csv_auto(${sqlLiteral(file)}${options.naAsMissing === true ? ", nullstr = ['NA', '']" : ""})`, format: "csv" };
  if (extension === ".parquet") return { sql: `read_parquet(${sqlLiteral(file)})`, format: "parquet" };
  if (extension === ".jsonl" || extension === ".ndjson" || extension === ".json") return { sql: `read_json(${sqlLiteral(file)}, format = 'newline_delimited', sample_size = -1)`, format: "jsonl" };
  throw new GoodputError("BAD_FILE", `${file}: unknown table format "${extension}"; pass a .csv, .parquet or .jsonl file.`, { where: file });
}
