import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** How a JSON Lines file ends: complete, or cut off inside its last line (a writer killed mid-write). */
export type JsonlTail =
  | { readonly complete: true }
  | {
      readonly complete: false;
      /** 1-based number of the cut line (the file's last line). */
      readonly line: number;
      /** Bytes up to and including the last newline: the complete lines. */
      readonly completeBytes: number;
      readonly cutBytes: number;
    };

const tailWindowBytes = 1 << 20;

/**
 * Checks the end of a JSON Lines file. A file that ends in a newline, or whose last line parses as JSON, is complete;
 * otherwise the last line was cut (kill -9 of the writer between two writes of one buffer) and the lines before it are
 * the finished records. Counting lines to name the cut one reads the file once, only in that case.
 */
export function inspectJsonlTail(file: string): JsonlTail {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { complete: true };
    const start = Math.max(0, size - tailWindowBytes);
    const tail = Buffer.alloc(size - start);
    readSync(fd, tail, 0, tail.length, start);
    if (tail[tail.length - 1] === 0x0a) return { complete: true };
    const lastNewline = tail.lastIndexOf(0x0a);
    if (lastNewline < 0 && start > 0) return { complete: true }; // a last line over 1 MiB: leave it to the JSON reader to judge
    const lastLine = tail.subarray(lastNewline + 1).toString("utf8");
    if (parsesAsJson(lastLine)) return { complete: true };
    const completeBytes = start + lastNewline + 1;
    return { complete: false, line: countNewlines(fd, completeBytes) + 1, completeBytes, cutBytes: size - completeBytes };
  } finally {
    closeSync(fd);
  }
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function countNewlines(fd: number, bytes: number): number {
  const buffer = Buffer.alloc(Math.min(bytes, 1 << 22));
  let count = 0;
  for (let offset = 0; offset < bytes; ) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, bytes - offset), offset);
    if (read === 0) break;
    for (let at = buffer.indexOf(0x0a, 0); at >= 0 && at < read; at = buffer.indexOf(0x0a, at + 1)) count++;
    offset += read;
  }
  return count;
}

/** The note a reader prints for a cut last line: what was cut and what was read. */
export function describeCutTail(file: string, tail: Extract<JsonlTail, { complete: false }>): string {
  return `${file}: line ${tail.line} is cut off after ${tail.cutBytes} byte(s) (a writer stopped mid-line, e.g. kill -9); read the ${tail.line - 1} complete line(s) before it and ignored the cut one.`;
}
