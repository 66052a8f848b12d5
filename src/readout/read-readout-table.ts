import { sqlIdentifier, sqlLiteral, tableSourceSql } from "../io/duckdb-sql.js";
import { existsSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { GoodputError } from "../errors.js";
import { maxAnalysableMagnitude } from "../stats/_validate.js";
import type { LabelColumn, NumericColumn, RatioColumns, ReadoutTable, RequestLogColumns } from "./readout-table.js";
import { isLatencyLike } from "./outcome-direction.js";

/** Which columns play which part; unset fields fall back to the canonical request log's names. */
export interface ReadoutMapping {
  readonly outcomes?: readonly string[];
  readonly treatment?: string;
  readonly control?: string;
  readonly unit?: string;
  readonly cluster?: string;
  readonly block?: string;
  readonly covariates?: readonly string[];
  readonly prePeriod?: string;
  readonly segment?: string;
  /** Ratio metrics "NUMERATOR/DENOMINATOR" (column names), e.g. "cost_usd/successes". */
  readonly ratios?: readonly string[];
  /** Per-row cost column for the segment net value (default cost_usd when present). */
  readonly cost?: string;
  /** The intended (assigned) arm when --treatment is the executed action (auto-detected by name when unset). */
  readonly intended?: string;
  /** The table is a uniform random sample of the log at this rate (--sampled): id gaps are expected, not a completed-only extract. */
  readonly sampled?: number;
}

/** Column names that say "the action actually taken" and "the arm intended / assigned". */
const executedName = /^(executed|executed_action|executed_arm|received|treatment_received|took_up|taken|as_treated|actual|actual_arm)$/i;
const intendedNamePattern = /^(intended|intended_action|intended_arm|assigned|assigned_arm|assignment|offered|encouraged)$/i;

/** The executed action coded with the intended arm's control / treated values (1 = executed the treated arm's action). */
async function executedArms(connection: DuckDBConnection, file: string, column: string, arms: { controlValue: string; treatedValue: string; rowText: (row: unknown) => string }): Promise<Uint8Array> {
  const id = sqlIdentifier(column);
  const bad = await query(connection, `SELECT __row, ${id}::VARCHAR AS v FROM t WHERE ${id} IS NULL OR ${id}::VARCHAR NOT IN (${sqlLiteral(arms.controlValue)}, ${sqlLiteral(arms.treatedValue)}) ORDER BY __row LIMIT 1`);
  if (bad.length > 0) throw new GoodputError("BAD_INPUT", `${file}: executed column "${column}" is ${typeof bad[0]?.v === "string" ? `"${bad[0].v}"` : "empty"} at ${arms.rowText(bad[0]?.__row)}; it must hold one of the intended arm's values ("${arms.controlValue}", "${arms.treatedValue}") on every row.`, { where: `${file}:${column}` });
  const rows = await query(connection, `SELECT (${id}::VARCHAR = ${sqlLiteral(arms.treatedValue)})::INTEGER AS d FROM t ORDER BY __row`);
  return Uint8Array.from(rows, (row) => Number(row.d));
}

/** SQL string literal (single quotes doubled). */
/** SQL identifier (double quotes doubled). */

const numericTypes = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|BOOLEAN|DECIMAL.*)$/;
const canonicalOutcomes = ["ttft_s", "e2e_s", "cost_usd"];
const maxMagnitude = maxAnalysableMagnitude;
/** Fields the decision needs from a request log (docs/design.md §7.7): without them the answer is "instrument more". */
const requiredLogFields: readonly { readonly field: string; readonly what: string }[] = [
  { field: "state_queue_depth", what: "decision-time state" },
  { field: "intended_action", what: "intended action" },
  { field: "executed_action", what: "executed action" },
  { field: "fallback_reason", what: "fallback reason" },
];

