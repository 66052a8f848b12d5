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
    const long = streamEvents(`${url}/v1/completions`, { prompt: "x", max_tokens: 5000, stream: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.emit("SIGINT");
    const done = await result;
    expect(done.text).toMatch(/^stopped after \d+ requests/);
    const { events } = await long;
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

  it("rejects a bad port with the flag named", async () => {
    await expect(Promise.resolve(serveCommand.run?.({ values: { port: "70000" }, positionals: [], cwd: process.cwd(), env: {}, io: { stdout: () => undefined, stderr: () => undefined } }))).rejects.toThrow(/--port/);
  });
});
