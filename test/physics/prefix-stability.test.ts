import { describe, expect, it } from "vitest";
import { GoodputError } from "../../src/errors.js";
import { lintPrefixStability } from "../../src/physics/prefix-stability.js";

const system = "You are a careful support agent for Acme. Follow the policy below exactly.\n" + "Policy: refunds within 30 days; no refunds on gift cards; escalate fraud to a human.\n".repeat(5);

describe("lintPrefixStability() — where prompts first differ", () => {
  it("the static prefix is the longest common prefix: 'abcXdef' vs 'abcYdefgh' share 3 chars, 3·2/16 of input", () => {
    const result = lintPrefixStability(["abcXdef", "abcYdefgh"]);
    expect(result.staticPrefixChars).toBe(3);
    expect(result.divergenceCharIndex).toBe(3);
    expect(result.divergenceSnippets).toEqual(["Xdef", "Ydefgh"]);
    expect(result.cacheableShare).toBeCloseTo(6 / 16, 12);
    expect(result.meanPromptChars).toBe(8);
  });

  it("approximates tokens at 4 characters each, rounded down (caches store whole tokens)", () => {
    const prompts = [system + "Q1", system + "Q2"];
    const result = lintPrefixStability(prompts);
    expect(result.staticPrefixChars).toBe(system.length + 1);
    expect(result.staticPrefixTokensApprox).toBe(Math.floor((system.length + 1) / 4));
    expect(lintPrefixStability(prompts, { charsPerToken: 3 }).staticPrefixTokensApprox).toBe(Math.floor((system.length + 1) / 3));
  });

  it("identical prompts never diverge and are fully cacheable", () => {
    const result = lintPrefixStability([system, system, system]);
    expect(result.divergenceCharIndex).toBeNull();
    expect(result.cacheableShare).toBe(1);
    expect(result.findings).toEqual([]);
  });

  it("needs at least two prompts (BAD_INPUT)", () => {
    expect(() => lintPrefixStability([system])).toThrow(GoodputError);
    try {
      lintPrefixStability([]);
    } catch (error) {
      expect((error as GoodputError).code).toBe("BAD_INPUT");
    }
  });
});

describe("lintPrefixStability() — volatile content before the static prefix", () => {
  it("a timestamp ahead of the system prompt is where the prompts differ: an error with the snippet and the fix", () => {
    const head = "Current time: 2025-01-05T1";
    const prompts = [`Current time: 2025-01-05T10:00:00Z\n${system}Q: where is my order?`, `Current time: 2025-01-05T11:30:00Z\n${system}Q: cancel my plan`];
    const result = lintPrefixStability(prompts);
    expect(result.divergenceCharIndex).toBe(head.length);
    const finding = result.findings.find((entry) => entry.position === "at-divergence");
    expect(finding?.kind).toBe("iso-timestamp");
    expect(finding?.severity).toBe("error");
    expect(finding?.charIndex).toBe("Current time: ".length);
    expect(finding?.examples).toEqual(["2025-01-05T10:00:00Z", "2025-01-05T11:30:00Z"]);
    expect(finding?.fix).toMatch(/[Mm]ove a timestamp after the static content/);
    // With the timestamp moved out, "Current time: \n" + system + "Q: " is shared.
    expect(result.staticPrefixCharsIfVolatileMoved).toBe("Current time: \n".length + system.length + "Q: ".length);
  });

  it("a UUID first kills the whole prefix", () => {
    const prompts = [`session=3f2b8c1e-9a4d-4e2b-8f6a-1c2d3e4f5a6b\n${system}hi`, `session=7d1e2f3a-4b5c-4d6e-9f80-a1b2c3d4e5f6\n${system}hello`];
    const result = lintPrefixStability(prompts);
    expect(result.staticPrefixChars).toBe("session=".length);
    expect(result.findings[0]?.kind).toBe("uuid");
    expect(result.findings[0]?.severity).toBe("error");
    expect(result.cacheableShare).toBeLessThan(0.05);
  });

  it.each([
    ["number-id", "Order 48213377: ", "Order 48213390: "],
    ["hex-id", "trace a91f03c2d4e5b6f7 ", "trace a91f77aa0011b2c3 "],
    ["date", "Date: 03/14/2025. ", "Date: 03/15/2025. "],
  ])("flags a %s at the divergence point", (kind, first, second) => {
    const result = lintPrefixStability([first + system + "A", second + system + "B"]);
    expect(result.findings.map((entry) => [entry.kind, entry.position, entry.severity])).toContainEqual([kind, "at-divergence", "error"]);
  });

  it("a volatile value after the static content is info, not an error (that is where it belongs)", () => {
    const prompts = [`${system}Now: 2025-01-05T10:00:00Z`, `${system}Now: 2025-01-05T11:00:00Z`];
    const result = lintPrefixStability(prompts);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]?.severity).toBe("info");
  });

  it("a date that is identical in every example but sits inside the shared prefix is a warning", () => {
    const prompts = [`Today is 2025-01-05.\n${system}Q1`, `Today is 2025-01-05.\n${system}Q2`];
    const result = lintPrefixStability(prompts);
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: "date", position: "before-divergence", severity: "warning", charIndex: "Today is ".length, examples: ["2025-01-05"] }),
    ]);
  });

  it("ordinary words and short numbers are not flagged", () => {
    const result = lintPrefixStability([`Refunds within 30 days, code 1234. ${system}A`, `Refunds within 30 days, code 1234. ${system}B`]);
    expect(result.findings).toEqual([]);
  });
});
