import { describe, expect, it } from "vitest";
import { parseSse, SseParser } from "../../src/loadgen/sse-parser.js";

const stream = 'data: {"a":1}\r\n\r\n: keep-alive comment\n\nevent: ping\ndata: first line\ndata: second line\n\ndata:{"b":"é✓"}\n\ndata: [DONE]\n\n';
const expected = ['{"a":1}', "first line\nsecond line", '{"b":"é✓"}', "[DONE]"];

describe("SseParser", () => {
  it("parseSse() reads data lines, joins multi-line data, skips comments, handles CRLF", () => {
    expect(parseSse(stream)).toEqual(expected);
  });

  it("gives the same events whatever byte the stream is split at (CRLF and UTF-8 split too)", () => {
    const bytes = Buffer.from(stream);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parseSse([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
    }
    expect(parseSse([...bytes].map((byte) => Buffer.from([byte])))).toEqual(expected);
  });

  it("reports the event type and dispatches a last event that lacks its blank line at end()", () => {
    const events: [string, string][] = [];
    const parser = new SseParser((data, type) => events.push([data, type]));
    parser.push(Buffer.from('event: error\ndata: {"error":"x"}\n\ndata: tail'));
    expect(events).toEqual([['{"error":"x"}', "error"]]);
    parser.end();
    expect(events).toEqual([['{"error":"x"}', "error"], ["tail", "message"]]);
  });
});
