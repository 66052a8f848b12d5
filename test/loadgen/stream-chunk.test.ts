import { describe, expect, it } from "vitest";
import { readStreamChunk } from "../../src/loadgen/stream-chunk.js";

const delta = (value: unknown, finish: string | null = null): string => JSON.stringify({ choices: [{ index: 0, delta: value, finish_reason: finish }] });

describe("readStreamChunk()", () => {
  it("does not count role-only or empty deltas as content", () => {
    expect(readStreamChunk(delta({ role: "assistant" })).hasContent).toBe(false);
    expect(readStreamChunk(delta({ role: "assistant", content: "" })).hasContent).toBe(false);
    expect(readStreamChunk(delta({}, "stop"))).toMatchObject({ hasContent: false, finishReason: "stop" });
  });

  it("counts content, reasoning and tool-call deltas and completions text", () => {
    expect(readStreamChunk(delta({ content: "hi" }))).toMatchObject({ hasContent: true, text: "hi" });
    expect(readStreamChunk(delta({ reasoning_content: "think" }))).toMatchObject({ hasContent: true, text: "think" });
    expect(readStreamChunk(delta({ reasoning: "think" }))).toMatchObject({ hasContent: true });
    expect(readStreamChunk(delta({ tool_calls: [{ index: 0, function: { arguments: "{" } }] }))).toMatchObject({ hasContent: true, text: "" });
    expect(readStreamChunk(JSON.stringify({ choices: [{ index: 0, text: " x", finish_reason: "length" }] }))).toMatchObject({ hasContent: true, text: " x", finishReason: "length" });
  });

  it("reads usage, [DONE], error objects and unparseable JSON", () => {
    expect(readStreamChunk(JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 3 } } }))).toMatchObject({
      completionTokens: 7,
      promptTokens: 5,
      cachedPromptTokens: 3,
    });
    expect(readStreamChunk("[DONE]").done).toBe(true);
    expect(readStreamChunk(JSON.stringify({ error: { message: "overloaded", code: 503 } })).error).toBe("overloaded");
    expect(readStreamChunk("{not json").error).toMatch(/unparseable/);
  });
});
