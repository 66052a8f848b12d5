import { sqlIdentifier, tableSourceSql } from "../io/duckdb-sql.js";
import { existsSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { GoodputError } from "../errors.js";
import { resolve } from "node:path";
import {
  actionSpace, estimatePolicyImprovement, evaluateOffPolicy, fitRewardModel, parsePolicyFile, policyFileLabels, probabilityVector, targetPolicyByName, targetProbabilities, uniformPolicy,
  type ActionSpace, type LoggedBandit, type OffPolicyEvaluation, type OpeRow, type PolicyFile, type TargetPolicy,
} from "../ope/index.js";
import { decideDesign, formatDesignDecision } from "../readout/design-decision.js";
import { readStructuredFile } from "./load-catalog-file.js";
import type { CommandContext, CommandResult } from "./command.js";
import { formatTable } from "./format-table.js";
import { numberOption, requiredString, stringList, stringOption } from "./parse-values.js";



async function query(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

/** One usable row of the log plus its file row number (1-based data row). */
interface LogRow {
  readonly fileRow: number;
  readonly actionLabel: string;
  readonly propensity: number;
  readonly reward: number;
  /** Parsed JSON of action_probabilities (array for numbered actions, or {label: p}). */
  readonly probabilities: unknown;
  /** Parsed JSON of the --target-column cell. */
  readonly target: unknown;
  /** The --target-file's `by` column value. */
  readonly context: string | null;
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

async function readOpeLog(file: string, rewardColumn: string, sign: number, covariates: readonly string[], extra: { readonly targetColumn: string | null; readonly byColumn: string | null }): Promise<ReadLog> {
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
    const extras = [extra.targetColumn, extra.byColumn].filter((name): name is string => name !== null);
    const missing = [rewardColumn, ...covariates, ...extras].filter((name) => !columns.includes(name));
    if (missing.length > 0) throw new GoodputError("BAD_INPUT", `${file}: no column ${missing.map((name) => `"${name}"`).join(", ")} (from --reward / --covariate / --target-column / the target file's by); available columns: ${columns.join(", ")}.`, { where: `${file}:${missing[0] ?? ""}` });
    const optional = (name: string): string => (columns.includes(name) ? `${sqlIdentifier(name)}::VARCHAR` : "NULL::VARCHAR");
    const rewardSql = (name: string): string => `TRY_CAST(${sqlIdentifier(name)} AS DOUBLE)`;
    const featureSql = covariates.map((name, j) => `, ${rewardSql(name)} AS f${j}`).join("");
    const result = await query(
      connection,
      `SELECT __row, ${sqlIdentifier(actionColumn)}::VARCHAR AS action, TRY_CAST(propensity AS DOUBLE) AS propensity, ${optional("action_probabilities")} AS probabilities, ` +
        `${optional("prefix_group")} AS prefix_group, ${optional("executed_action")} AS executed, ${rewardSql(rewardColumn)} AS reward${featureSql}, ` +
        `${extra.targetColumn === null ? "NULL::VARCHAR" : `${sqlIdentifier(extra.targetColumn)}::VARCHAR`} AS target, ${extra.byColumn === null ? "NULL::VARCHAR" : `${sqlIdentifier(extra.byColumn)}::VARCHAR`} AS context FROM t ORDER BY __row`,
    );
    const rows: LogRow[] = [];
    let noDecision = 0;
    let noReward = 0;
    let diverged = 0;
    const badPropensity: string[] = [];
    for (const record of result) {
      const fileRow = toNumber(record.__row);
      const actionText = typeof record.action === "string" ? record.action : null;
      const propensity = toNumber(record.propensity);
      if (actionText === null || Number.isNaN(propensity)) {
        noDecision++;
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
      const json = (text: unknown, column: string): unknown => {
        if (typeof text !== "string") return null;
        try {
          return JSON.parse(text);
        } catch {
          // A bare number is the target's probability of the logged action only; a distribution must be JSON.
          throw new GoodputError("BAD_INPUT", `${file}: row ${fileRow}: ${column} ${text} is not JSON (an array [p0, p1, …] or an object {"action": p}).`, { where: `${file}:${column}` });
        }
      };
      rows.push({
        fileRow, actionLabel: actionText, propensity, reward: sign * reward,
        probabilities: json(record.probabilities, "action_probabilities"), target: json(record.target, extra.targetColumn ?? "target"),
        context: typeof record.context === "string" ? record.context : null,
        prefixGroup: typeof record.prefix_group === "string" ? record.prefix_group : null, features,
      });
    }
    if (badPropensity.length > 0) {
      throw new GoodputError("BAD_INPUT", `${file}: ${badPropensity.length} row(s) log a propensity outside (0, 1] (${badPropensity.slice(0, 3).join("; ")}): a zero propensity means the logger could not have taken the logged action — fix the router's logging.`, { where: `${file}:propensity`, issues: badPropensity });
    }
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
 * off-policy evaluation of a routing policy from a request log with propensities (docs/design.md §7.4). Target policies:
 * uniform, logged-greedy (the base router of an ε-exploration logger), prefix-affine (hash(prefix_group) mod K),
 * replica-N. The canonical log holds only the chosen replica's state, so state-dependent routers cannot be replayed.
 */
export async function runOpeReadout(context: CommandContext, file: string): Promise<CommandResult> {
  const rewardColumn = requiredString(context.values, "reward", "ttft_s");
  const signText = stringOption(context.values, "reward-sign") ?? "1";
  const sign = Number(signText);
  if (!Number.isFinite(sign) || sign === 0) throw new GoodputError("BAD_USAGE", `--reward-sign "${signText}" is not a nonzero number; use -1 for latencies and costs (larger is worse).`, { where: "--reward-sign" });
  const targetFile = stringOption(context.values, "target-file");
  const targetColumn = stringOption(context.values, "target-column") ?? null;
  const named = stringOption(context.values, "target-policy");
  if ([targetFile, targetColumn, named].filter((value) => value !== undefined && value !== null).length !== 1) {
    throw new GoodputError("BAD_USAGE", "--design ope needs exactly one target policy: --target-policy NAME (uniform | logged-greedy | prefix-affine | replica-N), --target-file FILE ({probabilities: {action: p}} or {by: COLUMN, rules: {…}}) or --target-column COL (per-row JSON probabilities).", { where: "--target-policy" });
  }
  if (named !== undefined) targetPolicyByName(named); // a bad name is refused before the log is read
  const policyFile = targetFile === undefined ? null : parsePolicyFile(readStructuredFile(resolve(context.cwd, targetFile)), targetFile);
  const clip = numberOption(context.values, "clip", { rule: "positive", example: "20" }) ?? null;
  const covariates = stringList(context.values, "covariate");
  const log = await readOpeLog(file, rewardColumn, sign, covariates, { targetColumn, byColumn: policyFile?.by ?? null });
  const space = actionSpace([...log.rows.map((row) => row.actionLabel), ...(policyFile === null ? [] : policyFileLabels(policyFile))]);
  const actions = Math.max(space.labels.length, ...log.rows.map((row) => (Array.isArray(row.probabilities) ? row.probabilities.length : 0)));
  const wide = actions === space.labels.length ? space : { ...space, labels: Array.from({ length: actions }, (_, a) => space.labels[a] ?? `replica-${a}`) };
  const opeRows: OpeRow[] = log.rows.map((row) => ({
    loggedAction: wide.index.get(row.actionLabel) ?? 0,
    prefixGroup: row.prefixGroup,
    loggingProbabilities: row.probabilities === null ? null : Array.from(probabilityVector(row.probabilities, wide, `${file}: row ${row.fileRow}: action_probabilities`)),
  }));
  const logging = new Float64Array(log.rows.length * actions).fill(Number.NaN);
  opeRows.forEach((row, i) => {
    if (row.loggingProbabilities !== null) logging.set(row.loggingProbabilities, i * actions);
  });
  const policy = policyOf({ named, policyFile, targetColumn }, log.rows, wide, file);
  const data: LoggedBandit = {
    actions,
    loggedAction: opeRows.map((row) => row.loggedAction),
    propensity: Float64Array.from(log.rows, (row) => row.propensity),
    reward: Float64Array.from(log.rows, (row) => row.reward),
    target: policy.matrix ?? targetProbabilities(policy.policy ?? uniformPolicy(), opeRows, actions),
    logging,
  };
  const features = Object.fromEntries(covariates.map((name, j) => [name, Float64Array.from(log.rows, (row) => row.features[j] ?? 0)]));
  const evaluation = evaluateOffPolicy(data, { clip, features });
  const improvement = estimatePolicyImprovement(data, fitRewardModel(data, { features }), { clip });
  const warnings = [...log.excluded, ...evaluation.warnings];
  if (log.diverged > 0) warnings.push(`${log.diverged} row(s) executed a different replica than intended (fallbacks): the propensity is of the intended action, so these rows' rewards belong to another action; analyse fallbacks separately.`);
  const rewardLabel = sign === 1 ? rewardColumn : `${sign} × ${rewardColumn}`;
  const d = evaluation.diagnostics;
  const decision = decideDesign({
    design: "ope",
    evidence: "quasi",
    primary: { outcome: `reward ${rewardLabel}`, method: "DR value of target − logging policy", estimate: improvement.estimate, standardError: improvement.standardError, ci95: improvement.ci95, lowerIsBetter: false },
    designFailures: [
      ...(d.unsupportedMass > 0 ? [`no logging support for ${(100 * d.unsupportedMass).toFixed(1)} % of the target's mass: run controlled exploration first`] : []),
      ...(d.ess < 30 || d.essShare < 0.1 ? [`weak support: effective sample size ${d.ess.toFixed(1)} of ${d.n}`] : []),
    ],
  });
  const json = {
    design: "ope" as const,
    assumption: evaluation.assumption,
    target: { name: policy.name, description: policy.description },
    actionLabels: wide.labels,
    improvement: { estimand: improvement.estimand, estimate: round(improvement.estimate), standardError: round(improvement.standardError), ci95: [round(improvement.ci95[0]), round(improvement.ci95[1])], loggingValue: round(improvement.loggingValue) },
    decision,
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
  const header = `Off-policy evaluation of "${policy.name}" (${policy.description}) on ${log.rows.length} logged rows, ${actions} actions (${wide.labels.slice(0, 6).join(", ")}${actions > 6 ? ", …" : ""}); reward ${rewardLabel} (mean per request, larger is better).`;
  const improvementText = `Target − logging policy (DR − mean logged reward, paired per row): ${improvement.estimate.toPrecision(4)} (SE ${improvement.standardError.toPrecision(3)}, 95 % CI ${improvement.ci95[0].toPrecision(4)} to ${improvement.ci95[1].toPrecision(4)}); logging policy value ${improvement.loggingValue.toPrecision(4)}.\n`;
  return { json, text: formatOpe({ ...evaluation, warnings }, header) + improvementText + formatDesignDecision(decision) };
}

/** The target policy: a named one, a file of distributions (one, or one per context value), or a column of per-row JSON. */
function policyOf(
  source: { readonly named: string | undefined; readonly policyFile: PolicyFile | null; readonly targetColumn: string | null },
  rows: readonly LogRow[],
  space: ActionSpace,
  file: string,
): { name: string; description: string; policy: TargetPolicy | null; matrix: Float64Array | null } {
  const k = space.labels.length;
  if (source.named !== undefined) {
    const policy = targetPolicyByName(source.named);
    if (!space.numbered && /^replica-\d+$/.test(source.named.trim())) throw new GoodputError("BAD_USAGE", `--target-policy ${source.named}: the log's actions are labels (${space.labels.slice(0, 4).join(", ")}), not replica-N; write the policy in --target-file {probabilities: {"${space.labels[0] ?? "label"}": 1}}.`, { where: "--target-policy" });
    return { name: policy.name, description: policy.description, policy, matrix: null };
  }
  const matrix = new Float64Array(rows.length * k);
  const { policyFile, targetColumn } = source;
  if (policyFile !== null) {
    rows.forEach((row, i) => {
      const rule = policyFile.by === null ? policyFile.fallback : policyFile.rules.get(row.context ?? "") ?? policyFile.fallback;
      if (rule === null) throw new GoodputError("BAD_INPUT", `${file}: row ${row.fileRow}: ${policyFile.by ?? ""} = "${row.context ?? ""}" has no rule in ${policyFile.name} and the file has no default.`, { where: `${file}:${policyFile.by ?? ""}` });
      matrix.set(probabilityVector(rule, space, `${policyFile.name} (row ${row.fileRow})`), i * k);
    });
    return { name: policyFile.name, description: policyFile.by === null ? "one distribution for every request (from the target file)" : `a distribution per value of ${policyFile.by} (from the target file)`, policy: null, matrix };
  }
  rows.forEach((row, i) => {
    matrix.set(probabilityVector(row.target, space, `${file}: row ${row.fileRow}: ${targetColumn ?? ""}`), i * k);
  });
  return { name: `column ${targetColumn ?? ""}`, description: `per-row target probabilities from column ${targetColumn ?? ""}`, policy: null, matrix };
}
