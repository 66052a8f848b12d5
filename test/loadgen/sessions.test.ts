import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchCommand } from "../../src/cli/commands/bench.js";
import { runCommandTree } from "../../src/cli/run-command-tree.js";
import { isGoodputError } from "../../src/errors.js";
import { createPromptBuilder, type PromptBuilder } from "../../src/loadgen/exact-prompt.js";
import type { LoadResult } from "../../src/loadgen/load-result.js";
import { runBench } from "../../src/loadgen/run-bench.js";
import { runLoad } from "../../src/loadgen/run-load.js";
import { drawSession, parseSessionsFlag } from "../../src/loadgen/session-spec.js";
import { createRng } from "../../src/numeric/rng.js";
import { contentChunk, doneChunk, playStream, roleChunk, sse, startScriptedServer, usageChunk, type ScriptedServer } from "./scripted-server.js";

interface Message {
  readonly role: string;
  readonly content: string;
}
interface Body {
  readonly messages?: readonly Message[];
  readonly prompt?: string;
}

let builder: PromptBuilder;
let server: ScriptedServer;
/** Server-side receive and response-end times (performance.now()), by arrival index. */
const receivedMs: number[] = [];
const endedMs: number[] = [];
let inFlight = 0;
let maxInFlight = 0;
/** The reply the server streams to request k (two content chunks), and the prompt_tokens its usage claims. */
const replyOf = (index: number): [string, string] => [` reply${index}`, ` ends${index}.`];
const usagePromptTokens = (body: Body): number => 1000 + (body.messages?.length ?? 0);

beforeAll(async () => {
  builder = await createPromptBuilder(1);
  server = await startScriptedServer(async (req, res, text, index) => {
    receivedMs[index] = performance.now();
    if (req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: "m", object: "model" }] }));
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const body = JSON.parse(text) as Body;
    const [first, second] = replyOf(index);
    // /fail: every second turn fails (decided by the request itself, not by arrival order, so timing cannot change it).
    const failing = req.url?.includes("/fail") === true && (body.messages?.length ?? 0) === 3;
    if (failing) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "boom" } }));
    } else if (req.url?.endsWith("/completions") === true && !req.url.includes("/chat/")) {
      const textChunk = (value: string, finish: string | null = null): string => sse({ choices: [{ index: 0, text: value, finish_reason: finish }] });
      await playStream(res, [
        { afterMs: 5, data: textChunk(first) },
        { afterMs: 5, data: textChunk(second, "length") + usageChunk(2, usagePromptTokens(body)) + doneChunk },
      ]);
    } else {
      // A role-only chunk and a reasoning delta: neither belongs in the conversation a client sends back.
      await playStream(res, [
        { afterMs: 5, data: roleChunk() + sse({ choices: [{ index: 0, delta: { reasoning_content: " hmm" }, finish_reason: null }] }) + contentChunk(first) },
        { afterMs: 5, data: contentChunk(second, "length") + usageChunk(2, usagePromptTokens(body)) + doneChunk },
      ]);
    }
    endedMs[index] = performance.now();
    inFlight--;
  });
});
afterAll(() => server.close());

