import { createHash } from "node:crypto";
import { redactUrl } from "../../io/redact-url.js";
import { join } from "node:path";
import { cellRequests, cellScenario } from "../../experiment/cell-scenario.js";
import { costMatrixRow, withStationarity, type CostMatrixRow } from "../../experiment/cost-matrix.js";
import { decideExperiment } from "../../experiment/decide.js";
import type { EvidenceKey } from "../../experiment/evidence-key.js";
import type { ExperimentConfig } from "../../experiment/experiment-schema.js";
import { runFolderName } from "../../experiment/folder-name.js";
import { withReplicates } from "../../experiment/replicates.js";
import { selectMatrix } from "../../experiment/select-matrix.js";
import { judgeStationarity, partialCycleWarning, stationarityWindowSeconds } from "../../experiment/stationarity.js";
import { GoodputError } from "../../errors.js";
import { labHome } from "../../store/calibration-store.js";
import { LabStore, type StoredRun } from "../../store/lab-store.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { resolveCatalog } from "../deployment-options.js";
import { formatDecision, formatMatrix, formatMatrixEvidence } from "../format-matrix.js";
import { listExperimentFiles, loadExperiment } from "../load-experiment.js";
import { validateScenario } from "../load-scenario.js";
import { numberOption, requiredString, stringOption } from "../parse-values.js";
import { readBacklog } from "../read-backlog.js";
import { runCellOnTarget } from "../run-cell-on-target.js";
import { runScenario } from "../run-scenario.js";
import { toolVersion } from "../tool-version.js";


const listCommand: CommandSpec = {
  name: "list",
  summary: "Experiments that can be run (experiments/*.yaml) and what the store holds for each",
  async run(context) {
    const files = listExperimentFiles(context.cwd);
    const store = await LabStore.open(labHome(context.cwd, context.env));
    try {
      const stored = new Map((await store.listExperiments()).map((entry) => [entry.name, entry]));
      const rows = files.map((entry) => ({ name: entry.name, file: entry.file, runs: stored.get(entry.name)?.runs ?? 0, lastRunAt: stored.get(entry.name)?.lastRunAt ?? null, decisions: stored.get(entry.name)?.decisions ?? 0 }));
      const text = rows.map((row) => `${row.name.padEnd(20)} ${String(row.runs).padStart(4)} runs  ${String(row.decisions).padStart(3)} decisions  ${row.lastRunAt ?? "never run"}  ${row.file}`).join("\n") + "\n";
      return { json: rows, text };
    } finally {
      store.close();
    }
  },
};

/** The experiment as this invocation runs it (command-line overrides applied): what the config hash covers. */
function _effectiveConfig(config: ExperimentConfig, overrides: { readonly target: string; readonly seed: number; readonly requests: number; readonly replicates: number }): ExperimentConfig {
  return { ...config, ...overrides };
}

const configHash = (config: ExperimentConfig): string => createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 16);

interface CellPlan {
  readonly testCase: ExperimentConfig["cases"][number];
  readonly profile: ExperimentConfig["profiles"][number];
}

interface RunPlan {
  readonly config: ExperimentConfig;
  /** Where requests go: "sim" or the URL as given (with any credentials; key.target is the redacted form that is printed and stored). */
  readonly target: string;
  readonly file: string;
  readonly cells: readonly CellPlan[];
  readonly key: EvidenceKey;
  readonly runSet: string;
  readonly startedAt: string;
  readonly requestsOverride: number | undefined;
  readonly timeScale: number | undefined;
}

