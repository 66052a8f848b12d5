import { readFileSync } from "node:fs";

/** This package's version (package.json), as `goodput --version` prints it and runs record it. */
export const toolVersion = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
