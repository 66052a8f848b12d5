import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { requestRecordColumns } from "../../src/sim/log/request-record-columns.js";
import { LabStore } from "../../src/store/lab-store.js";
import type { CostMatrixRow } from "../../src/experiment/cost-matrix.js";

const added = ["error_reason", "offload_cached_tokens", "kv_load_s"];

describe("log columns added after schema version 1", () => {
  it("are appended, and a lab store created before them gets them on open and stores new rows", async () => {
    const names = Object.keys(requestRecordColumns);
    expect(names.slice(-added.length)).toEqual(added);
    const home = mkdtempSync(join(tmpdir(), "goodput-store-"));
    // A store as an older version created it: the requests table without the new columns.
    const old = await DuckDBInstance.create(join(home, "lab.duckdb"));
    const connection = await old.connect();
    const oldColumns = Object.entries(requestRecordColumns).filter(([name]) => !added.includes(name)).map(([name, type]) => `"${name}" ${type}`).join(", ");
    await connection.run(`CREATE TABLE requests (${oldColumns})`);
    connection.closeSync();
    old.closeSync();
    const record = Object.fromEntries(names.map((name) => [name, null])) as Record<string, unknown>;
    Object.assign(record, { schema_version: 1, run_id: "r1", request_id: 0, attempt: 1, status: "rejected", error_reason: "exceeds_kv_capacity", offload_cached_tokens: 32, kv_load_s: 0.5 });
    const log = join(home, "requests.jsonl");
    writeFileSync(log, JSON.stringify(record) + "\n");
    const store = await LabStore.open(home);
    await store.saveRun({ runId: "r1", experiment: "e", case: "c", profile: "p", target: "sim", seed: 1, requests: 1, toolVersion: "t", configJson: "{}", summaryJson: "{}", row: {} as CostMatrixRow, startedAt: "now", wallSeconds: 0, logPath: log });
    store.close();
    const reopened = await DuckDBInstance.create(join(home, "lab.duckdb"));
    const reader = await reopened.connect();
    const rows = (await reader.runAndReadAll("SELECT error_reason, offload_cached_tokens, kv_load_s FROM requests WHERE run_id = 'r1'")).getRowObjects();
    reader.closeSync();
    reopened.closeSync();
    expect(rows).toEqual([{ error_reason: "exceeds_kv_capacity", offload_cached_tokens: 32, kv_load_s: 0.5 }]);
  });
});
