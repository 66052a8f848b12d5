import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../src/cli/command.js";
import { serveCommand } from "../../src/cli/commands/serve.js";
import { contentEvents, streamEvents } from "./serve-helpers.js";

/** Runs the serve command in-process until `listening on` appears; returns the URL and the run's promise. */
async function startServeCommand(values: CommandContext["values"]) {
  let stdout = "";
  let stderr = "";
  let listening: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const run = serveCommand.run?.({
    values,
    positionals: [],
    cwd: process.cwd(),
    env: {},
    io: {
      stdout: (text) => {
        stdout += text;
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
        if (match?.[1] !== undefined) listening(match[1]);
      },
      stderr: (text) => (stderr += text),
    },
  });
  if (!run) throw new Error("serve has no run");
  const result = Promise.resolve(run);
  return { url: await Promise.race([url, result.then(() => { throw new Error(`serve ended early: ${stderr}`); })]), result, output: () => ({ stdout, stderr }) };
}

describe("goodput serve (the CLI command)", () => {
  it("prints the chosen port, serves until SIGINT, ends in-flight streams and resolves", async () => {
    const listenersBefore = process.listenerCount("SIGINT");
    const { url, result, output } = await startServeCommand({ port: "0", "time-scale": "5" });
    expect(output().stdout).toMatch(/llama-3-8b on h100-sxm/);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(["llama-3-8b"]);
    // A long stream is in flight when the signal comes: it gets an error event and [DONE].
    // fetch resolves with the headers, which go out with the first token: the stream is surely in flight.
    const long = await fetch(`${url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "x", max_tokens: 5000, stream: true }) });
    process.emit("SIGINT");
    const done = await result;
    expect(done.text).toMatch(/^stopped after \d+ requests/);
    const events = (await long.text()).split("\n").filter((line) => line.startsWith("data: ")).map((line) => ({ data: line.slice(6), atMs: 0 }));
    expect(events.at(-1)?.data).toBe("[DONE]");
    expect(events.at(-2)?.data).toMatch(/"error"/);
    expect(contentEvents(events).content.length).toBeLessThan(5000);
    expect(process.listenerCount("SIGINT")).toBe(listenersBefore);
    await expect(fetch(`${url}/v1/models`)).rejects.toThrow();
  });

  it("serves a scenario's pools (every model id once) and stops on SIGTERM", async () => {
    const { url, result } = await startServeCommand({ port: "0", scenario: "examples/tiered-fleet.yaml", "time-scale": "10", seed: "3" });
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(["llama-3-8b"]);
    const { events } = await streamEvents(`${url}/v1/chat/completions`, { messages: [{ role: "user", content: "hi" }], max_tokens: 4, stream: true });
    expect(contentEvents(events).content).toHaveLength(4);
    process.emit("SIGTERM");
    expect((await result).json).toMatchObject({ url, requestsServed: 1 });
  });

  it("--max-model-len sets the context length vLLM-style; a client that hangs up is logged on stderr", async () => {
    const { url, result, output } = await startServeCommand({ port: "0", "time-scale": "1", "max-model-len": "100" });
    const tooLong = await fetch(`${url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: Array.from({ length: 90 }, (_, i) => i), max_tokens: 20 }) });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toMatch(/^This model's maximum context length is 100 tokens\. However, you requested 20 output tokens and your prompt contains 90 input tokens, for a total of 110 tokens\./);
    const controller = new AbortController();
    const stream = await fetch(`${url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "x", max_tokens: 90, stream: true }), signal: controller.signal });
    expect(stream.status).toBe(200);
    controller.abort();
    for (let turn = 0; turn < 2000 && !output().stderr.includes("Aborted request"); turn++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(output().stderr).toMatch(/^Aborted request cmpl-\d+: the client disconnected after \d+ streamed tokens\.$/m);
    process.emit("SIGTERM");
    await result;
  });

  it("rejects a bad port with the flag named", async () => {
    await expect(Promise.resolve(serveCommand.run?.({ values: { port: "70000" }, positionals: [], cwd: process.cwd(), env: {}, io: { stdout: () => undefined, stderr: () => undefined } }))).rejects.toThrow(/--port/);
  });
});
