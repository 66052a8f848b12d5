import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readoutJson } from "./run-readout.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-readout-generic-"));
const fast = ["--permutations", "100", "--bootstrap", "100"];

/** 40 rows in 8 clusters (4 per arm); y = 1 + 0.5·treated + a small deterministic wiggle, so the Welch difference is known by hand. */
function table(treatedLabel: string, controlLabel: string, clusterLabel: (g: number) => string): { path: string; difference: number } {
  const lines = ["T,Y,X,C"];
  const sums = { treated: 0, control: 0 };
  for (let row = 0; row < 40; row++) {
    const g = row % 8;
    const d = g % 2;
    const y = 1 + 0.5 * d + ((row * 7) % 5) / 10;
    sums[d === 1 ? "treated" : "control"] += y;
    lines.push(`${d === 1 ? treatedLabel : controlLabel},${y},${(row % 3) + 1},${clusterLabel(g)}`);
  }
  const path = join(dir, `${treatedLabel}-${controlLabel}-${clusterLabel(1)}.csv`.replace(/[^\w.-]/g, "_"));
  writeFileSync(path, lines.join("\n"));
  return { path, difference: sums.treated / 20 - sums.control / 20 };
}

describe("held-out style generic CSVs: goodput readout FILE --outcome Y --treatment T [--covariate X] [--cluster C] --json", () => {
  const codings: [string, string][] = [["1", "0"], ["treated", "control"], ["TRUE", "FALSE"], ["Treatment", "Control"], ["B", "A"], ["yes", "no"]];
  for (const [treatedLabel, controlLabel] of codings) {
    it(`treatment coded ${treatedLabel}/${controlLabel}: control detected, difference = treated − control`, async () => {
      const { path, difference } = table(treatedLabel, controlLabel, (g) => `c${g}`);
      const readout = await readoutJson([path, "--outcome", "Y", "--treatment", "T", "--covariate", "X", ...fast]);
      // DuckDB reads TRUE/FALSE and yes/no columns as BOOLEAN: the control value is then "false".
      expect(readout.treatment.control.toLowerCase()).toBe(["FALSE", "no"].includes(controlLabel) ? "false" : controlLabel.toLowerCase());
      const welch = readout.outcomes[0]!.estimates.find((entry) => entry.method === "difference-in-means (Welch)")!;
      expect(welch.estimate).toBeCloseTo(difference, 12);
      expect(readout.outcomes[0]!.estimates.find((entry) => entry.primary)!.method).toBe("OLS HC2");
    });
  }
  for (const [name, label] of [["strings", (g: number) => `site-${g}`], ["numbers", (g: number) => String(100 + g)]] as const) {
    it(`cluster ids as ${name}: CR2 is primary over 8 clusters`, async () => {
      const { path, difference } = table("1", "0", label);
      const readout = await readoutJson([path, "--outcome", "Y", "--treatment", "T", "--cluster", "C", ...fast]);
      expect(readout.design.chosen).toBe("cluster");
      expect(readout.design.unitCount).toBe(8);
      const primary = readout.outcomes[0]!.estimates.find((entry) => entry.primary)!;
      expect(primary.method).toBe("OLS CR2");
      expect(primary.estimate).toBeCloseTo(difference, 12);
    });
  }
});
