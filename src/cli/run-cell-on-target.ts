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
import { discoverModel } from "../loadgen/discover-model.js";
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

function arrivalsOf(testCase: ExperimentCase): { ratePerSecond: number; arrivals: ArrivalSpec } {
  const arrivals = testCase.workload.arrivals;
  switch (arrivals.process) {
    case "constant":
      return { ratePerSecond: arrivals.ratePerSecond, arrivals: { kind: "constant" } };
    case "poisson":
      return { ratePerSecond: arrivals.ratePerSecond, arrivals: { kind: "poisson" } };
    case "gamma":
      return { ratePerSecond: arrivals.ratePerSecond, arrivals: { kind: "gamma", shape: arrivals.shape } };
    default:
      throw new GoodputError("BAD_USAGE", `case ${testCase.name}: arrivals "${arrivals.process}" cannot be replayed against a live target yet (use constant, poisson or gamma, or run it on the simulator).`, { where: `cases.${testCase.name}.workload.arrivals` });
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
  const model = (await discoverModel(endpoints.modelsUrl, headers)) ?? experiment.deployment.model;
  const timeScale = options.timeScale ?? (await _refuseUnscaledGoodputServe(endpoints.modelsUrl, headers));
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
    loadConfig: { target: options.target, model, ratePerSecond, arrivals, promptTokens, outputTokens, requests: options.requests, seed: options.seed, slo, timeScale },
    logPath,
  };
}
