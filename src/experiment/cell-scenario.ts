import { perRequestGates } from "../slo/run-slo.js";
import { requestsWithinDuration } from "./duration-requests.js";
import type { ExperimentCase, ExperimentConfig, ExperimentProfile } from "./experiment-schema.js";

/** The scenario (as data, validated by the scenario schema) that runs one case × profile on the simulator. */
export function cellScenario(experiment: ExperimentConfig, testCase: ExperimentCase, profile: ExperimentProfile, options: { readonly seed: number; readonly requests: number }): Record<string, unknown> {
  const { deployment } = experiment;
  const maxQueueSeconds = profile.maxQueueSeconds ?? deployment.maxQueueSeconds;
  return {
    name: `${experiment.name}/${testCase.name}/${profile.name}`,
    seed: options.seed,
    requests: options.requests,
    pools: [
      {
        name: profile.name,
        replicas: profile.replicas ?? deployment.replicas,
        gpu: deployment.gpu,
        model: deployment.model,
        tensorParallel: deployment.tensorParallel,
        calibration: deployment.calibration,
        priceUsdPerGpuHour: deployment.priceUsdPerGpuHour,
        engine: profile.engine,
        ...(maxQueueSeconds === undefined ? {} : { maxQueueSeconds }),
      },
    ],
    workload: testCase.workload,
    policies: { router: profile.router ?? { type: "least-outstanding" } },
    // Per-request gates, the percentile bound included (a request over "p95 ≤ 4 s" is not
    // accepted); the percentile itself is judged on the run (see costMatrixRow).
    slo: perRequestGates(experiment.slo),
    output: { seriesIntervalSeconds: 1 },
  };
}

/**
 * Requests in one cell: the command line's --requests, else the arrivals within the case's
 * durationSeconds for this seed, else the profile's, the case's, the experiment's count.
 */
export function cellRequests(experiment: ExperimentConfig, testCase: ExperimentCase, profile: ExperimentProfile, options: { readonly override: number | undefined; readonly seed: number }): number {
  if (options.override !== undefined) return options.override;
  if (testCase.durationSeconds !== undefined) return requestsWithinDuration(testCase, { seed: options.seed, durationSeconds: testCase.durationSeconds });
  return profile.requests ?? testCase.requests ?? experiment.requests;
}
