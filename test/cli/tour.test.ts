import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("goodput tour (the README's main command until the simulator lands)", () => {
  it("answers each question with its calculator and reaches the expected conclusions", async () => {
    const result = await runCli(["tour", "--json"]);
    expect(result.code).toBe(0);
    const stops = JSON.parse(result.stdout) as { command: string; result: unknown }[];
    expect(stops.map((stop) => stop.command)).toEqual(["roofline", "prefill", "kv", "moe", "goodput"]);
    // The headline is the SLO-feasible point, which sits below the KV-feasible maximum batch.
    const roofline = (stops[0]?.result as { points: { batch: number; operatingPoint: boolean; meetsSlo: boolean; feasible: boolean }[] }).points;
    const operating = roofline.find((point) => point.operatingPoint);
    expect(operating?.meetsSlo).toBe(true);
    expect(Math.max(...roofline.map((point) => point.batch))).toBeGreaterThan(operating?.batch ?? Infinity);
    // The cheaper-looking route loses on cost per accepted result.
    expect((stops[4]?.result as { pick: string }).pick).toBe("b");
  });
});
