import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/numeric/rng.js";
import { readoutJson, runReadout } from "../run-readout.js";

/** Design casebook (issue 11 items 5, 9, 10): every non-RCT design ends in a decision word with its checks. */
const dir = mkdtempSync(join(tmpdir(), "goodput-design-casebook-"));
/** Numbers the request logs written into `dir` (deterministic names, no Math.random). */
let logCount = 0;
const write = (name: string, header: string, rows: readonly string[]): string => {
  const path = join(dir, name);
  writeFileSync(path, [header, ...rows].join("\n") + "\n");
  return path;
};
const fast = ["--permutations", "100", "--bootstrap", "20"];
async function json(args: readonly string[]): Promise<Record<string, unknown> & { decision: { action: string; rule: string; summary: string } }> {
  const result = await runReadout([...args, "--json"]);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown> & { decision: { action: string; rule: string; summary: string } };
}

/** Staggered panel: 3 never-treated units, cohorts first treated at t = 3 and t = 5 (3 units each), effect = periods since adoption. */
function staggeredPanel(): { path: string; y: (unit: number, t: number) => number; cohorts: Map<number, number[]>; never: number[] } {
  const first = (unit: number): number | null => (unit <= 3 ? null : unit <= 6 ? 3 : 5);
  const noise = (unit: number, t: number): number => (((unit * 7 + t * 13) % 5) - 2) / 10;
  const y = (unit: number, t: number): number => {
    const g = first(unit);
    return unit + 0.5 * t + (g !== null && t >= g ? t - g + 1 : 0) + noise(unit, t);
  };
  const rows: string[] = [];
  for (let unit = 1; unit <= 9; unit++) for (let t = 1; t <= 6; t++) rows.push(`u${unit},${t},${first(unit) !== null && t >= (first(unit) ?? 99) ? 1 : 0},${y(unit, t)}`);
  return { path: write("staggered.csv", "unit,time,treated,y", rows), y, cohorts: new Map([[3, [4, 5, 6]], [5, [7, 8, 9]]]), never: [1, 2, 3] };
}

