import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/numeric/rng.js";
import { readoutJson, runReadout } from "./run-readout.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-readout-ratio-"));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const fast = ["--permutations", "100", "--bootstrap", "100"];
const relative = (actual: number, reference: number): number => Math.abs(actual - reference) / Math.abs(reference);

/** Hand calculation of the linearized ratio: z = (N − R·D)/D̄ per unit, Var(R̂) = s²(z)/n (Deng, Knoblich & Lu 2018, §3). */
function linearizedRatio(numerators: readonly number[], denominators: readonly number[]): { ratio: number; standardError: number } {
  const n = numerators.length;
  const sumN = numerators.reduce((a, b) => a + b, 0);
  const sumD = denominators.reduce((a, b) => a + b, 0);
  const ratio = sumN / sumD;
  const z = numerators.map((value, index) => (value - ratio * (denominators[index] ?? 0)) / (sumD / n));
  const mean = z.reduce((a, b) => a + b, 0) / n;
  const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { ratio, standardError: Math.sqrt(variance / n) };
}

function welch(values: readonly number[], arms: readonly number[]): { estimate: number; standardError: number } {
  const arm = (d: number): number[] => values.filter((_, index) => arms[index] === d);
  const moments = (x: number[]): { mean: number; variance: number; n: number } => {
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    return { mean, variance: x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1), n: x.length };
  };
  const t = moments(arm(1));
  const c = moments(arm(0));
  return { estimate: t.mean - c.mean, standardError: Math.sqrt(t.variance / t.n + c.variance / c.n) };
}

