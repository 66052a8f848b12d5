import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CostMatrixRow } from "../experiment/cost-matrix.js";
import type { DecisionRecord } from "../experiment/decide.js";
import { isGoodputError } from "../errors.js";
import type { EvidenceKey } from "../experiment/evidence-key.js";
import { selectMatrix, type RunSetStatus, type StoredCell } from "../experiment/select-matrix.js";
import { requestRecordColumns } from "../sim/log/request-record-columns.js";
import { readJsonlSql } from "../io/duckdb-sql.js";
import { defaultStoreRetry, SessionConnection, withStoreSession, type StoreRetry } from "./store-session.js";


export interface StoredRun {
  readonly runId: string;
  readonly experiment: string;
  readonly case: string;
  readonly profile: string;
  readonly target: string;
  readonly seed: number;
  readonly requests: number;
  readonly toolVersion: string;
  /** The exact scenario the run executed, as JSON. */
  readonly configJson: string;
  readonly summaryJson: string;
  readonly row: CostMatrixRow;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly logPath: string;
}

export interface StoredExperiment {
  readonly name: string;
  readonly runs: number;
  readonly lastRunAt: string | null;
  readonly decisions: number;
}

export type StoredItemKind = "experiment" | "run" | "readout" | "decision";

/** One row of the store's index (goodput report --list, the viewer's front page). */
export interface StoredItemSummary {
  readonly kind: StoredItemKind;
  readonly id: string;
  readonly experiment: string | null;
  readonly createdAt: string | null;
  /** A short description: the experiment file, a run's case × profile, a decision's status. */
  readonly label: string | null;
}

/** One stored item with its JSON: a readout, a decision record, a run (config, summary, matrix row) or an experiment (config, latest matrix and decision). */
export interface StoredItem {
  readonly kind: StoredItemKind;
  readonly id: string;
  readonly experiment: string | null;
  readonly createdAt: string | null;
  readonly json: unknown;
}

/**
 * A fingerprint of migrate()'s own code: any change to the tables it creates (a new table or column, by whoever adds it)
 * changes the fingerprint, so the next open migrates once instead of every open taking the write lock.
 */
const migrationFingerprint = (): string => createHash("sha256").update(String(Object.getOwnPropertyDescriptor(LabStore.prototype, "migrate")?.value)).digest("hex").slice(0, 16);

/** A VARCHAR cell as a string (DuckDB returns strings for VARCHAR; anything else is stringified as JSON, never "[object Object]"). */
const nullableString = (value: unknown): string | null => (value === null || value === undefined ? null : typeof value === "string" ? value : JSON.stringify(value));

/**
 * The lab's local store: one DuckDB file (lab.duckdb under the lab home) with experiments, runs
 * (exact config, seed, tool version, summary and matrix row), every run's per-request log, and
 * decision records. Plain SQL tables, so the same queries can move to a bigger engine.
 *
 * Several commands share it: the store holds no open file between calls. Every statement is one short session (read-only
 * for reads, one transaction for writes) that retries another process's lock with bounded backoff and then fails with
 * STORE_BUSY (exit 2) naming that process (see store-session.ts).
 */
export class LabStore {
  private readonly connection: SessionConnection;

  private constructor(
    private readonly path: string,
    private readonly retry: StoreRetry,
    readonly home: string,
  ) {
    this.connection = new SessionConnection(path, retry);
  }

  static async open(home: string, options: { readonly retry?: Partial<StoreRetry> } = {}): Promise<LabStore> {
    mkdirSync(home, { recursive: true });
    const store = new LabStore(join(home, "lab.duckdb"), { ...defaultStoreRetry, ...options.retry }, home);
    if (!(await store.isMigrated())) {
      await store.transaction(async (connection) => {
        await store.migrate(connection);
        await connection.run("CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)");
        await connection.run("INSERT OR REPLACE INTO store_meta VALUES ('migration', $1)", [migrationFingerprint()]);
      });
    }
    return store;
  }

