/** A small two-case × two-profile experiment that runs in well under a second on the simulator. */
export function tinyExperimentYaml(options: { readonly name?: string; readonly extraProfile?: string; readonly extraCase?: string; readonly slo?: string } = {}): string {
  return `
name: ${JSON.stringify(options.name ?? "tiny")}
question: Which profile is cheaper per in-SLO request?
decision: Pick a profile.
evidenceBoundary: serving GPU only
seed: 5
requests: 40
deployment: { gpu: h100-sxm, model: llama-3-8b, priceUsdPerGpuHour: 3, maxQueueSeconds: 20 }
slo: ${options.slo ?? "{ p95LatencySeconds: 4 }"}
cases:
  - name: steady
    workload: { arrivals: { process: poisson, ratePerSecond: 5 }, promptTokens: { dist: fixed, value: 256 }, outputTokens: { dist: fixed, value: 32 } }
  - name: quiet
    workload: { arrivals: { process: poisson, ratePerSecond: 1 }, promptTokens: { dist: fixed, value: 256 }, outputTokens: { dist: fixed, value: 32 } }${options.extraCase ?? ""}
profiles:
  - name: single
    engine: { maxNumSeqs: 1 }
  - name: batched
    engine: { maxNumSeqs: 64 }${options.extraProfile ?? ""}
`;
}
