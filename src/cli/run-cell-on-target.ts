import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import type { ExperimentCase, ExperimentConfig, ExperimentProfile } from "../experiment/experiment-schema.js";
import { costMatrixRowFromLoad } from "../experiment/cost-matrix-from-load.js";
import type { CostMatrixRow } from "../experiment/cost-matrix.js";
import { GoodputError } from "../errors.js";
import { JsonlWriter } from "../io/jsonl-writer.js";
import { readApiKey } from "../loadgen/api-key.js";
import type { ArrivalSpec } from "../loadgen/arrival-spec.js";
import { probeTarget } from "../loadgen/discover-model.js";
import { redactUrl } from "../io/redact-url.js";
import { resolveEndpoints } from "../loadgen/endpoints.js";
import { runLoad, type LoadRun } from "../loadgen/run-load.js";
import { toRequestRecord } from "../loadgen/to-request-record.js";
import { perRequestGates } from "../slo/run-slo.js";
import type { SloGates } from "../slo/slo-gates.js";

export interface TargetCellResult {
  readonly row: CostMatrixRow;
  readonly run: LoadRun;
  /** The load the cell sent, as stored with the run. */
  readonly loadConfig: Record<string, unknown>;
  readonly logPath: string;
}

const fixedTokens = (where: string, dist: ExperimentCase["workload"]["promptTokens"]): number => {
  if (dist.dist === "fixed") return dist.value;
  throw new GoodputError("BAD_USAGE", `${where}: a live target needs a fixed token count (got dist "${dist.dist}"); the load generator sends exact-length prompts.`, { where });
};

/** A trace's mean rate over its span (1/s when it has no span). */
const _traceRate = (timestamps: readonly number[]): number => {
  const spanSeconds = (timestamps.at(-1) ?? 0) - (timestamps[0] ?? 0);
  return spanSeconds > 0 ? (timestamps.length - 1) / spanSeconds : 1;
};

function arrivalsOf(testCase: ExperimentCase): { ratePerSecond: number; arrivals: ArrivalSpec } {
  const arrivals = testCase.workload.arrivals;
  switch (arrivals.process) {
    case "constant":
      return { ratePerSecond: arrivals.ratePerSecond, arrivals: { kind: "constant" } };
    case "poisson":
      return { ratePerSecond: arrivals.ratePerSecond, arrivals: { kind: "poisson" } };
    case "gamma":
      return { ratePerSecond: arrivals.ratePerSecond, arrivals: { kind: "gamma", shape: arrivals.shape } };
    // The live scheduler runs the simulator's own processes; ratePerSecond is then their long-run mean (a label only).
    case "onoff":
      return { ratePerSecond: (arrivals.onRatePerSecond * arrivals.onSeconds + arrivals.offRatePerSecond * arrivals.offSeconds) / (arrivals.onSeconds + arrivals.offSeconds), arrivals: { kind: "onoff", ...arrivals } };
    case "diurnal":
      return { ratePerSecond: arrivals.meanRatePerSecond, arrivals: { kind: "diurnal", ...arrivals } };
    case "trace":
      return { ratePerSecond: _traceRate(arrivals.timestamps), arrivals: { kind: "trace", entries: arrivals.timestamps.map((atSeconds) => ({ atSeconds })) } };
  }
}

function _wallClockGates(slo: SloGates, timeScale: number): SloGates {
  const scaled = (value: number | undefined): number | undefined => (value === undefined ? undefined : value / timeScale);
  return { ttftSeconds: scaled(slo.ttftSeconds), tpotSeconds: scaled(slo.tpotSeconds), e2eSeconds: scaled(slo.e2eSeconds) };
}

/**
 * A goodput serve (its /v1/models entries are owned_by "goodput") may run faster than real time,
 * and its wall-clock latencies would then pass the SLO optimistically: without an explicit
 * --target-time-scale it is refused. Any other endpoint is taken as real time (scale 1).
 */
async function _refuseUnscaledGoodputServe(modelsUrl: string, headers: Readonly<Record<string, string>>): Promise<number> {
  const owners = await _modelOwners(modelsUrl, headers);
  if (owners.includes("goodput")) {
    throw new GoodputError("BAD_USAGE", "The target is a goodput serve, whose clock may run faster than real time (serve --time-scale): its latencies would pass the SLO optimistically. Pass --target-time-scale X with the serve's --time-scale (1 for real time).", {
      where: "--target-time-scale",
    });
  }
  return 1;
}

