import { encode } from "gpt-tokenizer";
import { describe, expect, it } from "vitest";
import { parseArrivalFlag, parseTraceText } from "../../src/loadgen/arrival-spec.js";
import { createPromptBuilder } from "../../src/loadgen/exact-prompt.js";
import { parsePrometheusText, extractServerGauges } from "../../src/loadgen/prometheus-text.js";
import { buildSchedule } from "../../src/loadgen/schedule.js";
import { createRng } from "../../src/numeric/rng.js";

const rng = createRng(1, "test");

describe("buildSchedule()", () => {
  it("constant: k/rate from 0", () => {
    expect([...buildSchedule({ kind: "constant" }, { ratePerSecond: 10, count: 4, rng }).offsetsMs].map((ms) => Math.round(ms * 1e6) / 1e6)).toEqual([0, 100, 200, 300]);
  });

  it("ramp 0→10/s over 10 s: Λ(t) = t²/2, so arrival k at √(2k) s", () => {
    const offsets = [...buildSchedule({ kind: "ramp", fromPerSecond: 0, toPerSecond: 10 }, { ratePerSecond: 1, durationSeconds: 10, rng }).offsetsMs];
    expect(offsets.length).toBe(50);
    offsets.forEach((ms, k) => { expect(ms).toBeCloseTo(Math.sqrt(2 * k) * 1000, 6); });
  });

  it("poisson: mean gap ≈ 1/rate and a duration bound", () => {
    const offsets = buildSchedule({ kind: "poisson" }, { ratePerSecond: 100, durationSeconds: 50, rng: createRng(7, "p") }).offsetsMs;
    expect(offsets.length / 50).toBeGreaterThan(95);
    expect(offsets.length / 50).toBeLessThan(105);
  });

  it("trace: replays times shifted to 0 with per-row lengths", () => {
    const entries = parseTraceText('# t\n5\n{"arrival_s": 5.5, "prompt_tokens": 7, "max_output_tokens": 3}\n6\n', "t.txt");
    const schedule = buildSchedule({ kind: "trace", entries }, { ratePerSecond: 1, count: 10, rng });
    expect([...schedule.offsetsMs]).toEqual([0, 500, 1000]);
    expect(schedule.trace?.[1]).toEqual({ atSeconds: 5.5, promptTokens: 7, outputTokens: 3 });
    expect(() => parseTraceText("2\n1\nx\n", "bad.txt")).toThrow(/bad\.txt:2.*bad\.txt:3/);
  });

  it("parseArrivalFlag() reads every form and names the bad value", () => {
    expect(parseArrivalFlag("gamma:0.5")).toEqual({ kind: "gamma", shape: 0.5 });
    expect(parseArrivalFlag("ramp:1-20")).toEqual({ kind: "ramp", fromPerSecond: 1, toPerSecond: 20 });
    expect(parseArrivalFlag("trace:a.txt")).toEqual({ kind: "trace", path: "a.txt" });
    expect(() => parseArrivalFlag("gamma:-1")).toThrow(/--arrivals: "gamma:-1"/);
    expect(() => parseArrivalFlag("bursty")).toThrow(/not a known arrival process/);
  });
});

describe("createPromptBuilder()", () => {
  it("builds prompts of exactly N o200k_base tokens; prefix groups share an identical prefix", async () => {
    const builder = await createPromptBuilder(3);
    for (const tokens of [1, 7, 128, 1000]) expect(encode(builder.build(tokens, tokens).text).length).toBe(tokens);
    const a = builder.build(1, 50, { group: 2, tokens: 200 });
    const b = builder.build(2, 50, { group: 2, tokens: 200 });
    expect(encode(a.text).length).toBe(250);
    expect(a.tokens).toBe(250);
    expect(a.text.slice(0, 300)).toBe(b.text.slice(0, 300));
    expect(a.text).not.toBe(b.text);
    expect(builder.build(1, 50).text).toBe((await createPromptBuilder(3)).build(1, 50).text);
  });
});

describe("parsePrometheusText()", () => {
  it("parses labels, escapes, special values and reads vLLM gauges", () => {
    const text = [
      "# HELP vllm:kv_cache_usage_perc KV-cache usage.",
      "# TYPE vllm:kv_cache_usage_perc gauge",
      'vllm:kv_cache_usage_perc{engine="0",model_name="m \\"q\\""} 0.25',
      'vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.75',
      'vllm:num_requests_running{engine="0"} 3',
      'vllm:num_requests_waiting{engine="0"} 2 1712345678000',
      "vllm:num_preemptions_total 4",
      "vllm:prefix_cache_hits_total 30",
      "vllm:prefix_cache_queries_total 120",
      "process_cpu_seconds_total +Inf",
    ].join("\n");
    const samples = parsePrometheusText(text);
    expect(samples[0]?.labels).toEqual({ engine: "0", model_name: 'm "q"' });
    expect(samples.at(-1)?.value).toBe(Infinity);
    expect(extractServerGauges(samples)).toEqual({ kvCacheUsage: 0.5, running: 3, waiting: 2, preemptionsTotal: 4, prefixCacheHitsTotal: 30, prefixCacheQueriesTotal: 120, prefixCacheHitRate: null });
  });
});