/** Reads the table with DuckDB: counts and validity checks run as SQL aggregations; the analysed columns come back as typed arrays. */
export async function readReadoutTable(file: string, mapping: ReadoutMapping): Promise<ReadoutTable> {
  if (!existsSync(file)) throw new GoodputError("FILE_NOT_FOUND", `${file}: no such file; pass the request log or table to read (CSV, Parquet or JSONL).`, { where: file });
  const { sql, format } = tableSourceSql(file);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    try {
      await connection.run(`CREATE TABLE t AS SELECT row_number() OVER () AS __row, * FROM ${sql}`);
    } catch (error) {
      throw new GoodputError("BAD_FILE", `${file}: DuckDB could not read it as ${format}: ${error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)}`, { where: file });
    }
    return await readColumns(connection, file, format, mapping);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function query(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const result = await connection.runAndReadAll(sql);
  return result.getRowObjectsJS();
}

async function readColumns(connection: DuckDBConnection, file: string, format: ReadoutTable["format"], mapping: ReadoutMapping): Promise<ReadoutTable> {
  const described = await query(connection, "DESCRIBE t");
  const columns = described.map((row) => ({ name: String(row.column_name), type: String(row.column_type) })).filter((column) => column.name !== "__row");
  const typeOf = new Map(columns.map((column) => [column.name, column.type]));
  const rows = Number((await query(connection, "SELECT count(*)::BIGINT AS n FROM t"))[0]?.n ?? 0);
  if (rows === 0) throw new GoodputError("BAD_INPUT", `${file}: the table has no rows.`, { where: file });
  const rowText = (row: unknown): string => (format === "csv" ? `row ${String(row)} (line ${Number(row) + 1})` : `row ${String(row)}`);
  const available = columns.map((column) => column.name).join(", ");
  const need = (column: string, flag: string): string => {
    if (!typeOf.has(column)) throw new GoodputError("BAD_INPUT", `${file}: no column "${column}" (from ${flag}); available columns: ${available}.`, { where: `${file}:${column}`, issues: [`missing column ${column}`] });
    return column;
  };
  const has = (column: string): boolean => typeOf.has(column);
  const allNull = async (column: string): Promise<boolean> => Number((await query(connection, `SELECT count(${sqlIdentifier(column)})::BIGINT AS n FROM t`))[0]?.n ?? 0) === 0;

  // Intended ≠ executed (docs/design.md §7.5 execution): when --treatment names the executed action and an intended-arm column exists
  // (or --intended names it), the arms are the INTENDED ones (ITT); the executed column feeds the LATE by IV.
  const requestedTreatment = need(mapping.treatment ?? "arm", mapping.treatment === undefined ? "the default --treatment arm" : "--treatment");
  const intendedName = mapping.intended !== undefined ? need(mapping.intended, "--intended") : executedName.test(requestedTreatment) ? columns.map((column) => column.name).find((name) => intendedNamePattern.test(name)) ?? null : null;
  const treatmentColumn = intendedName ?? requestedTreatment;
  // Treatment: two arms, no nulls.
  const nullTreatment = await query(connection, `SELECT __row FROM t WHERE ${sqlIdentifier(treatmentColumn)} IS NULL ORDER BY __row LIMIT 1`);
  if (nullTreatment.length > 0) throw new GoodputError("BAD_INPUT", `${file}: treatment column "${treatmentColumn}" is empty at ${rowText(nullTreatment[0]?.__row)}; every row needs an arm.`, { where: `${file}:${treatmentColumn}` });
  const arms = await query(connection, `SELECT ${sqlIdentifier(treatmentColumn)}::VARCHAR AS value, count(*)::BIGINT AS n FROM t GROUP BY 1 ORDER BY 1`);
  const armValues = arms.map((row) => String(row.value));
  if (armValues.length < 2) throw new GoodputError("BAD_INPUT", `${file}: treatment column "${treatmentColumn}" has one arm only ("${armValues[0] ?? ""}" on all ${rows} rows); a readout compares two arms.`, { where: `${file}:${treatmentColumn}` });
  // Control by convention, case-insensitively (0/1, FALSE/TRUE, control/treated, A/B, no/yes); else the first value in sort order.
  const controlNames = ["a", "0", "false", "control", "c", "no", "untreated", "baseline"];
  const controlValue = mapping.control ?? controlNames.map((name) => armValues.find((value) => value.trim().toLowerCase() === name)).find((value) => value !== undefined) ?? armValues[0] ?? "";
  if (!armValues.includes(controlValue)) throw new GoodputError("BAD_INPUT", `${file}: --control "${controlValue}" is not a value of "${treatmentColumn}" (values: ${armValues.join(", ")}).`, { where: `${file}:${treatmentColumn}` });
  const treatedValues = armValues.filter((value) => value !== controlValue);
  if (treatedValues.length > 1) throw new GoodputError("BAD_INPUT", `${file}: treatment column "${treatmentColumn}" has ${armValues.length} values (${armValues.join(", ")}); a readout compares two arms — filter the table or recode the column.`, { where: `${file}:${treatmentColumn}` });
  const treatedValue = treatedValues[0] ?? "";
  const treatedRows = await query(connection, `SELECT (${sqlIdentifier(treatmentColumn)}::VARCHAR <> ${sqlLiteral(controlValue)})::INTEGER AS d FROM t ORDER BY __row`);
  const treated = Uint8Array.from(treatedRows, (row) => Number(row.d));
  const executed = intendedName === null || intendedName === requestedTreatment ? null : await executedArms(connection, file, requestedTreatment, { controlValue, treatedValue, rowText });

  // Outcomes: numeric, finite, latencies ≥ 0; nulls are missing (counted per arm by the checks).
  const outcomeNames = mapping.outcomes !== undefined && mapping.outcomes.length > 0 ? mapping.outcomes : canonicalOutcomes.filter(has);
  // The default primary is ttft_s: without it, silently promoting e2e_s would change the question. Say so and let the user choose.
  if ((mapping.outcomes === undefined || mapping.outcomes.length === 0) && outcomeNames.length > 0 && !has(canonicalOutcomes[0] ?? "")) {
    throw new GoodputError("BAD_USAGE", `${file}: no ${canonicalOutcomes[0] ?? ""} column, the default primary outcome; the readout will not silently make ${outcomeNames[0] ?? ""} primary instead — pass --outcome ${outcomeNames[0] ?? ""} (the first --outcome is the primary) or export ${canonicalOutcomes[0] ?? ""}.`, { where: "--outcome" });
  }
  if (outcomeNames.length === 0) throw new GoodputError("BAD_USAGE", `${file}: no outcome given and none of the canonical outcomes (${canonicalOutcomes.join(", ")}) is present; pass --outcome COLUMN (available columns: ${available}).`, { where: "--outcome" });
  const outcomes: NumericColumn[] = [];
  for (const name of outcomeNames) outcomes.push(await numericColumn(connection, file, need(name, "--outcome"), typeOf.get(name) ?? "", rowText, { latency: isLatencyLike(name), allowNull: true, role: "outcome" }));

  const covariates: NumericColumn[] = [];
  for (const name of mapping.covariates ?? []) covariates.push(await numericColumn(connection, file, need(name, "--covariate"), typeOf.get(name) ?? "", rowText, { latency: false, allowNull: false, role: "covariate" }));
  const prePeriod = mapping.prePeriod === undefined ? null : await numericColumn(connection, file, need(mapping.prePeriod, "--pre-period"), typeOf.get(mapping.prePeriod) ?? "", rowText, { latency: false, allowNull: false, role: "pre-period covariate" });

  const labels = async (column: string): Promise<LabelColumn> => {
    // Column-wise, not row objects, and each distinct label kept once: a 10M-row log with 1,000 clusters would otherwise
    // hold 10M row objects and 10M separate strings, and the garbage collector would spend most of the readout on them.
    const result = await connection.runAndReadAll(`SELECT ${sqlIdentifier(column)}::VARCHAR AS v FROM t ORDER BY __row`);
    const interned = new Map<string, string>();
    const intern = (value: string): string => {
      const known = interned.get(value);
      if (known !== undefined) return known;
      interned.set(value, value);
      return value;
    };
    return { name: column, labels: Array.from(result.getColumnsJS()[0] ?? [], (value) => (typeof value === "string" ? intern(value) : null)) };
  };
  const unitName = mapping.unit ?? (has("assignment_unit") && !(await allNull("assignment_unit")) ? "assignment_unit" : null);
  if (unitName !== null) {
    // An empty unit cell has no assignment unit: pooling such rows into one "" unit would invent a unit in both arms.
    const column = need(unitName, "--unit");
    const nullRow = await query(connection, `SELECT __row FROM t WHERE ${sqlIdentifier(column)} IS NULL ORDER BY __row LIMIT 1`);
    if (nullRow.length > 0) throw new GoodputError("BAD_INPUT", `${file}: assignment-unit column "${column}" is empty at ${rowText(nullRow[0]?.__row)}; every row needs the unit it was assigned with — fill it, drop rows that were outside the experiment, or pass --unit with another column.`, { where: `${file}:${column}` });
  }
  const unit = unitName === null ? null : await labels(unitName);
  let cluster: LabelColumn | null = null;
  if (mapping.cluster !== undefined) {
    const column = need(mapping.cluster, "--cluster");
    const nullRow = await query(connection, `SELECT __row FROM t WHERE ${sqlIdentifier(column)} IS NULL ORDER BY __row LIMIT 1`);
    if (nullRow.length > 0) throw new GoodputError("BAD_INPUT", `${file}: cluster column "${column}" is empty at ${rowText(nullRow[0]?.__row)}; every row needs a cluster.`, { where: `${file}:${column}` });
    const distinct = Number((await query(connection, `SELECT count(DISTINCT ${sqlIdentifier(column)})::BIGINT AS n FROM t`))[0]?.n ?? 0);
    if (distinct < 2) throw new GoodputError("BAD_INPUT", `${file}: all ${rows} rows are in one cluster of "${column}"; cluster-robust inference needs at least 2 clusters (and in practice 20+).`, { where: `${file}:${column}` });
    cluster = await labels(column);
  }
  const firstMixed = async (grouping: LabelColumn): Promise<Record<string, unknown> | undefined> =>
    (await query(connection, `SELECT ${sqlIdentifier(grouping.name)}::VARCHAR AS g, min(__row) AS r FROM t WHERE ${sqlIdentifier(grouping.name)} IS NOT NULL GROUP BY 1 HAVING count(DISTINCT ${sqlIdentifier(treatmentColumn)}) > 1 ORDER BY r LIMIT 1`))[0];
  // Only the ASSIGNMENT unit must sit in one arm. A cluster for SEs (users, sessions, schools) may hold both arms: treatment
  // then varies within clusters and CR2 with Bell–McCaffrey df still applies (estimatr::lm_robust(clusters =, se_type = "CR2")).
  if (unit !== null) {
    const mixed = await firstMixed(unit);
    if (mixed !== undefined) throw new GoodputError("BAD_INPUT", `${file}: assignment unit "${unit.name}" = "${String(mixed.g)}" (first at ${rowText(mixed.r)}) appears in both arms of "${treatmentColumn}"; an assignment unit must sit in one arm — if this column only groups correlated rows (users, sessions), pass it as --cluster for the SEs instead of --unit.`, { where: `${file}:${unit.name}` });
  }
  const clusterSpansArms = cluster !== null && (await firstMixed(cluster)) !== undefined;
  const blockName = mapping.block ?? (has("time_block") && !(await allNull("time_block")) ? "time_block" : null);
  const block = blockName === null ? null : await labels(need(blockName, "--block"));
  const segment = mapping.segment === undefined ? null : await labels(need(mapping.segment, "--segment"));

  const ratios: RatioColumns[] = [];
  for (const spec of mapping.ratios ?? []) {
    const parts = spec.split("/").map((part) => part.trim());
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") throw new GoodputError("BAD_USAGE", `--ratio "${spec}" is not NUMERATOR/DENOMINATOR (two column names); for example --ratio cost_usd/successes.`, { where: "--ratio" });
    const [top = "", bottom = ""] = parts;
    const numerator = await numericColumn(connection, file, need(top, "--ratio"), typeOf.get(top) ?? "", rowText, { latency: false, allowNull: false, role: "ratio numerator" });
    const denominator = await numericColumn(connection, file, need(bottom, "--ratio"), typeOf.get(bottom) ?? "", rowText, { latency: false, allowNull: false, role: "ratio denominator" });
    const negative = denominator.values.findIndex((value) => value < 0);
    if (negative >= 0) throw new GoodputError("BAD_INPUT", `${file}: ratio denominator "${bottom}" is negative (${denominator.values[negative]}) at ${rowText(negative + 1)}; a ratio metric's denominator counts something (requests, tokens) and must be ≥ 0.`, { where: `${file}:${bottom}` });
    ratios.push({ name: `${top} / ${bottom}`, numerator, denominator, lowerIsBetter: null, automatic: false });
  }
  if (mapping.ratios === undefined || mapping.ratios.length === 0) ratios.push(...(await canonicalRatios(connection, has, async (column) => {
    // A canonical count or cost column must hold numbers: the first cell that does not is named with its row.
    await numericColumn(connection, file, column, typeOf.get(column) ?? "", rowText, { latency: false, allowNull: true, role: "request-log" }).catch((error: unknown) => {
      if (error instanceof GoodputError && /is empty on every row/.test(error.message)) return;
      throw error;
    });
  })));
  const costName = mapping.cost ?? (has("cost_usd") ? "cost_usd" : null);
  const cost = costName === null ? null : await numericColumn(connection, file, need(costName, "--cost"), typeOf.get(costName) ?? "", rowText, { latency: false, allowNull: true, role: "cost" });

  const optionalLabels = async (column: string): Promise<(string | null)[] | null> => (has(column) ? [...(await labels(column)).labels] : null);
  const optionalNumbers = async (column: string): Promise<Float64Array | null> => {
    if (!has(column) || !numericTypes.test(typeOf.get(column) ?? "")) return null;
    const result = await query(connection, `SELECT ${sqlIdentifier(column)}::DOUBLE AS v FROM t ORDER BY __row`);
    return Float64Array.from(result, (row) => (typeof row.v === "number" ? row.v : Number.NaN));
  };
  const log: RequestLogColumns = {
    status: await optionalLabels("status"),
    intendedAction: await optionalLabels("intended_action"),
    executedAction: await optionalLabels("executed_action"),
    fallbackReason: await optionalLabels("fallback_reason"),
    policy: await optionalLabels("policy"),
    cost: await optionalNumbers("cost_usd"),
    promptTokens: await optionalNumbers("prompt_tokens"),
    cachedPromptTokens: await optionalNumbers("cached_prompt_tokens"),
    queueDepth: await optionalNumbers("state_queue_depth"),
    kvUtilization: await optionalNumbers("state_kv_utilization"),
    propensity: await optionalNumbers("propensity"),
  };
  const isRequestLog = has("request_id") && (has("policy") || has("arrival_s"));
  // A generic export without `policy` that still carries routing fields is checked too.
  const carriesLogFields = requiredLogFields.some(({ field }) => field !== "fallback_reason" && has(field));
  const missingLogFields: string[] = [];
  if (isRequestLog || carriesLogFields) {
    // fallback_reason is legitimately null when no fallback happened: it must exist, not be filled.
    for (const { field, what } of requiredLogFields) {
      if (!has(field) || (field !== "fallback_reason" && (await allNull(field)))) missingLogFields.push(`${field} (${what})`);
      else if (field !== "fallback_reason") {
        // Logged for one arm only (the new policy's code path never fills it): as missing as absent for a comparison.
        const emptyArm = await query(connection, `SELECT (${sqlIdentifier(treatmentColumn)}::VARCHAR <> ${sqlLiteral(controlValue)}) AS treated_arm FROM t GROUP BY 1 HAVING count(${sqlIdentifier(field)}) = 0 LIMIT 1`);
        if (emptyArm.length > 0) missingLogFields.push(`${field} (${what}; empty on every row of the ${emptyArm[0]?.treated_arm === true ? "treated" : "control"} arm)`);
      }
    }
  }
  // The id-gap heuristic needs integer ids; text ids (UUIDs, "req-…") carry no gaps to count.
  // A uniform sample (--sampled RATE) also has id gaps; it is a valid sample, unlike a completed-only extract.
  if (mapping.sampled === undefined && isRequestLog && has("status") && /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|INT\d+)$/i.test(typeOf.get("request_id") ?? "")) await refuseCompletedOnly(connection, file);
  return {
    file, format, rows, columns,
    treatment: { column: treatmentColumn, controlValue, treatedValue, treated },
    sampled: mapping.sampled ?? null,
    executed: executed === null ? null : { column: requestedTreatment, intendedColumn: treatmentColumn, treated: executed, explicit: mapping.intended !== undefined },
    outcomes, unit, cluster, clusterSpansArms, block, covariates, prePeriod, segment, ratios, cost, log, isRequestLog, missingLogFields,
  };
}

