import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-scenario-bounds-"));
const base = readFileSync("examples/readout-switchback.yaml", "utf8");

describe("counts inside a scenario file are bounded like the flags (fuzz findings: internal errors or hangs before)", () => {
  const cases = [
    { field: "pools.0.engine.kvBlocks", edit: (text: string) => text.replace("kvBlocks: 1400", "kvBlocks: 1e15"), message: /kvBlocks: 1,000,000,000,000,000 KV blocks per replica is above the simulator's limit of 10,000,000/ },
    { field: "pools", edit: (text: string) => text.replace("replicas: 4", "replicas: 1000000000000000"), message: /pools: 1,000,000,000,000,000 replicas in all is above the limit of 10,000/ },
    { field: "requests", edit: (text: string) => text.replace(/^requests: .*$/m, "requests: 1000000000000000"), message: /requests: 1,000,000,000,000,000 is above the limit of 10,000,000/ },
  ];
  for (const { field, edit, message } of cases) {
    test(`${field} of 1e15 → exit 2 naming the field and the limit`, async () => {
      const file = join(dir, `${field}.yaml`);
      const text = edit(base);
      expect(text).not.toBe(base);
      writeFileSync(file, text);
      const result = await runCli(["sim", "--scenario", file, "--requests", "40"]);
      expect(result.stderr).not.toMatch(/internal error/);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    });
  }
});
