import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goodputErrorOfAsync } from "../goodput-error-of.js";
import { describe, expect, it } from "vitest";
import type { CommandContext, OptionValues } from "../../src/cli/command.js";
import { calcCacheCommand, type CalcCacheJson } from "../../src/cli/commands/calc-cache.js";
import { GoodputError } from "../../src/errors.js";

const context = (values: OptionValues, cwd = process.cwd()): CommandContext => ({
  values,
  positionals: [],
  io: { stdout() {}, stderr() {} },
  cwd,
  env: {},
});

const run = async (values: OptionValues, cwd?: string): Promise<{ json: CalcCacheJson; text: string }> => {
  const result = await calcCacheCommand.run!(context(values, cwd));
  return { json: result.json as CalcCacheJson, text: result.text };
};

const failure = (values: OptionValues, cwd?: string): Promise<GoodputError> => goodputErrorOfAsync(() => calcCacheCommand.run!(context(values, cwd)));

const tempDir = mkdtempSync(join(tmpdir(), "goodput-calc-cache-"));
const system = "You are the Acme support agent. Policy: refunds within 30 days; escalate fraud to a human.\n".repeat(8);

describe("calc cache", () => {
  it("defaults to the Claude Sonnet 4 snapshot with its source and date; 5m break-even 3.75 / (3 − 0.3) = 1.389", async () => {
    const { json, text } = await run({ "prefix-tokens": "10000", reads: "10" });
    expect(json.priceSnapshot.id).toBe("anthropic-claude-sonnet-4");
    expect(json.priceSnapshot.sourceDate).toBe("2025-08");
    expect(json.tiers[0]?.tier).toBe("5m");
    expect(json.tiers[0]?.breakEvenReads).toBeCloseTo(3.75 / 2.7, 10);
    // Savings at 10 reads: 11 × $0.03 − ($0.0375 + 10 × $0.003) = $0.2625.
    expect(json.tiers[0]?.atReuse?.savingsUsd).toBeCloseTo(0.2625, 10);
    expect(json.prefixLint).toBeNull();
    expect(text).toContain("break-even reads");
    expect(text).toContain("1.39");
  });

  it("assumes 10 reads when no reuse, gaps or rate are given, and says so", async () => {
    const { json, text } = await run({ "prefix-tokens": "1000" });
    expect(json.tiers[0]?.atReuse?.readsPerWrite).toBe(10);
    expect(text).toContain("assumed --reads 10");
  });

  it("explicit prices: input 2, write 2, read 0.5 → break-even (docs/design.md §3.4) 2 / 1.5, none against uncached", async () => {
    const { json } = await run({ "input-price": "2", "cache-write-price": "2", "cache-read-price": "0.5", "ttl-seconds": "600", "prefix-tokens": "1000", reads: "1" });
    expect(json.priceSnapshot.id).toBe("explicit");
    expect(json.tiers).toHaveLength(1);
    expect(json.tiers[0]?.ttlSeconds).toBe(600);
    expect(json.tiers[0]?.breakEvenReads).toBeCloseTo(2 / 1.5, 12);
    expect(json.tiers[0]?.breakEvenReadsVsUncached).toBe(0);
  });

  it("mean gap 600 s gives P(hit) = 1 − e^(−TTL/600) per tier and picks the 1-hour tier", async () => {
    const { json } = await run({ "prefix-tokens": "10000", "mean-gap-seconds": "600" });
    expect(json.tiers[0]?.perRequest.hitProbability).toBeCloseTo(1 - Math.exp(-0.5), 12);
    expect(json.tiers[1]?.perRequest.hitProbability).toBeCloseTo(1 - Math.exp(-6), 12);
    expect(json.bestTier).toBe("1h");
  });

  it("gap samples 1,5,30,600,4000: 3/5 within 5 minutes", async () => {
    const { json } = await run({ "prefix-tokens": "10000", "gap-samples": "1,5,30,600,4000" });
    expect(json.tiers[0]?.perRequest.hitProbability).toBe(0.6);
  });

  it("Gemini's storage rent: 100k tokens × $4.5/MTok-h held ~all hour at 60 requests/hour ≈ $0.45/h", async () => {
    const { json, text } = await run({ prices: "google-gemini-2.5-pro", "prefix-tokens": "100000", "requests-per-hour": "60" });
    expect(json.tiers[0]?.perRequest.rentUsdPerHour).toBeCloseTo(0.45, 6);
    expect(text).toContain("Storage rent");
  });

  it("lints example prompts from a JSON array and prices the static prefix it found", async () => {
    const file = join(tempDir, "prompts.json");
    writeFileSync(file, JSON.stringify([`${system}Q: where is my order?`, `${system}Q: cancel my plan`]));
    const { json } = await run({ prompts: file });
    expect(json.prefixLint?.staticPrefixChars).toBe(system.length + 3);
    expect(json.prefixTokens).toBe(Math.floor((system.length + 3) / 4));
  });

  it("lints JSONL (strings or {prompt}) and reports a timestamp ahead of the static content", async () => {
    const file = join(tempDir, "prompts.jsonl");
    writeFileSync(file, [JSON.stringify(`Time 2025-01-05T10:00:00Z\n${system}A`), JSON.stringify({ prompt: `Time 2025-01-05T11:00:00Z\n${system}B` }), ""].join("\n"));
    const { json, text } = await run({ prompts: "prompts.jsonl", "prefix-tokens": "5000" }, tempDir);
    expect(json.prefixLint?.findings[0]).toMatchObject({ kind: "iso-timestamp", severity: "error" });
    expect(json.prefixTokens).toBe(5000);
    expect(text).toMatch(/ERROR.*timestamp/);
    expect(text).toContain("Fix: Move a timestamp after the static content");
  });

  it("prompts that share nothing cacheable are exit-2 input errors with the fix", async () => {
    const file = join(tempDir, "uuid.json");
    writeFileSync(file, JSON.stringify([`3f2b8c1e-9a4d-4e2b-8f6a-1c2d3e4f5a6b ${system}`, `7d1e2f3a-4b5c-4d6e-9f80-a1b2c3d4e5f6 ${system}`]));
    const error = await failure({ prompts: file });
    expect(error.code).toBe("BAD_INPUT");
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/Move a UUID after the static content.*--prefix-tokens/);
  });

  it.each([
    [{ reads: "-1" }, "BAD_INPUT", '--reads: "-1"'],
    [{ "prefix-tokens": "0" }, "BAD_INPUT", '--prefix-tokens: "0"'],
    [{ "prefix-tokens": "12.5" }, "BAD_INPUT", "for example --prefix-tokens 20000"],
    [{ "gap-samples": "1,x" }, "BAD_INPUT", '--gap-samples: "x"'],
    [{ "mean-gap-seconds": "0" }, "BAD_INPUT", '--mean-gap-seconds: "0"'],
    [{ "requests-per-hour": "lots" }, "BAD_INPUT", '--requests-per-hour: "lots"'],
    [{ prices: "anthropic-claude-sonet-4" }, "UNKNOWN_PRICE_SNAPSHOT", "anthropic-claude-sonnet-4"],
    [{ "input-price": "3", "cache-write-price": "3.75" }, "BAD_USAGE", "missing --cache-read-price, --ttl-seconds"],
    [{ prices: "openai-gpt-4.1", "input-price": "3" }, "BAD_USAGE", "not both"],
    [{ "mean-gap-seconds": "60", "gap-samples": "1,2" }, "BAD_USAGE", "not both"],
    [{ "input-price": "-3", "cache-write-price": "3.75", "cache-read-price": "0.3", "ttl-seconds": "300" }, "BAD_INPUT", '--input-price: "-3"'],
    [{ prompts: "does-not-exist.json" }, "FILE_NOT_FOUND", "does-not-exist.json"],
  ])("rejects %j with %s naming the flag and value (exit 2)", async (values, code, text) => {
    const error = await failure(values);
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(text);
  });

  it("a malformed JSONL line is BAD_FILE naming the file and line", async () => {
    const file = join(tempDir, "bad.jsonl");
    writeFileSync(file, `"ok"\n{not json}\n`);
    const error = await failure({ prompts: file });
    expect(error.code).toBe("BAD_FILE");
    expect(error.message).toContain("bad.jsonl:2");
  });
});
