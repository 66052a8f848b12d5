import { isAbsolute, resolve } from "node:path";
import { GoodputError } from "../errors.js";
import { buildReportForCommand, hasReportBuilder } from "../report/build-report.js";
import { reportFormatForPath, writeReport } from "../report/write-report.js";
import type { CommandResult } from "./command.js";

/** Fails fast — before the command does any work — when `--report` names a bad extension or the command has no report. */
export function checkReportRequest(commandPath: readonly string[], reportPath: string): void {
  if (reportPath === "") throw new GoodputError("BAD_USAGE", "--report needs a file name, e.g. --report report.html or --report report.md.", { where: "--report" });
  reportFormatForPath(reportPath);
  if (!hasReportBuilder(commandPath)) {
    // buildReportForCommand throws the message that lists the commands that have reports.
    buildReportForCommand(commandPath, null, { source: commandPath.join(" ") });
  }
}

/** Builds, renders and writes the report for a finished command; returns the path written (as the user gave it). */
export async function writeCommandReport(options: {
  readonly path: readonly string[];
  readonly argv: readonly string[];
  readonly reportPath: string;
  readonly result: CommandResult;
  readonly cwd: string;
}): Promise<string> {
  const input = options.result.reportInput ?? options.result.json;
  const doc = buildReportForCommand(options.path, input, { source: reportSourceLine(options.path, options.argv), createdAt: new Date().toISOString() });
  await writeReport(isAbsolute(options.reportPath) ? options.reportPath : resolve(options.cwd, options.reportPath), doc);
  return options.reportPath;
}

/** The command as typed, minus the report/JSON flags, with credentials in URLs removed (docs/design.md §10: no secrets in reports). */
export function reportSourceLine(path: readonly string[], argv: readonly string[]): string {
  const words: string[] = [];
  const rest = argv.slice(path.length - 1);
  for (let index = 0; index < rest.length; index++) {
    const word = rest[index] ?? "";
    if (word === "--report") {
      index++;
      continue;
    }
    if (word.startsWith("--report=") || word === "--json") continue;
    words.push(quoteWord(withoutCredentials(word)));
  }
  return [...path, ...words].join(" ");
}

/** Query parameters that carry secrets by name (api_key, token, access_token, secret, password, sig …). */
const secretQueryParameter = /([?&](?:[\w.-]*(?:key|token|secret|password|passwd|pwd|sig|signature|auth)[\w.-]*)=)[^&#\s]*/gi;

function withoutCredentials(word: string): string {
  // Userinfo runs to the last "@" before the path: a typed password may itself hold "@".
  return word.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s]*@/gi, "$1").replace(secretQueryParameter, "$1REDACTED");
}

function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
