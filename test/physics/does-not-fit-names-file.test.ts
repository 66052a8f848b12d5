import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

describe("a --model-config that cannot fit", () => {
  it("is exit 2 naming the config file (found by the fuzz harness: the error named only the derived model id)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-fit-"));
    const path = join(dir, "huge.json");
    // 1,000 layers of hidden 16,384: far beyond one GPU's HBM.
    writeFileSync(path, JSON.stringify({ architectures: ["LlamaForCausalLM"], hidden_size: 16384, intermediate_size: 53248, num_hidden_layers: 1000, num_attention_heads: 128, num_key_value_heads: 8, vocab_size: 128256, torch_dtype: "bfloat16" }));
    const { code, stderr } = await runCli(["calc", "kv", "--gpu", "h100-sxm", "--model-config", path, "--context", "2048"]);
    expect(code).toBe(2);
    expect(stderr).toContain("MODEL_DOES_NOT_FIT");
    expect(stderr).toContain(path);
  });
});
