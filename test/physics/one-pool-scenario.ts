/** A one-pool, fixed-length scenario for tests that run `sim` on a model (YAML text). */
export interface OnePoolScenario {
  readonly name: string;
  readonly seed: number;
  readonly requests: number;
  readonly gpu: string;
  /** `model: ID` or `modelConfig: FILE`. */
  readonly modelLine: string;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly prefixCaching: boolean;
  readonly maxQueueSeconds?: number;
  readonly ratePerSecond: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly e2eSloSeconds: number;
}

export function onePoolScenarioYaml(s: OnePoolScenario): string {
  return [
    `name: ${s.name}`,
    `seed: ${s.seed}`,
    `requests: ${s.requests}`,
    "pools:",
    "  - name: main",
    "    replicas: 1",
    `    gpu: ${s.gpu}`,
    `    ${s.modelLine}`,
    `    engine: { maxNumSeqs: ${s.maxNumSeqs}, maxNumBatchedTokens: ${s.maxNumBatchedTokens}, chunkedPrefill: true, prefixCaching: ${s.prefixCaching} }`,
    ...(s.maxQueueSeconds === undefined ? [] : [`    maxQueueSeconds: ${s.maxQueueSeconds}`]),
    "workload:",
    `  arrivals: { process: poisson, ratePerSecond: ${s.ratePerSecond} }`,
    `  promptTokens: { dist: fixed, value: ${s.promptTokens} }`,
    `  outputTokens: { dist: fixed, value: ${s.outputTokens} }`,
    "policies:",
    "  router: { type: round-robin }",
    `slo: { e2eSeconds: ${s.e2eSloSeconds} }`,
    "",
  ].join("\n");
}
