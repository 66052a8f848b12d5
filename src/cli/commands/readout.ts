import { runOpeReadout } from "../readout-ope.js";
import { runObservationalReadout } from "../readout-observational.js";
import { designDirection, runDidReadout, runIvReadout } from "../readout-iv-did.js";
import { basename, resolve } from "node:path";
import { estimateRdd, estimateSyntheticControl, formatRddReadout, formatSyntheticControlReadout, readCausalTable } from "../../causal/index.js";
import { GoodputError } from "../../errors.js";
import { buildReadout, defaultAggregateAboveRows, formatReadout, heavyReadoutsInDuckDb, parseDecisionRule, readReadoutTable, ruleOutcomeColumns, selectDesign, storyDesign, type DesignKind } from "../../readout/index.js";
import { formatDesignDecision } from "../../readout/design-decision.js";
import { rddDecision, syntheticControlDecision } from "../../readout/quasi-decisions.js";
import { readStructuredFile } from "../load-catalog-file.js";
import { labHome } from "../../store/calibration-store.js";
import { LabStore } from "../../store/lab-store.js";
import { tableReadNotes } from "../../io/duckdb-sql.js";
import type { CommandContext, CommandResult, CommandSpec } from "../command.js";
import { numberOption, numberOr, requiredString, stringList, stringOption } from "../parse-values.js";
import { createProgress } from "../progress.js";

const designs: readonly (DesignKind | "auto")[] = ["auto", "request", "user", "cluster", "switchback", "observational"];
const quasiExperiments = ["rdd", "synthetic-control"] as const;

/** A finite number from a flag (negative allowed), or a BAD_USAGE error naming the flag. */
function finiteNumber(context: CommandContext, name: string, example: string): number {
  const raw = requiredString(context.values, name, example);
  const value = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(value)) throw new GoodputError("BAD_USAGE", `--${name}: "${raw}" is not a number; for example --${name} ${example}.`, { where: `--${name}` });
  return value;
}

/** `--design rdd` and `--design synthetic-control`: read the named columns and run the quasi-experimental estimator (src/causal). */
async function runQuasiExperiment(context: CommandContext, design: (typeof quasiExperiments)[number], path: string): Promise<CommandResult> {
  const outcome = stringList(context.values, "outcome")[0];
  if (outcome === undefined) throw new GoodputError("BAD_USAGE", `--design ${design} needs --outcome COL.`, { where: "--outcome" });
  if (design === "rdd") {
    const running = requiredString(context.values, "running", "margin");
    const cutoff = finiteNumber(context, "cutoff", "0");
    const bandwidth = numberOption(context.values, "bandwidth", { rule: "positive", example: "17.754" });
    const vce = stringOption(context.values, "vce") ?? "hc1";
    if (vce !== "hc1" && vce !== "nn") throw new GoodputError("BAD_USAGE", `--vce "${vce}" is not hc1 or nn.`, { where: "--vce" });
    const covariates = stringList(context.values, "covariate");
    const table = await readCausalTable(path, { numeric: [{ column: running, flag: "--running" }, { column: outcome, flag: "--outcome" }, ...covariates.map((column) => ({ column, flag: "--covariate" }))], labels: [] });
    const column = (name: string): Float64Array => table.numbers.get(name) ?? new Float64Array(0);
    const result = estimateRdd(column(running), column(outcome), { cutoff, vce, ...(bandwidth === undefined ? {} : { bandwidth }), covariates: Object.fromEntries(covariates.map((name) => [name, column(name)])) });
    const decision = rddDecision(result, outcome, designDirection(context, outcome));
    return { json: { ...result, decision }, text: formatRddReadout(result) + formatDesignDecision(decision) };
  }
  const unit = requiredString(context.values, "unit", "regionname");
  const time = requiredString(context.values, "time", "year");
  const treatedUnit = requiredString(context.values, "treated-unit", '"Basque Country (Pais Vasco)"');
  const treatmentStart = finiteNumber(context, "treatment-start", "1970");
  const range = /^\s*(-?\d+(?:\.\d+)?)\s*[-:]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(requiredString(context.values, "pre-period", "1960-1969"));
  if (range === null) throw new GoodputError("BAD_USAGE", `--pre-period "${stringOption(context.values, "pre-period") ?? ""}" is not a range FIRST-LAST; for example --pre-period 1960-1969.`, { where: "--pre-period" });
  const prePeriod = [Number(range[1]), Number(range[2])] as const;
  const predictors = stringList(context.values, "predictor");
  const table = await readCausalTable(path, { numeric: [{ column: time, flag: "--time" }, { column: outcome, flag: "--outcome" }, ...predictors.map((column) => ({ column, flag: "--predictor" }))], labels: [{ column: unit, flag: "--unit" }] });
  const column = (name: string): Float64Array => table.numbers.get(name) ?? new Float64Array(0);
  const result = estimateSyntheticControl(
    { unit: table.labels.get(unit) ?? [], time: column(time), outcome: column(outcome), predictors: Object.fromEntries(predictors.map((name) => [name, column(name)])) },
    { treatedUnit, treatmentStart, prePeriod, excludeUnits: stringList(context.values, "exclude-unit"), outcomeName: outcome },
  );
  const decision = syntheticControlDecision(result, outcome, designDirection(context, outcome));
  return { json: { ...result, decision }, text: formatSyntheticControlReadout(result) + formatDesignDecision(decision) };
}

