import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { formatSoakFigures, runServeSoak } from "../../bench/serve-soak-run.js";
import { manualClock, startTestServer } from "./serve-helpers.js";

// The short soak (npm run bench:serve-soak runs the long one): 2,000 streams of 32 tokens, 30 % of
// whose clients hang up after 1–24 tokens, 32 at a time. The server runs at time-scale 100 on an
// injected clock moved 0.05 ms per event-loop turn: 5 simulated ms per turn, less than one decode
// step (≈ 6.6 ms), and its wake timers (≤ 0.07 ms) fire every turn — so a request makes at most one
// token per turn, and the ≥ 8 tokens left after a cut outlast the hang-up's trip to the server.
describe("goodput serve soak: client disconnects free their capacity, memory stays bounded", () => {
  let server: SimulatedServer;
  const clock = manualClock();
  beforeAll(async () => {
    server = await startTestServer({ timeScale: 100, nowMs: clock.nowMs });
  });
  afterAll(async () => {
    await server.close();
  });

  it("2,000 requests: nothing left in flight, the engine idle, every full stream exact, heap growth bounded", async () => {
    // Warm-up so JIT and socket pools are in the "before" figure, not counted as growth.
    await runServeSoak(server, { requests: 200, concurrency: 32, disconnectFraction: 0.3, maxTokens: 32, seed: 7, clock: { advance: clock.advance, stepMs: 0.05 } });
    const figures = await runServeSoak(server, { requests: 2000, concurrency: 32, disconnectFraction: 0.3, maxTokens: 32, seed: 1, clock: { advance: clock.advance, stepMs: 0.05 } });
    console.log(formatSoakFigures(figures));
    expect(figures.completed + figures.disconnects + figures.wrongLength).toBe(2000);
    expect(figures.wrongLength).toBe(0);
    // The seeded plan cuts ≈ 30 %: 600 ± a few binomial SDs (SD ≈ 20).
    expect(figures.disconnects).toBeGreaterThan(500);
    expect(figures.disconnects).toBeLessThan(700);
    // Every hang-up reached the engine as an abort while it was still generating (the old server aborted none).
    expect(figures.aborted).toBe(figures.disconnects);
    expect(figures.inFlightAfter).toBe(0);
    expect(figures.gaugesAfter).toEqual({ running: 0, waiting: 0, kvUsage: 0 });
    // A leak of even 5 KB per request would add 10 MB; live heap after GC grows far less.
    expect(figures.heapAfterBytes - figures.heapBeforeBytes).toBeLessThan(8 * 2 ** 20);
  }, 60_000);
});