/** Runs one cell on one seed and returns its row and what the store keeps of it. */
async function _runCell(context: CommandContext, plan: RunPlan, cellPlan: CellPlan & { readonly seed: number; readonly runId: string }, interrupt: { interrupted: boolean }): Promise<{ row: CostMatrixRow; save: Omit<StoredRun, "row"> }> {
  const { config, file, key, startedAt } = plan;
  const { testCase, profile, seed, runId } = cellPlan;
  const home = labHome(context.cwd, context.env);
  const outDir = join(home, "runs", runId);
  if (key.target !== "sim" && testCase.durationSeconds !== undefined) {
    throw new GoodputError("BAD_USAGE", `case ${testCase.name}: durationSeconds runs on the simulator only for now; give the case requests for a live --target.`, { where: `cases.${testCase.name}.durationSeconds` });
  }
  const requests = cellRequests(config, testCase, profile, { override: plan.requestsOverride, seed });
  const cell = { runId, experiment: config.name, case: testCase.name, profile: profile.name, target: key.target, seed, requests, toolVersion, startedAt };
  if (key.target === "sim") {
    const scenario = cellScenario(config, testCase, profile, { seed, requests });
    const loaded = validateScenario(scenario, { where: `${file} (case ${testCase.name}, profile ${profile.name})`, baseDir: context.cwd, catalog: resolveCatalog(context), labHomeDir: home });
    const result = await runScenario(loaded, { seed, requests, outDir, nowMs: () => performance.now(), interrupt, runId });
    const backlog = readBacklog(outDir);
    const stationarity = judgeStationarity(backlog.samples, { endSeconds: backlog.lastArrivalSeconds, windowSeconds: stationarityWindowSeconds(testCase.workload, backlog.lastArrivalSeconds) });
    const row = withStationarity(costMatrixRow(config, { case: testCase.name, profile: profile.name, runId }, result.summary), stationarity, partialCycleWarning(testCase.workload, backlog.lastArrivalSeconds));
    return { row, save: { ...cell, configJson: JSON.stringify(scenario), summaryJson: JSON.stringify(result.summary), wallSeconds: result.summary.wallSeconds, logPath: join(outDir, "requests.jsonl") } };
  }
  const started = performance.now();
  const result = await runCellOnTarget({ experiment: config, testCase, profile, target: plan.target, requests, seed, runId, outDir, env: context.env, interrupt, timeScale: plan.timeScale });
  return { row: result.row, save: { ...cell, configJson: JSON.stringify(result.loadConfig), summaryJson: JSON.stringify(result.run.summary), wallSeconds: (performance.now() - started) / 1000, logPath: result.logPath } };
}

/**
 * Runs the planned cells in order, each on `replicates` seeds, storing every run as it finishes
 * (finished work is never lost); the first seed's row carries the replicates' intervals.
 */
async function _runCells(context: CommandContext, plan: RunPlan, store: LabStore, interrupt: { interrupted: boolean }): Promise<CostMatrixRow[]> {
  const { config, key, runSet, startedAt } = plan;
  const rows: CostMatrixRow[] = [];
  for (const { testCase, profile } of plan.cells) {
    const seeds = Array.from({ length: config.replicates }, (_, index) => key.seed + index);
    const primaryId = runFolderName([config.name, testCase.name, profile.name], startedAt);
    const runs: { row: CostMatrixRow; save: Omit<StoredRun, "row"> }[] = [];
    for (const [index, seed] of seeds.entries()) {
      const runId = index === 0 ? primaryId : runFolderName([config.name, testCase.name, profile.name, `seed ${seed}`], startedAt);
      const run = await _runCell(context, plan, { testCase, profile, seed, runId }, interrupt);
      runs.push(run);
      if (index > 0) {
        await store.saveRun({ ...run.save, row: { ...run.row, replicateOf: primaryId } });
        await store.tagRun(runId, runSet, key);
      }
      if (interrupt.interrupted) break;
    }
    const [primary] = runs;
    if (!primary) break;
    const row = seeds.length > 1 ? withReplicates(primary.row, runs.map((run) => run.row), { seeds: seeds.slice(0, runs.length), slo: config.slo }) : primary.row;
    rows.push(row);
    await store.saveRun({ ...primary.save, row });
    await store.tagRun(primaryId, runSet, key);
    if (interrupt.interrupted) break;
  }
  return rows;
}

