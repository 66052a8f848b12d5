import { constants, copyFileSync, mkdtempSync, rmSync, symlinkSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import type { JsonlTail } from "./jsonl-tail.js";

/** DuckDB expands these in a file path as a glob (`a*.csv` would also read `ab.csv`); `~` at the start means home. */
const globCharacters = /[*?[\]{}]|^~/;

let aliasFolder: string | null = null;
const aliases = new Map<string, string>();

function folder(): string {
  if (aliasFolder === null) {
    const created = mkdtempSync(join(tmpdir(), "goodput-read-"));
    aliasFolder = created;
    process.once("exit", () => {
      rmSync(created, { recursive: true, force: true });
    });
  }
  return aliasFolder;
}

/**
 * The path to hand DuckDB for FILE so it reads exactly that file's complete records: the file itself, or — when its name
 * holds glob characters, or its last JSON line is cut — an alias in a private temporary folder (a symbolic link, or a
 * copy truncated after the last complete line; copies are reflinked where the file system can). Aliases are made once
 * per file state and removed when the process exits.
 */
export function duckdbReadablePath(file: string, tail: JsonlTail): string {
  const needsLink = globCharacters.test(file);
  if (!needsLink && tail.complete) return file;
  const key = `${resolve(file)}\0${tail.complete ? "link" : tail.completeBytes}`;
  const known = aliases.get(key);
  if (known !== undefined) return known;
  const alias = join(folder(), `${aliases.size}${extname(file).toLowerCase()}`);
  if (tail.complete) symlinkSync(resolve(file), alias);
  else {
    copyFileSync(file, alias, constants.COPYFILE_FICLONE);
    truncateSync(alias, tail.completeBytes);
  }
  aliases.set(key, alias);
  return alias;
}
