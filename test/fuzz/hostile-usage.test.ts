import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { judgeUsageOutput, startUsageServer } from "./usage-server.js";

// The fuzz harness's "server usage" kind draws mutations at random; these are the hostile usage values of issue #18
// item 7, run every time: bench refuses them per request (error:bad-usage) and never prints an impossible rate.
describe("bench against hostile usage values (fuzz server)", () => {
  let server: Awaited<ReturnType<typeof startUsageServer>>;
  const dir = mkdtempSync(join(tmpdir(), "goodput-usage-"));
  beforeAll(async () => {
    server = await startUsageServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['{"prompt_tokens": 12, "completion_tokens": -5, "total_tokens": 7}', 1],
    ['{"prompt_tokens": 12, "completion_tokens": 1e15}', 1],
    ['{"prompt_tokens": 12, "completion_tokens": 2.5}', 1],
    ['{"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14}', 0],
  ] as const)("usage %s → exit %i, no negative or non-finite figure", async (usage, code) => {
    const file = join(dir, `usage-${code}-${usage.length}.json`);
    writeFileSync(file, usage);
    const result = await runCli(["bench", "--target", `${server.url}/usage/${encodeURIComponent(file)}`, "--model", "m", "--rate", "50", "--requests", "3", "--prompt-tokens", "12", "--output-tokens", "2", "--metrics-interval", "0", "--json"]);
    expect(result.code).toBe(code);
    if (code === 1) expect(result.stderr).toMatch(/error:bad-usage 3/);
    expect(judgeUsageOutput(result.stdout)).toBeNull();
  });
});
