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

describe("SseParser: the specification's other line ends and the byte-order mark", () => {
  // WHATWG HTML §9.2.5: "end-of-line = ( cr lf / cr / lf )", and "one leading U+FEFF BYTE ORDER
  // MARK character must be ignored if any are present".
  const loneCr = 'data: {"a":1}\r\rdata: two\rdata: lines\r\r: comment\rdata: [DONE]\r\r';
  const loneCrEvents = ['{"a":1}', "two\nlines", "[DONE]"];

  it("treats a lone CR as a line end, at any split point (a CR ending one chunk, LF opening the next)", () => {
    expect(parseSse(loneCr)).toEqual(loneCrEvents);
    const bytes = Buffer.from(loneCr);
    for (let cut = 1; cut < bytes.length; cut++) expect(parseSse([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(loneCrEvents);
    const crlfSplit = Buffer.from("data: x\r\n\r\ndata: y\r\n\r\n");
    for (let cut = 1; cut < crlfSplit.length; cut++) expect(parseSse([crlfSplit.subarray(0, cut), crlfSplit.subarray(cut)])).toEqual(["x", "y"]);
  });

  it("skips one leading BOM, even split across chunks, and keeps the first event", () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(stream)]);
    expect(parseSse([withBom])).toEqual(expected);
    for (let cut = 1; cut <= 4; cut++) expect(parseSse([withBom.subarray(0, cut), withBom.subarray(cut)])).toEqual(expected);
    expect(parseSse([...withBom].map((byte) => Buffer.from([byte])))).toEqual(expected);
  });

  it("skips only the first BOM: a second one is part of the field name, so that line is not a data line", () => {
    const twoBoms = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from("data: x\n\ndata: y\n\n")]);
    expect(parseSse([twoBoms])).toEqual(["y"]);
  });
});
