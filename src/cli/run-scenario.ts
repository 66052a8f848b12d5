import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JsonlWriter } from "../io/jsonl-writer.js";
import { jsonlToParquet } from "../io/jsonl-to-parquet.js";
import { planScenarioRuns, type PlannedRun } from "../sim/designs/run-plan.js";
import { requestRecordColumns } from "../sim/log/request-record-columns.js";
import { startFleetSimulation, type SimulationInput } from "../sim/simulate-fleet.js";
import type { SimulationSummary } from "../sim/summary.js";
import { trueGlobalEffect, type MetricEffect } from "../sim/true-effect.js";
import { scenarioRequests } from "../sim/workload/scenario-requests.js";
import type { TraceWindow } from "../sim/workload/trace-replay.js";
import type { LoadedScenario } from "./load-scenario.js";

export interface RunOptions {
  readonly seed?: number | undefined;
  readonly requests?: number | undefined;
  /** Overrides of a trace workload's speed and window (--trace-speed, --trace-window). */
  readonly traceSpeed?: number | undefined;
  readonly traceWindow?: TraceWindow | undefined;
  readonly outDir?: string | undefined;
  readonly nowMs: () => number;
  /** Set to true (e.g. by SIGINT) to stop after the current slice; the result is marked interrupted. */
  readonly interrupt: { interrupted: boolean };
  /** After each slice: a line, and the records written so far against the requests asked for. */
  readonly onProgress?: (line: string, progress: { readonly records: number; readonly requests: number | undefined }) => void;
  readonly runId?: string;
}

export interface RunResult {
  readonly summary: SimulationSummary & { readonly wallSeconds: number; readonly interrupted: boolean };
  /**
   * The truth: everyone on A vs everyone on B on the same arrivals (common random numbers);
   * `summary` is all-B, `allA` all-A (the primary run itself when the scenario has no design).
   */
  readonly counterfactual: { readonly control: string; readonly treatment: string; readonly summary: SimulationSummary; readonly allA: SimulationSummary; readonly trueGlobalEffect: readonly MetricEffect[] } | null;
  readonly files: readonly string[];
}

const sliceEvents = 200_000;

/** Runs a loaded scenario (and, with a counterfactual, all-A and all-B for the truth), streaming the log and series to `outDir`. */
export async function runScenario(loaded: LoadedScenario, options: RunOptions): Promise<RunResult> {
  const { config } = loaded;
  const seed = options.seed ?? config.seed;
  const requests = options.requests ?? config.requests;
  const poolNames = loaded.pools.map((pool) => pool.name);
  const plan = planScenarioRuns(config, seed, poolNames);
  const files: string[] = [];
  const runOne = async ({ policies: runPolicies, assign: runAssign, label }: PlannedRun, dir: string | undefined) => {
    if (dir) mkdirSync(dir, { recursive: true });
    const requestsWriter = dir ? new JsonlWriter(join(dir, "requests.jsonl"), options.nowMs) : null;
    let records = 0;
    const seriesWriter = dir ? new JsonlWriter(join(dir, "series.jsonl"), options.nowMs) : null;
    const input: SimulationInput = {
      runId: options.runId ?? `${config.name}-${seed}${label}`,
      seed,
      pools: loaded.pools,
      requests: scenarioRequests(config.workload, loaded.trace, { seed, requests, traceSpeed: options.traceSpeed, traceWindow: options.traceWindow }),
      policies: runPolicies,
      ...(runAssign ? { assign: runAssign } : {}),
      routerReplicas: config.policies.routerReplicas,
      signalRefreshSeconds: config.policies.signalRefreshSeconds,
      slo: config.slo,
      disturbances: { failures: config.disturbances.failures, slowdowns: config.disturbances.slowdowns, retries: config.disturbances.retries ?? null },
      admission: config.policies.admission?.perTenant ?? {},
      seriesIntervalSeconds: seriesWriter ? config.output.seriesIntervalSeconds : 0,
      onRecord: requestsWriter ? (record) => { records++; requestsWriter.write(record); } : () => { records++; },
      ...(seriesWriter ? { onSeries: (row: Parameters<NonNullable<SimulationInput["onSeries"]>>[0]) => { seriesWriter.write(row); } } : {}),
    };
    const started = options.nowMs();
    const simulation = startFleetSimulation(input);
    let done = false;
    while (!done && !options.interrupt.interrupted) {
      done = simulation.advance(sliceEvents);
      options.onProgress?.(`${label || "run"}: ${records} records, ${((options.nowMs() - started) / 1000).toFixed(1)} s wall`, { records, requests });
      await new Promise((resolveSlice) => setImmediate(resolveSlice));
    }
    const summary = simulation.finish();
    requestsWriter?.close();
    seriesWriter?.close();
    const wallSeconds = (options.nowMs() - started) / 1000;
    const result = { ...summary, wallSeconds, interrupted: !done };
    if (dir && requestsWriter && seriesWriter) {
      writeFileSync(join(dir, "summary.json"), JSON.stringify(result, null, 2) + "\n");
      files.push(requestsWriter.path, seriesWriter.path, join(dir, "summary.json"));
      const parquet = join(dir, "requests.parquet");
      await jsonlToParquet(requestsWriter.path, parquet, requestRecordColumns);
      files.push(parquet);
    }
    return result;
  };
  const primary = await runOne(plan.primary, options.outDir);
  let counterfactual: RunResult["counterfactual"] = null;
  const { truth } = plan;
  if (truth && !primary.interrupted) {
    const folder = (name: string): string | undefined => (options.outDir ? join(options.outDir, name) : undefined);
    const allA = truth.allA === "primary" ? primary : await runOne(truth.allA, folder("all-a"));
    const allB = allA.interrupted ? null : await runOne(truth.allB, folder("counterfactual"));
    if (allB && !allB.interrupted) {
      counterfactual = { control: truth.control.type, treatment: truth.treatment.type, summary: allB, allA, trueGlobalEffect: trueGlobalEffect(allA, allB) };
    }
  }
  return { summary: primary, counterfactual, files };
}
