import { describe, expect, it } from "vitest";
import { defaultServeFleet } from "../../src/serve/default-serve-fleet.js";
import { contentEvents, manualClock, pumpUntil, startTestServer, streamEvents, waitFor } from "./serve-helpers.js";

describe("simulated failures reach the client as errors", () => {
  it("a replica failure mid-stream ends the stream with an error event; a request to the failed replica gets 503", async () => {
    // The replica fails 2 simulated seconds after start. The clock is frozen until the request is in
    // the simulator, so it arrives at simulated time 0 however slow this machine is; a 1000-token
    // decode takes far longer than 2 s, so the failure lands mid-stream.
    const fleet = { ...defaultServeFleet(), disturbances: { failures: [{ replica: 0, atSeconds: 2, recoverAfterSeconds: 1000 }], slowdowns: [] } };
    const clock = manualClock();
    const server = await startTestServer({ fleet, timeScale: 1, nowMs: clock.nowMs });
    try {
      const streaming = streamEvents(`${server.url}/v1/completions`, { prompt: "x", max_tokens: 1000, stream: true });
      await waitFor(() => server.requestsInFlight() === 1);
      const { status, events } = await pumpUntil(clock, 20, streaming);
      expect(status).toBe(200);
      const content = contentEvents(events).content.length;
      expect(content).toBeGreaterThan(0);
      expect(content).toBeLessThan(1000);
      const error = JSON.parse(events.at(-2)?.data ?? "{}") as { error?: { code?: number; type?: string } };
      expect(error.error).toMatchObject({ code: 503, type: "server_error" });
      expect(events.at(-1)?.data).toBe("[DONE]");

      const after = await fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "x", max_tokens: 3 }) });
      expect(after.status).toBe(503);
      expect(((await after.json()) as { error: { code: string } }).error.code).toBe("error");
    } finally {
      await server.close();
    }
  });
});
