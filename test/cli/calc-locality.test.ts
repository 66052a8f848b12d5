import { goodputErrorOfAsync } from "../goodput-error-of.js";
import { describe, expect, it } from "vitest";
import type { CommandContext, OptionValues } from "../../src/cli/command.js";
import { calcLocalityCommand } from "../../src/cli/commands/calc-locality.js";
import { GoodputError } from "../../src/errors.js";
import type { CacheLocalityResult } from "../../src/physics/cache-locality.js";

const context = (values: OptionValues): CommandContext => ({ values, positionals: [], io: { stdout() {}, stderr() {} }, cwd: process.cwd(), env: {} });

const run = async (values: OptionValues): Promise<{ json: CacheLocalityResult; text: string }> => {
  const result = await calcLocalityCommand.run!(context(values));
  return { json: result.json as CacheLocalityResult, text: result.text };
};

const failure = (values: OptionValues): Promise<GoodputError> => goodputErrorOfAsync(() => calcLocalityCommand.run!(context(values)));

describe("calc locality", () => {
  it("uniform prefixes: round-robin hits C / K = 0.2, prefix-hash C·R / K = 0.8", async () => {
    const { json, text } = await run({ replicas: "4", prefixes: "100", zipf: "0", "cache-prefixes": "20", "ttft-hit-ms": "50", "ttft-miss-ms": "500" });
    const hit = (name: string) => json.policies.find((policy) => policy.policy === name)?.hitRate;
    expect(hit("round-robin")).toBeCloseTo(0.2, 9);
    expect(hit("prefix-hash")).toBeCloseTo(0.8, 9);
    expect(json.policies.map((policy) => policy.policy)).toEqual(["round-robin", "least-request", "prefix-hash", "kv-aware-spill", "sticky-session"]);
    expect(text).toContain("load imbalance");
  });

  it("takes the input price from the snapshot unless --input-price is given: $3/MTok × 4000 tokens × 50 req/s × 3600 s", async () => {
    const { json } = await run({ policies: "round-robin" });
    expect(json.policies[0]?.uncachedInputUsdPerHour).toBeCloseTo((3 * 4000 * 50 * 3600) / 1e6, 9);
    const explicit = await run({ policies: "round-robin", "input-price": "1" });
    expect(explicit.json.policies[0]?.uncachedInputUsdPerHour).toBeCloseTo((4000 * 50 * 3600) / 1e6, 9);
  });

  it("default TTFT model: 20 ms + 4000 tokens × 0.05 ms = 220 ms on a miss", async () => {
    const { json } = await run({ policies: "prefix-hash" });
    expect(json.ttftHitSeconds).toBeCloseTo(0.02, 12);
    expect(json.ttftMissSeconds).toBeCloseTo(0.22, 12);
  });

  it("--partition hash --seed is reported back", async () => {
    const { json } = await run({ partition: "hash", seed: "7", policies: "prefix-hash" });
    expect(json.partition).toEqual({ kind: "hash", seed: 7 });
  });

  it.each([
    [{ replicas: "0" }, "BAD_INPUT", '--replicas: "0"'],
    [{ zipf: "-1" }, "BAD_INPUT", '--zipf: "-1"'],
    [{ "cache-prefixes": "2.5" }, "BAD_INPUT", '--cache-prefixes: "2.5"'],
    [{ "cache-prefixes": "10", "cache-tokens": "1000" }, "BAD_USAGE", "not both"],
    [{ "ttft-hit-ms": "40" }, "BAD_USAGE", "--ttft-miss-ms"],
    [{ policies: "round-robin,random" }, "BAD_INPUT", '"random"'],
    [{ partition: "consistent" }, "BAD_INPUT", '--partition: "consistent"'],
    [{ "load-bound": "0.9" }, "BAD_INPUT", '--load-bound: "0.9"'],
    [{ prices: "nope" }, "UNKNOWN_PRICE_SNAPSHOT", '"nope"'],
  ])("rejects %j with %s naming the flag and value (exit 2)", async (values, code, text) => {
    const error = await failure(values);
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(text);
  });
});