  /**
   * Whether this store file already has the tables migrate() makes, checked read-only: readers (report, the viewer) then
   * never need the write lock a running experiment holds.
   */
  private async isMigrated(): Promise<boolean> {
    if (!existsSync(this.path)) return false;
    try {
      const rows = (await this.connection.runAndReadAll("SELECT value FROM store_meta WHERE key = 'migration'")).getRowObjects();
      return rows[0]?.value === migrationFingerprint();
    } catch (error) {
      if (isGoodputError(error)) throw error;
      return false; // no store_meta yet: a store written before this check existed
    }
  }

  /** Several statements in one write transaction (one lock, all or nothing). */
  private async transaction(work: (connection: Pick<SessionConnection, "run">) => Promise<void>): Promise<void> {
    await withStoreSession(this.path, "write", this.retry, async (connection) => {
      await work({ run: async (sql, values) => { await connection.run(sql, values); } });
    });
  }

  /** Creates or extends the tables, in the one write transaction open() gives it (one lock, not one per statement). */
  private async migrate(connection: Pick<SessionConnection, "run">): Promise<void> {
    const requestColumns = Object.entries(requestRecordColumns).map(([name, type]) => `"${name}" ${type}`).join(", ");
    await connection.run(`
      CREATE TABLE IF NOT EXISTS experiments (name VARCHAR PRIMARY KEY, file VARCHAR, config_json VARCHAR, registered_at VARCHAR);
      CREATE TABLE IF NOT EXISTS runs (run_id VARCHAR PRIMARY KEY, experiment VARCHAR, "case" VARCHAR, profile VARCHAR, target VARCHAR, seed BIGINT, requests BIGINT,
        tool_version VARCHAR, config_json VARCHAR, summary_json VARCHAR, row_json VARCHAR, started_at VARCHAR, wall_seconds DOUBLE, log_path VARCHAR);
      CREATE TABLE IF NOT EXISTS requests (${requestColumns});
      CREATE TABLE IF NOT EXISTS decision_records (id VARCHAR PRIMARY KEY, experiment VARCHAR, created_at VARCHAR, status VARCHAR, record_json VARCHAR);
      CREATE TABLE IF NOT EXISTS readouts (id VARCHAR PRIMARY KEY, experiment VARCHAR, created_at VARCHAR, readout_json VARCHAR);
      CREATE TABLE IF NOT EXISTS run_sets (run_set VARCHAR PRIMARY KEY, experiment VARCHAR, started_at VARCHAR, status VARCHAR, evidence_key_json VARCHAR);
      CREATE TABLE IF NOT EXISTS run_evidence (run_id VARCHAR PRIMARY KEY, run_set VARCHAR, evidence_key_json VARCHAR);
    `);
    // A store created before a log column was added gets it (columns are only ever appended).
    for (const [name, type] of Object.entries(requestRecordColumns)) await connection.run(`ALTER TABLE requests ADD COLUMN IF NOT EXISTS "${name}" ${type}`);
  }

  async saveExperiment(name: string, file: string, configJson: string, registeredAt: string): Promise<void> {
    await this.connection.run("INSERT OR REPLACE INTO experiments VALUES ($1, $2, $3, $4)", [name, file, configJson, registeredAt]);
  }

  /** Stores a run and loads its per-request log (JSONL, read with the log's declared types) into the requests table, in one transaction. */
  async saveRun(run: StoredRun): Promise<void> {
    await this.transaction(async (connection) => {
      await connection.run("INSERT OR REPLACE INTO runs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)", [
        run.runId, run.experiment, run.case, run.profile, run.target, run.seed, run.requests, run.toolVersion, run.configJson, run.summaryJson, JSON.stringify(run.row), run.startedAt, run.wallSeconds, run.logPath,
      ]);
      await connection.run(`DELETE FROM requests WHERE run_id = $1`, [run.runId]);
      await connection.run(`INSERT INTO requests SELECT * FROM ${readJsonlSql(run.logPath, requestRecordColumns)}`);
    });
  }

  /** Opens a run set (one `experiment run`): "incomplete" until finishRunSet, so a killed run stays marked. */
  async startRunSet(runSet: string, experiment: string, startedAt: string, key: EvidenceKey): Promise<void> {
    await this.connection.run("INSERT OR REPLACE INTO run_sets VALUES ($1, $2, $3, 'incomplete', $4)", [runSet, experiment, startedAt, JSON.stringify(key)]);
  }