const resetServer = (): number => {
  maxInFlight = 0;
  return server.seen.length;
};
const bodiesFrom = (start: number): Body[] => server.seen.slice(start).map((seen) => JSON.parse(seen.body) as Body);
const readJsonl = (path: string): Record<string, unknown>[] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("multi-turn sessions", () => {
  it("a 3-turn chat session carries the earlier user messages and the exact streamed replies, after completion + think time", async () => {
    const start = resetServer();
    const dir = mkdtempSync(join(tmpdir(), "goodput-sessions-"));
    const sessions = { minTurns: 3, maxTurns: 3, thinkSeconds: 0.08 };
    const turnResults: LoadResult[] = [];
    const report = await runBench({
      onResult: (result) => turnResults.push(result),
      startedAtUnixMs: Date.UTC(2026, 0, 2, 3, 4, 5),
      target: server.url,
      model: "m",
      plan: { kind: "points", modes: [{ kind: "open", ratePerSecond: 1, arrivals: { kind: "constant" } }] },
      requests: 3,
      promptTokens: 8,
      outputTokens: 2,
      sessions,
      seed: 7,
      metricsIntervalSeconds: 0,
      now: () => performance.now(),
      promptBuilder: builder,
      outDir: dir,
    });
    const bodies = bodiesFrom(start);
    expect(bodies).toHaveLength(3);
    const users = bodies.map((body) => body.messages?.at(-1)?.content ?? "");
    const replies = [0, 1].map((k) => replyOf(start + k).join(""));
    expect(bodies[0]?.messages).toEqual([{ role: "user", content: users[0] }]);
    expect(bodies[1]?.messages).toEqual([
      { role: "user", content: users[0] },
      { role: "assistant", content: replies[0] },
      { role: "user", content: users[1] },
    ]);
    expect(bodies[2]?.messages).toEqual([
      { role: "user", content: users[0] },
      { role: "assistant", content: replies[0] },
      { role: "user", content: users[1] },
      { role: "assistant", content: replies[1] },
      { role: "user", content: users[2] },
    ]);
    // Every new user message is a distinct exact 8-token prompt.
    for (const user of users) expect(builder.countTokens(user)).toBe(8);
    expect(new Set(users).size).toBe(3);

    // Follow-ups wait for the previous response to end plus the session's think time (drawn from its own seeded stream).
    const draw = drawSession(sessions, createRng(7, "loadgen/sessions/rate=1/s/0"));
    expect(draw.turns).toBe(3);
    for (const k of [0, 1]) {
      const gapMs = (receivedMs[start + k + 1] ?? 0) - (endedMs[start + k] ?? 0);
      const thinkMs = draw.thinkMs[k] ?? 0;
      // Never early (a lower bound holds on any machine); how late is client lag, recorded exactly below.
      expect(gapMs).toBeGreaterThanOrEqual(thinkMs - 2);
      const previous = turnResults[k];
      const next = turnResults[k + 1];
      // The follow-up's t_sched is the previous turn's end + its think time, by construction (no wall-clock race).
      expect((next?.scheduledMs ?? NaN) - (previous?.endMs ?? NaN)).toBeCloseTo(thinkMs, 6);
      // Never sent before t_sched: an early timer wake-up waits out the remainder (run-load.ts continueSession).
      expect((next?.sentMs ?? NaN) - (next?.scheduledMs ?? NaN)).toBeGreaterThanOrEqual(0);
    }

    // Prompt tokens grow by the previous reply and the new message: 8, 8 + reply + 8, … (client count, message texts).
    const replyTokens = replies.map((reply) => builder.countTokens(reply));
    const expectedPrompt = [8, 16 + (replyTokens[0] ?? 0), 24 + (replyTokens[0] ?? 0) + (replyTokens[1] ?? 0)];
    const summary = report.points[0]?.summary;
    expect(summary?.sessions?.byTurn.map((turn) => turn.meanPromptTokens)).toEqual(expectedPrompt);
    // …and the server's usage (1000 + message count here) is reported beside it.
    expect(summary?.sessions?.byTurn.map((turn) => turn.meanReportedPromptTokens)).toEqual([1001, 1003, 1005]);
    expect(summary?.sessions).toMatchObject({ started: 1, completed: 1, ended: 0 });
    expect(summary?.sessions?.byTurn.map((turn) => turn.ttftMs.n)).toEqual([1, 1, 1]);

    const records = readJsonl(join(dir, "requests.jsonl"));
    const details = readJsonl(join(dir, "request-details.jsonl"));
    expect(records.map((r) => r.request_id)).toEqual([0, 1, 2]);
    expect(records.map((r) => r.session_id)).toEqual(["s0", "s0", "s0"]);
    expect(records.map((r) => r.prompt_tokens)).toEqual(expectedPrompt);
    expect(details.map((d) => [d.session_id, d.turn, d.session_turns, d.history_tokens, d.reported_prompt_tokens])).toEqual([
      ["s0", 1, 3, 0, 1001],
      ["s0", 2, 3, 8 + (replyTokens[0] ?? 0), 1003],
      ["s0", 3, 3, 16 + (replyTokens[0] ?? 0) + (replyTokens[1] ?? 0), 1005],
    ]);
  });

  it("completions follow-ups concatenate the previous prompt, its completion text and the new prompt", async () => {
    const start = resetServer();
    const run = await runLoad({ target: server.url, api: "completions", model: "m", mode: { kind: "open", ratePerSecond: 1, arrivals: { kind: "constant" } }, requests: 3, promptTokens: 5, outputTokens: 2, sessions: { minTurns: 3, maxTurns: 3, thinkSeconds: 0 }, now: () => performance.now(), promptBuilder: builder });
    const prompts = bodiesFrom(start).map((body) => body.prompt ?? "");
    const replies = [0, 1].map((k) => replyOf(start + k).join(""));
    const fresh = [0, 1, 2].map((k) => builder.build(k, 5).text);
    expect(prompts).toEqual([fresh[0], `${fresh[0] ?? ""}${replies[0] ?? ""}${fresh[1] ?? ""}`, `${fresh[0] ?? ""}${replies[0] ?? ""}${fresh[1] ?? ""}${replies[1] ?? ""}${fresh[2] ?? ""}`]);
    expect(run.results.map((r) => r.promptTokens)).toEqual(prompts.map((prompt) => builder.countTokens(prompt)));
    expect(run.results.map((r) => r.session?.turn)).toEqual([1, 2, 3]);
  });

  it("--requests counts turns; request ids are unique; a failed turn ends its session", async () => {
    resetServer();
    const run = await runLoad({ target: `${server.url}/fail`, model: "m", mode: { kind: "open", ratePerSecond: 40, arrivals: { kind: "constant" } }, requests: 7, outputTokens: 2, sessions: { minTurns: 3, maxTurns: 3, thinkSeconds: 0 }, now: () => performance.now(), promptBuilder: builder });
    expect(run.sent).toBe(7);
    expect(run.results).toHaveLength(7);
    expect(run.stopReason).toBe("completed");
    expect(new Set(run.results.map((r) => r.requestId)).size).toBe(7);
    for (const result of run.results) {
      // Every turn after a failed one is missing: a session has turn k only if its turn k − 1 succeeded.
      const session = run.results.filter((r) => r.session?.sessionId === result.session?.sessionId);
      const turn = result.session?.turn ?? 0;
      if (turn > 1) expect(session.find((r) => r.session?.turn === turn - 1)?.outcome.status).toBe("ok");
    }
    const sessions = run.summary.sessions;
    expect(sessions?.completed).toBe(0);
    expect(sessions?.ended).toBe(sessions?.started);
  });

  it("--duration stops new sessions and follow-ups; an interrupt cancels pending think times at once", async () => {
    resetServer();
    const run = await runLoad({ target: server.url, model: "m", mode: { kind: "open", ratePerSecond: 10, arrivals: { kind: "constant" } }, durationSeconds: 0.3, outputTokens: 2, sessions: { minTurns: 4, maxTurns: 4, thinkSeconds: 0.15 }, seed: 3, now: () => performance.now(), promptBuilder: builder });
    expect(run.stopReason).toBe("duration");
    expect(run.summary.sessions?.started).toBe(3);
    // Nothing is scheduled at or after the deadline (starts and follow-ups alike): a property of the schedule, not of timing.
    for (const result of run.results) expect(result.scheduledMs - run.originMs).toBeLessThan(300);

    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 100);
    const abortStartMs = performance.now();
    const interrupted = await runLoad({ target: server.url, model: "m", mode: { kind: "open", ratePerSecond: 1, arrivals: { kind: "constant" } }, requests: 10, outputTokens: 2, sessions: { minTurns: 5, maxTurns: 5, thinkSeconds: 5 }, seed: 3, signal: controller.signal, cancelGraceMs: 50, now: () => performance.now(), promptBuilder: builder });
    // Without cancelling the pending 5 s think time the run would last ≥ 5 s.
    expect(performance.now() - abortStartMs).toBeLessThan(4500);
    expect(interrupted.stopReason).toBe("interrupted");
    expect(interrupted.results).toHaveLength(1);
  });

  it("closed loop: each slot runs its session's turns in order and keeps at most C in flight", async () => {
    resetServer();
    const run = await runLoad({ target: server.url, model: "m", mode: { kind: "closed", concurrency: 2 }, requests: 8, outputTokens: 2, sessions: { minTurns: 2, maxTurns: 2, thinkSeconds: 0 }, now: () => performance.now(), promptBuilder: builder });
    expect(run.results).toHaveLength(8);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(run.summary.sessions).toMatchObject({ started: 4, completed: 4 });
    for (const result of run.results.filter((r) => r.session?.turn === 2)) {
      const first = run.results.find((r) => r.session?.sessionId === result.session?.sessionId && r.session?.turn === 1);
      expect(result.sentMs).toBeGreaterThanOrEqual(first?.endMs ?? Infinity);
    }
  });

  it("drawSession() is deterministic under a seed: turns uniform over the range, exponential think times with the given mean", () => {
    const spec = { ...parseSessionsFlag("2-6"), thinkSeconds: 2 };
    const draws = (seed: number) => Array.from({ length: 2000 }, (_, k) => drawSession(spec, createRng(seed, `s/${k}`)));
    const a = draws(11);
    expect(draws(11)).toEqual(a);
    expect(draws(12)).not.toEqual(a);
    expect(new Set(a.map((d) => d.turns))).toEqual(new Set([2, 3, 4, 5, 6]));
    for (const d of a) expect(d.thinkMs).toHaveLength(d.turns - 1);
    const thinks = a.flatMap((d) => d.thinkMs);
    const mean = thinks.reduce((s, x) => s + x, 0) / thinks.length;
    // Exponential(mean 2000 ms): the standard error of the mean over ~8000 draws is ≈ 22 ms.
    expect(Math.abs(mean - 2000)).toBeLessThan(100);
    expect(drawSession({ minTurns: 3, maxTurns: 3, thinkSeconds: 0 }, createRng(1, "x"))).toEqual({ turns: 3, thinkMs: [0, 0] });
  });
});

