import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readoutCommand } from "../../src/cli/commands/readout.js";
import { runCommandTree } from "../../src/cli/run-command-tree.js";
import { isGoodputError } from "../../src/errors.js";
import type { Readout } from "../../src/readout/index.js";

/** A lab home per test file, so the stored readouts never touch the repository. */
export const labHomeDir = mkdtempSync(join(tmpdir(), "goodput-readout-"));

/** Runs `goodput readout …` in-process (as main() does: GoodputError → its exit code), capturing output. */
export async function runReadout(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = { stdout: (text: string) => (stdout += text), stderr: (text: string) => (stderr += text) };
  try {
    const code = await runCommandTree({ name: "goodput", summary: "test root", subcommands: [readoutCommand] }, ["readout", ...args], { io, cwd: process.cwd(), env: { GOODPUT_HOME: labHomeDir } });
    return { code, stdout, stderr };
  } catch (error) {
    if (isGoodputError(error)) return { code: error.exitCode, stdout, stderr: stderr + `error [${error.code}]: ${error.message}\n` };
    throw error;
  }
}

/** Runs with --json and parses the readout. */
export async function readoutJson(args: readonly string[]): Promise<Readout> {
  const result = await runReadout([...args, "--json"]);
  if (result.code !== 0) throw new Error(`readout exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Readout;
}
