import { parseArgs } from "node:util";
import { GoodputError } from "../errors.js";
import { globalOptions, resultOptions, type CliIo, type CommandSpec } from "./command.js";
import { formatHelp } from "./help.js";
import { joinNegativeValues } from "./join-negative-values.js";
import { writeCommandReport, checkReportRequest } from "./write-command-report.js";

export interface RunEnvironment {
  readonly io: CliIo;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Walks argv down the command tree, parses options strictly, runs the command, prints the result. */
export async function runCommandTree(root: CommandSpec, argv: readonly string[], environment: RunEnvironment): Promise<number> {
  const path = [root.name];
  let command = root;
  // `goodput help [COMMAND…]` is `goodput [COMMAND…] --help`.
  let rest = argv[0] === "help" && !root.subcommands?.some((sub) => sub.name === "help") ? [...argv.slice(1), "--help"] : [...argv];
  while (command.subcommands?.length && rest.length > 0 && !(rest[0] ?? "").startsWith("-")) {
    const name = rest[0] ?? "";
    const next = command.subcommands.find((sub) => sub.name === name);
    if (!next) {
      const known = command.subcommands.map((sub) => sub.name).join(", ");
      throw new GoodputError("BAD_USAGE", `Unknown command "${path.join(" ")} ${name}" (known: ${known}); run '${path.join(" ")} --help'.`);
    }
    command = next;
    path.push(name);
    rest = rest.slice(1);
  }

  const optionSpecs = { ...(command.options ?? {}), ...(command.run ? resultOptions : {}), ...globalOptions };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(rest, optionSpecs),
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(
        Object.entries(optionSpecs).map(([name, spec]) => [
          name,
          { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) },
        ]),
      ),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new GoodputError("BAD_USAGE", `${message.split("\n")[0] ?? message} — run '${path.join(" ")} --help' for the options.`);
  }

  if (parsed.values.help === true || !command.run) {
    environment.io.stdout(formatHelp(path, command));
    if (parsed.values.help === true) return 0;
    if (command.subcommands?.length) return rest.length === 0 ? 0 : 2;
    return 0;
  }
  if (!command.positionals && parsed.positionals.length > 0) {
    throw new GoodputError("BAD_USAGE", `Unexpected argument "${parsed.positionals[0] ?? ""}" for '${path.join(" ")}'; run '${path.join(" ")} --help'.`);
  }
  const reportPath = typeof parsed.values.report === "string" ? parsed.values.report : undefined;
  if (reportPath !== undefined) checkReportRequest(path, reportPath);
  const result = await command.run({
    values: parsed.values as Record<string, string | boolean | string[] | undefined>,
    positionals: parsed.positionals,
    io: environment.io,
    cwd: environment.cwd,
    env: environment.env,
  });
  environment.io.stdout(parsed.values.json === true ? JSON.stringify(result.json, null, 2) + "\n" : result.text);
  if (reportPath !== undefined) {
    const written = await writeCommandReport({ path, argv, reportPath, result, cwd: environment.cwd });
    environment.io.stderr(`report written to ${written}\n`);
  }
  return result.exitCode ?? 0;
}
