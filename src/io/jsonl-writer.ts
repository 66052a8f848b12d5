import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";

/**
 * Appends JSON lines to a file as records complete, buffering a little for speed and flushing
 * often, so a crash or Ctrl-C loses at most the last buffer (≤ 64 KiB, ≤ 200 ms of records).
 */
export class JsonlWriter {
  readonly path: string;
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferedChars = 0;
  private lastFlushMs: number;
  private readonly nowMs: () => number;
  lines = 0;

  constructor(path: string, nowMs: () => number) {
    this.path = path;
    this.fd = openSync(path, "w");
    this.nowMs = nowMs;
    this.lastFlushMs = nowMs();
  }

  write(record: unknown): void {
    const line = JSON.stringify(record);
    this.buffer.push(line);
    this.bufferedChars += line.length + 1;
    this.lines++;
    if (this.bufferedChars > 65_536 || (this.lines % 256 === 0 && this.nowMs() - this.lastFlushMs > 200)) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join("\n") + "\n");
    this.buffer = [];
    this.bufferedChars = 0;
    this.lastFlushMs = this.nowMs();
  }

  close(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}
