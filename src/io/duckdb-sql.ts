import { closeSync, openSync, readSync, statSync } from "node:fs";
import { extname } from "node:path";
import { GoodputError } from "../errors.js";
import { requestRecordColumns } from "../sim/log/request-record-columns.js";
import { duckdbReadablePath } from "./duckdb-readable-path.js";
import { describeCutTail, inspectJsonlTail, type JsonlTail } from "./jsonl-tail.js";

/** A SQL string literal (single quotes doubled). */
export const sqlLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** A quoted SQL identifier (double quotes doubled). */
export const sqlIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export type TableFormat = "csv" | "parquet" | "jsonl";

/**
 * Options every DuckDB file read takes: the file's own columns only. Hive partitioning off — a folder named
 * `status=ok/` or a profile `max_num_seqs=256` would otherwise add or overwrite a column — and no file-name column,
 * no union of several files' schemas.
 */
export const plainFileReadOptions = "hive_partitioning = false, filename = false, union_by_name = false";

/** A DuckDB `columns = {…}` struct literal from column name → SQL type. */
export const columnsSpecSql = (columns: Readonly<Record<string, string>>): string =>
  `{${Object.entries(columns).map(([name, type]) => `${sqlLiteral(name)}: ${sqlLiteral(type)}`).join(", ")}}`;

/** `read_json` of a JSON Lines file with the columns given: values are cast to these types, never guessed from a sample. */
export function readJsonlSql(file: string, columns: Readonly<Record<string, string>>): string {
  return `read_json(${sqlLiteral(duckdbReadablePath(file, { complete: true }))}, format = 'newline_delimited', columns = ${columnsSpecSql(columns)}, ${plainFileReadOptions})`;
}

/** A table read by DuckDB: the table function, its format, and notes for the user (e.g. a cut last line that was left out). */
export interface TableSource {
  readonly sql: string;
  readonly format: TableFormat;
  readonly notes: readonly string[];
}

/**
 * The DuckDB table function that reads a CSV, Parquet or JSON Lines file, by extension. With `naAsMissing`, CSV cells
 * holding "NA" or nothing read as NULL (R's and many exports' convention). A canonical request log in JSON Lines (its
 * first record has schema_version and request_id) is read with the log's declared column types (docs/design.md §8); other JSON
 * Lines files are typed from every row, not a sample. A cut last JSON line is left out and named in `notes`.
 */
export function tableSourceSql(file: string, options: { readonly naAsMissing?: boolean } = {}): TableSource {
  const extension = extname(file).toLowerCase();
  // A device or pipe named like a table (zero.csv → /dev/zero) would never end; a missing file is left to the reader's own message.
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isFile()) throw new GoodputError("BAD_FILE", `${file}: is not a regular file (a folder, device or pipe); pass the table as a file on disk.`, { where: file });
  if (extension === ".csv" || extension === ".tsv") {
    const path = duckdbReadablePath(file, { complete: true });
    return { sql: `read_csv(${sqlLiteral(path)}, ${plainFileReadOptions}${options.naAsMissing === true ? ", nullstr = ['NA', '']" : ""})`, format: "csv", notes: [] };
  }
  if (extension === ".parquet") return { sql: `read_parquet(${sqlLiteral(duckdbReadablePath(file, { complete: true }))}, ${plainFileReadOptions})`, format: "parquet", notes: [] };
  if (extension === ".jsonl" || extension === ".ndjson" || extension === ".json") {
    const tail = jsonlTail(file);
    const path = duckdbReadablePath(file, tail);
    const notes = tail.complete ? [] : [describeCutTail(file, tail)];
    const columns = canonicalLogColumns(path);
    const sql = columns === null ? `read_json(${sqlLiteral(path)}, format = 'newline_delimited', sample_size = -1, ${plainFileReadOptions})` : readJsonlSql(path, columns);
    return { sql, format: "jsonl", notes };
  }
  throw new GoodputError("BAD_FILE", `${file}: unknown table format "${extension}"; pass a .csv, .parquet or .jsonl file.`, { where: file });
}

/** Notes about reading FILE (a cut last JSON line) for the CLI to print before a readout; none for other formats. */
export function tableReadNotes(file: string): readonly string[] {
  const extension = extname(file).toLowerCase();
  if (extension !== ".jsonl" && extension !== ".ndjson" && extension !== ".json") return [];
  const tail = jsonlTail(file);
  return tail.complete ? [] : [describeCutTail(file, tail)];
}

/** A file that cannot be opened is left for DuckDB to report in its own words (the readers wrap that as BAD_FILE). */
function jsonlTail(file: string): JsonlTail {
  try {
    return inspectJsonlTail(file);
  } catch {
    return { complete: true };
  }
}

/**
 * The declared column types when FILE is a canonical request log: the first record's keys, typed by the log schema
 * (keys the schema does not know read as VARCHAR, which numeric readers cast row by row with a named error); null otherwise.
 */
function canonicalLogColumns(file: string): Record<string, string> | null {
  const first = firstLine(file);
  let record: unknown;
  try {
    record = JSON.parse(first);
  } catch {
    return null;
  }
  if (typeof record !== "object" || record === null || Array.isArray(record) || !("schema_version" in record) || !("request_id" in record)) return null;
  const schema: Readonly<Record<string, string>> = requestRecordColumns;
  return Object.fromEntries(Object.keys(record).map((key) => [key, schema[key] ?? "VARCHAR"]));
}

function firstLine(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const buffer = Buffer.alloc(1 << 20);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const end = buffer.subarray(0, read).indexOf(0x0a);
    return buffer.subarray(0, end < 0 ? read : end).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
