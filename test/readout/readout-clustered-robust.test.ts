import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { aggregatedEstimates } from "../../src/readout/aggregate-readout.js";
import { readoutJson } from "./run-readout.js";

/** estimatr::lm_robust(transformed ~ treated, clusters = cluster, se_type = "CR2") — scripts/fixtures/make-clustered-robust-fixtures.R. */
interface Reference { estimate: number; standardError: number; df: number; ci95: [number, number]; pValue: number }
const expected = JSON.parse(readFileSync("test/fixtures/stats/clustered-robust-readouts.expected.json", "utf8")) as Record<"raw" | "winsorized" | "log" | "cuped", Reference> & { cap: number; theta: number; segments: Record<"high" | "low", Reference & { n: number }> };

function close(actual: number | null | undefined, reference: number): void {
  expect(Math.abs((actual ?? Number.NaN) - reference)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(reference), 1e-12));
}
function matches(actual: { estimate: number; standardError: number; df: number | null; ci95: readonly [number, number] }, reference: Reference): void {
  close(actual.estimate, reference.estimate);
  close(actual.standardError, reference.standardError);
  close(actual.df, reference.df);
  close(actual.ci95[0], reference.ci95[0]);
  close(actual.ci95[1], reference.ci95[1]);
}

describe("robust cost readouts under cluster assignment carry SEs over clusters, not rows", () => {
  it("raw, winsorized, log and CUPED rows match estimatr CR2 on the transformed outcome; Yuen is marked not valid", async () => {
    const readout = await readoutJson(["test/fixtures/stats/clustered-rct.csv", "--outcome", "cost", "--treatment", "treated", "--cluster", "cluster", "--pre-period", "pre", "--permutations", "200", "--bootstrap", "50"]);
    const robust = readout.outcomes[0]?.robust ?? [];
    const row = (method: string) => {
      const found = robust.find((entry) => entry.method === method);
      if (found === undefined) throw new Error(`no ${method} in ${robust.map((entry) => entry.method).join(", ")}`);
      return found;
    };
    matches(row("raw mean difference"), expected.raw);
    matches(row("winsorized mean (pooled p99 cap)"), expected.winsorized);
    close(row("winsorized mean (pooled p99 cap)").extra?.upperCap as number, expected.cap);
    matches(row("log effect (ratio of geometric means)"), expected.log);
    close(row("log effect (ratio of geometric means)").extra?.multiplicativeCiLow as number, Math.exp(expected.log.ci95[0]));
    matches(row("CUPED"), expected.cuped);
    close(row("CUPED").extra?.theta as number, expected.theta);
    expect(row("CUPED").detail).toMatch(/CR2 over 20 assignment units/);
    const yuen = row("trimmed mean (Yuen 20%)");
    expect(yuen.valid).toBe(false);
    expect(yuen.note).toMatch(/SE treats rows as independent/);
  });

  it("segment effects under cluster assignment match estimatr CR2 within each segment", async () => {
    const readout = await readoutJson(["test/fixtures/stats/clustered-rct-segmented.csv", "--outcome", "cost", "--treatment", "treated", "--cluster", "cluster", "--segment", "segment", "--permutations", "100", "--bootstrap", "20"]);
    const segments = readout.outcomes[0]?.segments ?? [];
    expect(segments.map((entry) => entry.segment).sort()).toEqual(["high", "low"]);
    for (const entry of segments) {
      const reference = expected.segments[entry.segment as "high" | "low"];
      expect(entry.n).toBe(reference.n);
      close(entry.estimate, reference.estimate);
      close(entry.standardError, reference.standardError);
      close(entry.ci95[0], reference.ci95[0]);
      close(entry.ci95[1], reference.ci95[1]);
      close(entry.pValue, reference.pValue);
    }
  });

  it("the DuckDB-aggregated path gives the same clustered winsorized and CUPED SEs", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      await connection.run(`CREATE TABLE t AS SELECT row_number() OVER () AS __row, * FROM read_csv('test/fixtures/stats/clustered-rct.csv')`);
      const result = await aggregatedEstimates(connection, { table: "t", outcome: "cost", treatedSql: "treated::INTEGER", cluster: "cluster", prePeriod: "pre" }, { seed: 1, bootstrap: 20, permutations: 100, quantiles: [0.5], winsorize: 0.99 });
      matches(result.winsorizedCr2, expected.winsorized);
      if (result.cupedCr2 === null) throw new Error("no CUPED CR2");
      matches(result.cupedCr2, expected.cuped);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
