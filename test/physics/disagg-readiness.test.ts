import { describe, expect, it } from "vitest";
import { calcDisaggCommand } from "../../src/cli/commands/calc-disagg.js";
import type { CommandContext, OptionValues } from "../../src/cli/command.js";
import { GoodputError } from "../../src/errors.js";
import { assessDisaggReadiness, type DisaggReadinessInput } from "../../src/physics/disagg-readiness.js";

// A workload that passes every gate (hand numbers below each field).
const ready: DisaggReadinessInput = {
  longPromptTtftSeconds: 1.0,
  longPromptPrefillSeconds: 0.7, // share 0.7 ≥ 0.5
  tpotP50Seconds: 0.02,
  tpotP99Seconds: 0.05, // 2.5× ≥ 1.5×
  chunkedPrefillTried: true,
  requestRatePerSecond: 10,
  promptTokensPerRequest: 4000, // 40,000 prompt tok/s ÷ (10,000 × 0.5) = 8 prefill GPUs
  outputTokensPerRequest: 300, // 3,000 output tok/s ÷ (1,500 × 0.5) = 4 decode GPUs
  prefillTokensPerSecondPerGpu: 10_000,
  decodeTokensPerSecondPerGpu: 1500,
  targetUtilization: 0.5,
  kvBytesPerRequest: 500e6, // 500 MB × 8 = 4e9 bits ÷ 25e9 bit/s = 0.16 s
  linkBandwidthBitsPerSecond: 25e9,
  ttftSloSeconds: 1.0, // budget 0.25 × 1.0 = 0.25 s
  transferBudgetShare: 0.25,
  independentAutoscaling: true,
  multiHopDebugging: true,
};

const gate = (result: ReturnType<typeof assessDisaggReadiness>, id: string) => {
  const found = result.gates.find((entry) => entry.id === id);
  if (!found) throw new Error(`no gate ${id}`);
  return found;
};

