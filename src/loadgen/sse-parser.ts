/**
 * A Server-Sent Events parser working on raw bytes (WHATWG HTML §9.2 "event stream
 * interpretation", restricted to what OpenAI-compatible servers send): lines end in LF or CRLF,
 * may be split anywhere across chunks (a UTF-8 character too, since LF never occurs inside one),
 * `:` lines are comments, `data:` lines accumulate (joined by LF) until a blank line dispatches
 * the event. Only `data:` lines are decoded to strings, so comments and keep-alives cost nothing.
 */
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const DATA = Buffer.from("data:");
const EVENT = Buffer.from("event:");

/** Receives each dispatched event's data (and its `event:` type, "message" when absent). */
export type SseEventHandler = (data: string, eventType: string) => void;

/** Incremental SSE parser: push chunks as they arrive, call `end()` when the stream closes. */
export class SseParser {
  private remainder: Buffer | null = null;
  private data: string | null = null;
  private eventType = "message";
  private readonly onEvent: SseEventHandler;

  constructor(onEvent: SseEventHandler) {
    this.onEvent = onEvent;
  }

  /** Feeds one chunk; dispatches every event it completes. */
  push(chunk: Buffer): void {
    let buffer = chunk;
    if (this.remainder !== null) {
      buffer = Buffer.concat([this.remainder, chunk]);
      this.remainder = null;
    }
    let start = 0;
    const length = buffer.length;
    while (start < length) {
      const newline = buffer.indexOf(LF, start);
      if (newline < 0) {
        this.remainder = buffer.subarray(start);
        return;
      }
      const end = newline > start && buffer[newline - 1] === CR ? newline - 1 : newline;
      this.line(buffer, start, end);
      start = newline + 1;
    }
  }

  /** The stream closed: an event still being accumulated (no trailing blank line) is dispatched. */
  end(): void {
    if (this.remainder !== null) {
      const buffer = this.remainder;
      this.remainder = null;
      const end = buffer.length > 0 && buffer[buffer.length - 1] === CR ? buffer.length - 1 : buffer.length;
      this.line(buffer, 0, end);
    }
    this.dispatch();
  }

  private line(buffer: Buffer, start: number, end: number): void {
    if (end === start) {
      this.dispatch();
      return;
    }
    const first = buffer[start];
    if (first === COLON) return;
    if (_startsWith(buffer, start, end, DATA)) {
      let from = start + DATA.length;
      if (buffer[from] === SPACE) from++;
      const value = buffer.toString("utf8", from, Math.max(from, end));
      this.data = this.data === null ? value : `${this.data}\n${value}`;
      return;
    }
    if (_startsWith(buffer, start, end, EVENT)) {
      let from = start + EVENT.length;
      if (buffer[from] === SPACE) from++;
      this.eventType = buffer.toString("utf8", from, Math.max(from, end));
    }
    // id:, retry: and unknown fields are ignored, as the SSE specification says.
  }

  private dispatch(): void {
    if (this.data !== null) this.onEvent(this.data, this.eventType);
    this.data = null;
    this.eventType = "message";
  }
}

function _startsWith(buffer: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let index = 0; index < prefix.length; index++) if (buffer[start + index] !== prefix[index]) return false;
  return true;
}

/** Parses a whole SSE text (or a list of chunks) into the data strings of its events, in order. */
export function parseSse(input: string | readonly (string | Buffer)[]): string[] {
  const events: string[] = [];
  const parser = new SseParser((data) => events.push(data));
  const chunks = typeof input === "string" ? [input] : input;
  for (const chunk of chunks) parser.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  parser.end();
  return events;
}
