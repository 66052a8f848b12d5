import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judgeStationarity, partialCycleWarning, stationarityWindowSeconds, type BacklogSample } from "../../src/experiment/stationarity.js";
import { runCli } from "../cli/run-cli.js";

const everySecond = (seconds: number, inSystem: (t: number) => number): BacklogSample[] => Array.from({ length: seconds }, (_, index) => ({ tSeconds: index + 1, inSystem: inSystem(index + 1) }));

describe("judgeStationarity()", () => {
  it("flags an overloaded queue (arrivals 12/s, service 10/s: backlog grows 2 per second)", () => {
    const verdict = judgeStationarity(everySecond(100, (t) => 2 * t), { endSeconds: 100, windowSeconds: 20 });
    expect(verdict.verdict).toBe("growing");
    // Hand means of 2t over t = 1..20, 21..40, …: 2 × 10.5, 2 × 30.5, …
    expect(verdict.meanInSystemByWindow).toEqual([21, 61, 101, 141, 181]);
  });

  it("a stable backlog is steady", () => {
    expect(judgeStationarity(everySecond(100, (t) => 5 + (t % 3)), { endSeconds: 100, windowSeconds: 20 }).verdict).toBe("steady");
  });

  it("bursts judged over whole cycles are steady; the window of an on/off case is one cycle", () => {
    // 10 s bursts every 60 s: the backlog climbs 4 per second during a burst, then drains 2 per second — periodic, not growing.
    const burst = (t: number): number => {
      const phase = (t - 1) % 60;
      return phase < 10 ? 4 * (phase + 1) : Math.max(1, 40 - 2 * (phase - 9));
    };
    const window = stationarityWindowSeconds({ arrivals: { process: "onoff", onRatePerSecond: 120, offRatePerSecond: 2, onSeconds: 10, offSeconds: 50 } } as never, 250);
    expect(window).toBe(60);
    // Arrivals end mid-burst at 250 s: the partial fifth cycle is left out.
    expect(judgeStationarity(everySecond(250, burst), { endSeconds: 250, windowSeconds: window }).verdict).toBe("steady");
    // Short windows end on the burst's climb (1 → 12 → 30 per 5 s window) and read as growth.
    const short = judgeStationarity(everySecond(250, burst), { endSeconds: 250, windowSeconds: 5 });
    expect(short.verdict).toBe("growing");
    expect(short.meanInSystemByWindow.slice(-3)).toEqual([1, 12, 32]);
  });

  it("fewer than two whole windows is not judged (never a silent pass)", () => {
    const verdict = judgeStationarity(everySecond(90, () => 3), { endSeconds: 90, windowSeconds: 60 });
    expect(verdict.verdict).toBe("not judged");
    expect(verdict.reason).toMatch(/fewer than two whole 60 s windows/);
  });
});

describe("experiment run: the steady-state guard on the simulator", () => {
  it("a cell whose backlog still grows when arrivals end is not a pass, and says why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-steady-"));
    const file = join(dir, "over.yaml");
    // One sequence at a time (≈1.2 requests/s of service) offered 12 requests/s: the queue grows ≈11 per second.
    writeFileSync(file, `
name: over
question: q
decision: d
evidenceBoundary: serving GPU only
requests: 150
deployment: { gpu: h100-sxm, model: llama-3-8b, priceUsdPerGpuHour: 3 }
slo: { p95LatencySeconds: 1000 }
cases:
  - name: overload
    workload: { arrivals: { process: constant, ratePerSecond: 12 }, promptTokens: { dist: fixed, value: 512 }, outputTokens: { dist: fixed, value: 128 } }
profiles:
  - name: single
    engine: { maxNumSeqs: 1 }
`);
    const run = await runCli(["experiment", "run", "--experiment", file, "--json"], { GOODPUT_HOME: join(dir, "home") });
    expect(run.code).toBe(0);
    const [row] = JSON.parse(run.stdout) as { sloPassed: boolean; sloFailures: string[]; stationarity: { verdict: string } }[];
    // Every request is served and p95 is within the (loose) bound, yet the run measured a filling queue.
    expect(row?.sloFailures.filter((failure) => !/still growing/.test(failure))).toEqual([]);
    expect(row?.stationarity.verdict).toBe("growing");
    expect(row?.sloPassed).toBe(false);
  });
});

describe("partialCycleWarning()", () => {
  const onoff = { arrivals: { process: "onoff", onRatePerSecond: 120, offRatePerSecond: 2, onSeconds: 10, offSeconds: 50 } } as never;
  it("warns when bursty arrivals end part-way through a 60 s cycle, not on whole cycles or steady arrivals", () => {
    expect(partialCycleWarning(onoff, 65)).toMatch(/1\.08 cycles of 60 s.*multiple of 60 s/);
    expect(partialCycleWarning(onoff, 120)).toBeNull();
    expect(partialCycleWarning({ arrivals: { process: "poisson", ratePerSecond: 10 } } as never, 65)).toBeNull();
  });
});
