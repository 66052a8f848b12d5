import { readFileSync } from "node:fs";
import { redactUrl } from "../../io/redact-url.js";
import { join } from "node:path";
import { cellScenario } from "../../experiment/cell-scenario.js";
import { costMatrixRow } from "../../experiment/cost-matrix.js";
import { decideExperiment } from "../../experiment/decide.js";
import type { ExperimentConfig } from "../../experiment/experiment-schema.js";
import { GoodputError } from "../../errors.js";
import { labHome } from "../../store/calibration-store.js";
import { LabStore } from "../../store/lab-store.js";
import type { CommandSpec } from "../command.js";
import { resolveCatalog } from "../deployment-options.js";
import { formatDecision, formatMatrix } from "../format-matrix.js";
import { listExperimentFiles, loadExperiment } from "../load-experiment.js";
import { validateScenario } from "../load-scenario.js";
import { numberOption, requiredString, stringOption } from "../parse-values.js";
import { runCellOnTarget } from "../run-cell-on-target.js";
import { runScenario } from "../run-scenario.js";

const toolVersion = (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;

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

const runCommand: CommandSpec = {
  name: "run",
  summary: "Run an experiment's cases × profiles (or one cell) and store runs, logs and the decision record",
  options: {
    experiment: { type: "string", valueName: "NAME|FILE", description: "Experiment name (experiments/NAME.yaml) or path" },
    case: { type: "string", valueName: "C", description: "Run only this case" },
    profile: { type: "string", valueName: "P", description: "Run only this profile" },
    target: { type: "string", valueName: "sim|URL", description: "Where to run: the embedded simulator (default) or an OpenAI-compatible URL" },
    requests: { type: "string", valueName: "N", description: "Requests per cell (overrides the experiment)" },
    seed: { type: "string", valueName: "S", description: "Seed (overrides the experiment)" },
  },
  examples: ["goodput experiment run --experiment cost", "goodput experiment run --experiment cost --case steady-cost-efficiency --profile optimized-batched --json"],
  async run(context) {
    const { config, file } = loadExperiment(requiredString(context.values, "experiment", "cost"), context.cwd);
    const target = stringOption(context.values, "target") ?? config.target;
    // Printed and stored without credentials (user:password@, ?api_key=): issue #18 item 4.
    const shownTarget = target === "sim" ? target : redactUrl(target);
    const caseName = stringOption(context.values, "case");
    const profileName = stringOption(context.values, "profile");
    const cases = config.cases.filter((entry) => caseName === undefined || entry.name === caseName);
    const profiles = config.profiles.filter((entry) => profileName === undefined || entry.name === profileName);
    if (cases.length === 0) throw new GoodputError("BAD_USAGE", `Unknown case "${caseName ?? ""}" (known: ${config.cases.map((entry) => entry.name).join(", ")}).`, { where: "--case" });
    if (profiles.length === 0) throw new GoodputError("BAD_USAGE", `Unknown profile "${profileName ?? ""}" (known: ${config.profiles.map((entry) => entry.name).join(", ")}).`, { where: "--profile" });
    if (target !== "sim" && profiles.length > 1) {
      throw new GoodputError("BAD_USAGE", `--target ${shownTarget}: a live endpoint runs one serving configuration; pass --profile with the profile it is configured as (known: ${profiles.map((entry) => entry.name).join(", ")}).`, { where: "--profile" });
    }
    const seed = numberOption(context.values, "seed", { rule: "nonnegative", example: "7" }) ?? config.seed;
    const requests = numberOption(context.values, "requests", { rule: "positive-int", example: "2000" }) ?? config.requests;
    const home = labHome(context.cwd, context.env);
    const catalog = resolveCatalog(context);
    const store = await LabStore.open(home);
    const interrupt = { interrupted: false };
    const onSigint = (): void => {
      interrupt.interrupted = true;
    };
    process.once("SIGINT", onSigint);
    try {
      const startedAt = new Date().toISOString();
      await store.saveExperiment(config.name, file, JSON.stringify(config), startedAt);
      const rows = [];
      for (const testCase of cases) {
        for (const profile of profiles) {
          const runId = `${config.name}-${testCase.name}-${profile.name}-${startedAt.replace(/[-:.TZ]/g, "")}`;
          const outDir = join(home, "runs", runId);
          const cell = { runId, experiment: config.name, case: testCase.name, profile: profile.name, target: shownTarget, seed, requests, toolVersion, startedAt };
          if (target === "sim") {
            const scenario = cellScenario(config, testCase, profile, { seed, requests });
            const loaded = validateScenario(scenario, { where: `${file} (case ${testCase.name}, profile ${profile.name})`, baseDir: context.cwd, catalog, labHomeDir: home });
            const result = await runScenario(loaded, { seed, requests, outDir, nowMs: () => performance.now(), interrupt, runId });
            const row = costMatrixRow(config, { case: testCase.name, profile: profile.name, runId }, result.summary);
            rows.push(row);
            await store.saveRun({ ...cell, configJson: JSON.stringify(scenario), summaryJson: JSON.stringify(result.summary), row, wallSeconds: result.summary.wallSeconds, logPath: join(outDir, "requests.jsonl") });
          } else {
            const started = performance.now();
            const result = await runCellOnTarget({ experiment: config, testCase, profile, target, requests, seed, runId, outDir, env: context.env, interrupt });
            rows.push(result.row);
            await store.saveRun({ ...cell, configJson: JSON.stringify(result.loadConfig), summaryJson: JSON.stringify(result.run.summary), row: result.row, wallSeconds: (performance.now() - started) / 1000, logPath: result.logPath });
          }
          if (interrupt.interrupted) break;
        }
        if (interrupt.interrupted) break;
      }
      const matrix = await store.latestMatrix(config.name);
      const complete = config.cases.every((testCase) => config.profiles.every((profile) => matrix.some((row) => row.case === testCase.name && row.profile === profile.name)));
      const record = complete && !interrupt.interrupted ? decideExperiment(config, matrix) : null;
      if (record) await store.saveDecision(`${config.name}-${startedAt}`, record, startedAt);
      const text = [
        `${config.name}: ${rows.length} cell(s) run on ${target === "sim" ? "the embedded simulator" : shownTarget} (${requests} requests each, seed ${seed})${interrupt.interrupted ? " — INTERRUPTED" : ""}`,
        "",
        formatMatrix(rows, config.evidenceBoundary),
        record ? formatDecision(record) : "Decision: not recorded (run the whole matrix to record one).\n",
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
      const rows = await store.latestMatrix(name);
      if (rows.length === 0) throw new GoodputError("BAD_USAGE", `No stored runs for experiment "${name}"; run 'goodput experiment run --experiment ${name}' first.`);
      const record = await store.latestDecision(name);
      const storedConfig = await store.experimentConfigJson(name);
      const evidenceBoundary = storedConfig === null ? "not recorded" : (JSON.parse(storedConfig) as ExperimentConfig).evidenceBoundary;
      const text = [formatMatrix(rows, evidenceBoundary), record ? formatDecision(record) : "Decision: none recorded yet.\n"].join("\n");
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

/** `goodput experiment`: cases × profiles, the useful-work cost matrix and decision records (SPEC §5). */
export const experimentCommand: CommandSpec = {
  name: "experiment",
  summary: "Experiments: cases × profiles, the useful-work cost matrix, decision records",
  subcommands: [listCommand, runCommand, showCommand, decisionCommand],
};
