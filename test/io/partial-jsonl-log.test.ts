import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { inspectJsonlTail } from "../../src/io/jsonl-tail.js";
import { readReadoutTable } from "../../src/readout/read-readout-table.js";
import { runCli } from "../cli/run-cli.js";

const scratch = (): string => mkdtempSync(join(tmpdir(), "goodput-partial-"));

/** Polls until `ready()` holds (bounded by the test's own timeout, not by a guessed sleep). */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 50));
}

const readoutArgs = (file: string): string[] => ["readout", file, "--outcome", "ttft_s", "--permutations", "20", "--bootstrap", "20", "--json"];

describe("a request log left by a killed simulator reads back", () => {
  test("sim --out killed with SIGKILL mid-run: readout reads every complete line; a cut last line is named and left out", async () => {
    const dir = scratch();
    const log = join(dir, "requests.jsonl");
    // One replica serving one sequence at a time finishes requests in arrival order, so the killed log has no id gaps
    // (gaps in an all-ok log would read as a "completed requests only" extract — a different check, not under test here).
    const scenario = join(dir, "one-at-a-time.yaml");
    writeFileSync(scenario, readFileSync("examples/readout-request-ab.yaml", "utf8").replace("replicas: 4", "replicas: 1").replace("maxNumSeqs: 64", "maxNumSeqs: 1").replace(/^counterfactual:\n.*\n/m, ""));
    const child = spawn(process.execPath, ["bin/goodput.js", "sim", "--scenario", scenario, "--requests", "2000000", "--out", dir], { stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.on("exit", () => { resolve(); }));
    await until(() => existsSync(log) && statSync(log).size > 2_000_000);
    child.kill("SIGKILL");
    await exited;
    expect(existsSync(join(dir, "summary.json"))).toBe(false); // it really died mid-run

    const text = readFileSync(log, "utf8");
    const completeLines = text.split("\n").filter((line) => line.endsWith("}")).length;
    const killed = await runCli(readoutArgs(log), { GOODPUT_HOME: join(dir, "home") });
    expect(killed.stderr).not.toMatch(/internal error/);
    expect(killed.code).toBe(0);
    expect((JSON.parse(killed.stdout) as { rows: number }).rows).toBe(completeLines);

    // The same file cut inside a record, as when the kill lands between two writes of one buffer.
    const cut = join(dir, "cut.jsonl");
    copyFileSync(log, cut);
    const size = statSync(cut).size;
    truncateSync(cut, size - (text.endsWith("\n") ? 40 : 0) - 1);
    const lines = readFileSync(cut, "utf8").split("\n");
    const result = await runCli(readoutArgs(cut), { GOODPUT_HOME: join(dir, "home") });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`line ${lines.length} is cut off`);
    expect((JSON.parse(result.stdout) as { rows: number }).rows).toBe(lines.length - 1);
  }, 60_000);
});

/** A canonical log row (docs/design.md §8 names; the reader types it by the declared schema). */
const record = (requestId: number, arm: string, ttft: number): string =>
  JSON.stringify({ schema_version: 1, run_id: "r", request_id: requestId, attempt: 0, arm, status: "ok", prompt_tokens: 512, ttft_s: ttft });

describe("canonical JSON Lines logs are read with their declared types", () => {
  test("a request id of 2^31 after 30,000 small ones reads exactly (BIGINT by the schema, not a guess from the first rows)", async () => {
    const file = join(scratch(), "requests.jsonl");
    const lines: string[] = [];
    for (let id = 0; id < 30_000; id++) lines.push(record(id, id % 2 === 0 ? "A" : "B", 0.1 + (id % 2) * 0.05));
    lines.push(record(2_147_483_648, "B", 0.15));
    writeFileSync(file, lines.join("\n") + "\n");
    const table = await readReadoutTable(file, { outcomes: ["ttft_s"] });
    expect(table.rows).toBe(30_001);
    expect(table.columns.find((column) => column.name === "request_id")?.type).toBe("BIGINT");
    expect(table.columns.find((column) => column.name === "prompt_tokens")?.type).toBe("INTEGER");
  });

  test("a malformed line in the middle is still an error naming the file and line (only a cut LAST line is forgiven)", async () => {
    const file = join(scratch(), "requests.jsonl");
    writeFileSync(file, [record(0, "A", 0.1), "{not json", record(2, "B", 0.2), record(3, "A", 0.1)].join("\n") + "\n");
    const result = await runCli(readoutArgs(file), { GOODPUT_HOME: join(scratch(), "home") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/requests\.jsonl.*line/);
  });

  test("a value the declared type cannot hold is exit 2 naming the line, not an internal error", async () => {
    const file = join(scratch(), "requests.jsonl");
    writeFileSync(file, [record(0, "A", 0.1), record(1, "B", 0.2), JSON.stringify({ schema_version: 1, run_id: "r", request_id: 2, arm: "A", prompt_tokens: 1e20, ttft_s: 0.1 })].join("\n") + "\n");
    const result = await runCli(readoutArgs(file), { GOODPUT_HOME: join(scratch(), "home") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line 3/);
  });

  test("inspectJsonlTail(): complete files, a last line without newline that parses, and a cut line with its number", () => {
    const dir = scratch();
    const complete = join(dir, "a.jsonl");
    writeFileSync(complete, '{"a":1}\n{"a":2}\n');
    expect(inspectJsonlTail(complete)).toEqual({ complete: true });
    const noNewline = join(dir, "b.jsonl");
    writeFileSync(noNewline, '{"a":1}\n{"a":2}');
    expect(inspectJsonlTail(noNewline)).toEqual({ complete: true });
    const cut = join(dir, "c.jsonl");
    writeFileSync(cut, '{"a":1}\n{"a":2}\n{"a":');
    // 16 bytes of complete lines ("{"a":1}\n" twice), 5 bytes cut, the cut one is line 3.
    expect(inspectJsonlTail(cut)).toEqual({ complete: false, line: 3, completeBytes: 16, cutBytes: 5 });
  });
});
