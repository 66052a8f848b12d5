import { benchCommand } from "../../src/cli/commands/bench.js";
import { runCommandTree } from "../../src/cli/run-command-tree.js";
import { isGoodputError } from "../../src/errors.js";
import type { LoadResult } from "../../src/loadgen/load-result.js";

const root = { name: "goodput", summary: "test root", subcommands: [benchCommand] };

/** Runs `goodput bench ARGV` in-process: exit code, captured stdout/stderr, and the GoodputError when it exits 2. */
export async function bench(argv: readonly string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io = { stdout: (text: string) => (stdout += text), stderr: (text: string) => (stderr += text) };
  try {
    const code = await runCommandTree(root, ["bench", ...argv], { io, cwd: process.cwd(), env });
    return { code, stdout, stderr, error: null };
  } catch (error) {
    if (!isGoodputError(error)) throw error;
    return { code: error.exitCode, stdout, stderr, error };
  }
}

/** A successful 5-token request with hand-set times (ms); tests override what they examine. */
export function loadResult(overrides: Partial<LoadResult>, base: { readonly scheduledMs: number; readonly sentMs: number; readonly firstContentMs: number; readonly lastContentMs: number; readonly endMs: number; readonly headersMs: number }): LoadResult {
  return {
    requestId: 0, label: "", warmup: false, ...base, firstByteMs: base.headersMs,
    contentEvents: 5, itlMs: [100, 100, 100, 100], httpStatus: 200, finishReason: "length", outputTokens: 5, outputTokenSource: "usage", promptTokens: 10,
    reportedPromptTokens: 10, cachedPromptTokens: null, maxOutputTokens: 5, prefixGroup: null, prefixTokens: 0, outcome: { status: "ok" },
    ...overrides,
  };
}