describe("assessDisaggReadiness()", () => {
  it("KV transfer of 500 MB over 25 Gb/s takes 0.16 s (docs/design.md §3.6 worked example)", () => {
    const result = assessDisaggReadiness(ready);
    expect(result.transferOverheadSeconds).toBeCloseTo(0.16, 12);
    expect(gate(result, "kv-transfer-fits")).toMatchObject({ passed: true, threshold: 0.25, unit: "seconds" });
  });

  it("adds the per-transfer link latency: 0.16 s + 0.01 s = 0.17 s", () => {
    expect(assessDisaggReadiness({ ...ready, linkLatencySeconds: 0.01 }).transferOverheadSeconds).toBeCloseTo(0.17, 12);
  });

  it("is ready when all six gates pass, and sizes the pools 8 prefill : 4 decode", () => {
    const result = assessDisaggReadiness(ready);
    expect(result.verdict).toBe("ready");
    expect(result.gates).toHaveLength(6);
    expect(result.failingGates).toEqual([]);
    expect(gate(result, "prefill-dominated-ttft").value).toBeCloseTo(0.7, 12);
    expect(gate(result, "decode-interference").value).toBeCloseTo(2.5, 12);
    expect(result.poolSizing.prefillGpus).toBeCloseTo(8, 12);
    expect(result.poolSizing.decodeGpus).toBeCloseTo(4, 12);
    expect(result.poolSizing.prefillToDecodeRatio).toBeCloseTo(2, 12);
    expect(gate(result, "traffic-for-two-pools").value).toBeCloseTo(4, 12); // the smaller pool
  });

  it("expected TTFT change with 0.3 s of measured interference: −0.3 s + 0.16 s transfer = −0.14 s", () => {
    const { ttftChange } = assessDisaggReadiness({ ...ready, decodeInterferenceSeconds: 0.3 });
    expect(ttftChange.interferenceRemovedSeconds).toBeCloseTo(0.3, 12);
    expect(ttftChange.transferAddedSeconds).toBeCloseTo(0.16, 12);
    expect(ttftChange.netSeconds).toBeCloseTo(-0.14, 12);
    expect(ttftChange.expectedTtftSeconds).toBeCloseTo(0.86, 12);
  });

  it("gate 1 and the TTFT credit agree: unmeasured excess is queueing (no credit, gate fails); measured interference counts in both", () => {
    // TTFT 1.0 s, prefill 0.3 s: share 0.3 < 0.5 and no credit (the old output credited −0.7 s = −70 %).
    const queueing = assessDisaggReadiness({ ...ready, longPromptPrefillSeconds: 0.3 });
    expect(gate(queueing, "prefill-dominated-ttft")).toMatchObject({ passed: false });
    expect(gate(queueing, "prefill-dominated-ttft").value).toBeCloseTo(0.3, 12);
    expect(queueing.ttftChange.interferenceRemovedSeconds).toBe(0);
    // 0.4 s of it measured as decode interference: (0.3 + 0.4) / 1.0 = 0.7 ≥ 0.5, and −0.4 + 0.16 = −0.24 s.
    const measured = assessDisaggReadiness({ ...ready, longPromptPrefillSeconds: 0.3, decodeInterferenceSeconds: 0.4 });
    expect(gate(measured, "prefill-dominated-ttft").value).toBeCloseTo(0.7, 12);
    expect(gate(measured, "prefill-dominated-ttft").passed).toBe(true);
    expect(measured.ttftChange.netSeconds).toBeCloseTo(-0.24, 12);
    expect(() => assessDisaggReadiness({ ...ready, longPromptPrefillSeconds: 0.7, decodeInterferenceSeconds: 0.4 })).toThrow(/exceeds longPromptTtftSeconds/);
  });

  it("uses a measured interference figure when given: −0.05 + 0.16 = +0.11 s, and says TTFT gets worse", () => {
    const result = assessDisaggReadiness({ ...ready, decodeInterferenceSeconds: 0.05 });
    expect(result.ttftChange.netSeconds).toBeCloseTo(0.11, 12);
    expect(result.reasons.join(" ")).toMatch(/worse/);
  });

  it("fails gate 2 with 'try chunked prefill first' when TPOT is inflated but chunked prefill was not tried", () => {
    const result = assessDisaggReadiness({ ...ready, chunkedPrefillTried: false });
    const interference = gate(result, "decode-interference");
    expect(interference.passed).toBe(false);
    expect(interference.explanation).toMatch(/try chunked prefill first/);
    expect(result.verdict).toBe("not yet");
    expect(result.failingGates).toEqual(["decode-interference"]);
  });

  it("is 'not yet' when the link is too slow: 500 MB over 10 Gb/s = 0.4 s > 0.25 s budget", () => {
    const result = assessDisaggReadiness({ ...ready, linkBandwidthBitsPerSecond: 10e9 });
    expect(result.transferOverheadSeconds).toBeCloseTo(0.4, 12);
    expect(gate(result, "kv-transfer-fits").passed).toBe(false);
    expect(result.verdict).toBe("not yet");
  });

  it("is 'not yet' when the operations gates (autoscaling, multi-hop debugging) fail", () => {
    const result = assessDisaggReadiness({ ...ready, independentAutoscaling: false, multiHopDebugging: false });
    expect(result.verdict).toBe("not yet");
    expect(result.failingGates).toEqual(["independent-autoscaling", "multi-hop-debugging"]);
    expect(gate(result, "independent-autoscaling").value).toBe(0);
  });

  it("is 'not worth it' when traffic cannot keep two pools busy: 0.1 req/s × 4000 ÷ (10,000 × 0.5) = 0.08 prefill GPUs", () => {
    const result = assessDisaggReadiness({ ...ready, requestRatePerSecond: 0.1 });
    expect(result.poolSizing.prefillGpus).toBeCloseTo(0.08, 12);
    expect(result.poolSizing.decodeGpus).toBeCloseTo(0.04, 12); // 0.1 × 300 ÷ 750
    expect(result.poolSizing.prefillGpusRounded).toBe(1);
    expect(gate(result, "traffic-for-two-pools").passed).toBe(false);
    expect(result.verdict).toBe("not worth it");
  });

  it("is 'not worth it' when neither problem is present (prefill 20 % of TTFT, p99/p50 TPOT 1.1×)", () => {
    const result = assessDisaggReadiness({ ...ready, longPromptPrefillSeconds: 0.2, tpotP99Seconds: 0.022 });
    expect(gate(result, "prefill-dominated-ttft").passed).toBe(false);
    expect(gate(result, "decode-interference").value).toBeCloseTo(1.1, 12);
    expect(result.verdict).toBe("not worth it");
  });

  it("rejects impossible inputs with BAD_INPUT naming every field", () => {
    const bad = () => assessDisaggReadiness({ ...ready, linkBandwidthBitsPerSecond: -1, longPromptPrefillSeconds: 2, tpotP50Seconds: Number.NaN });
    expect(bad).toThrow(GoodputError);
    try {
      bad();
    } catch (error) {
      const goodputError = error as GoodputError;
      expect(goodputError.code).toBe("BAD_INPUT");
      expect(goodputError.message).toMatch(/linkBandwidthBitsPerSecond is -1/);
      expect(goodputError.message).toMatch(/tpotP50Seconds is NaN/);
      expect(goodputError.message).toMatch(/longPromptPrefillSeconds \(2\) exceeds/);
    }
  });
});

