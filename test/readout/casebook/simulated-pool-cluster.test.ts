import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtInCatalog } from "../../../src/catalog/catalog.js";
import { loadScenario } from "../../../src/cli/load-scenario.js";
import { runScenario } from "../../../src/cli/run-scenario.js";
import { readoutJson } from "../run-readout.js";

/** Item 2 on the simulator: a pool-cluster log decides on CR2 by pool (exact randomization over C(8, k)), never on row-level Welch. */
describe("a simulated pool-cluster log", () => {
  it("headlines CR2 by pool, marks the row-level Welch invalid, enumerates every assignment, and holds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-pool-cluster-"));
    const loaded = loadScenario("test/fixtures/casebook/pool-cluster-8.yaml", builtInCatalog, dir);
    await runScenario(loaded, { nowMs: () => 0, interrupt: { interrupted: false }, outDir: join(dir, "run") });
    const readout = await readoutJson([join(dir, "run", "requests.parquet"), "--outcome", "ttft_s", "--permutations", "200", "--bootstrap", "50"]);
    expect(readout.design.chosen).toBe("cluster");
    expect(readout.design.unitCount).toBe(8);
    const primary = readout.decision.primaryEstimate!;
    expect(primary.method).toBe("OLS CR2");
    const welch = readout.outcomes[0]!.estimates.find((entry) => entry.method === "difference-in-means (Welch)")!;
    expect(welch.valid).toBe(false);
    expect(welch.pValue).toBeLessThan(primary.pValue); // rows pretend to be independent
    const ri = readout.outcomes[0]!.robust.find((entry) => entry.method === "randomization inference")!;
    expect(ri.note).toMatch(/possible assignments \(exact\)/);
    expect(readout.outcomes[0]!.robust.find((entry) => entry.method === "QTE p99")!.valid).toBe(false); // 8 pools: no bootstrap
    expect(readout.decision.action).toBe("hold");
  }, 60_000);
});
