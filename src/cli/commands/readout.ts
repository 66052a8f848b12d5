import { basename, resolve } from "node:path";
import { GoodputError } from "../../errors.js";
import { buildReadout, formatReadout, readReadoutTable, type DesignKind } from "../../readout/index.js";
import { labHome } from "../../store/calibration-store.js";
import { LabStore } from "../../store/lab-store.js";
import type { CommandSpec } from "../command.js";
import { numberOption, numberOr, stringList, stringOption } from "../parse-values.js";

const designs: readonly (DesignKind | "auto")[] = ["auto", "request", "user", "cluster", "switchback", "observational"];

/** `goodput readout FILE`: the causal decision readout of an experiment log or table (SPEC §7). */
export const readoutCommand: CommandSpec = {
  name: "readout",
  summary: "Causal decision readout of an experiment: design, estimates with SE/CI, robust cost readouts, checks, decision",
  description:
    "Reads a canonical request log or any CSV / Parquet / JSONL table (through DuckDB), picks the design from the assignment\n" +
    "story and the columns (SPEC §7.2), lints bad controls (§7.3), estimates every outcome with its assumptions — Welch,\n" +
    "OLS HC0–HC3, CR2/CR1 by cluster, switchback Horvitz–Thompson, and robust cost readouts beside the raw mean (winsorized,\n" +
    "Yuen trimmed, QTE p50–p99 with a unit bootstrap, log effect, randomization inference over the actual units, CUPED) —\n" +
    "runs the checks that change the decision (§7.5) and states the decision (§7.7). Stored in the lab store.\n" +
    "Defaults fit the canonical log: --treatment arm --control A, outcomes ttft_s e2e_s cost_usd, --unit assignment_unit, --block time_block.",
  positionals: "FILE",
  options: {
    outcome: { type: "string", valueName: "COL", multiple: true, description: "Outcome column (repeatable; the first is the primary)" },
    treatment: { type: "string", valueName: "COL", description: "Treatment / arm column (default arm)" },
    control: { type: "string", valueName: "VALUE", description: 'Control value of the treatment column (default "A", "0" or "false")' },
    unit: { type: "string", valueName: "COL", description: "Assignment-unit column (default assignment_unit when present)" },
    cluster: { type: "string", valueName: "COL", description: "Cluster column: CR2 (reported) and CR1 SEs, cluster-level analysis" },
    block: { type: "string", valueName: "COL", description: "Time-block column for switchbacks (default time_block when present)" },
    covariate: { type: "string", valueName: "COL", multiple: true, description: "Pre-decision covariate to adjust for (repeatable; linted for bad controls)" },
    "pre-period": { type: "string", valueName: "COL", description: "Pre-period usage column for CUPED" },
    segment: { type: "string", valueName: "COL", description: "Pre-specified segment column (Holm and BH control)" },
    design: { type: "string", valueName: "KIND", description: "auto | request | user | cluster | switchback | observational (default auto)" },
    "assignment-story": { type: "string", valueName: "TEXT", description: 'How assignment happened, e.g. "router chosen per request by coin flip"' },
    "treatment-share": { type: "string", valueName: "P", description: "Designed treated share for the SRM test (default 0.5 for request logs, untested otherwise)" },
    "min-effect": { type: "string", valueName: "X", description: "Smallest primary effect worth shipping, in outcome units" },
    experiment: { type: "string", valueName: "NAME", description: "Experiment name the stored readout belongs to" },
    seed: { type: "string", valueName: "S", description: "Seed for bootstrap and permutations (default 1)" },
    bootstrap: { type: "string", valueName: "B", description: "Bootstrap replicates for quantile effects (default 1000)" },
    permutations: { type: "string", valueName: "P", description: "Re-randomizations for randomization inference (default 2000)" },
  },
  examples: [
    "goodput readout test/fixtures/stats/lalonde-nsw.csv --outcome re78 --treatment treat --covariate age --covariate educ",
    "goodput readout runs/ab/requests.parquet --assignment-story \"prefix-hash router vs round-robin, coin flip per request\"",
    "goodput readout runs/switchback/requests.parquet --design switchback --outcome ttft_s --json",
  ],
  async run(context) {
    const file = context.positionals[0];
    if (file === undefined || context.positionals.length > 1) throw new GoodputError("BAD_USAGE", "readout takes one FILE (CSV, Parquet or JSONL); for example goodput readout runs/ab/requests.parquet.", { where: "FILE" });
    const design = stringOption(context.values, "design") ?? "auto";
    if (!designs.includes(design as DesignKind)) throw new GoodputError("BAD_USAGE", `--design "${design}" is not one of ${designs.join(", ")}.`, { where: "--design" });
    const path = resolve(context.cwd, file);
    const optional = (name: string): Record<string, string> => {
      const value = stringOption(context.values, name);
      return value === undefined ? {} : { [name === "pre-period" ? "prePeriod" : name]: value };
    };
    const table = await readReadoutTable(path, {
      outcomes: stringList(context.values, "outcome"),
      covariates: stringList(context.values, "covariate"),
      ...optional("treatment"), ...optional("control"), ...optional("unit"), ...optional("cluster"), ...optional("block"), ...optional("pre-period"), ...optional("segment"),
    });
    const readout = buildReadout({ ...table, file }, {
      design: design as DesignKind | "auto",
      story: stringOption(context.values, "assignment-story") ?? null,
      seed: numberOr(context.values, "seed", 1, { rule: "nonnegative", example: "1" }),
      bootstrap: numberOr(context.values, "bootstrap", 1000, { rule: "positive-int", example: "1000" }),
      permutations: numberOr(context.values, "permutations", 2000, { rule: "positive-int", example: "2000" }),
      treatmentShare: numberOption(context.values, "treatment-share", { rule: "probability", example: "0.5" }) ?? null,
      minEffect: numberOption(context.values, "min-effect", { rule: "nonnegative", example: "0.01" }) ?? null,
    });
    const createdAt = new Date().toISOString();
    const store = await LabStore.open(labHome(context.cwd, context.env));
    try {
      await store.saveReadout(`readout-${basename(file)}-${createdAt}`, stringOption(context.values, "experiment") ?? null, createdAt, JSON.stringify(readout));
    } finally {
      store.close();
    }
    return { json: readout, text: formatReadout(readout) };
  },
};
