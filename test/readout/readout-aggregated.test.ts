import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { aggregatedEstimates } from "../../src/readout/aggregate-readout.js";
import { clusterRobust, cuped, differenceInMeans, quantileTreatmentEffects, randomizationInference, winsorizedMeanDifference } from "../../src/stats/index.js";
import { labels, numbers, readCsvColumns } from "../stats/_fixtures.js";

const rct = readCsvColumns("clustered-rct.csv");
const y = numbers(rct, "cost");
const treated = numbers(rct, "treated");
const clusters = labels(rct, "cluster");
const pre = numbers(rct, "pre");
const probabilities = [0.5, 0.9, 0.95, 0.99];

/** |a − b| ≤ 1e-9·max(|b|, 1e-300): the aggregated path must reproduce the row path, not approximate it. */
function same(actual: number, expected: number, tolerance = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(expected), 1e-12));
}
function sameEstimate(actual: { estimate: number; standardError: number; ci95: readonly [number, number]; pValue: number; df: number | null }, expected: typeof actual): void {
  same(actual.estimate, expected.estimate);
  same(actual.standardError, expected.standardError);
  same(actual.ci95[0], expected.ci95[0]);
  same(actual.ci95[1], expected.ci95[1]);
  same(actual.pValue, expected.pValue);
  if (expected.df === null) expect(actual.df).toBeNull();
  else same(actual.df ?? Number.NaN, expected.df);
}

async function aggregated(bins: number) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE t AS SELECT row_number() OVER () AS __row, * FROM read_csv('test/fixtures/stats/clustered-rct.csv')`);
    return await aggregatedEstimates(connection, { table: "t", outcome: "cost", treatedSql: "treated::INTEGER", cluster: "cluster", prePeriod: "pre" }, { seed: 3, bootstrap: 300, permutations: 2000, quantiles: probabilities, winsorize: 0.99, bins });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("aggregated readout path (cluster sufficient statistics in DuckDB) equals the row path to 1e-9", () => {
  it("Welch, CR2 (with Bell–McCaffrey df), winsorized, CUPED, cluster randomization inference and the cluster-bootstrap QTE", async () => {
    for (const bins of [512, 7]) {
      const result = await aggregated(bins);
      expect(result.clusters).toBe(20);
      expect(result.rows).toBe(y.length);
      sameEstimate(result.welch, differenceInMeans(y, treated));
      sameEstimate(result.cr2, clusterRobust(y, { treated }, clusters, { treatmentColumn: "treated", type: "CR2" }));
      const winsorized = winsorizedMeanDifference(y, treated, { quantile: 0.99 });
      same(result.winsorized.upperCap, winsorized.upperCap);
      sameEstimate(result.winsorized, winsorized);
      const adjusted = cuped(y, treated, pre);
      sameEstimate(result.cuped!, adjusted);
      same(result.cuped!.theta, adjusted.theta);
      const ri = randomizationInference(y, treated, { permutations: 2000, seed: 3, units: clusters });
      sameEstimate(result.randomization, ri);
      expect(result.randomization.extremeCount).toBe(ri.extremeCount);
      const qte = quantileTreatmentEffects(y, treated, probabilities, { bootstrap: 300, seed: 3, units: clusters });
      result.qte.forEach((effect, index) => {
        const expected = qte[index]!;
        expect(effect.probability).toBe(expected.probability);
        same(effect.quantileTreated, expected.quantileTreated);
        same(effect.quantileControl, expected.quantileControl);
        sameEstimate(effect, expected);
      });
    }
  });
});

describe("the production readout uses the aggregated QTE when rows are many (--aggregate-above)", () => {
  it("gives the same quantile effects and CIs as the row path, and says where they came from", async () => {
    const { readoutJson } = await import("./run-readout.js");
    const args = ["test/fixtures/stats/clustered-rct.csv", "--outcome", "cost", "--treatment", "treated", "--cluster", "cluster", "--bootstrap", "300", "--permutations", "100"];
    const rowPath = await readoutJson(args);
    const aggregatedPath = await readoutJson([...args, "--aggregate-above", "1"]);
    const qte = (readout: typeof rowPath) => readout.outcomes[0]!.robust.filter((entry) => entry.method.startsWith("QTE"));
    expect(qte(aggregatedPath).length).toBe(4);
    qte(aggregatedPath).forEach((entry, index) => {
      const expected = qte(rowPath)[index]!;
      expect(entry.method).toBe(expected.method);
      sameEstimate(entry, expected);
      expect(entry.note).toMatch(/rank-bin aggregates in DuckDB/);
      expect(expected.note).not.toMatch(/DuckDB/);
    });
  });
});
