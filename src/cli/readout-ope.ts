import { sqlIdentifier, tableSourceSql } from "../io/duckdb-sql.js";
import { existsSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { GoodputError } from "../errors.js";
import { evaluateOffPolicy, targetPolicyByName, targetProbabilities, type LoggedBandit, type OffPolicyEvaluation, type OpeRow } from "../ope/index.js";
import type { CommandContext, CommandResult } from "./command.js";
import { formatTable } from "./format-table.js";
import { numberOption, requiredString, stringList, stringOption } from "./parse-values.js";



async function query(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

/** "replica-3" or "3" → 3; anything else → null. */
function parseAction(text: string): number | null {
  const match = /^(?:replica-)?(\d+)$/.exec(text.trim());
  return match === null ? null : Number(match[1]);
}

/** One usable row of the log plus its file row number (1-based data row). */
interface LogRow {
  readonly fileRow: number;
  readonly action: number;
  readonly propensity: number;
  readonly reward: number;
  readonly probabilities: readonly number[] | null;
  readonly prefixGroup: string | null;
  readonly features: readonly number[];
}

interface ReadLog {
  readonly rows: readonly LogRow[];
  readonly actionColumn: string;
  readonly excluded: readonly string[];
  readonly diverged: number;
}

const toNumber = (value: unknown): number => (typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : typeof value === "boolean" ? Number(value) : Number.NaN);

async function readOpeLog(file: string, rewardColumn: string, sign: number, covariates: readonly string[]): Promise<ReadLog> {
  if (!existsSync(file)) throw new GoodputError("FILE_NOT_FOUND", `${file}: no such file; pass the request log (CSV, Parquet or JSONL).`, { where: file });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    try {
      await connection.run(`CREATE TABLE t AS SELECT row_number() OVER () AS __row, * FROM ${tableSourceSql(file, { naAsMissing: true }).sql}`);
    } catch (error) {
      throw new GoodputError("BAD_FILE", `${file}: DuckDB could not read it: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}`, { where: file });
    }
    const columns = (await query(connection, "DESCRIBE t")).map((row) => String(row.column_name)).filter((name) => name !== "__row");
    if (!columns.includes("propensity")) {
      throw new GoodputError(
        "BAD_INPUT",
        `${file}: no "propensity" column, so off-policy evaluation is impossible — instrument more: make the router log the propensity of its chosen action (and every candidate's probability in action_probabilities), e.g. run it inside the ε-exploration wrapper, then collect new logs.`,
        { where: `${file}:propensity` },
      );
    }
    const actionColumn = ["intended_action", "executed_action", "replica"].find((name) => columns.includes(name));
    if (actionColumn === undefined) throw new GoodputError("BAD_INPUT", `${file}: no action column (intended_action, executed_action or replica) — instrument more: log the router's chosen replica.`, { where: file });
    const missing = [rewardColumn, ...covariates].filter((name) => !columns.includes(name));
    if (missing.length > 0) throw new GoodputError("BAD_INPUT", `${file}: no column ${missing.map((name) => `"${name}"`).join(", ")} (from --reward / --covariate); available columns: ${columns.join(", ")}.`, { where: `${file}:${missing[0] ?? ""}` });
    const optional = (name: string): string => (columns.includes(name) ? `${sqlIdentifier(name)}::VARCHAR` : "NULL::VARCHAR");
    const rewardSql = (name: string): string => `TRY_CAST(${sqlIdentifier(name)} AS DOUBLE)`;
    const featureSql = covariates.map((name, j) => `, ${rewardSql(name)} AS f${j}`).join("");
    const result = await query(
      connection,
      `SELECT __row, ${sqlIdentifier(actionColumn)}::VARCHAR AS action, TRY_CAST(propensity AS DOUBLE) AS propensity, ${optional("action_probabilities")} AS probabilities, ` +
        `${optional("prefix_group")} AS prefix_group, ${optional("executed_action")} AS executed, ${rewardSql(rewardColumn)} AS reward${featureSql} FROM t ORDER BY __row`,
    );
    const rows: LogRow[] = [];
    let noDecision = 0;
    let noReward = 0;
    let diverged = 0;
    const badPropensity: string[] = [];
    const badAction: string[] = [];
    for (const record of result) {
      const fileRow = toNumber(record.__row);
      const actionText = typeof record.action === "string" ? record.action : null;
      const propensity = toNumber(record.propensity);
      if (actionText === null || Number.isNaN(propensity)) {
        noDecision++;
        continue;
      }
      const action = parseAction(actionText);
      if (action === null) {
        badAction.push(`row ${fileRow}: "${actionText}"`);
        continue;
      }
      if (!(propensity > 0 && propensity <= 1 + 1e-9)) {
        badPropensity.push(`row ${fileRow}: ${propensity}`);
        continue;
      }
      const reward = toNumber(record.reward);
      const features = covariates.map((_, j) => toNumber(record[`f${j}`]));
      if (!Number.isFinite(reward) || features.some((value) => !Number.isFinite(value))) {
        noReward++;
        continue;
      }
      if (actionColumn === "intended_action" && typeof record.executed === "string" && record.executed !== actionText) diverged++;
      let probabilities: number[] | null = null;
      if (typeof record.probabilities === "string") {
        const parsed: unknown = JSON.parse(record.probabilities);
        if (!Array.isArray(parsed) || parsed.some((value) => typeof value !== "number")) throw new GoodputError("BAD_INPUT", `${file}: row ${fileRow}: action_probabilities ${record.probabilities} is not a JSON array of numbers.`, { where: `${file}:action_probabilities` });
        probabilities = parsed as number[];
      }
      rows.push({ fileRow, action, propensity, reward: sign * reward, probabilities, prefixGroup: typeof record.prefix_group === "string" ? record.prefix_group : null, features });
    }
    if (badPropensity.length > 0) {
      throw new GoodputError("BAD_INPUT", `${file}: ${badPropensity.length} row(s) log a propensity outside (0, 1] (${badPropensity.slice(0, 3).join("; ")}): a zero propensity means the logger could not have taken the logged action — fix the router's logging.`, { where: `${file}:propensity`, issues: badPropensity });
    }
    if (badAction.length > 0) throw new GoodputError("BAD_INPUT", `${file}: ${badAction.length} row(s) have an action that is not "replica-N" (${badAction.slice(0, 3).join("; ")}).`, { where: `${file}:${actionColumn}`, issues: badAction });
    if (rows.length === 0) throw new GoodputError("BAD_INPUT", `${file}: no row has a logged action, a propensity and a reward "${rewardColumn}" — instrument more: log propensities for every routed request.`, { where: file });
    const excluded: string[] = [];
    if (noDecision > 0) excluded.push(`${noDecision} row(s) without a logged action or propensity (not routed, e.g. rejected at admission) were left out`);
    if (noReward > 0) excluded.push(`${noReward} row(s) without a numeric "${rewardColumn}"${covariates.length > 0 ? " or covariate" : ""} were left out — that conditions on a post-decision outcome (e.g. only completed requests); prefer a reward defined for every row (slo_met, cost_usd)`);
    return { rows, actionColumn, excluded, diverged };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const round = (value: number, digits = 6): number => Number(value.toFixed(digits));

function formatOpe(evaluation: OffPolicyEvaluation, header: string): string {
  const lines = [header, "", `Assumption: ${evaluation.assumption}`, `Reward model (DM, DR): ${evaluation.rewardModel}`, ""];
  lines.push(
    formatTable(
      ["method", "estimate", "SE", "95 % CI"],
      evaluation.estimates.map((estimate) => [estimate.method, estimate.estimate.toPrecision(5), estimate.standardError.toPrecision(3), `[${estimate.ci95[0].toPrecision(5)}, ${estimate.ci95[1].toPrecision(5)}]`]),
    ),
  );
  const d = evaluation.diagnostics;
  lines.push(
    `Weights: ESS ${d.ess.toFixed(1)} of ${d.n} (${(100 * d.essShare).toFixed(1)} %), max ${d.maxWeight.toFixed(2)}, mean ${d.meanWeight.toFixed(3)} (≈ 1 when propensities are right and support is full); ` +
      `target mass without support ${(100 * d.unsupportedMass).toFixed(1)} %, on rare actions (π0 < ${d.rareProbability}) ${(100 * d.rareMass).toFixed(1)} %${d.clippedRows > 0 ? `; ${d.clippedRows} weight(s) clipped` : ""}.`,
  );
  if (evaluation.warnings.length > 0) lines.push("", "Warnings:", ...evaluation.warnings.map((warning) => `  - ${warning}`));
  return lines.join("\n") + "\n";
}

/**
 * `goodput readout FILE --design ope --reward COL [--reward-sign -1] --target-policy NAME [--clip M] [--covariate COL …]`:
 * off-policy evaluation of a routing policy from a request log with propensities (SPEC §7.4). Target policies:
 * uniform, logged-greedy (the base router of an ε-exploration logger), prefix-affine (hash(prefix_group) mod K),
 * replica-N. The canonical log holds only the chosen replica's state, so state-dependent routers cannot be replayed.
 */
export async function runOpeReadout(context: CommandContext, file: string): Promise<CommandResult> {
  const rewardColumn = requiredString(context.values, "reward", "ttft_s");
  const signText = stringOption(context.values, "reward-sign") ?? "1";
  const sign = Number(signText);
  if (!Number.isFinite(sign) || sign === 0) throw new GoodputError("BAD_USAGE", `--reward-sign "${signText}" is not a nonzero number; use -1 for latencies and costs (larger is worse).`, { where: "--reward-sign" });
  const policy = targetPolicyByName(requiredString(context.values, "target-policy", "prefix-affine"));
  const clip = numberOption(context.values, "clip", { rule: "positive", example: "20" }) ?? null;
  const covariates = stringList(context.values, "covariate");
  const log = await readOpeLog(file, rewardColumn, sign, covariates);
  const actions = Math.max(...log.rows.map((row) => Math.max(row.action + 1, row.probabilities?.length ?? 0)));
  const opeRows: OpeRow[] = log.rows.map((row) => ({
    loggedAction: row.action,
    prefixGroup: row.prefixGroup,
    loggingProbabilities: row.probabilities === null ? null : Array.from({ length: actions }, (_, a) => row.probabilities?.[a] ?? 0),
  }));
  const logging = new Float64Array(log.rows.length * actions).fill(Number.NaN);
  opeRows.forEach((row, i) => {
    if (row.loggingProbabilities !== null) logging.set(row.loggingProbabilities, i * actions);
  });
  const data: LoggedBandit = {
    actions,
    loggedAction: log.rows.map((row) => row.action),
    propensity: Float64Array.from(log.rows, (row) => row.propensity),
    reward: Float64Array.from(log.rows, (row) => row.reward),
    target: targetProbabilities(policy, opeRows, actions),
    logging,
  };
  const evaluation = evaluateOffPolicy(data, { clip, features: Object.fromEntries(covariates.map((name, j) => [name, Float64Array.from(log.rows, (row) => row.features[j] ?? 0)])) });
  const warnings = [...log.excluded, ...evaluation.warnings];
  if (log.diverged > 0) warnings.push(`${log.diverged} row(s) executed a different replica than intended (fallbacks): the propensity is of the intended action, so these rows' rewards belong to another action; analyse fallbacks separately.`);
  const rewardLabel = sign === 1 ? rewardColumn : `${sign} × ${rewardColumn}`;
  const json = {
    design: "ope" as const,
    assumption: evaluation.assumption,
    target: { name: policy.name, description: policy.description },
    reward: { column: rewardColumn, sign, label: rewardLabel },
    actionColumn: log.actionColumn,
    actions,
    n: log.rows.length,
    rewardModel: evaluation.rewardModel,
    estimates: evaluation.estimates.map((estimate) => ({ method: estimate.method, estimate: round(estimate.estimate), standardError: round(estimate.standardError), ci95: [round(estimate.ci95[0]), round(estimate.ci95[1])], assumptions: estimate.assumptions })),
    diagnostics: {
      ess: round(evaluation.diagnostics.ess, 3),
      essShare: round(evaluation.diagnostics.essShare),
      maxWeight: round(evaluation.diagnostics.maxWeight),
      meanWeight: round(evaluation.diagnostics.meanWeight),
      unsupportedMass: round(evaluation.diagnostics.unsupportedMass),
      rareMass: round(evaluation.diagnostics.rareMass),
      clippedRows: evaluation.diagnostics.clippedRows,
      supportSource: evaluation.diagnostics.supportSource,
    },
    warnings,
  };
  const header = `Off-policy evaluation of "${policy.name}" (${policy.description}) on ${log.rows.length} logged rows, ${actions} replicas; reward ${rewardLabel} (mean per request, larger is better).`;
  return { json, text: formatOpe({ ...evaluation, warnings }, header) };
}
