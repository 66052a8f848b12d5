import { hasReportBuilder } from "../report/build-report.js";
import { countLimitHelp } from "./count-limits.js";
import { globalOptions, resultOptions, type CommandSpec, type OptionSpec } from "./command.js";

function formatOption(name: string, option: OptionSpec): [string, string] {
  const flag = `${option.short ? `-${option.short}, ` : ""}--${name}`;
  const value = option.type === "string" ? ` ${option.valueName ?? "VALUE"}` : "";
  const repeat = option.multiple ? " (repeatable)" : "";
  const limit = option.type === "string" ? countLimitHelp(name) : "";
  return [`${flag}${value}`, `${option.description}${repeat}${limit}`];
}

function columns(rows: readonly [string, string][]): string {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join("\n");
}

/** Help text for a command at any level of the tree. */
export function formatHelp(path: readonly string[], command: CommandSpec): string {
  const fullName = path.join(" ");
  const lines: string[] = [];
  const usageTail = command.subcommands?.length
    ? " <command> [options]"
    : `${command.positionals ? ` ${command.positionals}` : ""} [options]`;
  lines.push(`Usage: ${fullName}${usageTail}`, "", command.description ?? command.summary);
  if (command.subcommands?.length) {
    lines.push("", "Commands:", columns(command.subcommands.map((sub) => [sub.name, sub.summary])));
    lines.push("", `Run '${fullName} <command> --help' for a command's options.`);
  }
  // --report is listed only where a report exists (elsewhere it is refused with the list of commands that have one).
  const { report: _report, ...jsonOnly } = resultOptions;
  const results = command.run ? (hasReportBuilder(path) ? resultOptions : jsonOnly) : {};
  const options = { ...(command.options ?? {}), ...results, ...globalOptions };
  lines.push("", "Options:", columns(Object.entries(options).map(([name, option]) => formatOption(name, option))));
  if (command.examples?.length) {
    lines.push("", "Examples:", ...command.examples.map((example) => `  ${example}`));
  }
  return lines.join("\n") + "\n";
}