/**
 * Ratio metrics of the canonical log (docs/design.md §8 columns): cost per successful request = Σcost_usd / #(status = ok), and
 * cache hit rate = Σcached_prompt_tokens / Σprompt_tokens. A null cost counts as 0 spend (a request rejected before it ran).
 */
async function canonicalRatios(connection: DuckDBConnection, has: (column: string) => boolean, checkNumeric: (column: string) => Promise<void>): Promise<RatioColumns[]> {
  const column = async (expression: string, name: string): Promise<NumericColumn> => {
    const result = await connection.runAndReadAll(`SELECT (${expression})::DOUBLE AS v FROM t ORDER BY __row`);
    return { name, values: Float64Array.from(result.getColumnsJS()[0] ?? [], (value) => (typeof value === "number" ? value : 0)) };
  };
  const ratios: RatioColumns[] = [];
  if (has("cost_usd") && has("status")) {
    await checkNumeric("cost_usd");
    ratios.push({ name: "cost per successful request", numerator: await column("coalesce(TRY_CAST(cost_usd AS DOUBLE), 0)", "cost_usd"), denominator: await column("status::VARCHAR = 'ok'", "successful requests (status ok)"), lowerIsBetter: true, automatic: true });
  }
  if (has("cached_prompt_tokens") && has("prompt_tokens")) {
    await checkNumeric("cached_prompt_tokens");
    await checkNumeric("prompt_tokens");
    ratios.push({ name: "cache hit rate", numerator: await column("coalesce(TRY_CAST(cached_prompt_tokens AS DOUBLE), 0)", "cached_prompt_tokens"), denominator: await column("coalesce(TRY_CAST(prompt_tokens AS DOUBLE), 0)", "prompt_tokens"), lowerIsBetter: false, automatic: true });
  }
  return ratios;
}

