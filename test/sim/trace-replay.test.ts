import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTraceFile } from "../../src/cli/read-trace-file.js";
import { parseTrace } from "../../src/sim/workload/trace-parse.js";
import { createTraceReplay, parseTraceWindow } from "../../src/sim/workload/trace-replay.js";
import { runCli } from "../cli/run-cli.js";
import { pool, runSim } from "./sim-fixtures.js";

/** The project's shared public traces (../shared/data/traces from the repository root). */
export const tracesDir = join(process.cwd(), "..", "shared", "data", "traces");
const haveTraces = existsSync(join(tracesDir, "README.md"));

const lines = (file: string): string[] => readFileSync(join(tracesDir, file), "utf8").trim().split("\n");

describe("trace parsing: hand-checked rows and clear errors", () => {
  it("mooncake: timestamps in ms → s, lengths and hash ids as written", () => {
    const text = ['{"timestamp": 0, "input_length": 1000, "output_length": 5, "hash_ids": [0, 1]}', '{"timestamp": 2500, "input_length": 512, "output_length": 1, "hash_ids": [0]}'].join("\n");
    const trace = parseTrace(text, "mooncake", "t.jsonl");
    expect(trace.hashBlockTokens).toBe(512);
    expect(trace.rows).toEqual([
      { timeSeconds: 0, promptTokens: 1000, outputTokens: 5, hashIds: [0, 1] },
      { timeSeconds: 2.5, promptTokens: 512, outputTokens: 1, hashIds: [0] },
    ]);
  });

  it("azure-2023: UTC timestamps with 7 fractional digits → seconds since the first row", () => {
    const text = "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n2023-11-16 18:16:46.6805900,10,1\n";
    const rows = parseTrace(text, "azure-2023", "t.csv").rows;
    expect(rows.map((row) => row.promptTokens)).toEqual([374, 396, 10]);
    expect(rows[1]?.timeSeconds).toBeCloseTo(4.314579, 6); // 50.9951690 − 46.6805900
    expect(rows[2]?.timeSeconds).toBeCloseTo(60, 9);
    expect(rows[0]?.hashIds).toBeNull();
  });

  it("names the file and line of a bad row", () => {
    expect(() => parseTrace('{"timestamp": 5, "input_length": 10, "output_length": 1, "hash_ids": [0]}\n{"timestamp": 4, "input_length": 10, "output_length": 1, "hash_ids": [0]}', "mooncake", "m.jsonl")).toThrow(/m\.jsonl:2: timestamp 4 comes before/);
    expect(() => parseTrace('{"timestamp": 0, "input_length": 0, "output_length": 1, "hash_ids": []}', "mooncake", "m.jsonl")).toThrow(/m\.jsonl:1: input_length is 0/);
    expect(() => parseTrace('{"timestamp": 0, "input_length": 600, "output_length": 1, "hash_ids": [1, 2, 3]}', "mooncake", "m.jsonl")).toThrow(/hash_ids has 3 ids but input_length 600 spans only 2 blocks/);
    expect(() => parseTrace("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,-1\n", "azure-2023", "a.csv")).toThrow(/a\.csv:2: GeneratedTokens/);
    expect(() => parseTrace("time,in,out\n", "azure-2023", "a.csv")).toThrow(/a\.csv:1: header/);
    expect(() => parseTraceWindow("60-30", "--trace-window")).toThrow(/--trace-window is "60-30"/);
  });
});

