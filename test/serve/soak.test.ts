import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { formatSoakFigures, runServeSoak } from "../../bench/serve-soak-run.js";
import { startTestServer } from "./serve-helpers.js";

// The short soak (npm run bench:serve-soak runs the long one): 2,000 streams of 64 tokens, 30 % of
// whose clients hang up after 1–48 tokens, 32 at a time. At time-scale 5 the ≥ 16 tokens left after
// a cut take ≥ 20 ms of wall time, so the hang-up reaches the server while it is still generating.
describe("goodput serve soak: client disconnects free their capacity, memory stays bounded", () => {
  let server: SimulatedServer;
  beforeAll(async () => {
    server = await startTestServer({ timeScale: 5 });
  });
  afterAll(async () => {
    await server.close();
  });

  it("2,000 requests: nothing left in flight, the engine idle, every full stream exact, heap growth bounded", async () => {
    // Warm-up so JIT and socket pools are in the "before" figure, not counted as growth.
    await runServeSoak(server, { requests: 200, concurrency: 32, disconnectFraction: 0.3, maxTokens: 64, seed: 7 });
    const figures = await runServeSoak(server, { requests: 2000, concurrency: 32, disconnectFraction: 0.3, maxTokens: 64, seed: 1 });
    console.log(formatSoakFigures(figures));
    expect(figures.completed + figures.disconnects + figures.wrongLength).toBe(2000);
    expect(figures.wrongLength).toBe(0);
    // The seeded plan cuts ≈ 30 %: 600 ± a few binomial SDs (SD ≈ 20).
    expect(figures.disconnects).toBeGreaterThan(500);
    expect(figures.disconnects).toBeLessThan(700);
    // Hang-ups reach the engine as aborts (the old server aborted none); one that lands after the
    // server wrote its last token (event-loop lag on a loaded machine) has nothing left to abort.
    expect(figures.aborted).toBeGreaterThan(figures.disconnects * 0.5);
    expect(figures.aborted).toBeLessThanOrEqual(figures.disconnects);
    expect(figures.inFlightAfter).toBe(0);
    expect(figures.gaugesAfter).toEqual({ running: 0, waiting: 0, kvUsage: 0 });
    // A leak of even 5 KB per request would add 10 MB; live heap after GC grows far less.
    expect(figures.heapAfterBytes - figures.heapBeforeBytes).toBeLessThan(8 * 2 ** 20);
  }, 60_000);
});
