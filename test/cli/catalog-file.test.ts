import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

function write(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "goodput-catalog-")), name);
  writeFileSync(path, text);
  return path;
}

const userCatalog = `
gpus:
  - id: my-gpu
    name: Lab GPU
    hbmGiB: 96
    memBandwidthGBps: 4000
    bf16Tflops: 1000
    interconnectGBps: 400
    priceUsdPerHour: 2.25
    source: vendor sheet
    sourceDate: 2026-10-01
models:
  - id: tiny-llama
    name: Tiny Llama
    source: my config
    sourceDate: 2026-10
    config: { num_hidden_layers: 2, hidden_size: 256, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 512, vocab_size: 1000, torch_dtype: bfloat16 }
prices:
  - id: my-provider
    provider: Me
    model: M
    inputUsdPerMTok: 1
    outputUsdPerMTok: 4
    source: contract
    sourceDate: 2026-11
`;

describe("user catalog files", () => {
  it("add GPUs, models (by config.json fields) and prices usable by every command", async () => {
    const path = write("catalog.yaml", userCatalog);
    const gpus = JSON.parse((await runCli(["catalog", "gpus", "--catalog", path, "--json"])).stdout) as { id: string; priceUsdPerHour: number }[];
    expect(gpus.find((gpu) => gpu.id === "my-gpu")?.priceUsdPerHour).toBe(2.25);
    const roofline = await runCli(["calc", "roofline", "--catalog", path, "--gpu", "my-gpu", "--model", "tiny-llama", "--batch", "1", "--json"]);
    expect(roofline.code).toBe(0);
    // KV per token: 2 × 2 layers × 2 KV heads × 64 dims × 2 B = 1,024 B.
    const kv = JSON.parse((await runCli(["calc", "kv", "--catalog", path, "--gpu", "my-gpu", "--model", "tiny-llama", "--json"])).stdout) as { kvBytesPerToken: number };
    expect(kv.kvBytesPerToken).toBe(1024);
  });

  it("a bad entry is exit 2 naming the file and every bad field", async () => {
    const path = write("bad.yaml", "gpus:\n  - id: x\n    name: X\n    hbmGiB: -1\n    memBandwidthGBps: fast\n    bf16Tflops: 1\n    interconnectGBps: 1\n    priceUsdPerHour: 1\n    source: s\n    sourceDate: yesterday\n");
    const result = await runCli(["catalog", "gpus", "--catalog", path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bad.yaml");
    expect(result.stderr).toMatch(/gpus\.0\.hbmGiB/);
    expect(result.stderr).toMatch(/gpus\.0\.memBandwidthGBps/);
    expect(result.stderr).toMatch(/gpus\.0\.sourceDate/);
  });

  it("malformed YAML and a missing file are exit 2", async () => {
    const malformed = await runCli(["catalog", "gpus", "--catalog", write("broken.yaml", "gpus: [\n  - id: x")]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/BAD_FILE.*broken\.yaml.*not valid YAML/);
    const missing = await runCli(["catalog", "gpus", "--catalog", "/nonexistent/catalog.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/FILE_NOT_FOUND/);
  });
});
