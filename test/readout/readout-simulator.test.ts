import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { builtInCatalog } from "../../src/catalog/catalog.js";
import { loadScenario } from "../../src/cli/load-scenario.js";
import { runScenario } from "../../src/cli/run-scenario.js";
import { readoutJson, runReadout } from "./run-readout.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-readout-sim-"));
const clock = { nowMs: () => performance.now(), interrupt: { interrupted: false } };

/** Runs a scenario with its design (log to `dir/name`), then all-A (design removed) and all-B (the counterfactual) on the same seed: truth = B − A. */
async function simulate(name: string): Promise<{ log: string; trueTtftEffect: number }> {
  const loaded = loadScenario(`examples/${name}.yaml`, builtInCatalog, dir);
  const withDesign = await runScenario(loaded, { ...clock, outDir: join(dir, name) });
  const allA = await runScenario({ ...loaded, config: { ...loaded.config, design: undefined, counterfactual: undefined } }, clock);
  const allB = withDesign.counterfactual?.summary;
  if (allB === undefined) throw new Error("scenario without counterfactual");
  return { log: join(dir, name, "requests.parquet"), trueTtftEffect: allB.ttftSeconds.mean - allA.summary.ttftSeconds.mean };
}

describe("readouts of a cache-affine router (prefix-hash) vs round-robin on shared prefixes, against the simulator's truth", () => {
  let requestAb: Awaited<ReturnType<typeof simulate>>;
  let switchback: Awaited<ReturnType<typeof simulate>>;
  beforeAll(async () => {
    requestAb = await simulate("readout-request-ab");
    switchback = await simulate("readout-switchback");
  }, 60_000);

  it("the request-level A/B is biased against the true global effect, and its readout says why and what to run instead", async () => {
    const readout = await readoutJson([requestAb.log, "--outcome", "ttft_s", "--assignment-story", "router chosen per request by a coin flip", "--permutations", "500", "--bootstrap", "200"]);
    const welch = readout.outcomes[0]!.estimates.find((entry) => entry.method === "difference-in-means (Welch)")!;
    console.log(`request-level A/B TTFT effect ${(welch.estimate * 1000).toFixed(2)} ms [${(welch.ci95[0] * 1000).toFixed(2)}, ${(welch.ci95[1] * 1000).toFixed(2)}] vs true global ${(requestAb.trueTtftEffect * 1000).toFixed(2)} ms`);
    expect(requestAb.trueTtftEffect).toBeLessThan(0);
    expect(Math.abs(welch.estimate - requestAb.trueTtftEffect)).toBeGreaterThan(0.25 * Math.abs(requestAb.trueTtftEffect));
    expect(welch.ci95[0] > requestAb.trueTtftEffect || welch.ci95[1] < requestAb.trueTtftEffect).toBe(true); // the truth is outside its CI
    expect(welch.valid).toBe(false);
    expect(readout.design.sharedState).toBe(true);
    expect(readout.design.requestLevelValid).toBe(false);
    expect(readout.design.recommendation).toMatch(/switchback/);
    expect(readout.design.recommendation).toMatch(/cluster randomization/);
    expect(readout.checks.find((check) => check.check === "spillover")!.status).toBe("fail");
    expect(readout.decision.action).toBe("run a stronger design");
    const text = (await runReadout([requestAb.log, "--outcome", "ttft_s", "--permutations", "200", "--bootstrap", "100"])).stdout;
    expect(text).toMatch(/NOT VALID/);
    expect(text).toMatch(/shared state|queues and prefix caches/);
    expect(text).toMatch(/Recommended: run a switchback/);
  });

  it("the switchback, analysed at block level, has a CI that covers the truth", async () => {
    const readout = await readoutJson([switchback.log, "--outcome", "ttft_s", "--permutations", "1000", "--bootstrap", "200"]);
    expect(readout.design.chosen).toBe("switchback");
    expect(readout.design.requestLevelValid).toBe(true);
    const estimates = readout.outcomes[0]!.estimates;
    const primary = estimates.find((entry) => entry.primary)!;
    const ht = estimates.find((entry) => entry.method === "switchback Horvitz–Thompson (m=0)")!;
    console.log(`switchback TTFT effect: block-level Welch ${(primary.estimate * 1000).toFixed(2)} ms [${(primary.ci95[0] * 1000).toFixed(2)}, ${(primary.ci95[1] * 1000).toFixed(2)}], HT ${(ht.estimate * 1000).toFixed(2)} ms [${(ht.ci95[0] * 1000).toFixed(2)}, ${(ht.ci95[1] * 1000).toFixed(2)}]; truth ${(switchback.trueTtftEffect * 1000).toFixed(2)} ms`);
    expect(primary.method).toBe("switchback block-level Welch");
    for (const entry of [primary, ht]) {
      expect(entry.ci95[0]).toBeLessThanOrEqual(switchback.trueTtftEffect);
      expect(entry.ci95[1]).toBeGreaterThanOrEqual(switchback.trueTtftEffect);
    }
    // Row-level estimates are shown for reference only.
    expect(estimates.find((entry) => entry.method === "difference-in-means (Welch)")!.valid).toBe(false);
    expect(readout.decision.action).toBe("ramp");
    expect(readout.decision.surrogate).toMatch(/durable holdout/);
  });
});
