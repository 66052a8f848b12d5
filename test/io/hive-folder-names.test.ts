import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parse, stringify } from "yaml";
import { describe, expect, test } from "vitest";
import { sqlLiteral } from "../../src/io/duckdb-sql.js";
import { readReadoutTable } from "../../src/readout/read-readout-table.js";
import { LabStore } from "../../src/store/lab-store.js";
import { runCli } from "../cli/run-cli.js";

/** Arms A: 1, 2, 3 and B: 4, 6, 5 → means 2 and 5 by hand. A folder `y=9` read as a hive partition would make every y 9. */
const rows = [["A", 1], ["B", 4], ["A", 2], ["B", 6], ["A", 3], ["B", 5]] as const;

async function writeParquetWithDuckDb(csvFile: string, parquetFile: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT * FROM read_csv(${sqlLiteral(csvFile)}, hive_partitioning = false)) TO ${sqlLiteral(parquetFile)} (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
}

describe("DuckDB reads ignore key=value folder names (no hive partitioning)", () => {
  const root = mkdtempSync(join(tmpdir(), "goodput-hive-"));
  const folder = join(root, "y=9", "status=ok");
  mkdirSync(folder, { recursive: true });
  const csv = join(folder, "t.csv");
  writeFileSync(csv, ["arm,y,status", ...rows.map(([arm, y]) => `${arm},${y},error`)].join("\n") + "\n");
  const jsonl = join(folder, "t.jsonl");
  writeFileSync(jsonl, rows.map(([arm, y]) => JSON.stringify({ arm, y, status: "error" })).join("\n") + "\n");
  const parquet = join(folder, "t.parquet");

  for (const format of ["csv", "jsonl", "parquet"] as const) {
    test(`readout of a ${format} under y=9/status=ok/ estimates from the file's own y (means 2 and 5)`, async () => {
      if (format === "parquet") await writeParquetWithDuckDb(csv, parquet);
      const file = { csv, jsonl, parquet }[format];
      const result = await runCli(["readout", file, "--outcome", "y", "--permutations", "50", "--bootstrap", "20", "--json"], { GOODPUT_HOME: join(root, "home") });
      expect(result.stderr).not.toMatch(/internal error/);
      expect(result.code).toBe(0);
      const readout = JSON.parse(result.stdout) as { outcomes: { means: { control: number; treated: number } }[] };
      expect(readout.outcomes[0]?.means).toEqual({ control: 2, treated: 5 });
    });

    test(`the ${format} reader keeps the file's status column under a folder status=ok/`, async () => {
      if (format === "parquet") await writeParquetWithDuckDb(csv, parquet);
      const table = await readReadoutTable({ csv, jsonl, parquet }[format], { outcomes: ["y"] });
      expect(table.log.status).toEqual(rows.map(() => "error"));
      expect(table.columns.map((column) => column.name)).toEqual(["arm", "y", "status"]);
    });
  }

  test("a file name with glob characters reads only itself, not its look-alikes (a*.csv would match ab.csv)", async () => {
    const dir = join(root, "glob");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "a*.csv"), ["arm,y", ...rows.map(([arm, y]) => `${arm},${y}`)].join("\n") + "\n");
    writeFileSync(join(dir, "ab.csv"), "arm,y\nA,100\nB,100\n");
    const table = await readReadoutTable(join(dir, "a*.csv"), { outcomes: ["y"] });
    expect(table.rows).toBe(6);
  });
});

describe("experiment run with a profile named like a hive partition", () => {
  test('profile "batched max_num_seqs=256" runs, and the store holds every request of its run', async () => {
    const home = mkdtempSync(join(tmpdir(), "goodput-hive-lab-"));
    const cost = parse(readFileSync("experiments/cost.yaml", "utf8")) as { name: string; cases: unknown[]; profiles: { name: string }[] };
    cost.name = "hive";
    cost.cases = cost.cases.slice(0, 1);
    cost.profiles = cost.profiles.map((profile, index) => ({ ...profile, name: index === 0 ? "naive max_num_seqs=1" : "batched max_num_seqs=256" }));
    const file = join(home, "hive.yaml");
    writeFileSync(file, stringify(cost));
    const result = await runCli(["experiment", "run", "--experiment", file, "--requests", "60", "--json"], { GOODPUT_HOME: home });
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    const store = await LabStore.open(home);
    const runs = (await store.listItems()).filter((item) => item.kind === "run");
    expect(runs).toHaveLength(2);
    for (const run of runs) expect(await store.requestCount(run.id)).toBe(60);
  }, 60_000);
});
