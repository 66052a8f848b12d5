import { describe, expect, it } from "vitest";
import { formatUsd } from "../../src/experiment/format-usd.js";

describe("formatUsd()", () => {
  it("keeps three significant digits below $1, never $0.000", () => {
    expect(formatUsd(0.000131)).toBe("$0.000131");
    expect(formatUsd(0.0611)).toBe("$0.0611");
    expect(formatUsd(0.0531)).toBe("$0.0531");
    expect(formatUsd(0.177)).toBe("$0.177");
    expect(formatUsd(0.0000004)).toBe("$0.000000400");
  });
  it("shows cents from $1 up, $0 for zero and ∞ for nothing priced", () => {
    expect(formatUsd(5.473)).toBe("$5.47");
    expect(formatUsd(0)).toBe("$0");
    expect(formatUsd(Infinity)).toBe("∞");
    expect(formatUsd(-12.088)).toBe("-$12.09");
  });
});
