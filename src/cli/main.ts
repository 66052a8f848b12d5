import { isGoodputError } from "../errors.js";
import type { CliIo, CommandSpec } from "./command.js";
import { calcCacheCommand } from "./commands/calc-cache.js";
import { calcCalibrateCommand } from "./commands/calc-calibrate.js";
import { calcDisaggCommand } from "./commands/calc-disagg.js";
import { calcGoodputCommand } from "./commands/calc-goodput.js";
import { calcKvCommand } from "./commands/calc-kv.js";
import { calcLocalityCommand } from "./commands/calc-locality.js";
import { calcMoeCommand } from "./commands/calc-moe.js";
import { calcPrefillCommand } from "./commands/calc-prefill.js";
import { calcRooflineCommand } from "./commands/calc-roofline.js";
import { benchCommand } from "./commands/bench.js";
import { catalogCommand } from "./commands/catalog.js";
import { experimentCommand } from "./commands/experiment.js";
import { readoutCommand } from "./commands/readout.js";
import { reportCommand } from "./commands/report.js";
import { serveCommand } from "./commands/serve.js";
import { simCommand } from "./commands/sim.js";
import { tourCommand } from "./commands/tour.js";
import { uiCommand } from "./commands/ui.js";
import { runCommandTree } from "./run-command-tree.js";
import { toolVersion } from "./tool-version.js";

const versionCommand: CommandSpec = {
  name: "version",
  summary: "Print goodput's version (also goodput --version)",
  run: () => ({ json: { name: "goodput", version: toolVersion, node: process.version }, text: `goodput ${toolVersion}\n` }),
};

const calcCommand: CommandSpec = {
  name: "calc",
  summary: "Physics and economics calculators (docs/design.md §3)",
  subcommands: [calcRooflineCommand, calcPrefillCommand, calcKvCommand, calcCacheCommand, calcMoeCommand, calcDisaggCommand, calcGoodputCommand, calcLocalityCommand, calcCalibrateCommand],
};

/** The whole command tree. */
export const rootCommand: CommandSpec = {
  name: "goodput",
  summary: "Inference decision lab: cost per accepted result, goodput under the SLO, policies under shared state.",
  subcommands: [experimentCommand, tourCommand, calcCommand, simCommand, serveCommand, benchCommand, readoutCommand, reportCommand, uiCommand, catalogCommand, versionCommand],
};

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY,
};

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 bad usage or input). Never throws. */
export async function main(argv: readonly string[], io: CliIo = processIo, cwd = process.cwd(), env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  try {
    if (argv[0] === "--version" && argv.length === 1) {
      io.stdout(`goodput ${toolVersion}\n`);
      return 0;
    }
    return await runCommandTree(rootCommand, argv, { io, cwd, env });
  } catch (error) {
    if (isGoodputError(error)) {
      io.stderr(`error [${error.code}]: ${error.message}\n`);
      if (argv.includes("--verbose") && error.stack) io.stderr(error.stack + "\n");
      return error.exitCode;
    }
    io.stderr(`internal error: ${error instanceof Error ? (argv.includes("--verbose") ? (error.stack ?? error.message) : error.message) : String(error)}\n`);
    return 1;
  }
}
