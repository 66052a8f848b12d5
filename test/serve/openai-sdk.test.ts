import { encode } from "gpt-tokenizer";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedServer } from "../../src/serve/start-simulated-server.js";
import { startTestServer } from "./serve-helpers.js";

// The documented chat count, written out independently: OpenAI cookbook's num_tokens_from_messages
// (3 tokens per message, 3 to prime the reply) over o200k_base content tokens.
const expectedChatPromptTokens = (messages: readonly { content: string }[]): number => messages.reduce((sum, message) => sum + encode(message.content).length + 3, 3);

describe("the official openai SDK against goodput serve", () => {
  let server: SimulatedServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await startTestServer({ timeScale: 10 });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "test", maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it("lists the scenario's models", async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(["llama-3-8b"]);
  });

  it("streams a chat completion of exactly max_tokens tokens, then usage with include_usage", async () => {
    const messages = [
      { role: "system" as const, content: "You are a terse assistant." },
      { role: "user" as const, content: "Count to twelve, please." },
    ];
    // max_tokens (deprecated by OpenAI, still what vLLM benchmark clients send) is the field under test.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const stream = await client.chat.completions.create({ model: "llama-3-8b", messages, max_tokens: 12, stream: true, stream_options: { include_usage: true } });
    const contentChunks: string[] = [];
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    let usageChunkChoices = -1;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) contentChunks.push(choice.delta.content);
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) {
        usage = chunk.usage;
        usageChunkChoices = chunk.choices.length;
      }
    }
    const text = contentChunks.join("");
    expect(contentChunks).toHaveLength(12);
    expect(encode(text)).toHaveLength(12);
    expect(finishReason).toBe("length");
    expect(usageChunkChoices).toBe(0);
    expect(usage?.completion_tokens).toBe(12);
    expect(usage?.prompt_tokens).toBe(expectedChatPromptTokens(messages));
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + 12);
  });

  it("answers non-streaming chat and text completions with matching usage", async () => {
    const chat = await client.chat.completions.create({ model: "llama-3-8b", messages: [{ role: "user", content: "hi" }], max_completion_tokens: 7 });
    expect(chat.choices[0]?.finish_reason).toBe("length");
    expect(encode(chat.choices[0]?.message.content ?? "")).toHaveLength(7);
    expect(chat.usage).toMatchObject({ prompt_tokens: encode("hi").length + 3 + 3, completion_tokens: 7 });

    const prompt = "The quick brown fox jumps over the lazy dog.";
    const completion = await client.completions.create({ model: "llama-3-8b", prompt, max_tokens: 5 });
    expect(completion.object).toBe("text_completion");
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(encode(completion.choices[0]?.text ?? "")).toHaveLength(5);
    expect(completion.usage).toMatchObject({ prompt_tokens: encode(prompt).length, completion_tokens: 5, total_tokens: encode(prompt).length + 5 });
  });

  it("streams a text completion from token ids (prompt tokens = ids given)", async () => {
    const stream = await client.completions.create({ model: "llama-3-8b", prompt: Array.from({ length: 300 }, (_, i) => i + 1000), max_tokens: 4, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(encode(text)).toHaveLength(4);
    expect(usage).toMatchObject({ prompt_tokens: 300, completion_tokens: 4 });
  });
});
