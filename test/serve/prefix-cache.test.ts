import { encode } from "gpt-tokenizer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchCommand } from "../../src/cli/commands/bench.js";
import { runCommandTree } from "../../src/cli/run-command-tree.js";
import { BlockKeys } from "../../src/sim/block-keys.js";
import type { SimRequestSpec } from "../../src/sim/sim-request.js";
import { chatPromptTokenIds } from "../../src/serve/count-prompt-tokens.js";
import { promptBlockKeys } from "../../src/serve/prompt-block-keys.js";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { contentEvents, metricValue, parsePrometheus, startTestServer, streamEvents } from "./serve-helpers.js";

describe("promptBlockKeys() chains block hashes over the whole prompt, as vLLM does", () => {
  const ids = (length: number, from = 0) => Array.from({ length }, (_, i) => from + i);

  it("keys full blocks only; equal keys exactly for blocks whose whole prefix is equal", () => {
    const base = ids(40);
    const keys = promptBlockKeys(base, 16);
    expect(keys).toHaveLength(2); // 40 tokens = 2 full blocks + 8 uncached
    const sameStart = promptBlockKeys([...ids(32), 999, 998], 16);
    expect(sameStart.slice(0, 2)).toEqual(keys);
    const differsInBlock0 = promptBlockKeys([7777, ...base.slice(1)], 16);
    // Block 1's tokens are identical, but its parent differs, so its key differs too.
    expect(differsInBlock0[0]).not.toBe(keys[0]);
    expect(differsInBlock0[1]).not.toBe(keys[1]);
    for (const key of keys) {
      expect(Number.isSafeInteger(key)).toBe(true);
      expect(key).toBeLessThan(0); // never meets the simulator's own non-negative keys
    }
  });

  it("a chat's next turn starts with every token of this turn's prompt", () => {
    const turn1 = [{ role: "system", text: "Be brief.", hasName: false }, { role: "user", text: "What is a KV cache?", hasName: false }];
    const turn2 = [...turn1, { role: "assistant", text: " tok tok tok", hasName: false }, { role: "user", text: "And paging?", hasName: false }];
    const first = chatPromptTokenIds(turn1);
    // Σ (content + 3 framing) + 3 reply priming, counted by hand with the same tokenizer.
    expect(first).toHaveLength(encode("Be brief.").length + 3 + encode("What is a KV cache?").length + 3 + 3);
    expect(chatPromptTokenIds(turn2).slice(0, first.length)).toEqual(first);
  });
});

describe("BlockKeys keeps a bounded namespace map", () => {
  const request = (id: number, group: string): SimRequestSpec => ({ id, arrivalSeconds: 0, promptTokens: 64, outputTokens: 1, tenant: "t", tier: "s", latencySensitive: true, userId: "u", sessionId: null, turn: 0, prefixGroup: group, prefixTokens: 64, historyTokens: 0, workloadClass: "c", preUsage: 0 });

  it("forgets the least recently used group beyond its cap; a recent group keeps its keys", () => {
    const keys = new BlockKeys(16, 3);
    const hot = keys.engineKeys(request(0, "hot"))(0);
    const cold0First = keys.engineKeys(request(1, "cold-0"))(0);
    for (let group = 0; group < 1000; group++) {
      keys.engineKeys(request(group + 1, `cold-${group}`));
      expect(keys.engineKeys(request(0, "hot"))(0)).toBe(hot); // touched each round: never evicted
      expect(keys.namespaceCount).toBeLessThanOrEqual(3);
    }
    // cold-0 was forgotten long ago: it comes back under a new namespace (a one-time cache miss),
    // while cold-999, the most recent, still has its keys.
    const recent = keys.engineKeys(request(1000, "cold-999"))(0);
    expect(keys.engineKeys(request(1, "cold-0"))(0)).not.toBe(cold0First);
    expect(keys.engineKeys(request(1000, "cold-999"))(0)).toBe(recent);
    expect(keys.namespaceCount).toBe(3);
  });

  it("a request with its own promptBlockKeys uses them and adds no namespace", () => {
    const keys = new BlockKeys(16, 3);
    const own = keys.engineKeys({ ...request(5, "g"), promptBlockKeys: [-11, -12] });
    expect([own(0), own(1), own(2)]).toEqual([-11, -12, NaN]);
    expect(keys.namespaceCount).toBe(0);
  });
});

describe("goodput serve hits its prefix cache for goodput's own bench and for multi-turn chats", () => {
  let server: SimulatedServer;
  beforeAll(async () => {
    server = await startTestServer({ timeScale: 100 });
  });
  afterAll(async () => {
    await server.close();
  });
  const scrape = async () => parsePrometheus(await (await fetch(`${server.url}/metrics`)).text()).samples;

  it("bench --prefix-groups 4 --prefix-tokens 256: every request after its group's first reuses the 256-token prefix", async () => {
    const before = await scrape();
    let stderr = "";
    const io = { stdout: () => undefined, stderr: (text: string) => (stderr += text) };
    const requests = 12;
    const code = await runCommandTree({ name: "goodput", summary: "t", subcommands: [benchCommand] }, ["bench", "--target", server.url, "--concurrency", "1", "--requests", String(requests), "--prompt-tokens", "64", "--output-tokens", "2", "--prefix-groups", "4", "--prefix-tokens", "256", "--metrics-interval", "0"], { io, cwd: process.cwd(), env: {} });
    expect(code, stderr).toBe(0);
    const after = await scrape();
    const hits = metricValue(after, "vllm:prefix_cache_hits_total") - metricValue(before, "vllm:prefix_cache_hits_total");
    const queries = metricValue(after, "vllm:prefix_cache_queries_total") - metricValue(before, "vllm:prefix_cache_queries_total");
    // One at a time, so each group's first request has been cached before the next one of its group:
    // at least (12 − 4) requests × 256 prefix tokens (16 whole blocks) hit; each prompt is 256 + 64 tokens (+ framing).
    expect(hits).toBeGreaterThanOrEqual((requests - 4) * 256);
    expect(queries).toBeGreaterThanOrEqual(requests * (256 + 64));
    expect(hits).toBeLessThan(queries);
  });

  it("a two-turn conversation: the second turn's cached tokens cover the first turn's full blocks", async () => {
    type Usage = { usage?: { prompt_tokens: number; prompt_tokens_details?: { cached_tokens?: number } } };
    const lastChunk = async (messages: object[]) => contentEvents((await streamEvents(`${server.url}/v1/chat/completions`, { messages, max_tokens: 4, stream: true, stream_options: { include_usage: true } })).events);
    const turn1 = [{ role: "user", content: "Explain paged attention in a few sentences, with an example of block tables. ".repeat(4) }];
    const first = await lastChunk(turn1);
    const firstUsage = (first.chunks.at(-1) as Usage).usage;
    const reply = first.content.map((event) => event.text).join("");
    const second = await lastChunk([...turn1, { role: "assistant", content: reply }, { role: "user", content: "And how does prefix caching reuse them?" }]);
    const secondUsage = (second.chunks.at(-1) as Usage).usage;
    const firstPrompt = firstUsage?.prompt_tokens ?? 0;
    expect(firstPrompt).toBe(3 + encode(turn1[0]?.content ?? "").length + 3);
    expect(secondUsage?.prompt_tokens_details?.cached_tokens).toBeGreaterThanOrEqual(Math.floor(firstPrompt / 16) * 16);
  });
});
