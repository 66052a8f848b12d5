import { existsSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { experimentSchema, type ExperimentConfig } from "../experiment/experiment-schema.js";
import { GoodputError } from "../errors.js";
import { readStructuredFile } from "./load-catalog-file.js";

/** Experiments shipped with the package (experiments/ beside dist/). */
const packagedDirectory = fileURLToPath(new URL("../../experiments/", import.meta.url));

/** Folders searched for NAME.yaml: ./experiments first, then the packaged ones. */
export function experimentDirectories(cwd: string): string[] {
  return [...new Set([join(cwd, "experiments"), packagedDirectory])].filter((dir) => existsSync(dir));
}

/** Every experiment file that can be named, by name. */
export function listExperimentFiles(cwd: string): { name: string; file: string }[] {
  const seen = new Map<string, string>();
  for (const dir of experimentDirectories(cwd)) {
    for (const file of readdirSync(dir).filter((entry) => /\.ya?ml$/.test(entry)).sort()) {
      const name = basename(file).replace(/\.ya?ml$/, "");
      if (!seen.has(name)) seen.set(name, join(dir, file));
    }
  }
  return [...seen].map(([name, file]) => ({ name, file }));
}

/** Loads an experiment by name (experiments/NAME.yaml) or path; every bad field is listed. */
export function loadExperiment(nameOrPath: string, cwd: string): { config: ExperimentConfig; file: string } {
  const known = listExperimentFiles(cwd);
  const file = /\.ya?ml$|\.json$/.test(nameOrPath) ? resolve(cwd, nameOrPath) : known.find((entry) => entry.name === nameOrPath)?.file;
  if (file === undefined) {
    throw new GoodputError("BAD_USAGE", `Unknown experiment "${nameOrPath}" (known: ${known.map((entry) => entry.name).join(", ") || "none"}); pass a name from experiments/ or a path to a YAML file.`, { where: "--experiment" });
  }
  const parsed = experimentSchema.safeParse(readStructuredFile(file));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new GoodputError("BAD_FILE", `${file}: bad experiment:\n  - ${issues.join("\n  - ")}`, { where: file, issues });
  }
  return { config: parsed.data, file };
}
