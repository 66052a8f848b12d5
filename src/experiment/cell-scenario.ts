import { perRequestGates } from "../slo/run-slo.js";
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

/** Requests in one cell: the command line's --requests, else the profile's, the case's, the experiment's. */
export function cellRequests(experiment: ExperimentConfig, testCase: ExperimentCase, profile: ExperimentProfile, override: number | undefined): number {
  return override ?? profile.requests ?? testCase.requests ?? experiment.requests;
}
