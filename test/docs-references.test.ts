import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

function filesUnder(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    return statSync(join(root, path)).isDirectory() ? filesUnder(path) : /\.(ts|md|yaml|mjs)$/.test(name) ? [path] : [];
  });
}

describe("docs/design.md", () => {
  it("every 'docs/design.md §N' cited in code, tests and docs names a section that exists there", () => {
    const headings = new Set([...readFileSync(join(root, "docs/design.md"), "utf8").matchAll(/^#+ (§\d+(?:\.\d+)?) /gm)].map((match) => match[1]));
    const cited = new Map<string, string>();
    for (const file of [...filesUnder("src"), ...filesUnder("test"), ...filesUnder("bench"), ...filesUnder("examples"), "README.md"]) {
      for (const match of readFileSync(join(root, file), "utf8").matchAll(/docs\/design\.md (§\d+(?:\.\d+)?)/g)) cited.set(match[1] ?? "", file);
    }
    expect(cited.size).toBeGreaterThan(20);
    const missing = [...cited].filter(([section]) => !headings.has(section)).map(([section, file]) => `${section} (cited in ${file})`);
    expect(missing).toEqual([]);
  });

  it("no file cites the SPEC document the repository does not ship", () => {
    const offenders = [...filesUnder("src"), ...filesUnder("test"), ...filesUnder("bench"), "README.md"].filter((file) => new RegExp(["SPEC", "§"].join(" ")).test(readFileSync(join(root, file), "utf8")));
    expect(offenders).toEqual([]);
  });
});
