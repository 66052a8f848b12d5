import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { longFunctions } from "../support/function-lengths.js";

describe("function length (house style: functions under ~80 lines)", () => {
  it("finds an 82-line method and an 81-line arrow, and passes an 80-line function", () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-fn-length-"));
    const body = (lines: number): string => Array.from({ length: lines - 2 }, (_, index) => `  x += ${index};`).join("\n");
    writeFileSync(join(dir, "long.ts"), [
      `class A {\n  method(): void {\n  let x = 0;\n${body(81)}\n  }\n}`,
      `const arrow = (): void => {\n${body(81)}\n};`,
      `function fits(): void {\n${body(80)}\n}`,
    ].join("\n"));
    const found = longFunctions([dir]);
    expect(found.map((entry) => [entry.name, entry.lines])).toEqual([["method", 82], ["arrow", 81]]);
  });

  it("src/sim and src/serve have no function over 80 lines", () => {
    expect(longFunctions(["src/sim", "src/serve"])).toEqual([]);
  });
});