  async finishRunSet(runSet: string, status: Exclude<RunSetStatus, "incomplete">): Promise<void> {
    await this.connection.run("UPDATE run_sets SET status = $2 WHERE run_set = $1", [runSet, status]);
  }

  /** Records which run set and evidence key a stored run belongs to. */
  async tagRun(runId: string, runSet: string, key: EvidenceKey): Promise<void> {
    await this.connection.run("INSERT OR REPLACE INTO run_evidence VALUES ($1, $2, $3)", [runId, runSet, JSON.stringify(key)]);
  }

  /** Every stored cell run of an experiment with its evidence key and run set, newest first (see selectMatrix). */
  async storedCells(experiment: string): Promise<StoredCell[]> {
    const result = await this.connection.runAndReadAll(
      `SELECT r.row_json, r.started_at, e.evidence_key_json, e.run_set, s.status FROM runs r
       LEFT JOIN run_evidence e ON e.run_id = r.run_id LEFT JOIN run_sets s ON s.run_set = e.run_set
       WHERE r.experiment = $1 ORDER BY r.started_at DESC, r.run_id DESC`,
      [experiment],
    );
    return result.getRowObjects().map((row) => ({
      row: JSON.parse(String(row.row_json)) as CostMatrixRow,
      startedAt: String(row.started_at),
      evidenceKey: row.evidence_key_json === null ? null : (JSON.parse(String(row.evidence_key_json)) as EvidenceKey),
      runSet: nullableString(row.run_set),
      runSetStatus: row.status === null ? null : (String(row.status) as RunSetStatus),
    }));
  }

  /** The experiment's config as stored at its last run (JSON), or null. */
  async experimentConfigJson(name: string): Promise<string | null> {
    const result = await this.connection.runAndReadAll("SELECT config_json FROM experiments WHERE name = $1", [name]);
    const row = result.getRowObjects()[0];
    return row ? String(row.config_json) : null;
  }

  /**
   * The experiment's matrix: per case × profile the newest cell with the evidence key of the latest
   * decision (else of the newest cell), never mixing evidence (selectMatrix).
   */
  async latestMatrix(experiment: string): Promise<CostMatrixRow[]> {
    const key = (await this.latestDecision(experiment))?.evidenceKey;
    return [...selectMatrix(await this.storedCells(experiment), key === undefined ? {} : { evidenceKey: key }).rows];
  }

  async saveDecision(id: string, record: DecisionRecord, createdAt: string): Promise<void> {
    await this.connection.run("INSERT OR REPLACE INTO decision_records VALUES ($1, $2, $3, $4, $5)", [id, record.experiment, createdAt, record.status, JSON.stringify(record)]);
  }

  /** Stores a causal readout (goodput readout) as part of the lab's decision records. */
  async saveReadout(id: string, experiment: string | null, createdAt: string, readoutJson: string): Promise<void> {
    await this.connection.run("INSERT OR REPLACE INTO readouts VALUES ($1, $2, $3, $4)", [id, experiment, createdAt, readoutJson]);
  }

  async latestDecision(experiment: string): Promise<(DecisionRecord & { readonly id: string; readonly createdAt: string }) | null> {
    const result = await this.connection.runAndReadAll("SELECT id, created_at, record_json FROM decision_records WHERE experiment = $1 ORDER BY created_at DESC LIMIT 1", [experiment]);
    const row = result.getRowObjects()[0];
    if (!row) return null;
    return { ...(JSON.parse(String(row.record_json)) as DecisionRecord), id: String(row.id), createdAt: String(row.created_at) };
  }

  async listExperiments(): Promise<StoredExperiment[]> {
    const result = await this.connection.runAndReadAll(`
      SELECT e.name, (SELECT count(*) FROM runs r WHERE r.experiment = e.name)::INTEGER AS runs,
             (SELECT max(started_at) FROM runs r WHERE r.experiment = e.name) AS last_run_at,
             (SELECT count(*) FROM decision_records d WHERE d.experiment = e.name)::INTEGER AS decisions
      FROM experiments e ORDER BY e.name`);
    return result.getRowObjects().map((row) => ({ name: String(row.name), runs: Number(row.runs), lastRunAt: row.last_run_at === null ? null : String(row.last_run_at), decisions: Number(row.decisions) }));
  }

