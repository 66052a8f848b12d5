import { Worker } from "node:worker_threads";

export interface CliOutcome {
  readonly code: number | "hang";
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/**
 * The worker's code: goodput's CLI from the built dist/ (as the installed bin runs it), one argv per message, output
 * captured up to 100 kB per stream. Evaluated from this string so no plain-JS file sits outside the type-checked tree.
 */
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.mainUrl).then(({ main }) => {
  const cap = 100000;
  parentPort.on("message", async ({ id, argv, cwd, env }) => {
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
    parentPort.postMessage({ id, code, stdout, stderr });
  });
  parentPort.postMessage({ ready: true });
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
 * One worker thread running the built CLI in-process (fast: no process start per case). A case that runs past its bound
 * — even in a synchronous loop — is a hang: the worker is terminated and the next case gets a fresh one.
 */
export class CliPool {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 0;

  private start(): Promise<void> {
    const worker = new Worker(workerSource, { eval: true, workerData: { mainUrl } });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once("message", () => { resolve(); });
      worker.once("error", reject);
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
        this.worker = null;
        void worker.terminate();
        resolve({ code: "hang", stdout: "", stderr: "", wallMs: performance.now() - started });
      }, options.timeoutMs);
      const onMessage = (reply: Reply): void => {
        if (reply.id !== id) return;
        clearTimeout(timer);
        worker.off("message", onMessage);
        resolve({ code: reply.code, stdout: reply.stdout, stderr: reply.stderr, wallMs: performance.now() - started });
      };
      worker.on("message", onMessage);
      worker.postMessage({ id, argv: [...argv], cwd: options.cwd, env: options.env });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.terminate();
  }
}