/** `goodput readout FILE`: the causal decision readout of an experiment log or table (docs/design.md §7). */
export const readoutCommand: CommandSpec = {
  name: "readout",
  summary: "Causal decision readout of an experiment: design, estimates with SE/CI, robust cost readouts, checks, decision",
  description:
    "Reads a canonical request log or any CSV / Parquet / JSONL table (through DuckDB), picks the design from the assignment\n" +
    "story and the columns (docs/design.md §7.2), lints bad controls (§7.3), estimates every outcome with its assumptions — Welch,\n" +
    "OLS HC0–HC3, CR2/CR1 by cluster, switchback Horvitz–Thompson, and robust cost readouts beside the raw mean (winsorized,\n" +
    "Yuen trimmed, QTE p50–p99 with a unit bootstrap, log effect, randomization inference over the actual units, CUPED) —\n" +
    "runs the checks that change the decision (§7.5) and states the decision (§7.7) from one rule table\n" +
    "(src/readout/decision-table.ts) that every design, quasi-experiments and OPE included, feeds. Stored in the lab store.\n" +
    "Defaults fit the canonical log: --treatment arm --control A, outcomes ttft_s e2e_s cost_usd, --unit assignment_unit, --block time_block.\n" +
    "Quasi-experiments: --design rdd (--running --cutoff [--bandwidth] [--covariate …]: local linear, triangular kernel, CCT MSE-optimal h,\n" +
    "sensitivity 0.5h–2h, McCrary density test, covariate continuity) and --design synthetic-control (--unit --time --treated-unit\n" +
    "--treatment-start --pre-period A-B [--predictor …] [--exclude-unit …]: simplex donor weights, predictor weights V, RMSPE, placebos).",
  positionals: "FILE",
  options: {
    outcome: { type: "string", valueName: "COL", multiple: true, description: "Outcome column (repeatable; the first is the primary)" },
    treatment: { type: "string", valueName: "COL", description: "Treatment / arm column (default arm)" },
    control: { type: "string", valueName: "VALUE", description: 'Control value of the treatment column (default "A", "0" or "false")' },
    unit: { type: "string", valueName: "COL", description: "Assignment-unit column (default assignment_unit when present); each unit must sit in one arm" },
    cluster: { type: "string", valueName: "COL", description: "Cluster column for CR2 (Bell–McCaffrey df) and CR1 SEs; when every cluster sits in one arm it is also the assignment unit (cluster RCT), else treatment varies within clusters (users, sessions, schools)" },
    intended: { type: "string", valueName: "COL", description: "Intended (assigned) arm when --treatment is the executed action: estimates are ITT by this arm, LATE by IV (auto-detected for columns named intended / assigned)" },
    block: { type: "string", valueName: "COL", description: "Time-block column for switchbacks (default time_block when present)" },
    covariate: { type: "string", valueName: "COL", multiple: true, description: "Pre-decision covariate to adjust for (repeatable; linted for bad controls)" },
    "pre-period": { type: "string", valueName: "COL|A-B", description: "Pre-period usage column for CUPED; for synthetic-control the pre-period range, e.g. 1960-1969" },
    running: { type: "string", valueName: "COL", description: "rdd: running variable column" },
    cutoff: { type: "string", valueName: "C", description: "rdd: threshold of the running variable (treated at or above)" },
    bandwidth: { type: "string", valueName: "H", description: "rdd: bandwidth (default: MSE-optimal, Calonico–Cattaneo–Titiunik)" },
    vce: { type: "string", valueName: "hc1|nn", description: "rdd: residuals for the robust SE (default hc1)" },
    time: { type: "string", valueName: "COL", description: "synthetic-control: period column" },
    "treated-unit": { type: "string", valueName: "NAME", description: "synthetic-control: the treated unit's value of --unit" },
    "treatment-start": { type: "string", valueName: "T", description: "synthetic-control: first treated period" },
    predictor: { type: "string", valueName: "COL", multiple: true, description: "synthetic-control: predictor averaged over the pre-period (repeatable; the outcome's pre-period mean is always one)" },
    "exclude-unit": { type: "string", valueName: "NAME", multiple: true, description: "synthetic-control: unit left out of the donor pool (repeatable)" },
    segment: { type: "string", valueName: "COL", description: "Pre-specified segment column (Holm and BH control)" },
    design: { type: "string", valueName: "KIND", description: "auto | request | user | cluster | switchback | observational | rdd | synthetic-control | iv | did | ope (default auto)" },
    reward: { type: "string", valueName: "COL", description: "ope: the reward column (e.g. ttft_s with --reward-sign=-1, or slo_met)" },
    direction: { type: "string", valueName: "higher|lower", description: "iv / did / rdd / synthetic-control: which way the outcome is better (default: from its name — latency, cost, errors lower; success, retention, revenue higher; a name like y says nothing, and a significant move then holds)" },
    "reward-sign": { type: "string", valueName: "±1", description: "ope: 1 if higher is better, -1 to negate a cost or latency (write --reward-sign=-1)" },
    "target-policy": { type: "string", valueName: "NAME", description: "ope: uniform | logged-greedy | prefix-affine | replica-N — the policy to evaluate from the log" },
    "target-file": { type: "string", valueName: "FILE", description: 'ope: target policy as YAML/JSON: {probabilities: {ACTION: p}} or {by: COLUMN, rules: {VALUE: {ACTION: p}}, default: {…}}; any action labels' },
    "target-column": { type: "string", valueName: "COL", description: 'ope: column with each row\'s target probabilities as JSON ([p0, p1, …] or {"ACTION": p})' },
    clip: { type: "string", valueName: "M", description: "ope: cap importance weights at M (IPS, SNIPS, DR)" },
    instrument: { type: "string", valueName: "COL", description: "iv: the instrument (e.g. the assigned arm; --treatment is the executed action)" },
    estimand: { type: "string", valueName: "ate|att", description: "observational: average effect over everyone (ate, default) or on the treated (att)" },
    trim: { type: "string", valueName: "A", description: "observational: drop rows with estimated propensity outside [A, 1 − A] and refit (default 0.01; 0 keeps all; dropped rows are reported)" },
    folds: { type: "string", valueName: "K", description: "observational: cross-fitting folds for double ML (default 5; assignment seeded by --seed)" },
    "event-window": { type: "string", valueName: "A:B", description: "did: event-study window relative to adoption, written --event-window=-4:4 (endpoints binned)" },
    "assignment-story": { type: "string", valueName: "TEXT", description: 'How assignment happened, e.g. "router chosen per request by coin flip"' },
    sampled: { type: "string", valueName: "RATE", description: "The table is a uniform random sample of the log at RATE (0–1]: request-id gaps are then expected, not a completed-only extract" },
    "treatment-share": { type: "string", valueName: "P", description: "Designed treated share for the SRM test (default 0.5 for request logs, untested otherwise)" },
    "min-effect": { type: "string", valueName: "X", description: "Smallest primary effect worth shipping, in outcome units (overrides the rule's primary.minEffect)" },
    "decision-rule": { type: "string", valueName: "FILE", description: "Pre-registered decision rule (YAML/JSON): primary outcome and direction, minEffect, alpha, guardrails, rollback triggers (see examples/decision-rule.yaml)" },
    ratio: { type: "string", valueName: "NUM/DEN", multiple: true, description: "Ratio metric Σnum/Σden by the delta method, clustered by the assignment unit (repeatable; canonical logs get cost per successful request and cache hit rate)" },
    "value-per-unit": { type: "string", valueName: "X", description: "Money per unit of improvement of the primary outcome per row: segment net value = X × lift − incremental cost" },
    cost: { type: "string", valueName: "COL", description: "Per-row cost column for the segment net value (default cost_usd)" },
    "aggregate-above": { type: "string", valueName: "ROWS", description: `From this many rows, the cluster bootstrap of quantile effects runs on DuckDB per-unit aggregates (default ${defaultAggregateAboveRows})` },
    experiment: { type: "string", valueName: "NAME", description: "Experiment name the stored readout belongs to" },
    seed: { type: "string", valueName: "S", description: "Seed for bootstrap, permutations and double-ML folds (default 1)" },
    bootstrap: { type: "string", valueName: "B", description: "Bootstrap replicates for quantile effects (default 1000)" },
    permutations: { type: "string", valueName: "P", description: "Re-randomizations for randomization inference (default 2000)" },
  },
  examples: [
    "goodput readout test/fixtures/stats/lalonde-nsw.csv --outcome re78 --treatment treat --covariate age --covariate educ",
    "goodput readout runs/ab/requests.parquet --assignment-story \"prefix-hash router vs round-robin, coin flip per request\"",
    "goodput readout runs/switchback/requests.parquet --design switchback --outcome ttft_s --json",
    "goodput readout test/fixtures/casebook/star-classes.csv --outcome score --treatment small --cluster school",
    "goodput readout test/fixtures/causal/cigarettes-1995.csv --design iv --outcome log_packs --treatment log_rprice --instrument salestax --json",
    "goodput readout test/fixtures/causal/did-panel.csv --design did --outcome y --unit unit --time time --treatment treated --event-window=-4:4",
    "goodput readout runs/random/requests.jsonl --design ope --reward ttft_s --reward-sign=-1 --target-policy prefix-affine",
    "goodput readout test/fixtures/causal/senate.csv --design rdd --running margin --cutoff 0 --outcome vote --covariate population",
    "goodput readout test/fixtures/causal/basque.csv --design synthetic-control --unit regionname --time year --outcome gdpcap --treated-unit \"Basque Country (Pais Vasco)\" --treatment-start 1970 --pre-period 1960-1969 --predictor invest --exclude-unit \"Spain (Espana)\"",
  ],
  async run(context) {
    const file = context.positionals[0];
    if (file === undefined || context.positionals.length > 1) throw new GoodputError("BAD_USAGE", "readout takes one FILE (CSV, Parquet or JSONL); for example goodput readout runs/ab/requests.parquet.", { where: "FILE" });
    for (const note of tableReadNotes(resolve(context.cwd, file))) context.io.stderr(`note: ${note}\n`);
    const result = await runDesign(context, file);
    // Every design's readout is kept in the lab store, so `goodput report ID` and `goodput ui` can show it later.
    const createdAt = new Date().toISOString();
    const id = `readout-${basename(file)}-${createdAt}`;
    const store = await LabStore.open(labHome(context.cwd, context.env));
    try {
      await store.saveReadout(id, stringOption(context.values, "experiment") ?? null, createdAt, JSON.stringify(result.json));
    } finally {
      store.close();
    }
    // Single-quoted for the shell: a file name may hold $, backticks or quotes, and the line is meant to be copied.
    context.io.stderr(`readout stored as ${id} (goodput report '${id.replace(/'/g, "'\\''")}' renders it)\n`);
    return result;
  },
};

