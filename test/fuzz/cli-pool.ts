import { spawn, type ChildProcess } from "node:child_process";

export interface CliOutcome {
  readonly code: number | "hang";
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/**
 * The child's code: goodput's CLI from the built dist/ (as the installed bin runs it), one argv per IPC message, output
 * captured up to 100 kB per stream. Evaluated from this string so no plain-JS file sits outside the type-checked tree.
 * A child process, not a worker thread: terminating a thread inside DuckDB's native code aborts the whole test process,
 * while SIGKILL of a child is always safe.
 */
const childSource = `
import(process.env.GOODPUT_FUZZ_MAIN).then(({ main }) => {
  const cap = 100000;
  process.on("message", async ({ id, argv, cwd, env }) => {
    let stdout = "";
    let stderr = "";
    const io = { stdout: (text) => { if (stdout.length < cap) stdout += text; }, stderr: (text) => { if (stderr.length < cap) stderr += text; } };
    let code;
    try {
      code = await main(argv, io, cwd, env);
    } catch (error) {
      code = -1;
      stderr += "main() threw: " + (error instanceof Error ? error.stack : String(error));
    }
    process.send({ id, code, stdout, stderr });
  });
  process.send({ ready: true });
});
`;

const mainUrl = new URL("../../dist/cli/main.js", import.meta.url).href;

interface Reply {
  readonly id: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One child process running the built CLI in-process (fast: no process start per case). A case that runs past its bound
 * — even in a synchronous loop — is a hang: the child is killed and the next case gets a fresh one.
 */
export class CliPool {
  private worker: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 0;

  private start(): Promise<void> {
    const worker = spawn(process.execPath, ["--input-type=module", "-e", childSource], { stdio: ["ignore", "ignore", "ignore", "ipc"], env: { ...process.env, GOODPUT_FUZZ_MAIN: mainUrl } });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once("message", () => { resolve(); });
      worker.once("error", reject);
      worker.once("exit", (code) => { reject(new Error(`fuzz CLI process exited before it was ready (exit ${String(code)})`)); });
    });
    // A case that kills its own process (an abort, an out-of-memory) ends it: answer the case and start afresh next time.
    worker.once("exit", () => {
      if (this.worker === worker) this.worker = null;
    });
    return this.ready;
  }

  async run(argv: readonly string[], options: { readonly cwd: string; readonly env: Record<string, string>; readonly timeoutMs: number }): Promise<CliOutcome> {
    if (this.worker === null) await this.start();
    await this.ready;
    const worker = this.worker;
    if (worker === null) throw new Error("fuzz worker did not start");
    const id = this.nextId++;
    const started = performance.now();
    return new Promise<CliOutcome>((resolve) => {
      const timer = setTimeout(() => {
        worker.off("message", onMessage);
        worker.off("exit", onExit);
        this.worker = null;
        worker.kill("SIGKILL");
        resolve({ code: "hang", stdout: "", stderr: "", wallMs: performance.now() - started });
      }, options.timeoutMs);
      const onMessage = (reply: Reply): void => {
        if (reply.id !== id) return;
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("exit", onExit);
        resolve({ code: reply.code, stdout: reply.stdout, stderr: reply.stderr, wallMs: performance.now() - started });
      };
      const onExit = (exitCode: number | null, signal: string | null): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        resolve({ code: -2, stdout: "", stderr: `the CLI process died (exit ${String(exitCode)}, signal ${String(signal)})`, wallMs: performance.now() - started });
      };
      worker.on("message", onMessage);
      worker.once("exit", onExit);
      worker.send({ id, argv: [...argv], cwd: options.cwd, env: options.env });
    });
  }

  close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    worker?.kill("SIGKILL");
    return Promise.resolve();
  }
}