async function _modelOwners(modelsUrl: string, headers: Readonly<Record<string, string>>): Promise<string[]> {
  try {
    const response = await request(modelsUrl, { method: "GET", headers, headersTimeout: 5000, bodyTimeout: 5000 });
    const body = (await response.body.json()) as { data?: unknown };
    if (!Array.isArray(body.data)) return [];
    return body.data.map((entry: unknown) => (entry as { owned_by?: unknown } | null)?.owned_by).filter((owner): owner is string => typeof owner === "string");
  } catch {
    return [];
  }
}

/**
 * Runs one experiment cell against an OpenAI-compatible endpoint with the load generator (open
 * loop on the case's arrival schedule, exact-length prompts), writes the canonical request log and
 * returns the matrix row. The endpoint's own configuration is the profile: the caller names it.
 */
export async function runCellOnTarget(options: {
  readonly experiment: ExperimentConfig;
  readonly testCase: ExperimentCase;
  readonly profile: ExperimentProfile;
  readonly target: string;
  readonly requests: number;
  readonly seed: number;
  readonly runId: string;
  readonly outDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly interrupt: { interrupted: boolean };
  /** Simulated seconds per wall second of the target (goodput serve --time-scale); required for a goodput serve. */
  readonly timeScale: number | undefined;
}): Promise<TargetCellResult> {
  const { experiment, testCase } = options;
  const { ratePerSecond: simRatePerSecond, arrivals } = arrivalsOf(testCase);
  const promptTokens = fixedTokens(`case ${testCase.name}: promptTokens`, testCase.workload.promptTokens);
  const outputTokens = fixedTokens(`case ${testCase.name}: outputTokens`, testCase.workload.outputTokens);
  const apiKey = readApiKey(options.env);
  const endpoints = resolveEndpoints(options.target, "chat");
  const headers = apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
  // Readiness check: an unreachable target is an error, not a cell of "0 served, 0 dropped".
  const probe = await probeTarget(endpoints.modelsUrl, headers, 5000, apiKey);
  if (probe.kind === "unreachable") throw new GoodputError("BAD_INPUT", `--target ${redactUrl(options.target)}: nothing answers at ${redactUrl(endpoints.modelsUrl)} (${probe.message}); start the server or fix the URL.`, { where: "--target" });
  const model = probe.kind === "model" ? probe.model : experiment.deployment.model;
  const timeScale = options.timeScale ?? (await _refuseUnscaledGoodputServe(endpoints.modelsUrl, headers));
  if (timeScale !== 1 && !["constant", "poisson", "gamma"].includes(arrivals.kind)) {
    throw new GoodputError("BAD_USAGE", `case ${testCase.name}: --target-time-scale ${timeScale} scales constant, Poisson and gamma arrivals only; a ${arrivals.kind} schedule carries its own times — run it against a real-time target (--target-time-scale 1).`, { where: "--target-time-scale" });
  }
  // The case's rates and SLO are in the target's (simulated) seconds: a serve running X× real time
  // gets X× the arrivals per wall second and X× tighter wall-clock gates; the row scales back by X.
  const ratePerSecond = simRatePerSecond * timeScale;
  const slo = _wallClockGates(perRequestGates(experiment.slo), timeScale);
  const controller = new AbortController();
  const watch = setInterval(() => {
    if (options.interrupt.interrupted) controller.abort();
  }, 100);
  let run: LoadRun;
  try {
    run = await runLoad({
      target: options.target,
      api: "chat",
      model,
      mode: { kind: "open", ratePerSecond, arrivals },
      requests: options.requests,
      promptTokens,
      outputTokens,
      slo,
      seed: options.seed,
      ...(apiKey === undefined ? {} : { apiKey }),
      now: () => performance.now(),
      signal: controller.signal,
      label: `${testCase.name}/${options.profile.name}`,
    });
  } finally {
    clearInterval(watch);
  }
  mkdirSync(options.outDir, { recursive: true });
  const logPath = join(options.outDir, "requests.jsonl");
  const writer = new JsonlWriter(logPath, () => performance.now());
  for (const result of run.results) writer.write(toRequestRecord(result, { runId: options.runId, originMs: run.originMs, slo }));
  writer.close();
  const replicas = options.profile.replicas ?? experiment.deployment.replicas;
  return {
    row: costMatrixRowFromLoad(experiment, { case: testCase.name, profile: options.profile.name, runId: options.runId, replicas, timeScale }, run.summary),
    run,
    loadConfig: { target: redactUrl(options.target), model, ratePerSecond, arrivals, promptTokens, outputTokens, requests: options.requests, seed: options.seed, slo, timeScale },
    logPath,
  };
}
