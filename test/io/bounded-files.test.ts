import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readBoundedTextFile } from "../../src/io/read-bounded-text-file.js";
import { runCli } from "../cli/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "goodput-bounded-"));
const zeroYaml = join(dir, "zero.yaml");
symlinkSync("/dev/zero", zeroYaml);
const zeroJson = join(dir, "config.json");
symlinkSync("/dev/zero", zeroJson);
const zeroCsv = join(dir, "zero.csv");
symlinkSync("/dev/zero", zeroCsv);
const fifoYaml = join(dir, "fifo.yaml");
execFileSync("mkfifo", [fifoYaml]); // no writer ever opens it: a blocking open or read would wait forever

describe("files that never end are refused before reading (exit 2, naming the file)", () => {
  const cases: readonly { readonly name: string; readonly argv: readonly string[]; readonly file: string }[] = [
    { name: "scenario → /dev/zero", argv: ["sim", "--scenario", zeroYaml], file: zeroYaml },
    { name: "scenario → a FIFO", argv: ["sim", "--scenario", fifoYaml], file: fifoYaml },
    { name: "scenario → a folder", argv: ["sim", "--scenario", dir], file: dir },
    { name: "experiment → /dev/zero", argv: ["experiment", "run", "--experiment", zeroYaml], file: zeroYaml },
    { name: "decision rule → /dev/zero", argv: ["readout", "test/fixtures/stats/lalonde-nsw.csv", "--outcome", "re78", "--treatment", "treat", "--decision-rule", zeroYaml], file: zeroYaml },
    { name: "model config → /dev/zero", argv: ["calc", "kv", "--model-config", zeroJson, "--gpu", "h100-sxm"], file: zeroJson },
    { name: "catalog → /dev/zero", argv: ["catalog", "models", "--catalog", zeroYaml], file: zeroYaml },
    { name: "readout table → /dev/zero", argv: ["readout", zeroCsv], file: zeroCsv },
  ];
  for (const { name, argv, file } of cases) {
    test(name, async () => {
      const result = await runCli(argv, { GOODPUT_HOME: join(dir, "home") });
      expect(result.stderr).not.toMatch(/internal error/);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(file);
      expect(result.stderr).toMatch(/not a regular file/);
    });
  }

  test("a file over the size bound is refused with its size and the bound; one under it reads", () => {
    const big = join(dir, "big.yaml");
    writeFileSync(big, "#".repeat(2048));
    expect(() => readBoundedTextFile(big, { what: "scenario", maxBytes: 1024 })).toThrow(`${big}: 2,048 bytes is larger than a scenario can be (at most 1,024 bytes)`);
    expect(readBoundedTextFile(big, { what: "scenario", maxBytes: 2048 })).toHaveLength(2048);
  });
});
