import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { goodputErrorOfAsync } from "../goodput-error-of.js";
import { calcGoodputCommand } from "../../src/cli/commands/calc-goodput.js";
import type { CommandContext, OptionValues } from "../../src/cli/command.js";
import { GoodputError } from "../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-calc-goodput-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

interface Result {
  json: Record<string, unknown>;
  text: string;
}

async function run(values: OptionValues): Promise<Result> {
  const context: CommandContext = { values, positionals: [], io: { stdout() {}, stderr() {} }, cwd: process.cwd(), env: {} };
  const run = calcGoodputCommand.run;
  if (!run) throw new Error("command has no run");
  return (await run(context)) as Result;
}

function failure(values: OptionValues): Promise<GoodputError> {
  return goodputErrorOfAsync(() => run(values));
}

// Six attempts; gates TTFT ≤ 0.5 s, TPOT ≤ 0.05 s.
// 1 ok   0–2   ttft 0.2 tpot 0.02 tok 100          → accepted
// 2 ok   1–3   ttft 0.7 tpot 0.02 tok 100          → TTFT miss
// 3 ok   2–4   ttft 0.3 tpot 0.03 tok 50  quality✓ → accepted
// 4 ok   3–5   ttft 0.3 tpot 0.02 tok 80  quality✗ → quality miss
// 5 error 4–4.5                                     → never accepted
// 6 incomplete 5–8                                  → never accepted
// accepted 2, attempts 6, successful 4; duration 8 − 0 = 8 s → goodput 2/8 = 0.25/s; attainment 2/6.
// token goodput (100 + 50) / 8 = 18.75 tok/s.
// --gpu-hours 2 × --price-per-hour 3 = $6 → LCPR 6/2 = $3; cost per 1K successful 6/4 × 1000 = $1500.
const jsonl = [
  '{"status":"ok","startSeconds":0,"endSeconds":2,"ttftSeconds":0.2,"tpotSeconds":0.02,"outputTokens":100}',
  '{"status":"ok","startSeconds":1,"endSeconds":3,"ttftSeconds":0.7,"tpotSeconds":0.02,"outputTokens":100}',
  "",
  '{"status":"success","start_seconds":2,"end_seconds":4,"ttft_seconds":0.3,"tpot_seconds":0.03,"output_tokens":50,"quality_pass":true}',
  '{"status":"ok","startSeconds":3,"endSeconds":5,"ttftSeconds":0.3,"tpotSeconds":0.02,"outputTokens":80,"qualityPass":false,"extra":"ignored"}',
  '{"status":"error","startSeconds":4,"endSeconds":4.5,"ttftSeconds":null}',
  '{"status":"incomplete","startSeconds":5,"endSeconds":8}',
].join("\n");

const csv = [
  "status,startSeconds,endSeconds,ttftSeconds,tpotSeconds,outputTokens,qualityPass,note",
  "ok,0,2,0.2,0.02,100,,first",
  "ok,1,3,0.7,0.02,100,,slow",
  'ok,2,4,0.3,0.03,50,true,"quoted, with comma"',
  "ok,3,5,0.3,0.02,80,false,",
  "error,4,4.5,,,,,",
  "incomplete,5,8,,,,,",
].join("\n");

