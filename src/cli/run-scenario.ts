import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JsonlWriter } from "../io/jsonl-writer.js";
import { jsonlToParquet } from "../io/jsonl-to-parquet.js";
import { createAssignment, poolArms } from "../sim/designs/assignment.js";
import { requestRecordColumns } from "../sim/log/request-record-columns.js";
import { startFleetSimulation, type Assignment, type PolicySpec, type SimulationInput } from "../sim/simulate-fleet.js";
import type { SimulationSummary } from "../sim/summary.js";
import { trueGlobalEffect, type MetricEffect } from "../sim/true-effect.js";
import { createRequestStream } from "../sim/workload/generate-requests.js";
import type { SimRequestSpec } from "../sim/sim-request.js";
import { policyFor } from "../sim/policy-for.js";
import type { LoadedScenario } from "./load-scenario.js";

export interface RunOptions {
  readonly seed?: number | undefined;
  readonly requests?: number | undefined;
  readonly outDir?: string | undefined;
  readonly nowMs: () => number;
  /** Set to true (e.g. by SIGINT) to stop after the current slice; the result is marked interrupted. */
  readonly interrupt: { interrupted: boolean };
  /** After each slice: a line, and the records written so far against the requests asked for. */
  readonly onProgress?: (line: string, progress: { readonly records: number; readonly requests: number }) => void;
  readonly runId?: string;
}

export interface RunResult {
  readonly summary: SimulationSummary & { readonly wallSeconds: number; readonly interrupted: boolean };
  readonly counterfactual: { readonly summary: SimulationSummary; readonly trueGlobalEffect: readonly MetricEffect[] } | null;
  readonly files: readonly string[];
}

const sliceEvents = 200_000;

/** Runs a loaded scenario (and its counterfactual), streaming the log and series to `outDir`. */
export async function runScenario(loaded: LoadedScenario, options: RunOptions): Promise<RunResult> {
  const { config } = loaded;
  const seed = options.seed ?? config.seed;
  const requests = options.requests ?? config.requests;
  const poolNames = loaded.pools.map((pool) => pool.name);
  let policies: PolicySpec[] = [policyFor(config.policies.router)];
  let assign: ((request: SimRequestSpec) => Assignment) | undefined;
  const design = config.design;
  if (design) {
    if (design.assignment.type === "pool-cluster") {
      const arms = poolArms(seed, poolNames);
      policies = poolNames.map((pool) => policyFor(arms.get(pool) === "B" ? design.treatment : config.policies.router, pool));
    } else {
      policies = [policyFor(config.policies.router), policyFor(design.treatment)];
    }
    assign = createAssignment(design.assignment, { seed, pools: poolNames });
  }
  const files: string[] = [];
  const runOne = async (runPolicies: PolicySpec[], runAssign: typeof assign, dir: string | undefined, label: string) => {
    if (dir) mkdirSync(dir, { recursive: true });
    const requestsWriter = dir ? new JsonlWriter(join(dir, "requests.jsonl"), options.nowMs) : null;
    let records = 0;
    const seriesWriter = dir ? new JsonlWriter(join(dir, "series.jsonl"), options.nowMs) : null;
    const input: SimulationInput = {
      runId: options.runId ?? `${config.name}-${seed}${label}`,
      seed,
      pools: loaded.pools,
      requests: createRequestStream(config.workload, { seed, requests }),
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
  const primary = await runOne(policies, assign, options.outDir, "");
  let counterfactual: RunResult["counterfactual"] = null;
  if (config.counterfactual && !primary.interrupted) {
    const alternative = await runOne([policyFor(config.counterfactual.router)], undefined, options.outDir ? join(options.outDir, "counterfactual") : undefined, "-counterfactual");
    counterfactual = { summary: alternative, trueGlobalEffect: trueGlobalEffect(primary, alternative) };
  }
  return { summary: primary, counterfactual, files };
}
