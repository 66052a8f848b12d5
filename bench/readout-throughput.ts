/**
 * Readout speed benchmark (issue 5): a 10,000,000-row log with 1,000 clusters (deterministic, generated in DuckDB and
 * written to Parquet in a temp dir), then Welch, CR2, winsorized, CUPED, QTE with 200 cluster-bootstrap resamples and
 * randomization inference with 10,000 cluster permutations — aggregated to cluster sufficient statistics in DuckDB.
 * Goal ≤ 60 s on 2 cores. Then the same computations with statsmodels/numpy (bench/readout_statsmodels.py) on the same
 * data, reported as a time ratio, with Python's peak memory.
 * Usage: npm run bench:readout [-- ROWS CLUSTERS]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resourceUsage } from "node:process";
import { DuckDBInstance } from "@duckdb/node-api";
import { aggregatedEstimates } from "../src/readout/aggregate-readout.js";

const rows = Number(process.argv[2] ?? 10_000_000);
const clusterCount = Number(process.argv[3] ?? 1_000);
const seed = 20_250_101;
const dir = mkdtempSync(join(tmpdir(), "goodput-bench-readout-"));
const parquet = join(dir, "log.parquet");
const csv = join(dir, "log.csv");

/** Uniform in (0, 1) from a 53-bit slice of DuckDB's hash of an integer: deterministic, no RNG state. */
const uniform = (expression: string): string => `(((hash(${expression}) >> 11)::DOUBLE + 0.5) / 9007199254740992.0)`;
const normal = (a: string, b: string): string => `(sqrt(-2 * ln(${uniform(a)})) * cos(2 * pi() * ${uniform(b)}))`;

const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
let start = performance.now();
// Cluster c is in arm hash(c) mod 2, has a random effect N(0, 0.3²); y is log-normal (a fat-ish tail) and depends on the pre-period x.
await connection.run(`COPY (
  WITH r AS (SELECT i, i % ${clusterCount} AS c FROM range(${rows}) t(i))
  SELECT i AS request_id, c AS cluster, (hash(c + ${seed}) % 2)::INTEGER AS treated,
    exp(0.5 * ${normal(`i * 4 + ${seed}`, `i * 4 + 1 + ${seed}`)}) AS pre_cost,
    exp(0.2 + 0.5 * 0.5 * ${normal(`i * 4 + ${seed}`, `i * 4 + 1 + ${seed}`)} + 0.3 * ${normal(`c * 2 + 7 * ${seed}`, `c * 2 + 1 + 7 * ${seed}`)}
      - 0.05 * (hash(c + ${seed}) % 2) + 0.8 * ${normal(`i * 4 + 2 + ${seed}`, `i * 4 + 3 + ${seed}`)}) AS cost
  FROM r) TO '${parquet}' (FORMAT parquet)`);
const generateSeconds = (performance.now() - start) / 1000;
start = performance.now();
await connection.run(`COPY (SELECT cluster, treated, pre_cost, cost FROM read_parquet('${parquet}')) TO '${csv}' (HEADER)`);
const csvSeconds = (performance.now() - start) / 1000;

// The readout's view of the file: row order from the Parquet file itself, nothing materialised.
await connection.run(`CREATE VIEW t AS SELECT file_row_number + 1 AS __row, * FROM read_parquet('${parquet}', file_row_number = true)`);
start = performance.now();
const result = await aggregatedEstimates(connection, { table: "t", outcome: "cost", treatedSql: "treated", cluster: "cluster", prePeriod: "pre_cost" }, { seed: 1, bootstrap: 200, permutations: 10_000, quantiles: [0.5, 0.9, 0.95, 0.99], winsorize: 0.99 });
const totalSeconds = (performance.now() - start) / 1000;
const peakRssMiB = resourceUsage().maxRSS / 1024;
connection.closeSync();
instance.closeSync();

const f = (value: number, digits = 3): string => value.toFixed(digits);
console.log(`goodput readout benchmark — ${rows.toLocaleString("en-US")} rows, ${result.clusters} clusters (Parquet ${parquet}; generated in ${f(generateSeconds, 1)} s, CSV copy for Python in ${f(csvSeconds, 1)} s)`);
console.log("seconds per step (aggregated path: DuckDB cluster sums / rank bins → estimators on clusters):");
for (const [name, seconds] of Object.entries(result.seconds)) console.log(`  ${name.padEnd(56)} ${f(seconds).padStart(8)} s`);
console.log(`  ${"total".padEnd(56)} ${f(totalSeconds).padStart(8)} s   (goal ≤ 60 s)   peak RSS ${peakRssMiB.toFixed(0)} MiB`);
console.log("estimates:");
console.log(`  Welch        ${f(result.welch.estimate, 6)} (SE ${f(result.welch.standardError, 6)})`);
console.log(`  CR2          ${f(result.cr2.estimate, 6)} (SE ${f(result.cr2.standardError, 6)}, Bell–McCaffrey df ${f(result.cr2.df ?? Number.NaN, 1)}); CR1 SE ${f(result.cr1.standardError, 6)}`);
console.log(`  winsorized   ${f(result.winsorized.estimate, 6)} (row Welch SE ${f(result.winsorized.standardError, 6)}; CR2 SE over clusters ${f(result.winsorizedCr2.standardError, 6)}, cap ${f(result.winsorized.upperCap, 4)})`);
console.log(`  CUPED        ${f(result.cuped?.estimate ?? Number.NaN, 6)} (row Welch SE ${f(result.cuped?.standardError ?? Number.NaN, 6)}; CR2 SE over clusters ${f(result.cupedCr2?.standardError ?? Number.NaN, 6)}, θ ${f(result.cuped?.theta ?? Number.NaN, 4)})`);
for (const effect of result.qte) console.log(`  QTE p${String(Math.round(effect.probability * 100)).padEnd(3)}     ${f(effect.estimate, 6)} (bootstrap SE ${f(effect.standardError, 6)}, 95 % CI ${f(effect.ci95[0], 4)} to ${f(effect.ci95[1], 4)})`);
console.log(`  RI           p = ${f(result.randomization.pValue, 4)} over ${result.randomization.permutations} cluster permutations`);

const python = spawnSync("/usr/bin/python3", ["bench/readout_statsmodels.py", csv, String(totalSeconds)], { stdio: "inherit", timeout: 1_200_000 });
if (python.error !== undefined || python.status !== 0) console.log(`statsmodels comparison did not finish (${python.error?.message ?? `exit ${String(python.status)}`})`);
rmSync(dir, { recursive: true, force: true });