describe("ratio metrics as readout rows (delta method)", () => {
  it("--ratio cost/success clustered by the assignment unit matches estimatr (weighted HC1 of Σcost/Σsuccess per cluster) to 1e-6", async () => {
    const expected = (JSON.parse(readFileSync("test/fixtures/stats/clustered-rct.expected.json", "utf8")) as { ratio: { treated: { ratio: number; standardError: number }; control: { ratio: number; standardError: number }; difference: number; differenceStandardError: number } }).ratio;
    const readout = await readoutJson(["test/fixtures/stats/clustered-rct.csv", "--outcome", "cost", "--treatment", "treated", "--cluster", "cluster", "--ratio", "cost/success", ...fast]);
    const row = readout.ratios.find((entry) => entry.name === "cost / success")!;
    expect(row.linearizedOver).toBe("cluster");
    expect(relative(row.treated.ratio, expected.treated.ratio)).toBeLessThan(1e-6);
    expect(relative(row.treated.standardError, expected.treated.standardError)).toBeLessThan(1e-6);
    expect(relative(row.control.ratio, expected.control.ratio)).toBeLessThan(1e-6);
    expect(relative(row.control.standardError, expected.control.standardError)).toBeLessThan(1e-6);
    expect(relative(row.estimate, expected.difference)).toBeLessThan(1e-6);
    expect(relative(row.standardError, expected.differenceStandardError)).toBeLessThan(1e-6);
    expect(row.ci95[0]).toBeCloseTo(row.estimate - 1.959963984540054 * row.standardError, 12);
  });

  it("canonical log columns give cost per successful request and cache hit rate automatically, equal to a hand linearization", async () => {
    const rng = createRng(11, "test/readout-ratio");
    const rows: { arm: string; status: string; cost: number; prompt: number; cached: number }[] = [];
    for (let index = 0; index < 300; index++) {
      const treated = index % 2 === 1;
      const prompt = 100 + Math.floor(rng.next() * 900);
      rows.push({ arm: treated ? "B" : "A", status: rng.next() < (treated ? 0.9 : 0.8) ? "ok" : "timeout", cost: Number((0.0001 * prompt * (0.5 + rng.next())).toFixed(8)), prompt, cached: Math.floor(prompt * rng.next() * (treated ? 0.8 : 0.4)) });
    }
    const path = write("canonical.csv", ["arm,status,cost_usd,prompt_tokens,cached_prompt_tokens,ttft_s", ...rows.map((row) => `${row.arm},${row.status},${row.cost},${row.prompt},${row.cached},0.1`)].join("\n"));
    const readout = await readoutJson([path, "--outcome", "cost_usd", ...fast]);
    expect(readout.ratios.map((entry) => entry.name)).toEqual(["cost per successful request", "cache hit rate"]);
    for (const [arm, key] of [["A", "control"], ["B", "treated"]] as const) {
      const armRows = rows.filter((row) => row.arm === arm);
      const cost = linearizedRatio(armRows.map((row) => row.cost), armRows.map((row) => (row.status === "ok" ? 1 : 0)));
      const hit = linearizedRatio(armRows.map((row) => row.cached), armRows.map((row) => row.prompt));
      const costRow = readout.ratios[0]![key];
      const hitRow = readout.ratios[1]![key];
      expect(relative(costRow.ratio, cost.ratio)).toBeLessThan(1e-9);
      expect(relative(costRow.standardError, cost.standardError)).toBeLessThan(1e-9);
      expect(relative(hitRow.ratio, hit.ratio)).toBeLessThan(1e-9);
      expect(relative(hitRow.standardError, hit.standardError)).toBeLessThan(1e-9);
    }
    expect(readout.ratios[1]!.lowerIsBetter).toBe(false);
    expect(readout.ratios[1]!.ci95[0]).toBeGreaterThan(0); // the treated arm caches about twice as much
    const text = (await runReadout([path, "--outcome", "cost_usd", ...fast])).stdout;
    expect(text).toMatch(/Ratio metrics \(delta method/);
    expect(text).toMatch(/cache hit rate/);
  });

  it("a bad --ratio is a usage error naming the flag; a negative denominator names the row", async () => {
    const path = write("ratio-bad.csv", "arm,spend,n\n" + Array.from({ length: 20 }, (_, i) => `${i % 2 ? "B" : "A"},${i},${i === 9 ? -1 : 1}`).join("\n"));
    const usage = await runReadout([path, "--outcome", "spend", "--ratio", "spend"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--ratio "spend" is not NUMERATOR\/DENOMINATOR/);
    const negative = await runReadout([path, "--outcome", "spend", "--ratio", "spend/n"]);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toMatch(/denominator "n" is negative \(-1\) at row 10 \(line 11\)/);
  });
});

describe("segments: lift, net value (value × lift − incremental cost) with Holm / BH, and 'target a segment'", () => {
  // Segment a: the outcome improves by 1 per row; b and c: no effect. Treatment costs 0.1 more per row everywhere.
  const rng = createRng(5, "test/readout-segments");
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const data = Array.from({ length: 1500 }, (_, index) => {
    const segment = ["a", "b", "c"][index % 3]!;
    const d = Math.floor(index / 3) % 2;
    return { segment, d, y: Number((5 + (segment === "a" ? d : 0) + normal()).toFixed(6)), cost: Number((1 + 0.1 * d + 0.05 * normal()).toFixed(6)) };
  });
  const path = write("segments.csv", ["treated,segment,score,cost_usd", ...data.map((row) => `${row.d},${row.segment},${row.y},${row.cost}`)].join("\n"));

  it("net value per segment equals a hand Welch on v = value·y − cost; Holm over segments; decision targets segment a", async () => {
    const readout = await readoutJson([path, "--outcome", "score", "--treatment", "treated", "--segment", "segment", "--value-per-unit", "1", ...fast]);
    const segments = readout.outcomes[0]!.segments;
    expect(segments.map((entry) => entry.segment)).toEqual(["a", "b", "c"]);
    for (const segment of segments) {
      const rows = data.filter((row) => row.segment === segment.segment);
      const hand = welch(rows.map((row) => row.y - row.cost), rows.map((row) => row.d));
      const lift = welch(rows.map((row) => row.y), rows.map((row) => row.d));
      const cost = welch(rows.map((row) => row.cost), rows.map((row) => row.d));
      expect(relative(segment.lift, lift.estimate)).toBeLessThan(1e-9);
      expect(relative(segment.netValue!.estimate, hand.estimate)).toBeLessThan(1e-9);
      expect(relative(segment.netValue!.standardError, hand.standardError)).toBeLessThan(1e-9);
      expect(relative(segment.netValue!.incrementalCost, cost.estimate)).toBeLessThan(1e-9);
    }
    // Holm by hand: sort p ascending, multiply by (m − rank), running max, cap at 1.
    const p = segments.map((entry) => entry.netValue!.pValue);
    const order = p.map((value, index) => ({ value, index })).sort((x, y) => x.value - y.value);
    let running = 0;
    for (const [rank, { value, index }] of order.entries()) {
      running = Math.max(running, Math.min(1, (p.length - rank) * value));
      expect(segments[index]!.netValue!.pHolm).toBeCloseTo(running, 12);
    }
    expect(segments[0]!.netValue!.estimate).toBeGreaterThan(0.7);
    expect(readout.decision.action).toBe("target a segment");
    expect(readout.decision.targetSegments).toEqual(["a"]);
    expect(readout.decision.summary).toMatch(/target "a".*net value/);
  });

  it("without a value per unit the lift alone decides; a uniform effect is not targeted", async () => {
    const readout = await readoutJson([path, "--outcome", "score", "--treatment", "treated", "--segment", "segment", ...fast]);
    expect(readout.outcomes[0]!.segments.every((entry) => entry.netValue === null)).toBe(true);
    expect(readout.decision.targetSegments).toEqual(["a"]);
    const uniform = write("uniform.csv", ["treated,segment,score", ...data.map((row) => `${row.d},${row.segment},${(row.y - (row.segment === "a" ? row.d : 0) + 2 * row.d).toFixed(6)}`)].join("\n"));
    const flat = await readoutJson([uniform, "--outcome", "score", "--treatment", "treated", "--segment", "segment", ...fast]);
    expect(flat.decision.action).toBe("ship");
    expect(flat.decision.targetSegments).toEqual([]);
    const missingCost = await runReadout([uniform, "--outcome", "score", "--treatment", "treated", "--segment", "segment", "--value-per-unit", "1"]);
    expect(missingCost.code).toBe(2);
    expect(missingCost.stderr).toMatch(/--value-per-unit needs a per-row cost column/);
  });
});