const runCommand: CommandSpec = {
  name: "run",
  summary: "Run an experiment's cases × profiles (or one cell) and store runs, logs and the decision record",
  options: {
    experiment: { type: "string", valueName: "NAME|FILE", description: "Experiment name (experiments/NAME.yaml) or path" },
    case: { type: "string", valueName: "C", description: "Run only this case" },
    profile: { type: "string", valueName: "P", description: "Run only this profile" },
    target: { type: "string", valueName: "sim|URL", description: "Where to run: the embedded simulator (default) or an OpenAI-compatible URL" },
    requests: { type: "string", valueName: "N", description: "Requests per cell (overrides the experiment, its cases and profiles)" },
    seed: { type: "string", valueName: "S", description: "Seed (overrides the experiment)" },
    replicates: { type: "string", valueName: "N", description: "Runs per cell on seeds S, S+1, …: each percentile gets a 95 % CI across seeds and a gate passes only if its CI does" },
    "target-time-scale": {
      type: "string",
      valueName: "X",
      description: "Simulated seconds per wall-clock second of the target (goodput serve --time-scale): arrivals are sent X× faster and latencies scaled back by X before the SLO is judged. Required for a goodput serve target",
    },
  },
  examples: ["goodput experiment run --experiment cost", "goodput experiment run --experiment cost --case steady-cost-efficiency --profile optimized-batched --json"],
  async run(context) {
    const { config: fileConfig, file } = loadExperiment(requiredString(context.values, "experiment", "cost"), context.cwd);
    const target = stringOption(context.values, "target") ?? fileConfig.target;
    // Printed and stored without credentials (user:password@, ?api_key=): issue #18 item 4.
    const shownTarget = target === "sim" ? target : redactUrl(target);
    const caseName = stringOption(context.values, "case");
    const profileName = stringOption(context.values, "profile");
    const cases = fileConfig.cases.filter((entry) => caseName === undefined || entry.name === caseName);
    const profiles = fileConfig.profiles.filter((entry) => profileName === undefined || entry.name === profileName);
    if (cases.length === 0) throw new GoodputError("BAD_USAGE", `Unknown case "${caseName ?? ""}" (known: ${fileConfig.cases.map((entry) => entry.name).join(", ")}).`, { where: "--case" });
    if (profiles.length === 0) throw new GoodputError("BAD_USAGE", `Unknown profile "${profileName ?? ""}" (known: ${fileConfig.profiles.map((entry) => entry.name).join(", ")}).`, { where: "--profile" });
    if (target !== "sim" && profiles.length > 1) {
      throw new GoodputError("BAD_USAGE", `--target ${shownTarget}: a live endpoint runs one serving configuration; pass --profile with the profile it is configured as (known: ${profiles.map((entry) => entry.name).join(", ")}).`, { where: "--profile" });
    }
    const seed = numberOption(context.values, "seed", { rule: "nonnegative", example: "7" }) ?? fileConfig.seed;
    const requestsOverride = numberOption(context.values, "requests", { rule: "positive-int", example: "2000" });
    const timeScale = numberOption(context.values, "target-time-scale", { rule: "positive", example: "1" });
    if (timeScale !== undefined && target === "sim") throw new GoodputError("BAD_USAGE", "--target-time-scale applies to a live --target URL only; the embedded simulator keeps simulated time itself.", { where: "--target-time-scale" });
    const replicates = numberOption(context.values, "replicates", { rule: "positive-int", example: "3" }) ?? fileConfig.replicates;
    const config = _effectiveConfig(fileConfig, { target: shownTarget, seed, requests: requestsOverride ?? fileConfig.requests, replicates });
    const key: EvidenceKey = { target: shownTarget, requests: config.requests, seed, configHash: configHash(config), toolVersion };
    const store = await LabStore.open(labHome(context.cwd, context.env));
    const interrupt = { interrupted: false };
    const onSigint = (): void => {
      interrupt.interrupted = true;
    };
    process.once("SIGINT", onSigint);
    try {
      const startedAt = new Date().toISOString();
      const runSet = runFolderName([config.name], startedAt);
      await store.saveExperiment(config.name, file, JSON.stringify({ ...fileConfig, target: fileConfig.target === "sim" ? "sim" : redactUrl(fileConfig.target) }), startedAt);
      await store.startRunSet(runSet, config.name, startedAt, key);
      const cells = cases.flatMap((testCase) => profiles.map((profile) => ({ testCase, profile })));
      const rows = await _runCells(context, { config, target, file, cells, key, runSet, startedAt, requestsOverride, timeScale }, store, interrupt);
      await store.finishRunSet(runSet, interrupt.interrupted ? "interrupted" : "complete");
      const matrix = selectMatrix(await store.storedCells(config.name), { evidenceKey: key });
      const complete = config.cases.every((testCase) => config.profiles.every((profile) => matrix.rows.some((row) => row.case === testCase.name && row.profile === profile.name)));
      const record = complete && matrix.allComplete && !interrupt.interrupted ? decideExperiment(config, matrix.rows, key) : null;
      if (record) await store.saveDecision(`${config.name}-${startedAt}`, record, startedAt);
      const text = [
        `${config.name}: ${rows.length} cell(s) run on ${target === "sim" ? "the embedded simulator" : shownTarget} (${requestsOverride === undefined ? "requests per cell as configured" : `${requestsOverride} requests each`}, seed ${seed})${interrupt.interrupted ? " — INTERRUPTED" : ""}`,
        "",
        formatMatrix(rows, config.evidenceBoundary),
        record ? formatDecision(record) : `Decision: not recorded (${complete ? "the matrix holds cells of an unfinished run" : "run the whole matrix with one evidence key to record one"}).\n`,
      ].join("\n");
      return { json: rows, text, reportInput: { experiment: config.name, rows, decision: record, evidenceBoundary: config.evidenceBoundary } };
    } finally {
      process.removeListener("SIGINT", onSigint);
      store.close();
    }
  },
};