  /** Requests stored for a run (for readouts and reports). */
  async requestCount(runId: string): Promise<number> {
    const result = await this.connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM requests WHERE run_id = $1", [runId]);
    return Number(result.getRowObjects()[0]?.n ?? 0);
  }

  /** Every item the store holds — experiments, runs, readouts, decision records — newest first within each kind (read-only). */
  async listItems(): Promise<StoredItemSummary[]> {
    const result = await this.connection.runAndReadAll(`
      SELECT 'experiment' AS kind, name AS id, name AS experiment, registered_at AS created_at, file AS label FROM experiments
      UNION ALL SELECT 'run', run_id, experiment, started_at, "case" || ' × ' || profile || ' on ' || target FROM runs
      UNION ALL SELECT 'readout', id, experiment, created_at,
        coalesce(json_extract_string(readout_json, '$.design.chosen'), json_extract_string(readout_json, '$.design')) || ' design' || coalesce(' — ' || json_extract_string(readout_json, '$.decision.action'), '') FROM readouts
      UNION ALL SELECT 'decision', id, experiment, created_at, status FROM decision_records
      ORDER BY kind, created_at DESC, id`);
    return result.getRowObjects().map((row) => ({
      kind: String(row.kind) as StoredItemKind,
      id: String(row.id),
      experiment: row.experiment === null ? null : String(row.experiment),
      createdAt: row.created_at === null ? null : String(row.created_at),
      label: row.label === null ? null : String(row.label),
    }));
  }

  /**
   * One item by its exact id (ids are bound as SQL parameters, never used as paths), with its stored JSON parsed;
   * null when no item has that id. Experiments come with their latest matrix and decision, runs with their summary.
   */
  async getItem(id: string): Promise<StoredItem | null> {
    const one = async (sql: string): Promise<Record<string, unknown> | null> => (await this.connection.runAndReadAll(sql, [id])).getRowObjects()[0] ?? null;
    const readout = await one("SELECT id, experiment, created_at, readout_json FROM readouts WHERE id = $1");
    if (readout) return { kind: "readout", id, experiment: nullableString(readout.experiment), createdAt: nullableString(readout.created_at), json: JSON.parse(String(readout.readout_json)) as unknown };
    const decision = await one("SELECT id, experiment, created_at, record_json FROM decision_records WHERE id = $1");
    if (decision) return { kind: "decision", id, experiment: nullableString(decision.experiment), createdAt: nullableString(decision.created_at), json: JSON.parse(String(decision.record_json)) as unknown };
    const run = await one('SELECT run_id, experiment, "case", profile, target, seed, requests, tool_version, config_json, summary_json, row_json, started_at, wall_seconds, log_path FROM runs WHERE run_id = $1');
    if (run) {
      return {
        kind: "run", id, experiment: nullableString(run.experiment), createdAt: nullableString(run.started_at),
        json: {
          runId: id, experiment: nullableString(run.experiment), case: String(run.case), profile: String(run.profile), target: String(run.target), seed: Number(run.seed), requests: Number(run.requests),
          toolVersion: String(run.tool_version), startedAt: nullableString(run.started_at), wallSeconds: Number(run.wall_seconds), logPath: nullableString(run.log_path),
          config: JSON.parse(String(run.config_json)) as unknown, summary: JSON.parse(String(run.summary_json)) as unknown, row: JSON.parse(String(run.row_json)) as unknown,
        },
      };
    }
    const experiment = await one("SELECT name, file, config_json, registered_at FROM experiments WHERE name = $1");
    if (experiment) {
      return {
        kind: "experiment", id, experiment: id, createdAt: nullableString(experiment.registered_at),
        json: { name: id, file: nullableString(experiment.file), config: JSON.parse(String(experiment.config_json)) as unknown, matrix: await this.latestMatrix(id), decision: await this.latestDecision(id) },
      };
    }
    return null;
  }

  /** Nothing to release (no session outlives its call); kept so callers can scope a store's use. */
  close(): void {
    return undefined;
  }
}
