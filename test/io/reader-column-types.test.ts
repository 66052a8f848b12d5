import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../cli/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-types-"));
const header = "request_id,arm,status,ttft_s,cost_usd,prompt_tokens,cached_prompt_tokens";

describe("canonical columns of an unexpected type are a named error, not an internal one (fuzz finding)", () => {
  for (const column of ["cost_usd", "prompt_tokens", "cached_prompt_tokens"]) {
    test(`a text cell in ${column}: exit 2 naming the column and its row`, async () => {
      const rows = [header];
      const cells = (id: number): string[] => [String(id), id % 2 === 0 ? "A" : "B", "ok", `0.${id}`, "0.01", "100", "10"];
      const at = header.split(",").indexOf(column);
      for (let id = 1; id <= 8; id++) rows.push(cells(id).map((cell, index) => (id === 5 && index === at ? "abc" : cell)).join(","));
      const file = join(dir, `text-${column}.csv`);
      writeFileSync(file, rows.join("\n") + "\n");
      const result = await runCli(["readout", file, "--permutations", "20", "--bootstrap", "20"], { GOODPUT_HOME: join(dir, "home") });
      expect(result.stderr).not.toMatch(/internal error/);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`column "${column}" is not numeric (type VARCHAR): "abc" at row 5`);
    });
  }

  test("a numeric status column (no 'ok' anywhere) reads: no cast of 'ok' to a number", async () => {
    const rows = [header];
    for (let id = 1; id <= 8; id++) rows.push(`${id},${id % 2 === 0 ? "A" : "B"},200,0.${id},0.01,100,10`);
    const file = join(dir, "numeric-status.csv");
    writeFileSync(file, rows.join("\n") + "\n");
    const result = await runCli(["readout", file, "--permutations", "20", "--bootstrap", "20", "--json"], { GOODPUT_HOME: join(dir, "home") });
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
  });
});
