import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, test } from "vitest";
import { GoodputError } from "../../src/errors.js";
import { LabStore } from "../../src/store/lab-store.js";
import { rawRequest } from "../ui/http-get.js";

/** A child process that opens the DuckDB file read-write (DuckDB's exclusive lock) and holds it until told to let go. */
async function holdLock(path: string): Promise<{ child: ChildProcess; release: () => Promise<void> }> {
  const script = `
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(${JSON.stringify(path)});
    const connection = await instance.connect();
    process.stdout.write("locked\\n");
    process.stdin.on("data", () => { connection.closeSync(); instance.closeSync(); process.exit(0); });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((resolve) => child.stdout.once("data", () => { resolve(); }));
  const exited = new Promise<void>((resolve) => child.once("exit", () => { resolve(); }));
  return { child, release: async () => { child.stdin.write("x"); await exited; } };
}

describe("the lab store under another process's lock", () => {
  test("past its wait the store fails with STORE_BUSY (exit 2) naming the process that holds the lock", async () => {
    const home = mkdtempSync(join(tmpdir(), "goodput-lock-"));
    (await LabStore.open(home)).close();
    const holder = await holdLock(join(home, "lab.duckdb"));
    try {
      const slept: number[] = [];
      let clockMs = 0;
      const retry = { maxWaitMs: 2000, firstDelayMs: 10, maxDelayMs: 400, nowMs: () => clockMs, sleep: async (ms: number) => { slept.push(ms); clockMs += ms; await Promise.resolve(); } };
      const error = await LabStore.open(home, { retry }).then((store) => store.listItems()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GoodputError);
      expect((error as GoodputError).code).toBe("STORE_BUSY");
      expect((error as GoodputError).exitCode).toBe(2);
      expect((error as GoodputError).message).toContain(`process ${holder.child.pid ?? -1}`);
      // Bounded exponential backoff: doubling from 10 ms, capped at 400 ms, stopping before the next pause would pass 2 s
      // (10 + 20 + … + 320 = 630; three pauses of 400 make 1830; a fourth would make 2230).
      expect(slept).toEqual([10, 20, 40, 80, 160, 320, 400, 400, 400]);
    } finally {
      await holder.release();
    }
  });

  test("a write waiting on the lock goes through once the other process lets go", async () => {
    const home = mkdtempSync(join(tmpdir(), "goodput-lock-"));
    const store = await LabStore.open(home);
    const holder = await holdLock(join(home, "lab.duckdb"));
    let released = false;
    const retry = { maxWaitMs: 60_000, firstDelayMs: 5, maxDelayMs: 5, nowMs: () => 0, sleep: async (ms: number) => { if (!released) { released = true; await holder.release(); } await new Promise((resolve) => setTimeout(resolve, ms)); } };
    const waiting = await LabStore.open(home, { retry });
    await waiting.saveReadout("r1", null, "2026-01-01T00:00:00Z", "{}");
    expect(released).toBe(true);
    expect((await store.listItems()).map((item) => item.id)).toEqual(["r1"]);
  });
});

/** Runs the CLI as a real process; resolves with its exit code and stderr. */
function goodput(args: readonly string[], env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ["bin/goodput.js", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  return { child, done: new Promise((resolve) => child.on("exit", (code) => { resolve({ code, stderr }); })) };
}

describe("several commands share one lab store (real processes)", () => {
  test("two experiment runs, a readout and the viewer at once: all succeed, the viewer answers throughout, every run is stored", async () => {
    const home = mkdtempSync(join(tmpdir(), "goodput-shared-"));
    const env = { GOODPUT_HOME: home };
    mkdirSync(home, { recursive: true });
    const cost = parse(readFileSync("experiments/cost.yaml", "utf8")) as { name: string };
    for (const name of ["first", "second"]) writeFileSync(join(home, `${name}.yaml`), stringify({ ...cost, name }));

    const viewer = goodput(["ui", "--port", "0"], env);
    const url = await new Promise<string>((resolve) => viewer.child.stdout?.on("data", (chunk: Buffer) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(chunk.toString());
      if (match?.[1] !== undefined) resolve(match[1]);
    }));
    const runs = [goodput(["experiment", "run", "--experiment", join(home, "first.yaml"), "--requests", "3000"], env), goodput(["experiment", "run", "--experiment", join(home, "second.yaml"), "--requests", "3000"], env)];
    const readout = goodput(["readout", "test/fixtures/stats/lalonde-nsw.csv", "--outcome", "re78", "--treatment", "treat", "--permutations", "100", "--bootstrap", "50"], env);
    const statuses: number[] = [];
    const state = { finished: false };
    const all = Promise.all([...runs.map((run) => run.done), readout.done]).finally(() => { state.finished = true; });
    while (!state.finished) {
      const page = await rawRequest(url, "/");
      statuses.push(page.status);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const results = await all;
    viewer.child.kill("SIGTERM");
    for (const result of results) {
      expect(result.stderr).not.toMatch(/internal error|Could not set lock/);
      expect(result.code).toBe(0);
    }
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const store = await LabStore.open(home);
    const items = await store.listItems();
    const storedRuns = items.filter((item) => item.kind === "run");
    expect(storedRuns).toHaveLength(8); // 2 experiments × 2 cases × 2 profiles
    for (const run of storedRuns) expect(await store.requestCount(run.id)).toBe(3000);
    expect(items.filter((item) => item.kind === "readout")).toHaveLength(1);
    expect(items.filter((item) => item.kind === "decision")).toHaveLength(2);
  }, 120_000);
});
