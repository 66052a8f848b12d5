import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// Needs the built dist/ (npm test builds first). `--ignore-scripts`: pack what is built, do not rebuild.
const entryNames = ["index", "entries/physics", "entries/sim", "entries/stats", "entries/causal", "entries/readout", "entries/loadgen", "entries/cli"];
const repo = resolve(".");
let home = "";

function npm(args: readonly string[], cwd: string): string {
  return execFileSync("npm", [...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The README's library examples: each ```js block in the "## Library" section and the lines it says it prints. */
function readmeExamples(): { code: string; prints: string }[] {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf("## Library");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => {
    const code = match[1] ?? "";
    return { code, prints: [...code.matchAll(/^\/\/ prints (.*)$/gm)].map((line) => line[1]).join("\n") };
  });
}

describe("the npm package", () => {
  beforeAll(() => {
    // A real tarball, extracted as an installed dependency; its own dependencies come from this repo's node_modules.
    home = mkdtempSync(join(tmpdir(), "goodput-pack-"));
    const tarball = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", home], repo)) as { filename: string }[];
    const installed = join(home, "node_modules", "goodput");
    mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["-xzf", join(home, tarball[0]?.filename ?? ""), "-C", installed, "--strip-components=1"]);
    symlinkSync(join(repo, "node_modules"), join(installed, "node_modules"));
  }, 120_000);

  it("ships the dist entries with their types, the bin and the README, and no tests, sources or source maps", () => {
    const [pack] = JSON.parse(npm(["pack", "--dry-run", "--json", "--ignore-scripts"], repo)) as { files: { path: string }[] }[];
    const files = (pack?.files ?? []).map((file) => file.path);
    for (const entry of entryNames) expect(files).toEqual(expect.arrayContaining([`dist/${entry}.js`, `dist/${entry}.d.ts`]));
    expect(files).toEqual(expect.arrayContaining(["bin/goodput.js", "README.md", "package.json"]));
    expect(files.filter((path) => /^(test|src|bench|scripts)\/|\.test\.|\.map$/.test(path))).toEqual([]);
  }, 60_000);

  it("an installed copy imports goodput/physics by name and computes a KV size by hand", () => {
    writeFileSync(join(home, "try.mjs"), 'import { builtInCatalog, findModel, kvBytesPerToken } from "goodput/physics";\nconsole.log(kvBytesPerToken(findModel(builtInCatalog, "llama-3-8b"), "bf16"));\n');
    // 2 (K, V) × 32 layers × 8 KV heads × 128 head dims × 2 bytes.
    expect(execFileSync(process.execPath, ["try.mjs"], { cwd: home, encoding: "utf8" }).trim()).toBe(String(2 * 32 * 8 * 128 * 2));
  }, 60_000);

  it("every README library example runs against the installed package and prints what the README says", () => {
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const [index, example] of examples.entries()) {
      const file = join(home, `readme-${index}.mjs`);
      writeFileSync(file, example.code);
      expect(example.prints).not.toBe("");
      expect(execFileSync(process.execPath, [file], { cwd: home, encoding: "utf8" }).trim()).toBe(example.prints);
    }
  }, 120_000);
});
