/**
 * Real-time pacing of `goodput serve` on the wall clock (moved out of the test suite: a test must
 * not race the wall clock; test/serve/realtime-fleet.test.ts checks the same pacing on fake timers).
 * Streams one 2,000-token prompt / 60-token completion at time-scale 1 and 10 and prints measured
 * TTFT, E2E and median inter-token gap next to the simulator's step times.
 * Usage: npm run bench:serve-timing
 */
import { builtInCatalog, findGpu, findModel } from "../src/catalog/catalog.js";
import { singleGpuDeployment } from "../src/physics/deployment.js";
import { decodeStepTime, prefillTime } from "../src/physics/step-time.js";
import { defaultStepTimeProfile } from "../src/physics/step-time-profile.js";
import { startSimulatedServer } from "../src/serve/start-simulated-server.js";

const deployment = singleGpuDeployment(findModel(builtInCatalog, "llama-3-8b"), findGpu(builtInCatalog, "h100-sxm"));
const promptTokens = 2000;
const outputTokens = 60;
const prefillSeconds = prefillTime(deployment, { batch: 1, promptTokens }, defaultStepTimeProfile).stepSeconds;
const decodeSeconds = Array.from({ length: outputTokens - 1 }, (_, k) => decodeStepTime(deployment, [promptTokens + k + 1], defaultStepTimeProfile).stepSeconds);
const e2eSeconds = prefillSeconds + decodeSeconds.reduce((sum, step) => sum + step, 0);

/** Wall times (ms since send) of each content event of one streamed completion. */
async function tokenTimesMs(url: string, body: object): Promise<number[]> {
  const t0 = performance.now();
  const response = await fetch(`${url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  const times: number[] = [];
  for (;;) {
    const chunk = (await reader?.read()) as { done: boolean; value?: Uint8Array } | undefined;
    if (chunk === undefined || chunk.done) break;
    const at = performance.now() - t0;
    for (const _ of decoder.decode(chunk.value, { stream: true }).matchAll(/"text":" tok"/g)) times.push(at);
  }
  return times;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

console.log(`predicted: prefill ${(prefillSeconds * 1000).toFixed(1)} ms, first decode ${((decodeSeconds[0] ?? 0) * 1000).toFixed(2)} ms, e2e ${(e2eSeconds * 1000).toFixed(1)} ms (simulated)`);
for (const timeScale of [1, 10]) {
  const server = await startSimulatedServer({ port: 0, timeScale });
  try {
    await tokenTimesMs(server.url, { prompt: "warm up", max_tokens: 2, stream: true });
    const times = await tokenTimesMs(server.url, { prompt: Array.from({ length: promptTokens }, (_, i) => i % 5000), max_tokens: outputTokens, stream: true });
    const gaps = times.slice(1).map((time, i) => time - (times[i] ?? 0));
    console.log(`time-scale ${timeScale}: ttft ${(times[0] ?? NaN).toFixed(1)} ms (predicted ${((prefillSeconds * 1000) / timeScale).toFixed(1)}), e2e ${(times.at(-1) ?? NaN).toFixed(1)} ms (predicted ${((e2eSeconds * 1000) / timeScale).toFixed(1)}), median ITL ${median(gaps).toFixed(2)} ms, ${times.length} tokens`);
  } finally {
    await server.close();
  }
}