describe("goodput bench --sessions", () => {
  const root = { name: "goodput", summary: "test root", subcommands: [benchCommand] };
  async function bench(argv: readonly string[]) {
    let stdout = "";
    const io = { stdout: (text: string) => (stdout += text), stderr: () => undefined };
    try {
      const code = await runCommandTree(root, ["bench", ...argv], { io, cwd: process.cwd(), env: {} });
      return { code, stdout, error: null };
    } catch (error) {
      if (!isGoodputError(error)) throw error;
      return { code: error.exitCode, stdout, error };
    }
  }

  it("prints sessions started/completed and TTFT by turn", async () => {
    // Session starts 1 s apart, follow-ups ~10 ms after a reply: each session finishes before the next starts, on any load.
    const { code, stdout } = await bench(["--target", server.url, "--model", "m", "--rate", "1", "--arrivals", "constant", "--sessions", "2", "--think-seconds", "0.01", "--requests", "4", "--output-tokens", "2", "--metrics-interval", "0"]);
    expect(code).toBe(0);
    expect(stdout).toContain("sessions: 2 started, 2 completed, 0 ended early");
    expect(stdout).toMatch(/turn\s+n\s+ok\s+TTFT p50/);
  });

  it.each([
    [["--sessions", "1"], /--sessions: "1"/],
    [["--sessions", "5-2"], /--sessions: "5-2"/],
    [["--sessions", "x"], /--sessions: "x"/],
    [["--sessions", "3", "--think-seconds=-1"], /--think-seconds: "-1"/],
    [["--think-seconds", "2"], /--think-seconds 2 needs --sessions/],
  ])("bad values exit 2 naming the flag: %j", async (argv, message) => {
    const { code, error } = await bench(["--target", "http://127.0.0.1:1", "--model", "m", "--rate", "2", ...argv]);
    expect(code).toBe(2);
    expect(error?.message).toMatch(message);
  });
});
