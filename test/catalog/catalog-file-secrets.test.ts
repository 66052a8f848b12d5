import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtInCatalog } from "../../src/catalog/catalog.js";
import { loadCatalogFile } from "../../src/cli/load-catalog-file.js";
import { goodputErrorOf } from "../goodput-error-of.js";

// Issue #18 item 7: a catalog `configFile: ../../etc/passwd` printed the file's content in the error.
const secret = "root:x:0:0:SECRET-PASSWORD-LINE:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin";
const entry = (configFile: string) =>
  `models:\n  - id: m\n    name: M\n    configFile: ${configFile}\n    source: test\n    sourceDate: 2026-11-01\n`;

describe("catalog configFile never leaks another file", () => {
  it("refuses a configFile that climbs out of the catalog's folder, without reading it", () => {
    const root = mkdtempSync(join(tmpdir(), "goodput-cat-"));
    writeFileSync(join(root, "passwd"), secret);
    mkdirSync(join(root, "a", "b"), { recursive: true });
    writeFileSync(join(root, "a", "b", "cat.yaml"), entry("../../passwd"));
    const error = goodputErrorOf(() => loadCatalogFile(builtInCatalog, join(root, "a", "b", "cat.yaml")));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/configFile "..\/..\/passwd" points outside the catalog file's folder/);
    expect(error.message).not.toContain("SECRET");
  });

  it("a file inside the folder that is not a config is named by kind, not printed", () => {
    const root = mkdtempSync(join(tmpdir(), "goodput-cat-"));
    writeFileSync(join(root, "notes.yaml"), secret);
    writeFileSync(join(root, "notes.json"), secret);
    writeFileSync(join(root, "cat.yaml"), entry("notes.yaml"));
    writeFileSync(join(root, "cat2.yaml"), entry("notes.json"));
    for (const file of ["cat.yaml", "cat2.yaml"]) {
      const error = goodputErrorOf(() => loadCatalogFile(builtInCatalog, join(root, file)));
      expect(error.exitCode).toBe(2);
      expect(error.message).not.toContain("SECRET");
      expect(error.message).not.toContain("root:x");
    }
  });
});
