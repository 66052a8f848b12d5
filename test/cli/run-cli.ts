import { main } from "../../src/cli/main.js";

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }, cwd, env);
  return { code, stdout, stderr };
}