const showCommand: CommandSpec = {
  name: "show",
  summary: "Show an experiment's stored cost matrix and decision without re-running (--json: one object per cell)",
  positionals: "NAME",
  async run(context) {
    const name = context.positionals[0];
    if (name === undefined) throw new GoodputError("BAD_USAGE", "Missing experiment name: goodput experiment show NAME (e.g. cost).");
    const store = await LabStore.open(labHome(context.cwd, context.env));
    try {
      const record = await store.latestDecision(name);
      // The matrix of the latest decision's evidence (so matrix and decision agree), else of the newest cell.
      const matrix = selectMatrix(await store.storedCells(name), record?.evidenceKey === undefined ? {} : { evidenceKey: record.evidenceKey });
      const { rows } = matrix;
      if (rows.length === 0) throw new GoodputError("BAD_USAGE", `No stored runs for experiment "${name}"; run 'goodput experiment run --experiment ${name}' first.`);
      const storedConfig = await store.experimentConfigJson(name);
      const evidenceBoundary = storedConfig === null ? "not recorded" : (JSON.parse(storedConfig) as ExperimentConfig).evidenceBoundary;
      const text = [formatMatrix(rows, evidenceBoundary), formatMatrixEvidence(matrix), record ? formatDecision(record) : "Decision: none recorded yet.\n"].join("\n");
      return { json: rows, text, reportInput: { experiment: name, rows, decision: record, evidenceBoundary } };
    } finally {
      store.close();
    }
  },
};

const decisionCommand: CommandSpec = {
  name: "decision",
  summary: "Show the latest decision record of an experiment",
  positionals: "NAME",
  async run(context) {
    const name = context.positionals[0];
    if (name === undefined) throw new GoodputError("BAD_USAGE", "Missing experiment name: goodput experiment decision NAME (e.g. cost).");
    const store = await LabStore.open(labHome(context.cwd, context.env));
    try {
      const record = await store.latestDecision(name);
      if (!record) throw new GoodputError("BAD_USAGE", `No decision recorded for "${name}"; run the whole matrix with 'goodput experiment run --experiment ${name}'.`);
      return { json: record, text: formatDecision(record) };
    } finally {
      store.close();
    }
  },
};

/** `goodput experiment`: cases × profiles, the useful-work cost matrix and decision records (docs/design.md §5). */
export const experimentCommand: CommandSpec = {
  name: "experiment",
  summary: "Experiments: cases × profiles, the useful-work cost matrix, decision records",
  subcommands: [listCommand, runCommand, showCommand, decisionCommand],
};
