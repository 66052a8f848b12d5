import { existsSync, readFileSync, statSync } from "node:fs";
import { GoodputError } from "../errors.js";
import { parseTrace, type ParsedTrace, type TraceFormat } from "../sim/workload/trace-parse.js";

/** Reads and parses a production trace file (the shell half of trace replay, for sim and bench). */
export function readTraceFile(path: string, format: TraceFormat): ParsedTrace {
  if (!existsSync(path)) throw new GoodputError("FILE_NOT_FOUND", `trace file ${path} does not exist; give a path to a ${format} trace (e.g. ../shared/data/traces/, see its README).`, { where: path });
  if (!statSync(path).isFile()) throw new GoodputError("BAD_FILE", `trace ${path} is not a regular file.`, { where: path });
  return parseTrace(readFileSync(path, "utf8"), format, path);
}
