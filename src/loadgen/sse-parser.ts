/**
 * A Server-Sent Events parser working on raw bytes (WHATWG HTML §9.2 "event stream
 * interpretation", restricted to what OpenAI-compatible servers send): lines end in CRLF, LF or a
 * lone CR, may be split anywhere across chunks (a UTF-8 character too, since neither CR nor LF
 * occurs inside one); one leading byte-order mark (U+FEFF) is skipped, as the specification says;
 * `:` lines are comments, `data:` lines accumulate (joined by LF) until a blank line dispatches
 * the event. Only `data:` lines are decoded to strings, so comments and keep-alives cost nothing.
 */
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const DATA = Buffer.from("data:");
const EVENT = Buffer.from("event:");

/** Receives each dispatched event's data (and its `event:` type, "message" when absent). */
export type SseEventHandler = (data: string, eventType: string) => void;

/** Incremental SSE parser: push chunks as they arrive, call `end()` when the stream closes. */
export class SseParser {
  private remainder: Buffer | null = null;
  private data: string | null = null;
  private eventType = "message";
  /** Until the first bytes are seen, a byte-order mark may still be coming. */
  private atStreamStart = true;
  /** The previous chunk ended in CR: an LF opening this one belongs to that CRLF. */
  private skipLeadingLf = false;
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
    if (this.skipLeadingLf && buffer.length > 0) {
      if (buffer[0] === LF) start = 1;
      this.skipLeadingLf = false;
    }
    if (this.atStreamStart) {
      if (buffer.length - start < BOM.length && BOM.subarray(0, buffer.length - start).equals(buffer.subarray(start))) {
        this.remainder = buffer.subarray(start);
        return;
      }
      this.atStreamStart = false;
      if (buffer.subarray(start, start + BOM.length).equals(BOM)) start += BOM.length;
    }
    const length = buffer.length;
    // The next CR is searched once and reused until passed: most servers send no CR at all, and a
    // fresh search per line would rescan the whole chunk each time.
    let nextCr = buffer.indexOf(CR, start);
    while (start < length) {
      if (nextCr >= 0 && nextCr < start) nextCr = buffer.indexOf(CR, start);
      const nextLf = buffer.indexOf(LF, start);
      const lineEnd = nextCr < 0 ? nextLf : nextLf < 0 ? nextCr : Math.min(nextCr, nextLf);
      if (lineEnd < 0) {
        this.remainder = buffer.subarray(start);
        return;
      }
      this.line(buffer, start, lineEnd);
      if (buffer[lineEnd] !== CR) {
        start = lineEnd + 1;
      } else if (lineEnd + 1 === length) {
        this.skipLeadingLf = true;
        start = length;
      } else {
        start = buffer[lineEnd + 1] === LF ? lineEnd + 2 : lineEnd + 1;
      }
    }
  }

  /** The stream closed: an event still being accumulated (no trailing blank line) is dispatched. */
  end(): void {
    if (this.remainder !== null) {
      const buffer = this.remainder;
      this.remainder = null;
      if (!(this.atStreamStart && BOM.subarray(0, buffer.length).equals(buffer))) this.line(buffer, 0, buffer.length);
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