describe("goodput calc goodput --records", () => {
  for (const [format, text] of [
    ["JSONL", jsonl],
    ["CSV", csv],
  ] as const) {
    it(`${format}: accepted 2 of 6, goodput 2/8 s, LCPR $6/2 = $3, cost per 1K successful $1500`, async () => {
      const path = file(`records.${format === "CSV" ? "csv" : "jsonl"}`, text);
      const { json, text: out } = await run({ records: path, "slo-ttft": "0.5", "slo-tpot": "0.05", "gpu-hours": "2", "price-per-hour": "3" });
      expect(json).toMatchObject({ mode: "records", attempts: 6, successful: 4, errors: 1, incomplete: 1, accepted: 2, durationSeconds: 8 });
      expect(json.goodputRps).toBeCloseTo(0.25, 12);
      expect(json.sloAttainment).toBeCloseTo(2 / 6, 12);
      expect(json.tokenGoodputPerSecond).toBeCloseTo(18.75, 12);
      expect(json.meetsTarget).toBe(false); // default target 0.99
      const cost = json.cost as { lcprUsd: number; costPer1kSuccessfulUsd: number; basis: string };
      expect(cost.basis).toBe("window");
      expect(cost.lcprUsd).toBeCloseTo(3, 12);
      expect(cost.costPer1kSuccessfulUsd).toBeCloseTo(1500, 9);
      expect(out).toMatch(/LCPR/);
      expect(out).toMatch(/Evidence boundary/);
    });
  }

  it("--cost-usd and --overhead-cost-usd: ($6 + $4) ÷ 2 accepted = $5", async () => {
    const path = file("records-cost.jsonl", jsonl);
    const { json } = await run({ records: path, "slo-ttft": "0.5", "cost-usd": "6", "overhead-cost-usd": "4" });
    expect((json.cost as { lcprUsd: number }).lcprUsd).toBeCloseTo(5, 12);
  });

  it("reports every bad row with file, line, field, bad value and fix — nothing dropped", async () => {
    const path = file(
      "bad.jsonl",
      [
        '{"status":"ok","startSeconds":0,"endSeconds":1,"ttftSeconds":0.2}',
        '{"status":"ok","startSeconds":0,"endSeconds":1,"ttftSeconds":-0.2}',
        '{"status":"done","startSeconds":0,"endSeconds":1}',
        '{"status":"ok","startSeconds":0,"endSeconds":1,"tpotSeconds":"NaN"}',
        '{"status":"ok","startSeconds":0,',
        '{"status":"ok","endSeconds":1}',
        '{"status":"ok","startSeconds":5,"endSeconds":1}',
      ].join("\n"),
    );
    const error = await failure({ records: path });
    expect(error.code).toBe("BAD_FILE");
    expect(error.issues).toHaveLength(6);
    expect(error.message).toContain(`${path}:2: field "ttftSeconds" is -0.2, negative`);
    expect(error.message).toContain(`${path}:3: field "status" is "done", an unknown status`);
    expect(error.message).toContain(`${path}:4: field "tpotSeconds" is "NaN", not a finite number`);
    expect(error.message).toContain(`${path}:5: not valid JSON`);
    expect(error.message).toContain(`${path}:6: field "startSeconds" is missing`);
    expect(error.message).toContain(`${path}:7: field "endSeconds" is 1, before startSeconds 5`);
    expect(error.message).not.toContain(`${path}:1:`);
  });

  it("CSV: NaN cells, bad booleans and short rows are named by line", async () => {
    const path = file(
      "bad.csv",
      ["status,startSeconds,endSeconds,ttftSeconds,qualityPass", "ok,0,1,NaN,", "ok,0,1,0.1,maybe", "ok,0,1"].join("\n"),
    );
    const error = await failure({ records: path });
    expect(error.code).toBe("BAD_FILE");
    expect(error.message).toContain(`${path}:2: field "ttftSeconds" is "NaN", not a finite number`);
    expect(error.message).toContain(`${path}:3: field "qualityPass" is "maybe"; use true or false`);
    expect(error.message).toContain(`${path}:4: 3 cells but the header has 5`);
  });

  it("CSV without a required column fails on the header line", async () => {
    const error = await failure({ records: file("nohdr.csv", "status,startSeconds\nok,0\n") });
    expect(error.code).toBe("BAD_FILE");
    expect(error.message).toMatch(/:1: the header lacks column endSeconds/);
  });

  it("a missing file is FILE_NOT_FOUND; an empty file is BAD_FILE", async () => {
    expect((await failure({ records: join(dir, "nope.jsonl") })).code).toBe("FILE_NOT_FOUND");
    expect((await failure({ records: file("empty.jsonl", "\n\n") })).message).toMatch(/no records found/);
  });

  it("rejects a bad SLO flag and half a GPU-hour cost", async () => {
    const path = file("ok.jsonl", jsonl);
    expect((await failure({ records: path, "slo-ttft": "-1" })).code).toBe("BAD_INPUT");
    expect((await failure({ records: path, "gpu-hours": "2" })).message).toMatch(/--price-per-hour/);
    expect((await failure({ records: path, "gpu-hours": "2", "price-per-hour": "3", "cost-usd": "6" })).code).toBe("BAD_USAGE");
  });
});

