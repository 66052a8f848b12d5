import { describe, expect, it } from "vitest";
import { pool, poissonSource, runSim } from "./sim-fixtures.js";

describe("queueing truth on one replica with max_num_seqs = 1", () => {
  // Every request: 512-token prompt, 64 output tokens, no prefix sharing → a deterministic service time D.
  const fixed = runSim({
    pools: [pool({ maxNumSeqs: 1, prefixCaching: false })],
    requests: poissonSource({ seed: 11, requests: 1, ratePerSecond: 1, prompt: () => 512, output: () => 64 }),
  });
  const serviceSeconds = fixed.records[0]?.e2e_s ?? NaN;

  it("M/D/1: mean queue wait matches Pollaczek–Khinchine Wq = ρD / (2(1 − ρ)) within 3 %", () => {
    const rho = 0.7;
    const lambda = rho / serviceSeconds;
    const { records, summary } = runSim({
      pools: [pool({ maxNumSeqs: 1, prefixCaching: false })],
      requests: poissonSource({ seed: 5, requests: 200_000, ratePerSecond: lambda, prompt: () => 512, output: () => 64 }),
    });
    const services = new Set(records.map((record) => ((record.e2e_s ?? 0) - (record.queue_wait_s ?? 0)).toFixed(9)));
    expect(services.size).toBe(1); // the service really is deterministic
    const expected = (rho * serviceSeconds) / (2 * (1 - rho));
    console.log(`M/D/1: D = ${(serviceSeconds * 1000).toFixed(3)} ms, ρ = ${rho}, Wq simulated ${(summary.meanQueueWaitSeconds * 1000).toFixed(3)} ms vs P-K ${(expected * 1000).toFixed(3)} ms`);
    expect(Math.abs(summary.meanQueueWaitSeconds - expected) / expected).toBeLessThan(0.03);
  });

  it("M/G/1 with geometric output lengths (near-exponential service): Wq = λE[S²] / (2(1 − ρ)) within 3 %; Little's law within 1 %", () => {
    const meanOutput = 60;
    const probe = runSim({ pools: [pool({ maxNumSeqs: 1, prefixCaching: false })], requests: poissonSource({ seed: 3, requests: 1, ratePerSecond: 1, prompt: () => 128, output: () => meanOutput }) });
    const lambda = 0.6 / (probe.records[0]?.e2e_s ?? 1);
    const { records, summary } = runSim({
      pools: [pool({ maxNumSeqs: 1, prefixCaching: false })],
      requests: poissonSource({ seed: 9, requests: 150_000, ratePerSecond: lambda, prompt: () => 128, output: (_, u) => 1 + Math.floor(Math.log(1 - u()) / Math.log(1 - 1 / meanOutput)) }),
    });
    const services = records.map((record) => (record.e2e_s ?? 0) - (record.queue_wait_s ?? 0));
    const meanS = services.reduce((a, b) => a + b, 0) / services.length;
    const meanS2 = services.reduce((a, b) => a + b * b, 0) / services.length;
    const lambdaObserved = summary.arrivalRatePerSecond;
    const rho = lambdaObserved * meanS;
    const expected = (lambdaObserved * meanS2) / (2 * (1 - rho));
    console.log(`M/G/1: E[S] = ${(meanS * 1000).toFixed(2)} ms, CV² = ${(meanS2 / meanS ** 2 - 1).toFixed(3)}, ρ = ${rho.toFixed(3)}, Wq ${(summary.meanQueueWaitSeconds * 1000).toFixed(2)} vs ${(expected * 1000).toFixed(2)} ms`);
    expect(Math.abs(summary.meanQueueWaitSeconds - expected) / expected).toBeLessThan(0.03);
    // With CV² ≈ 1 the service is exponential in all but name: M/M/1's Wq = ρ·E[S] / (1 − ρ).
    const mm1 = (rho * meanS) / (1 - rho);
    expect(Math.abs(meanS2 / meanS ** 2 - 2)).toBeLessThan(0.05);
    expect(Math.abs(summary.meanQueueWaitSeconds - mm1) / mm1).toBeLessThan(0.03);
    expect(Math.abs(summary.meanInSystem - summary.arrivalRatePerSecond * summary.meanSojournSeconds) / summary.meanInSystem).toBeLessThan(0.01);
  });
});