describe("design casebook", () => {
  it("9. staggered DiD decides on Callaway–Sant'Anna (hand calculation), not the biased TWFE", async () => {
    const panel = staggeredPanel();
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    // ATT(g, t) by hand; every cohort has 3 units, so the simple aggregation is the plain mean of the six post cells.
    const cells: { g: number; t: number; att: number }[] = [];
    for (const [g, units] of panel.cohorts) for (let t = g; t <= 6; t++) cells.push({ g, t, att: mean(units.map((u) => panel.y(u, t) - panel.y(u, g - 1))) - mean(panel.never.map((u) => panel.y(u, t) - panel.y(u, g - 1))) });
    const att = mean(cells.map((cell) => cell.att));
    const w = 1 / cells.length;
    const variance = (values: number[]) => values.reduce((sum, value) => sum + (value - mean(values)) ** 2, 0) / (values.length - 1);
    let v = 0;
    for (const [g, units] of panel.cohorts) v += variance(units.map((u) => cells.filter((c) => c.g === g).reduce((s, c) => s + w * (panel.y(u, c.t) - panel.y(u, g - 1)), 0))) / units.length;
    v += variance(panel.never.map((u) => cells.reduce((s, c) => s + w * (panel.y(u, c.t) - panel.y(u, c.g - 1)), 0))) / panel.never.length;
    const readout = await json([panel.path, "--design", "did", "--outcome", "y", "--direction", "higher", "--unit", "unit", "--time", "time", "--treatment", "treated"]);
    const cs = readout.callawaySantAnna as { estimate: number; standardError: number };
    expect(cs.estimate).toBeCloseTo(att, 10);
    expect(cs.standardError).toBeCloseTo(Math.sqrt(v), 10);
    expect(Math.abs(att - 13 / 6)).toBeLessThan(0.2); // truth: mean of effects 1,2,3,4 and 1,2
    const twfe = (readout.estimate as { estimate: number }).estimate;
    expect(Math.abs(twfe - 13 / 6)).toBeGreaterThan(0.3); // TWFE is biased under growing effects
    expect(readout.decision.summary).toMatch(/Callaway–Sant'Anna/);
    expect(readout.decision.action).toBe("ramp");
    expect(readout.decision.rule).toBe("quasi-experimental-benefit");
  });

  it("9. Callaway–Sant'Anna on an unbalanced panel uses, per cell, the units seen at t and g − 1 (hand calculation)", async () => {
    const panel = staggeredPanel();
    const { readFileSync } = await import("node:fs");
    const lines = readFileSync(panel.path, "utf8").trim().split("\n");
    const path = write("unbalanced.csv", lines[0] ?? "", lines.slice(1).filter((line) => !line.startsWith("u4,6,") && !line.startsWith("u2,5,")));
    const seen = (u: number, t: number) => !((u === 4 && t === 6) || (u === 2 && t === 5));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const cells: { n: number; att: number }[] = [];
    for (const [g, units] of panel.cohorts) {
      for (let t = g; t <= 6; t++) {
        const treatedSet = units.filter((u) => seen(u, t) && seen(u, g - 1));
        const controlSet = panel.never.filter((u) => seen(u, t) && seen(u, g - 1));
        cells.push({ n: treatedSet.length, att: mean(treatedSet.map((u) => panel.y(u, t) - panel.y(u, g - 1))) - mean(controlSet.map((u) => panel.y(u, t) - panel.y(u, g - 1))) });
      }
    }
    const total = cells.reduce((sum, cell) => sum + cell.n, 0);
    const att = cells.reduce((sum, cell) => sum + (cell.n / total) * cell.att, 0);
    const readout = await json([path, "--design", "did", "--outcome", "y", "--unit", "unit", "--time", "time", "--treatment", "treated"]);
    expect((readout.callawaySantAnna as { estimate: number }).estimate).toBeCloseTo(att, 10);
  });

  it("9. DiD whose pre-trends fail does not headline TWFE: run a stronger design", async () => {
    const rows: string[] = [];
    // Treated units already rise 0.6 per period before adoption at t = 5; the effect is 1.0.
    for (let unit = 1; unit <= 10; unit++) {
      for (let t = 1; t <= 8; t++) {
        const treatedUnit = unit > 5;
        rows.push(`u${unit},${t},${treatedUnit && t >= 5 ? 1 : 0},${unit + 0.3 * t + (treatedUnit ? 0.6 * t : 0) + (treatedUnit && t >= 5 ? 1 : 0) + (((unit * 3 + t * 5) % 7) - 3) / 20}`);
      }
    }
    const readout = await json([write("pretrend.csv", "unit,time,treated,y", rows), "--design", "did", "--outcome", "y", "--unit", "unit", "--time", "time", "--treatment", "treated"]);
    expect((readout.preTrend as { pValue: number }).pValue).toBeLessThan(0.05);
    expect(readout.decision.action).toBe("run a stronger design");
    expect(readout.decision.summary).toMatch(/pre-trends/);
  });

  it("9. IV with a weak first stage is downgraded; a strong one ramps on the LATE", async () => {
    const rng = createRng(5, "test/casebook/iv");
    const rows = (strength: number) => Array.from({ length: 400 }, () => {
      const z = rng.next() < 0.5 ? 1 : 0;
      const u = rng.next();
      const d = rng.next() < 0.2 + strength * z + 0.2 * u ? 1 : 0;
      return `${z},${d},${2 * d + u + rng.next()}`;
    });
    const weak = await json([write("weak-iv.csv", "z,d,y", rows(0.01)), "--design", "iv", "--outcome", "y", "--treatment", "d", "--instrument", "z"]);
    expect((weak.firstStage as { F: number }).F).toBeLessThan(10);
    expect(weak.decision.action).toBe("run a stronger design");
    const strong = await json([write("strong-iv.csv", "z,d,y", rows(0.5)), "--design", "iv", "--outcome", "y", "--direction", "higher", "--treatment", "d", "--instrument", "z"]);
    expect(strong.decision.action).toBe("ramp");
  });

  it("5. 'accounts above a usage cutoff get priority' is not read as an RCT; with --running it runs the RDD", async () => {
    const rng = createRng(9, "test/casebook/rdd");
    const rows = Array.from({ length: 1500 }, () => {
      const usage = 100 + 60 * (rng.next() + rng.next() + rng.next() - 1.5);
      const priority = usage >= 100 ? 1 : 0;
      return `${usage},${priority},${0.002 * usage + 0.1 * priority + 0.05 * (rng.next() - 0.5)}`;
    });
    const path = write("cutoff.csv", "usage,priority,success", rows);
    const story = ["--assignment-story", "accounts above a usage cutoff get priority"];
    const naive = await readoutJson([path, "--outcome", "success", "--treatment", "priority", ...story, ...fast]);
    expect(naive.decision.action).toBe("run a stronger design");
    expect(naive.design.recommendation).toMatch(/--design rdd --running COL --cutoff C/);
    const rdd = await json([path, "--outcome", "success", ...story, "--running", "usage", "--cutoff", "100"]);
    expect(rdd.design).toBe("rdd");
    const jump = (rdd.estimate as { ci95: [number, number] }).ci95;
    expect(jump[0]).toBeLessThan(0.1);
    expect(jump[1]).toBeGreaterThan(0.1);
    expect(rdd.decision.action).toBe("ramp");
  });

  it("5. 'rolled out in waves' asks for DiD and 'we only have router logs' for OPE, never an RCT ship", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i % 2},${1 + (i % 2) * 0.5 + (i % 7) / 10}`);
    const path = write("waves.csv", "treated,y", rows);
    const waves = await readoutJson([path, "--outcome", "y", "--treatment", "treated", "--assignment-story", "rolled out in waves, one region at a time", ...fast]);
    expect(waves.decision.action).toBe("run a stronger design");
    expect(waves.design.recommendation).toMatch(/--design did/);
    const logs = await readoutJson([path, "--outcome", "y", "--treatment", "treated", "--assignment-story", "we only have router logs with logged propensities", ...fast]);
    expect(logs.decision.action).toBe("run a stronger design");
    expect(logs.design.recommendation).toMatch(/--design ope/);
  });
});

describe("design casebook: RDD, synthetic control and observational end in a decision with their checks", () => {
  it("RDD on the Senate data ramps on the local jump; synthetic control on the Basque data holds on its placebo rank", async () => {
    const rdd = await json(["test/fixtures/causal/senate.csv", "--design", "rdd", "--running", "margin", "--cutoff", "0", "--outcome", "vote", "--direction", "higher"]);
    expect((rdd.densityTest as { pValue: number }).pValue).toBeGreaterThan(0.05);
    expect(rdd.decision.action).toBe("ramp");
    const sc = await json(["test/fixtures/causal/basque.csv", "--design", "synthetic-control", "--unit", "regionname", "--time", "year", "--outcome", "gdpcap", "--treated-unit", "Basque Country (Pais Vasco)", "--treatment-start", "1970", "--pre-period", "1960-1969", "--predictor", "invest", "--exclude-unit", "Spain (Espana)"]);
    const placebo = (sc.placebo as { pValue: number }).pValue;
    expect(placebo).toBeGreaterThan(0.1);
    expect(sc.decision.action).toBe("hold");
    expect(sc.decision.summary).toMatch(new RegExp(`placebo-in-space p = ${placebo.toPrecision(3)}`));
  });

  it("observational: a post-decision covariate is linted out of the adjustment; a positive association asks for a stronger design", async () => {
    const rng = createRng(31, "test/casebook/observational");
    const rows = Array.from({ length: 600 }, () => {
      const x = rng.next();
      const treated = rng.next() < 0.3 + 0.4 * x ? 1 : 0;
      const queueWait = 0.5 - 0.2 * treated + 0.1 * rng.next();
      return `${x},${treated},${queueWait},${1 + x + 0.5 * treated + 0.3 * (rng.next() - 0.5)}`;
    });
    const path = write("observational.csv", "x,treated,queue_wait_s,y", rows);
    const readout = await json([path, "--design", "observational", "--outcome", "y", "--treatment", "treated", "--covariate", "x", "--covariate", "queue_wait_s"]);
    const lint = readout.lint as { column: string; verdict: string }[];
    expect(lint.find((entry) => entry.column === "queue_wait_s")!.verdict).toBe("refuse");
    expect((readout.warnings as string[]).join(" ")).toMatch(/bad control left out of the adjustment: queue_wait_s/);
    expect((readout.readoutDecision as { action: string }).action).toBe("run a stronger design");
  });
});

describe("logging checks (item 10)", () => {
  const log = (fill: (i: number) => Record<string, unknown>): string => {
    const path = join(dir, `log-${String(++logCount)}.jsonl`);
    writeFileSync(path, Array.from({ length: 200 }, (_, i) => JSON.stringify({ request_id: i, arrival_s: i / 10, arm: i % 2 ? "B" : "A", status: "ok", ttft_s: 0.1 + (i % 5) / 100, ...fill(i) })).join("\n") + "\n");
    return path;
  };
  const full = (i: number) => ({ policy: i % 2 ? "new" : "old", state_queue_depth: i % 4, intended_action: "replica-0", executed_action: "replica-0", fallback_reason: null });

  it("state / intended / executed empty on the whole treated arm → instrument more", async () => {
    const path = log((i) => ({ ...full(i), intended_action: i % 2 ? null : "replica-0", executed_action: i % 2 ? null : "replica-0" }));
    const readout = await readoutJson([path, "--outcome", "ttft_s", ...fast]);
    expect(readout.decision.action).toBe("instrument more");
    expect(readout.decision.summary).toMatch(/intended_action.*empty on every row of the treated arm/);
  });

  it("a generic log without policy is still checked", async () => {
    const path = log(() => ({ executed_action: "replica-1" }));
    const readout = await readoutJson([path, "--outcome", "ttft_s", ...fast]);
    expect(readout.decision.action).toBe("instrument more");
  });

  it("--sampled RATE accepts a uniform sample whose ids have gaps; without it the extract is refused", async () => {
    const path = join(dir, "sampled.jsonl");
    writeFileSync(path, Array.from({ length: 200 }, (_, i) => JSON.stringify({ request_id: i * 5, arrival_s: i, arm: i % 2 ? "B" : "A", status: "ok", ttft_s: 0.1 + (i % 3) / 100, ...full(i) })).join("\n") + "\n");
    expect((await runReadout([path, "--outcome", "ttft_s"])).stderr).toMatch(/completed requests only.*--sampled RATE/);
    const readout = await readoutJson([path, "--outcome", "ttft_s", "--sampled", "0.2", ...fast]);
    expect(readout.checks.some((check) => check.name === "uniform sample")).toBe(true);
  });

  it("a router log whose propensities vary says 'assignment was not random', not SRM", async () => {
    const path = log((i) => ({ ...full(i), arm: i % 5 === 0 ? "B" : "A", propensity: 0.2 + (i % 3) / 10 }));
    const readout = await readoutJson([path, "--outcome", "ttft_s", ...fast]);
    const assignment = readout.checks.find((check) => check.check === "assignment")!;
    expect(assignment.name).toBe("assignment was not random");
    expect(assignment.status).toBe("skipped");
    expect(readout.decision.action).toBe("run a stronger design");
    expect(readout.decision.summary).toMatch(/propensities vary/);
  });

  it("in a switchback, decision-time state is downstream of the block's policy and is not adjusted for", async () => {
    const path = log((i) => ({ ...full(i), arm: Math.floor(i / 20) % 2 ? "B" : "A", time_block: String(Math.floor(i / 20)), assignment_unit: `block:${Math.floor(i / 20)}` }));
    const readout = await readoutJson([path, "--outcome", "ttft_s", "--covariate", "state_queue_depth", ...fast]);
    expect(readout.design.chosen).toBe("switchback");
    expect(readout.lint[0]!.verdict).toBe("refuse");
    expect(readout.lint[0]!.message).toMatch(/downstream of the block's policy/);
  });
});