/** A log holding only completed requests while request ids have gaps was filtered on a post-treatment variable (docs/design.md §7.3). */
async function refuseCompletedOnly(connection: DuckDBConnection, file: string): Promise<void> {
  const [row] = await query(connection, `SELECT count(*) FILTER (WHERE status::VARCHAR <> 'ok')::BIGINT AS failed, count(DISTINCT request_id)::BIGINT AS ids, (max(request_id) - min(request_id) + 1)::BIGINT AS span FROM t`);
  const failed = Number(row?.failed ?? 0);
  const ids = Number(row?.ids ?? 0);
  const span = Number(row?.span ?? 0);
  if (failed === 0 && span > ids && (span - ids) / span > 0.001) {
    throw new GoodputError(
      "BAD_INPUT",
      `${file}: every row has status "ok" but ${span - ids} of ${span} request ids are missing — this looks like a "completed requests only" extract (if it is a uniform random sample of the full log, say so with --sampled RATE). ` +
        "Completion is a post-treatment outcome: comparing arms on completed requests conditions on it and biases every latency and cost effect. Export the full log (failed, dropped and rejected attempts included).",
      { where: `${file}:status` },
    );
  }
}

async function numericColumn(
  connection: DuckDBConnection,
  file: string,
  column: string,
  type: string,
  rowText: (row: unknown) => string,
  options: { readonly latency: boolean; readonly allowNull: boolean; readonly role: string },
): Promise<NumericColumn> {
  const id = sqlIdentifier(column);
  const where = `${file}:${column}`;
  let expression = `${id}::DOUBLE`;
  if (!numericTypes.test(type)) {
    const bad = await query(connection, `SELECT __row, ${id}::VARCHAR AS v FROM t WHERE ${id} IS NOT NULL AND TRY_CAST(${id} AS DOUBLE) IS NULL ORDER BY __row LIMIT 1`);
    if (bad.length > 0) throw new GoodputError("BAD_INPUT", `${file}: ${options.role} column "${column}" is not numeric (type ${type}): "${String(bad[0]?.v)}" at ${rowText(bad[0]?.__row)}; pass a numeric column or recode it.`, { where });
    expression = `TRY_CAST(${id} AS DOUBLE)`;
  }
  const nonFinite = await query(connection, `SELECT __row, ${expression}::VARCHAR AS v FROM t WHERE isnan(${expression}) OR isinf(${expression}) ORDER BY __row LIMIT 1`);
  if (nonFinite.length > 0) throw new GoodputError("BAD_INPUT", `${file}: ${options.role} column "${column}" has ${String(nonFinite[0]?.v)} at ${rowText(nonFinite[0]?.__row)}; values must be finite numbers.`, { where });
  // Variances square the values: beyond ~1e150 the sums of squares overflow to Infinity and every SE and CI becomes NaN.
  const huge = await query(connection, `SELECT __row, ${expression}::VARCHAR AS v FROM t WHERE abs(${expression}) > ${maxMagnitude} ORDER BY __row LIMIT 1`);
  if (huge.length > 0) throw new GoodputError("BAD_INPUT", `${file}: ${options.role} column "${column}" has ${String(huge[0]?.v)} at ${rowText(huge[0]?.__row)}; values above ${maxMagnitude} in magnitude overflow the variance (squares exceed double precision), so no standard error could be trusted — check the units or the export, or rescale the column.`, { where });
  if (options.latency) {
    const negative = await query(connection, `SELECT __row, ${expression} AS v FROM t WHERE ${expression} < 0 ORDER BY __row LIMIT 1`);
    if (negative.length > 0) throw new GoodputError("BAD_INPUT", `${file}: latency column "${column}" is negative (${String(negative[0]?.v)}) at ${rowText(negative[0]?.__row)}; latencies must be ≥ 0 — check the clock or the units.`, { where });
  }
  if (!options.allowNull) {
    const empty = await query(connection, `SELECT __row FROM t WHERE ${expression} IS NULL ORDER BY __row LIMIT 1`);
    if (empty.length > 0) throw new GoodputError("BAD_INPUT", `${file}: ${options.role} column "${column}" is empty at ${rowText(empty[0]?.__row)}; a ${options.role} must be present on every row.`, { where });
  } else {
    const present = Number((await query(connection, `SELECT count(${expression})::BIGINT AS n FROM t`))[0]?.n ?? 0);
    if (present === 0) throw new GoodputError("BAD_INPUT", `${file}: ${options.role} column "${column}" is empty on every row.`, { where });
  }
  const result = await connection.runAndReadAll(`SELECT ${expression} AS v FROM t ORDER BY __row`);
  const values = result.getColumnsJS()[0] ?? [];
  return { name: column, values: Float64Array.from(values, (value) => (typeof value === "number" ? value : Number.NaN)) };
}
