/**
 * Simulator speed on a real trace: the Mooncake conversation trace (12,031 requests, mean prompt
 * ≈ 12k tokens, prefix block ids) on 8 replicas with prefix caching, replayed 10× faster.
 * Prints wall seconds, simulated requests and engine steps per wall-second and peak RSS.
 * Usage: npm run bench:sim-trace
 */
import { resourceUsage } from "node:process";
import { builtInCatalog } from "../src/catalog/catalog.js";
import { loadScenario } from "../src/cli/load-scenario.js";
import { runScenario } from "../src/cli/run-scenario.js";

const loaded = loadScenario("examples/trace-mooncake-conversation.yaml", builtInCatalog, ".goodput");
const pools = loaded.pools.map((pool) => ({ ...pool, replicas: 8 }));
const run = await runScenario({ ...loaded, pools }, { traceSpeed: 10, nowMs: () => performance.now(), interrupt: { interrupted: false } });
const s = run.summary;
const peakRssMiB = resourceUsage().maxRSS / 1024;
console.log(`goodput sim trace benchmark — Mooncake conversation trace, ${s.requests.toLocaleString("en-US")} requests at 10× speed, 8 × ${pools[0]?.deployment.model.id ?? "?"} on ${pools[0]?.deployment.gpu.id ?? "?"}, prefix caching on, ${loaded.config.policies.router.type} routing`);
console.log(`wall ${s.wallSeconds.toFixed(2)} s | ${(s.requests / s.wallSeconds).toFixed(0)} simulated requests per wall-second | ${(s.engineSteps / s.wallSeconds).toFixed(0)} engine steps per second (${s.engineSteps.toLocaleString("en-US")} steps)`);
console.log(`peak RSS ${peakRssMiB.toFixed(0)} MiB | simulated ${s.simulatedSeconds.toFixed(0)} s | prefix cache hit ${(s.prefixCacheHitRate * 100).toFixed(1)} % | completed ${s.completed} dropped ${s.dropped} rejected ${s.rejected} | TTFT p50/p99 ${s.ttftSeconds.p50.toFixed(2)}/${s.ttftSeconds.p99.toFixed(2)} s`);