/** Flags each quasi-experimental design needs before the story alone may route to it. */
const quasiFlags: Readonly<Record<NonNullable<ReturnType<typeof storyDesign>>["design"], readonly string[]>> = {
  rdd: ["running", "cutoff"],
  did: ["unit", "time"],
  ope: ["reward"],
  "synthetic-control": ["treated-unit", "time", "treatment-start"],
};

/**
 * --design auto with an assignment story of a threshold, a staged rollout, router logs or one changed unit runs that design
 * when its flags are given; otherwise the experiment readout refuses the arm comparison and names the command to run.
 */
function autoDesign(context: CommandContext, design: string): string {
  if (design !== "auto") return design;
  const quasi = storyDesign(stringOption(context.values, "assignment-story") ?? null);
  if (quasi === null) return design;
  return quasiFlags[quasi.design].every((flag) => stringOption(context.values, flag) !== undefined) ? quasi.design : design;
}

/** Reads FILE and runs the readout of the requested design (the experimental designs, or a quasi-experiment / OPE / observational). */
async function runDesign(context: CommandContext, file: string): Promise<CommandResult> {
  const design = autoDesign(context, stringOption(context.values, "design") ?? "auto");
  const path = resolve(context.cwd, file);
  const quasi = quasiExperiments.find((kind) => kind === design);
  if (quasi !== undefined) return runQuasiExperiment(context, quasi, path);
  if (design === "iv") return runIvReadout(context, path);
  if (design === "did") return runDidReadout(context, path);
  if (design === "ope") return runOpeReadout(context, path);
  if (design === "observational") return runObservationalReadout(context, path);
  if (stringOption(context.values, "direction") !== undefined) throw new GoodputError("BAD_USAGE", `--direction applies to --design iv, did, rdd and synthetic-control; for an experiment readout (--design ${design}) state the primary's direction in --decision-rule (primary.direction).`, { where: "--direction" });
  if (!designs.includes(design as DesignKind)) throw new GoodputError("BAD_USAGE", `--design "${design}" is not one of ${[...designs, ...quasiExperiments, "iv", "did", "ope"].join(", ")}.`, { where: "--design" });
  const optional = (name: string): Record<string, string> => {
    const value = stringOption(context.values, name);
    return value === undefined ? {} : { [name === "pre-period" ? "prePeriod" : name]: value };
  };
  const rulePath = stringOption(context.values, "decision-rule");
  const rule = rulePath === undefined ? null : parseDecisionRule(readStructuredFile(resolve(context.cwd, rulePath)), rulePath);
  const outcomeFlags = stringList(context.values, "outcome");
  const sampled = numberOption(context.values, "sampled", { rule: "probability", example: "0.2" });
  if (sampled === 0) throw new GoodputError("BAD_USAGE", "--sampled 0 keeps no rows; give the sampling rate in (0, 1], e.g. --sampled 0.2.", { where: "--sampled" });
  const ruleOnly = rule === null ? [] : ruleOutcomeColumns(rule).filter((column) => !outcomeFlags.includes(column));
  // A column the decision rule names (not a flag) that the table lacks is the rule file's mistake: say so.
  const table = await readReadoutTable(path, {
    outcomes: rule === null ? outcomeFlags : [...new Set([...ruleOutcomeColumns(rule), ...outcomeFlags])],
    ratios: stringList(context.values, "ratio"),
    ...optional("cost"),
    covariates: stringList(context.values, "covariate"),
    ...(sampled === undefined ? {} : { sampled }),
    ...optional("treatment"), ...optional("intended"), ...optional("control"), ...optional("unit"), ...optional("cluster"), ...optional("block"), ...optional("pre-period"), ...optional("segment"),
  }).catch((error: unknown) => {
    const missing = error instanceof GoodputError ? /^missing column (.+)$/.exec(error.issues[0] ?? "")?.[1] : undefined;
    if (missing !== undefined && ruleOnly.includes(missing) && rulePath !== undefined) {
      throw new GoodputError("BAD_INPUT", `${rulePath}: the decision rule names column "${missing}", which ${path} does not have; fix the rule's outcome (primary, guardrails or rollback triggers) or the table.`, { where: `${rulePath}: ${missing}` });
    }
    throw error;
  });
  const story = stringOption(context.values, "assignment-story") ?? null;
  const seed = numberOr(context.values, "seed", 1, { rule: "nonnegative", example: "1" });
  const bootstrap = numberOr(context.values, "bootstrap", 1000, { rule: "positive-int", example: "1000" });
  const aggregateAboveRows = numberOr(context.values, "aggregate-above", defaultAggregateAboveRows, { rule: "positive-int", example: "1000000" });
  const aggregatedQte = await heavyReadoutsInDuckDb(path, table, selectDesign(table, { requested: design as DesignKind | "auto", story }), { seed, bootstrap, aggregateAboveRows });
  // n of N with an ETA on a terminal for the bootstrap (one line per outcome); nothing in logs or pipes.
  let progress: { readonly what: string; readonly reporter: ReturnType<typeof createProgress> } | null = null;
  const onProgress = (what: string, done: number, total: number): void => {
    if (progress?.what !== what) {
      progress?.reporter.finish();
      progress = { what, reporter: createProgress({ label: what, total, isTty: context.io.stderrIsTty === true, write: context.io.stderr, nowMs: () => performance.now() }) };
    }
    progress.reporter.update(done);
  };
  const readout = buildReadout({ ...table, file }, {
    design: design as DesignKind | "auto",
    story,
    seed,
    bootstrap,
    aggregatedQte,
    onProgress,
    permutations: numberOr(context.values, "permutations", 2000, { rule: "positive-int", example: "2000" }),
    treatmentShare: numberOption(context.values, "treatment-share", { rule: "probability", example: "0.5" }) ?? null,
    minEffect: numberOption(context.values, "min-effect", { rule: "nonnegative", example: "0.01" }) ?? null,
    rule,
    valuePerUnit: numberOption(context.values, "value-per-unit", { rule: "nonnegative", example: "0.002" }) ?? null,
  });
  (progress as { readonly reporter: ReturnType<typeof createProgress> } | null)?.reporter.finish();
  return { json: readout, text: formatReadout(readout) };
}
