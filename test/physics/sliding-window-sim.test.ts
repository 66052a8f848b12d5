import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

// Issue #13: a model whose every layer slides a window (mistral-7b, or an HF config with
// sliding_window and no layer_types) crashed `sim` with "Invalid typed array length: Infinity"
// because the KV pool's block bytes counted only full-attention layers (0 of them).
const scenario = (modelLine: string) => `name: windowed
seed: 7
requests: 40
pools:
  - name: main
    replicas: 1
    gpu: a100-80gb
    ${modelLine}
    engine: { maxNumSeqs: 64, maxNumBatchedTokens: 8192, chunkedPrefill: true, prefixCaching: true }
workload:
  arrivals: { process: poisson, ratePerSecond: 8 }
  promptTokens: { dist: fixed, value: 512 }
  outputTokens: { dist: fixed, value: 64 }
policies:
  router: { type: round-robin }
slo: { e2eSeconds: 5 }
`;

describe("sim with an all-sliding-window model", () => {
  it("built-in mistral-7b simulates every request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-window-"));
    writeFileSync(join(dir, "s.yaml"), scenario("model: mistral-7b"));
    const result = await runCli(["sim", "--scenario", join(dir, "s.yaml"), "--json"], { GOODPUT_HOME: join(dir, "home") }, dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { requests: number; completed: number };
    expect(summary.requests).toBe(40);
    expect(summary.completed).toBe(40);
  });

  it("an HF config with sliding_window and no layer_types simulates too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-window-"));
    const config = { model_type: "mistral", vocab_size: 32000, torch_dtype: "bfloat16", num_hidden_layers: 8, hidden_size: 1024, num_attention_heads: 8, num_key_value_heads: 2, intermediate_size: 4096, sliding_window: 256 };
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    writeFileSync(join(dir, "s.yaml"), scenario("modelConfig: config.json"));
    const result = await runCli(["sim", "--scenario", join(dir, "s.yaml"), "--json"], { GOODPUT_HOME: join(dir, "home") }, dir);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { completed: number }).completed).toBe(40);
  });
});
