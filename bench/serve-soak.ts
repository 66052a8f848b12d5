/**
 * Soak benchmark of `goodput serve` (issue: a few thousand requests with client disconnects
 * mid-stream; RSS growth bounded, disconnected streams free their simulated capacity).
 * Usage: npm run bench:serve-soak [-- REQUESTS]   (default 20,000; the suite runs 2,000)
 */
import { startSimulatedServer } from "../src/serve/start-simulated-server.js";
import { formatSoakFigures, runServeSoak } from "./serve-soak-run.js";

const requests = Number(process.argv[2] ?? 20_000);
const server = await startSimulatedServer({ port: 0, timeScale: 5 });
try {
  // Two halves: growth in the first includes warm-up (JIT, tokenizer caches); the second shows the steady state.
  for (const [half, seed] of [["first half", 1], ["second half", 2]] as const) {
    const figures = await runServeSoak(server, { requests: Math.ceil(requests / 2), concurrency: 64, disconnectFraction: 0.3, maxTokens: 64, seed });
    console.log(`${half}:\n${formatSoakFigures(figures)}`);
  }
} finally {
  await server.close();
}
