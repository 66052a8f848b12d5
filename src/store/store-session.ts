import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { GoodputError } from "../errors.js";

/** How long a store operation waits for another process's lock before it gives up with a clear error. */
export interface StoreRetry {
  /** Total time to keep retrying a locked store (default 30 s; the viewer uses less and serves a stale page instead). */
  readonly maxWaitMs: number;
  /** First pause; each retry doubles it up to `maxDelayMs` (bounded exponential backoff). */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Injected for tests; defaults to setTimeout. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Injected for tests; defaults to performance.now(). */
  readonly nowMs: () => number;
}

export const defaultStoreRetry: StoreRetry = {
  maxWaitMs: 30_000,
  firstDelayMs: 10,
  maxDelayMs: 500,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  nowMs: () => performance.now(),
};

export type SessionMode = "read" | "write";

/** DuckDB's text when another process holds the file: "Could not set lock on file …: Conflicting lock is held in EXE (PID N)". */
const lockConflict = /Could not set lock on file|Conflicting lock/i;

/** One queue per store file inside this process: two DuckDB instances of one file in one process must not overlap. */
const inProcessQueues = new Map<string, Promise<unknown>>();

async function serialized<T>(path: string, work: () => Promise<T>): Promise<T> {
  const before = inProcessQueues.get(path) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.then(() => undefined, () => undefined);
  inProcessQueues.set(path, settled);
  try {
    return await run;
  } finally {
    if (inProcessQueues.get(path) === settled) inProcessQueues.delete(path);
  }
}

/**
 * Runs `use` in one short session on the DuckDB file: open (read-only for reads), work, close — so no command holds the
 * store between its own statements and several commands can share it. Writes run in one transaction. A lock held by
 * another process is retried with bounded exponential backoff; past `maxWaitMs` it becomes a STORE_BUSY error (exit 2)
 * naming the process DuckDB reports.
 */
export async function withStoreSession<T>(path: string, mode: SessionMode, retry: StoreRetry, use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  return serialized(path, async () => {
    const started = retry.nowMs();
    let delayMs = retry.firstDelayMs;
    for (;;) {
      let instance: DuckDBInstance;
      try {
        instance = await DuckDBInstance.create(path, mode === "read" ? { access_mode: "READ_ONLY" } : {});
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!lockConflict.test(message)) throw error;
        const waitedMs = retry.nowMs() - started;
        if (waitedMs + delayMs > retry.maxWaitMs) throw storeBusy(path, message, waitedMs);
        await retry.sleep(delayMs);
        delayMs = Math.min(retry.maxDelayMs, delayMs * 2);
        continue;
      }
      return runInSession(instance, mode, use);
    }
  });
}

async function runInSession<T>(instance: DuckDBInstance, mode: SessionMode, use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await instance.connect();
  try {
    if (mode === "read") return await use(connection);
    await connection.run("BEGIN TRANSACTION");
    try {
      const result = await use(connection);
      await connection.run("COMMIT");
      return result;
    } catch (error) {
      await connection.run("ROLLBACK").catch(() => undefined);
      throw error;
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function storeBusy(path: string, duckdbMessage: string, waitedMs: number): GoodputError {
  const holder = /held in (.*?) \(PID (\d+)\)/.exec(duckdbMessage);
  const who = holder ? `process ${holder[2] ?? "?"} (${holder[1] ?? "?"})` : "another process";
  return new GoodputError(
    "STORE_BUSY",
    `The lab store ${path} is locked by ${who}; waited ${(waitedMs / 1000).toFixed(1)} s for it. ` +
      "Another goodput command (or a DuckDB shell) keeps it open: let it finish or stop it, then retry — or point GOODPUT_HOME at another folder.",
    { where: path },
  );
}

/** Statements that only read: they run in a read-only session, which never blocks another reader. */
const readOnlyStatement = /^\s*(SELECT|WITH|DESCRIBE|SHOW|SUMMARIZE|FROM)\b/i;

/**
 * A connection-shaped handle on the store file where every call is its own short session (read-only for reads), so code
 * written as `connection.run(…)` / `connection.runAndReadAll(…)` never holds the file between statements.
 */
export class SessionConnection {
  constructor(
    private readonly path: string,
    private readonly retry: StoreRetry,
  ) {}

  async run(sql: string, values?: DuckDBValue[]): Promise<void> {
    await withStoreSession(this.path, readOnlyStatement.test(sql) ? "read" : "write", this.retry, async (connection) => {
      await connection.run(sql, values);
    });
  }

  /** Runs and reads all rows inside the session (the result is materialized before the file is closed). */
  async runAndReadAll(sql: string, values?: DuckDBValue[]): Promise<{ getRowObjects: () => Record<string, DuckDBValue>[]; getRowObjectsJS: () => Record<string, unknown>[] }> {
    return withStoreSession(this.path, readOnlyStatement.test(sql) ? "read" : "write", this.retry, async (connection) => {
      const reader = await connection.runAndReadAll(sql, values);
      const rows = reader.getRowObjects();
      const rowsJs = reader.getRowObjectsJS();
      return { getRowObjects: () => rows, getRowObjectsJS: () => rowsJs };
    });
  }
}