describe("goodput calc disagg", () => {
  const run = (values: OptionValues) => {
    const context: CommandContext = { values, positionals: [], io: { stdout() {}, stderr() {} }, cwd: process.cwd(), env: {} };
    return calcDisaggCommand.run?.(context) as { json: Record<string, unknown>; text: string };
  };

  it("runs the documented default workload: not yet (chunked prefill, autoscaling, debugging), 0.16 s transfer", () => {
    // Defaults: share 0.5/0.8 = 0.625; TPOT 0.06/0.025 = 2.4×; prefill 10×4000/(10,000×0.7) = 5.714 GPUs;
    // decode 10×300/(1500×0.7) = 2.857 GPUs; 500 MB over 25 Gb/s = 0.16 s ≤ 0.25 × 1 s.
    const { json, text } = run({});
    expect(json.verdict).toBe("not yet");
    expect(json.failingGates).toEqual(["decode-interference", "independent-autoscaling", "multi-hop-debugging"]);
    expect(json.transferOverheadSeconds).toBeCloseTo(0.16, 12);
    const sizing = json.poolSizing as { prefillGpus: number; decodeGpus: number };
    expect(sizing.prefillGpus).toBeCloseTo(40_000 / 7000, 12);
    expect(sizing.decodeGpus).toBeCloseTo(3000 / 1050, 12);
    expect(text).toMatch(/NOT YET/);
    expect(text).toMatch(/Defaults used/);
  });

  it("reads unit-named flags: --kv-mb 1000 --link-gbit-s 100 → 1e9 × 8 ÷ 1e11 = 0.08 s; all booleans → ready", () => {
    const { json } = run({ "kv-mb": "1000", "link-gbit-s": "100", "chunked-prefill-tried": true, "independent-autoscaling": true, "multi-hop-debugging": true });
    expect(json.transferOverheadSeconds).toBeCloseTo(0.08, 12);
    expect(json.verdict).toBe("ready");
  });

  it("rejects a bad flag value with BAD_INPUT naming the flag", () => {
    expect(() => run({ "link-gbit-s": "fast" })).toThrow(/--link-gbit-s: "fast"/);
  });

  it("the old --link-gbps (GB/s in calc moe, Gb/s here) is refused naming the new flag", () => {
    expect(() => run({ "link-gbps": "25" })).toThrow(/use --link-gbit-s \(gigabits per second\)/);
  });
});