describe("goodput calc goodput --sweep", () => {
  it("recommends the highest rate with attainment ≥ target: 0.995 ≥ 0.99 at 4 req/s, 0.97 at 8 req/s", async () => {
    const path = file(
      "sweep.json",
      JSON.stringify([
        { rateRps: 2, sloAttainment: 0.999, goodputRps: 2, costUsd: 5 },
        { rateRps: 4, sloAttainment: 0.995, goodputRps: 3.98, costUsd: 5 },
        { rateRps: 8, sloAttainment: 0.97, goodputRps: 7.76, costUsd: 5 },
      ]),
    );
    const { json, text } = await run({ sweep: path });
    expect((json.recommended as { rateRps: number }).rateRps).toBe(4);
    expect(text).toMatch(/operating point/);
    // with a looser target 0.95, 8 req/s qualifies
    expect(((await run({ sweep: path, "target-attainment": "0.95" })).json.recommended as { rateRps: number }).rateRps).toBe(8);
  });

  it("names the element and field of a bad sweep entry", async () => {
    const path = file("bad-sweep.json", JSON.stringify([{ rateRps: 2, sloAttainment: 99, goodputRps: 2, costUsd: 5 }, { rateRps: 4 }]));
    const error = await failure({ sweep: path });
    expect(error.code).toBe("BAD_FILE");
    expect(error.message).toContain("[0].sloAttainment is 99");
    expect(error.message).toContain("[1].sloAttainment is missing");
  });

  it("refuses flags that only apply to --records", async () => {
    const path = file("sweep2.json", "[]");
    expect((await failure({ sweep: path, "slo-ttft": "0.5" })).code).toBe("BAD_USAGE");
  });
});

describe("goodput calc goodput --route-a/--route-b", () => {
  // A: 500,000 tok / 100 s = 5000 tok/s, $40 total → A wins raw throughput and total cost.
  // LCPR A = $40 / 600 = $0.0667; B = $45 / 900 = $0.05 → B is picked.
  const routeA = "requests=1000,successful=950,accepted=600,outputTokens=500000,costUsd=40,durationSeconds=100";
  const routeB = "name=cache-aware,requests=1000,successful=980,accepted=900,outputTokens=450000,costUsd=45,durationSeconds=100";

  it("shows both sides and picks the lower-LCPR route, saying raw throughput and cost favour the other", async () => {
    const { json, text } = await run({ "route-a": routeA, "route-b": routeB });
    expect(json.pick).toBe("b");
    expect(json.favours).toMatchObject({ rawThroughput: "a", totalCost: "a", lcpr: "b", goodput: "b" });
    expect((json.b as { lcprUsd: number }).lcprUsd).toBeCloseTo(0.05, 12);
    expect(text).toMatch(/Pick route cache-aware/);
    expect(text).toMatch(/raw throughput/);
  });

  it("lists unknown and missing keys and bad numbers", async () => {
    const error = await failure({ "route-a": "requests=ten,speed=3", "route-b": routeB });
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toContain('requests="ten" is not a number');
    expect(error.message).toContain('unknown key "speed"');
    expect(error.message).toMatch(/missing successful, accepted, outputTokens, costUsd, durationSeconds/);
  });

  it("needs both routes and exactly one mode", async () => {
    expect((await failure({ "route-a": routeA })).message).toMatch(/Missing --route-b/);
    expect((await failure({})).code).toBe("BAD_USAGE");
    expect((await failure({ "route-a": routeA, "route-b": routeB, sweep: "x.json" })).message).toMatch(/exactly one/);
  });
});
