import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { CommandSpec } from "../../src/cli/command.js";
import { rootCommand } from "../../src/cli/main.js";
import { CliPool, type CliOutcome } from "./cli-pool.js";
import { hostileFolderNames, hostileNumbers, mulberry32, mutateText, pick, type Random } from "./mutate.js";
import { judgeUsageOutput, startUsageServer } from "./usage-server.js";

/** One fuzz case: an argv and, for file cases, the file it wrote (the error must name it) or the flag it bent. */
export interface FuzzCase {
  readonly id: number;
  readonly kind: string;
  readonly argv: readonly string[];
  readonly names: readonly string[];
  readonly edit: string;
}

export interface Finding {
  readonly fuzzCase: FuzzCase;
  readonly problem: string;
  readonly outcome: CliOutcome;
}

const sqlText = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const fast = ["--permutations", "20", "--bootstrap", "20"];

/** Seed inputs of every file format, and the command that reads each. */
interface FileFormat {
  readonly kind: string;
  readonly extension: string;
  readonly text: string;
  readonly argv: (file: string) => string[];
  readonly parquet?: boolean;
}

function fileFormats(logJsonl: string, logCsv: string, usageServerUrl: string): FileFormat[] {
  const read = (path: string): string => readFileSync(path, "utf8");
  const catalog = [
    "gpus:", "  - { id: my-gpu, name: Lab GPU, hbmGiB: 96, memBandwidthGBps: 4000, bf16Tflops: 1000, interconnectGBps: 400, priceUsdPerHour: 2.25, source: sheet, sourceDate: 2026-10-01 }",
    "models:", "  - id: tiny-llama", "    name: Tiny Llama", "    source: my config", "    sourceDate: 2026-10",
    "    config: { num_hidden_layers: 2, hidden_size: 256, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 512, vocab_size: 1000, torch_dtype: bfloat16 }",
    "prices:", "  - { id: my-provider, provider: Me, model: M, inputUsdPerMTok: 1, outputUsdPerMTok: 4, source: contract, sourceDate: 2026-11 }", "",
  ].join("\n");
  const measurements = '[\n  {"phase":"decode","batch":1,"context":512,"seconds":0.0066},\n  {"phase":"decode","batch":8,"context":2048,"seconds":0.00745},\n  {"phase":"decode","batch":32,"context":2048,"seconds":0.0102},\n  {"phase":"prefill","batch":1,"prompt":512,"seconds":0.0150},\n  {"phase":"prefill","batch":1,"prompt":2048,"seconds":0.0533}\n]\n';
  return [
    { kind: "scenario", extension: ".yaml", text: read("examples/batched.yaml"), argv: (file) => ["sim", "--scenario", file, "--requests", "40"] },
    { kind: "scenario", extension: ".yaml", text: read("examples/readout-switchback.yaml"), argv: (file) => ["sim", "--scenario", file, "--requests", "40"] },
    { kind: "scenario", extension: ".yaml", text: read("examples/tiered-fleet.yaml"), argv: (file) => ["sim", "--scenario", file, "--requests", "40"] },
    { kind: "experiment", extension: ".yaml", text: read("experiments/cost.yaml"), argv: (file) => ["experiment", "run", "--experiment", file, "--requests", "20"] },
    { kind: "catalog", extension: ".yaml", text: catalog, argv: (file) => ["catalog", "models", "--catalog", file] },
    { kind: "catalog", extension: ".yaml", text: catalog, argv: (file) => ["calc", "roofline", "--catalog", file, "--gpu", "my-gpu", "--model", "tiny-llama", "--batch", "1,8"] },
    { kind: "model config", extension: ".json", text: read("test/fixtures/model-configs/meta-llama--Meta-Llama-3.1-8B.json"), argv: (file) => ["calc", "kv", "--gpu", "h100-sxm", "--model-config", file, "--context", "2048"] },
    { kind: "decision rule", extension: ".yaml", text: read("examples/decision-rule.yaml"), argv: (file) => ["readout", logJsonl, "--decision-rule", file, ...fast] },
    { kind: "measurements", extension: ".json", text: measurements, argv: (file) => ["calc", "calibrate", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--measurements", file, "--name", "fuzz"] },
    { kind: "request log (JSONL)", extension: ".jsonl", text: read(logJsonl), argv: (file) => ["readout", file, ...fast] },
    // A server's usage object, mutated (negative, huge, fractional, wrong types), as bench receives it in the stream.
    {
      kind: "server usage",
      extension: ".json",
      text: '{"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14}\n',
      argv: (file) => ["bench", "--target", `${usageServerUrl}/usage/${encodeURIComponent(file)}`, "--model", "m", "--rate", "50", "--requests", "3", "--prompt-tokens", "12", "--output-tokens", "2", "--metrics-interval", "0", "--json"],
    },
    { kind: "request log (CSV)", extension: ".csv", text: read(logCsv), argv: (file) => ["readout", file, ...fast] },
    { kind: "request log (Parquet)", extension: ".parquet", text: read(logCsv), argv: (file) => ["readout", file, ...fast], parquet: true },
  ];
}

/** Splits an example command line into argv (double and single quotes; no other shell syntax). */
function splitCommandLine(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");
}

/** Every example of every command (servers and the network load generator left out), with --out/--report removed. */
function exampleCommands(command: CommandSpec, path: readonly string[] = []): string[][] {
  const skip = new Set(["bench", "serve", "ui", "tour"]);
  if (skip.has(command.name)) return [];
  const own = (command.examples ?? []).map((example) => {
    const argv = splitCommandLine(example).slice(1);
    const kept: string[] = [];
    for (let index = 0; index < argv.length; index++) {
      const arg = argv[index] ?? "";
      if (arg === "--out" || arg === "--report") index++;
      else kept.push(arg);
    }
    if ((kept[0] === "sim" || kept[0] === "experiment") && !kept.includes("--requests")) kept.push("--requests", "40");
    return kept;
  });
  return [...own, ...(command.subcommands ?? []).flatMap((sub) => exampleCommands(sub, [...path, sub.name]))];
}

/** The command an argv runs (walking subcommand names). */
function commandFor(argv: readonly string[]): CommandSpec {
  let command = rootCommand;
  for (const name of argv) {
    const next = command.subcommands?.find((sub) => sub.name === name);
    if (next === undefined) break;
    command = next;
  }
  return command;
}

/** Value names of options that take text, not a number (files, columns, names, kinds, choices). */
const textValue = /FILE|DIR|COL|NAME|ID|URL|KIND|TEXT|HOST|DTYPE|POLICY|SPEC|\|/;

/**
 * Flag sites: an example argv and the index of a numeric value in it (lists like 1,2,4 too), plus every other
 * number-valued option of that command appended to the example, so flags no example shows are bent as well.
 */
function numericFlagSites(): { readonly argv: readonly string[]; readonly index: number; readonly flag: string }[] {
  const sites: { argv: readonly string[]; index: number; flag: string }[] = [];
  for (const argv of exampleCommands(rootCommand)) {
    argv.forEach((arg, index) => {
      const previous = argv[index - 1] ?? "";
      if (previous.startsWith("--") && /^-?[\d.]/.test(arg)) sites.push({ argv, index, flag: previous });
    });
    for (const [name, option] of Object.entries(commandFor(argv).options ?? {})) {
      if (option.type !== "string" || option.multiple === true || textValue.test(option.valueName ?? "VALUE") || argv.includes(`--${name}`)) continue;
      sites.push({ argv: [...argv, `--${name}`, "1"], index: argv.length + 1, flag: `--${name}` });
    }
  }
  return sites;
}

/** Writes the seed request log once (a small A/B simulated run), with CSV beside it. */
async function seedLog(pool: CliPool, dir: string, env: Record<string, string>): Promise<{ jsonl: string; csv: string }> {
  const out = join(dir, "seed-log");
  const result = await pool.run(["sim", "--scenario", "examples/readout-request-ab.yaml", "--requests", "300", "--out", out], { cwd: process.cwd(), env, timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`fuzz: could not write the seed log: ${result.stderr}`);
  const jsonl = join(out, "requests.jsonl");
  const csv = join(out, "requests.csv");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT * FROM read_parquet(${sqlText(join(out, "requests.parquet"))})) TO ${sqlText(csv)} (HEADER)`);
  connection.closeSync();
  instance.closeSync();
  return { jsonl, csv };
}

async function writeParquet(csvText: string, target: string, scratch: string): Promise<boolean> {
  const csv = join(scratch, "mutated-for-parquet.csv");
  writeFileSync(csv, csvText);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`COPY (SELECT * FROM read_csv(${sqlText(csv)}, hive_partitioning = false)) TO ${sqlText(target)} (FORMAT parquet)`);
    return true;
  } catch {
    return false;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Judges one outcome: exit 0 with no NaN printed, or exit 2 with a GoodputError naming the file or flag. */
export function judge(fuzzCase: FuzzCase, outcome: CliOutcome): string | null {
  if (outcome.code === "hang") return `hang: still running after ${Math.round(outcome.wallMs)} ms`;
  if (/internal error/.test(outcome.stderr)) return `internal error: ${firstLine(outcome.stderr, /internal error.*/)}`;
  if (/\n\s+at .+\(.+:\d+:\d+\)/.test(outcome.stderr) || /main\(\) threw/.test(outcome.stderr)) return "stack trace printed";
  if (fuzzCase.kind === "server usage") return outcome.code === 0 || outcome.code === 1 ? judgeUsageOutput(outcome.stdout) : `exit ${outcome.code}: ${firstLine(outcome.stderr, /error.*/)}`;
  if (outcome.code === 0) return /\bNaN\b/.test(outcome.stdout) ? `NaN in output: ${firstLine(outcome.stdout, /.*\bNaN\b.*/)}` : null;
  if (outcome.code !== 2) return `exit ${outcome.code}: ${firstLine(outcome.stderr, /error.*/)}`;
  if (!/^error \[[A-Z_]+\]: /m.test(outcome.stderr)) return `exit 2 without an error line: ${outcome.stderr.slice(0, 200)}`;
  // A flag counts as named by its own spelling or its words ("--treatment-start" → "treatment start" / "treatmentStart").
  const spellings = fuzzCase.names.flatMap((name) => {
    if (!name.startsWith("--")) return [name];
    const words = name.slice(2).split("-");
    return [name, words.join(" "), words.map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1))).join("")];
  });
  if (!spellings.some((name) => outcome.stderr.includes(name))) return `exit 2 naming none of ${fuzzCase.names.join(", ")}: ${firstLine(outcome.stderr, /error.*/)}`;
  return null;
}

function firstLine(text: string, pattern: RegExp): string {
  return (pattern.exec(text)?.[0] ?? text.split("\n")[0] ?? "").slice(0, 300);
}

export interface FuzzRun {
  readonly ran: number;
  readonly findings: readonly Finding[];
  readonly byKind: Readonly<Record<string, number>>;
}

/**
 * Runs `cases` seeded cases — mutated files of every format in hostile folder names, and hostile values of every numeric
 * flag in the commands' examples — each bounded by `caseTimeoutMs`, stopping early when `budgetMs` is spent.
 */
export async function runFuzz(options: { readonly seed: number; readonly cases: number; readonly caseTimeoutMs: number; readonly budgetMs: number }): Promise<FuzzRun> {
  const random: Random = mulberry32(options.seed);
  const scratch = mkdtempSync(join(tmpdir(), "goodput-fuzz-"));
  const env = { GOODPUT_HOME: join(scratch, "home") };
  const pool = new CliPool();
  const usageServer = await startUsageServer();
  const started = performance.now();
  const findings: Finding[] = [];
  const byKind: Record<string, number> = {};
  let ran = 0;
  try {
    const log = await seedLog(pool, scratch, env);
    const formats = fileFormats(log.jsonl, log.csv, usageServer.url);
    const sites = numericFlagSites();
    const baseline = new Map<string, boolean>();
    const exampleRuns = async (argv: readonly string[]): Promise<boolean> => {
      const key = argv.join("\0");
      const known = baseline.get(key);
      if (known !== undefined) return known;
      // Examples slower than 3 s (e.g. synthetic control's placebo loop) would spend the budget on a few cases: skipped.
      const outcome = await pool.run(argv, { cwd: process.cwd(), env, timeoutMs: 3000 });
      const usable = outcome.code === 0;
      baseline.set(key, usable);
      return usable;
    };
    for (let id = 0; id < options.cases && performance.now() - started < options.budgetMs; id++) {
      const fuzzCase = await buildCase(random, id, { formats, sites, scratch, exampleRuns });
      if (fuzzCase === null) continue;
      const outcome = await pool.run(fuzzCase.argv, { cwd: process.cwd(), env, timeoutMs: options.caseTimeoutMs });
      ran++;
      byKind[fuzzCase.kind] = (byKind[fuzzCase.kind] ?? 0) + 1;
      const problem = judge(fuzzCase, outcome);
      if (problem !== null) findings.push({ fuzzCase, problem, outcome });
    }
  } finally {
    await pool.close();
    await usageServer.close();
  }
  return { ran, findings, byKind };
}

interface CaseContext {
  readonly formats: readonly FileFormat[];
  readonly sites: ReturnType<typeof numericFlagSites>;
  readonly scratch: string;
  /** Whether an example runs cleanly as written (bending a flag of one that does not says nothing about the flag). */
  readonly exampleRuns: (argv: readonly string[]) => Promise<boolean>;
}

async function buildCase(random: Random, id: number, context: CaseContext): Promise<FuzzCase | null> {
  if (random() < 0.35) {
    const site = pick(random, context.sites);
    if (!(await context.exampleRuns(site.argv))) return null;
    const value = pick(random, hostileNumbers);
    const argv = [...site.argv];
    const original = argv[site.index] ?? "";
    argv[site.index] = original.includes(",") && random() < 0.5 ? original.replace(/[^,]+$/, value) : value;
    return { id, kind: `flag ${site.flag}`, argv, names: [site.flag], edit: `${site.flag} ${JSON.stringify(argv[site.index])}` };
  }
  const format = pick(random, context.formats);
  const folder = join(context.scratch, `case-${id}`, pick(random, hostileFolderNames));
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${pick(random, ["input", "status=ok", "a*b", "x?"])}${format.extension}`);
  let { text, edit } = { text: format.text, edit: "unchanged" };
  const edits = random() < 0.15 ? 0 : 1 + Math.floor(random() * 3);
  const applied: string[] = [];
  for (let step = 0; step < edits; step++) {
    const next = mutateText(random, text);
    text = next.text;
    applied.push(next.edit);
  }
  edit = applied.join("; ") || edit;
  if (format.parquet === true) {
    if (!(await writeParquet(text, file, context.scratch))) {
      writeFileSync(file, text); // not CSV any more: a corrupt .parquet is a case too
      edit += "; raw bytes as .parquet";
    }
  } else writeFileSync(file, text);
  if (format.kind === "scenario" && random() < 0.2) copyFileSync(file, join(folder, "copy.yaml"));
  return { id, kind: format.kind, argv: format.argv(file), names: [file, basename(file), basename(folder)], edit };
}