describe("Mooncake hash ids map onto the engine's own block size", () => {
  // Two 1,536-token prompts (3 trace blocks) sharing their first 2 ids: 1,024 shared tokens.
  const text = ['{"timestamp": 0, "input_length": 1536, "output_length": 2, "hash_ids": [7, 8, 9]}', '{"timestamp": 1000, "input_length": 1536, "output_length": 2, "hash_ids": [7, 8, 10]}'].join("\n");
  const cachedOfSecond = (blockSizeTokens: number): number => {
    const { records } = runSim({ pools: [pool({ blockSizeTokens })], requests: createTraceReplay(parseTrace(text, "mooncake", "t"), { speed: 1, window: null, longPromptTokens: 2048 }) });
    return records.find((record) => record.request_id === 1)?.cached_prompt_tokens ?? NaN;
  };

  it("16-token blocks: the second request reuses exactly 2 × 512 = 1,024 tokens", () => {
    expect(cachedOfSecond(16)).toBe(1024);
  });

  it("24-token blocks (not dividing 512): only blocks ending inside the shared 1,024 tokens, ⌊1024/24⌋ = 42 → 1,008 tokens", () => {
    expect(cachedOfSecond(24)).toBe(1008);
  });

  it("ids are chained: a shared id after a different one shares nothing", () => {
    const other = ['{"timestamp": 0, "input_length": 1024, "output_length": 2, "hash_ids": [1, 5]}', '{"timestamp": 1000, "input_length": 1024, "output_length": 2, "hash_ids": [2, 5]}'].join("\n");
    const { records } = runSim({ pools: [pool()], requests: createTraceReplay(parseTrace(other, "mooncake", "t"), { speed: 1, window: null, longPromptTokens: 2048 }) });
    expect(records.find((record) => record.request_id === 1)?.cached_prompt_tokens).toBe(0);
  });
});

describe.skipIf(!haveTraces)("the shipped traces (../shared/data/traces)", () => {
  it.each([
    ["mooncake-conversation.jsonl", "mooncake", 12031],
    ["mooncake-synthetic.jsonl", "mooncake", 3993],
    ["azure-2023-conversation.csv", "azure-2023", 19366],
    ["azure-2023-code.csv", "azure-2023", 8819],
  ] as const)("%s parses every row (README: %s, %i rows)", (file, format, rows) => {
    const trace = readTraceFile(join(tracesDir, file), format);
    expect(trace.rows).toHaveLength(rows);
    const first = JSON.parse(format === "mooncake" ? (lines(file)[0] ?? "{}") : "{}") as { input_length?: number };
    if (format === "mooncake") expect(trace.rows[0]?.promptTokens).toBe(first.input_length);
  });

  it("window and speed: seconds 60–120 of the conversation trace at 10× arrive in [0, 6) s, every row of the window once", () => {
    const trace = readTraceFile(join(tracesDir, "mooncake-conversation.jsonl"), "mooncake");
    const expected = lines("mooncake-conversation.jsonl").map((line) => JSON.parse(line) as { timestamp: number }).filter((row) => row.timestamp >= 60_000 && row.timestamp < 120_000);
    const replay = [...createTraceReplay(trace, { speed: 10, window: parseTraceWindow("60-120", "w"), longPromptTokens: 2048 })];
    expect(replay).toHaveLength(expected.length);
    replay.forEach((request, index) => { expect(request.arrivalSeconds).toBeCloseTo(((expected[index]?.timestamp ?? NaN) / 1000 - 60) / 10, 9); });
  });

  it.each(["mooncake-conversation", "mooncake-synthetic", "azure-2023-conversation", "azure-2023-code"])("goodput sim replays examples/trace-%s.yaml (a 30 s window at 4×)", async (name) => {
    const result = await runCli(["sim", "--scenario", `examples/trace-${name}.yaml`, "--trace-window", "0-30", "--trace-speed", "4", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { requests: number; unfinished: number; completed: number };
    const format = name.startsWith("mooncake") ? "mooncake" : "azure-2023";
    const inWindow = readTraceFile(join(tracesDir, `${name}.${format === "mooncake" ? "jsonl" : "csv"}`), format).rows.filter((row) => row.timeSeconds < 30).length;
    expect(summary.requests).toBe(inWindow);
    expect(summary.unfinished).toBe(0);
    expect(summary.completed).toBeGreaterThan(0);
  }, 60_000);

  it("a scenario naming a missing trace file is refused with the path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-trace-"));
    const scenario = join(dir, "s.yaml");
    writeFileSync(scenario, readFileSync("examples/trace-azure-2023-code.yaml", "utf8").replace("../../shared/data/traces/azure-2023-code.csv", "missing.csv"));
    const result = await runCli(["sim", "--scenario", scenario]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/workload\.trace: trace file .*missing\.csv does not exist/);
  });
});
