import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { runCli } from "./run-cli.js";

test("sim's table never prints NaN: a run in which nothing completes shows '-' for its 0/0 metrics (fuzz finding)", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "goodput-sim-out-")), "tiny-rate.yaml");
  writeFileSync(file, readFileSync("examples/batched.yaml", "utf8").replace(/ratePerSecond: [\d.]+/, "ratePerSecond: 1e-320"));
  const result = await runCli(["sim", "--scenario", file, "--requests", "40"]);
  expect(result.stderr).not.toMatch(/internal error/);
  // Refusing the rate (exit 2) would be fine too; a result must not show NaN.
  if (result.code === 2) expect(result.stderr).toContain("ratePerSecond");
  else {
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/\bNaN\b/);
    expect(result.stdout).toMatch(/SLO attain/);
  }
});
