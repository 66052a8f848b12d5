import { describe, expect, it } from "vitest";
import { GoodputError } from "../../src/errors.js";
import { pool, poissonSource, runSim } from "./sim-fixtures.js";

const requests = () => poissonSource({ seed: 1, requests: 10, ratePerSecond: 5, prompt: () => 100, output: () => 10 });

describe("simulateFleet validates the fleet in the core (issue 13)", () => {
  it("refuses pools with different KV block sizes with a GoodputError naming both", () => {
    const run = () => runSim({ pools: [pool({ name: "a", blockSizeTokens: 16 }), pool({ name: "b", blockSizeTokens: 32 })], requests: requests() });
    expect(run).toThrow(GoodputError);
    expect(run).toThrow(/pool "b" uses engine.blockSizeTokens 32 but pool "a" uses 16/);
    try {
      run();
    } catch (error) {
      expect((error as GoodputError).code).toBe("BAD_INPUT");
    }
  });

  it("accepts pools with the same block size, and refuses an empty fleet", () => {
    expect(runSim({ pools: [pool({ name: "a", blockSizeTokens: 32 }), pool({ name: "b", blockSizeTokens: 32 })], requests: requests() }).summary.completed).toBe(10);
    expect(() => runSim({ pools: [], requests: requests() })).toThrow(/pools is empty/);
  });
});
