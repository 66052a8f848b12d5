import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchCommand } from "../../src/cli/commands/bench.js";
import { runCommandTree } from "../../src/cli/run-command-tree.js";
import { isGoodputError } from "../../src/errors.js";
import { readTraceFile } from "../../src/cli/read-trace-file.js";
import type { RequestRecord } from "../../src/sim/log/request-record.js";
import { contentChunk, doneChunk, playStream, startScriptedServer, usageChunk, type ScriptedServer } from "../loadgen/scripted-server.js";

const tracesDir = join(process.cwd(), "..", "shared", "data", "traces");
const root = { name: "goodput", summary: "test root", subcommands: [benchCommand] };
let server: ScriptedServer;
const prompts: string[] = [];

async function bench(argv: readonly string[]) {
  let stdout = "";
  const io = { stdout: (text: string) => (stdout += text), stderr: () => undefined };
  try {
    return { code: await runCommandTree(root, ["bench", ...argv], { io, cwd: process.cwd(), env: {} }), stdout, error: null };
  } catch (error) {
    if (!isGoodputError(error)) throw error;
    return { code: error.exitCode, stdout, error };
  }
}

beforeAll(async () => {
  server = await startScriptedServer(async (_req, res, body) => {
    const prompt = (JSON.parse(body || "{}") as { prompt?: unknown }).prompt;
    if (typeof prompt === "string") prompts.push(prompt);
    await playStream(res, [{ afterMs: 2, data: contentChunk("a") }, { afterMs: 2, data: contentChunk(" b", "length") + usageChunk(2) + doneChunk }]);
  });
});
afterAll(() => server.close());

describe.skipIf(!existsSync(tracesDir))("bench --arrivals trace:FILE --trace-format (the shipped traces)", () => {
  it.each([
    ["mooncake-conversation.jsonl", "mooncake", "0-5"],
    ["azure-2023-code.csv", "azure-2023", "0-10"],
  ] as const)("%s (%s), window %s s at 10×: the trace's lengths on the trace's schedule", async (file, format, window) => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-bench-trace-"));
    const path = join(tracesDir, file);
    const [from, to] = window.split("-").map(Number) as [number, number];
    const rows = readTraceFile(path, format).rows.filter((row) => row.timeSeconds >= from && row.timeSeconds < to);
    const { code } = await bench(["--target", server.url, "--model", "m", "--api", "completions", "--arrivals", `trace:${path}`, "--trace-format", format, "--trace-window", window, "--trace-speed", "10", "--requests", "1000", "--metrics-interval", "0", "--out", dir]);
    expect(code).toBe(0);
    const records = readFileSync(join(dir, "requests.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as RequestRecord).sort((a, b) => a.request_id - b.request_id);
    expect(records).toHaveLength(rows.length);
    const first = rows[0]?.timeSeconds ?? 0;
    records.forEach((record, index) => {
      const row = rows[index];
      expect(record.prompt_tokens).toBe(row?.promptTokens);
      expect(record.max_output_tokens).toBe(row?.outputTokens);
      expect(record.arrival_s - (records[0]?.arrival_s ?? 0)).toBeCloseTo(((row?.timeSeconds ?? NaN) - first) / 10, 3);
    });
  }, 60_000);

  it("mooncake: requests sharing their first k hash ids send the same first k × 512 tokens, and differ after", async () => {
    const path = join(tracesDir, "mooncake-conversation.jsonl");
    prompts.length = 0;
    const { code } = await bench(["--target", server.url, "--model", "m", "--api", "completions", "--arrivals", `trace:${path}`, "--trace-format", "mooncake", "--trace-window", "0-2", "--trace-speed", "10", "--requests", "1000", "--metrics-interval", "0"]);
    expect(code).toBe(0);
    const rows = readTraceFile(path, "mooncake").rows.filter((row) => row.timeSeconds < 2);
    expect(prompts).toHaveLength(rows.length);
    // Every prompt word is one o200k token with its leading space, so words are tokens.
    const words = prompts.map((prompt) => prompt.split(" ").slice(1)).sort((a, b) => a.length - b.length);
    const byLength = [...rows].sort((a, b) => a.promptTokens - b.promptTokens);
    expect(words.map((w) => w.length)).toEqual(byLength.map((row) => row.promptTokens));
    let comparedShared = 0;
    for (let a = 0; a < rows.length; a++) {
      for (let b = a + 1; b < rows.length; b++) {
        const idsA = rows[a]?.hashIds ?? [];
        const idsB = rows[b]?.hashIds ?? [];
        let k = 0;
        while (k < Math.min(idsA.length, idsB.length) && idsA[k] === idsB[k]) k++;
        const wordsA = prompts.find((p) => p.split(" ").length - 1 === rows[a]?.promptTokens)?.split(" ").slice(1) ?? [];
        const wordsB = prompts.find((p) => p.split(" ").length - 1 === rows[b]?.promptTokens)?.split(" ").slice(1) ?? [];
        if (new Set(rows.map((row) => row.promptTokens)).size !== rows.length) continue; // lengths identify prompts only when unique
        const shared = Math.min(512 * k, wordsA.length, wordsB.length);
        expect(wordsA.slice(0, shared)).toEqual(wordsB.slice(0, shared));
        if (k < Math.min(idsA.length, idsB.length)) expect(wordsA.slice(shared, shared + 512)).not.toEqual(wordsB.slice(shared, shared + 512));
        if (k > 0) comparedShared++;
      }
    }
    expect(comparedShared).toBeGreaterThan(0);
  }, 60_000);

  it("refuses a bad format or a window flag without --trace-format", async () => {
    const path = join(tracesDir, "azure-2023-code.csv");
    expect((await bench(["--target", server.url, "--model", "m", "--arrivals", `trace:${path}`, "--trace-format", "csv"])).error?.message).toMatch(/--trace-format: "csv" is not a known trace format/);
    expect((await bench(["--target", server.url, "--model", "m", "--arrivals", `trace:${path}`, "--trace-window", "0-5"])).error?.message).toMatch(/need --trace-format/);
    expect((await bench(["--target", server.url, "--model", "m", "--rate", "1", "--trace-format", "mooncake"])).error?.message).toMatch(/go with --arrivals trace:FILE/);
  });
});
