import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, test } from "vitest";
import { countLimits } from "../../src/cli/count-limits.js";
import { joinNegativeValues } from "../../src/cli/join-negative-values.js";
import { countOption, numberOption } from "../../src/cli/parse-values.js";
import { runCli } from "./run-cli.js";

const packageVersion = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;

describe("version and help", () => {
  test("goodput --version and goodput version print package.json's version and exit 0", async () => {
    for (const argv of [["--version"], ["version"]]) {
      const result = await runCli(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`goodput ${packageVersion}\n`);
    }
    expect(JSON.parse((await runCli(["version", "--json"])).stdout)).toMatchObject({ name: "goodput", version: packageVersion });
  });

  test("goodput help is the top help with exit 0; goodput help sim is sim's help", async () => {
    const help = await runCli(["help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await runCli(["--help"])).stdout);
    const sim = await runCli(["help", "sim"]);
    expect(sim.code).toBe(0);
    expect(sim.stdout).toMatch(/^Usage: goodput sim /);
  });
});

describe("negative numbers as flag values", () => {
  test("--rate -1 reaches the range check (a clear exit 2 naming the rule), not parseArgs' 'argument is ambiguous'", async () => {
    for (const argv of [["calc", "locality", "--rate", "-1"], ["calc", "locality", "--rate=-1"]]) {
      const result = await runCli(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(/ambiguous/);
      expect(result.stderr).toContain('--rate: "-1" is not a number greater than 0');
    }
  });

  test("a flag that allows negative values takes them with a space: readout --reward-sign -1", async () => {
    const result = await runCli(["readout", "missing.jsonl", "--design", "ope", "--reward", "ttft_s", "--reward-sign", "-1", "--target-policy", "uniform"]);
    expect(result.stderr).not.toMatch(/ambiguous/);
    expect(result.stderr).toMatch(/missing\.jsonl: no such file/);
  });

  test("joinNegativeValues() joins only value-taking long options followed by a number, and stops at --", () => {
    const options = { rate: { type: "string", description: "" }, json: { type: "boolean", description: "" } } as const;
    expect(joinNegativeValues(["--rate", "-1", "--json", "-2", "--rate", "-x", "--", "--rate", "-3"], options)).toEqual(["--rate=-1", "--json", "-2", "--rate", "-x", "--", "--rate", "-3"]);
    expect(joinNegativeValues(["--rate", "-.5", "--rate", "-Infinity", "--rate", "-4:4"], options)).toEqual(["--rate=-.5", "--rate=-Infinity", "--rate=-4:4"]);
  });
});

describe("every count flag has an upper bound (exit 2, never a hang or an internal error)", () => {
  const huge = "99999999999999999999";
  const cases: readonly (readonly string[])[] = [
    ["sim", "--scenario", "examples/batched.yaml", "--requests", huge],
    ["readout", "test/fixtures/stats/lalonde-nsw.csv", "--outcome", "re78", "--treatment", "treat", "--permutations", huge],
    ["readout", "test/fixtures/stats/lalonde-nsw.csv", "--outcome", "re78", "--treatment", "treat", "--bootstrap", huge],
    ["calc", "locality", "--replicas", huge],
    ["calc", "locality", "--prefixes", huge],
    ["calc", "locality", "--prefix-tokens", huge],
    ["experiment", "run", "--experiment", "cost", "--requests", huge],
  ];
  for (const argv of cases) {
    const flag = argv.find((arg, index) => argv[index + 1] === huge) ?? "";
    test(`${argv.slice(0, 2).join(" ")} ${flag} ${huge} → exit 2 naming the limit`, async () => {
      const result = await runCli(argv, { GOODPUT_HOME: "/nonexistent-goodput-home" });
      expect(result.code).toBe(2);
      const limit = countLimits[flag.slice(2)]?.max ?? 0;
      expect(result.stderr).toContain(`${flag}: ${huge} is above the limit of ${limit.toLocaleString("en-US")}`);
    });
  }

  test("the bound itself is accepted and one past it is refused; an explicit max is the tighter of the two", () => {
    const max = countLimits.replicas?.max ?? 0;
    expect(numberOption({ replicas: String(max) }, "replicas", { rule: "positive-int", example: "8" })).toBe(max);
    expect(() => numberOption({ replicas: String(max + 1) }, "replicas", { rule: "positive-int", example: "8" })).toThrow(/above the limit of 10,000 /);
    expect(countOption({ n: "5" }, "n", { example: "3", max: 5 })).toBe(5);
    expect(() => countOption({ n: "6" }, "n", { example: "3", max: 5 })).toThrow('--n: 6 is above the limit of 5; for example --n 3.');
    // Past 2^53 a whole number is not even represented exactly: refused whatever the flag.
    expect(() => countOption({ n: "9007199254740993" }, "n", { example: "3" })).toThrow(/above the limit of 9,007,199,254,740,991/);
  });

  test("--help documents each count flag's bound", async () => {
    expect((await runCli(["sim", "--help"])).stdout).toMatch(/--requests N .*\(at most 10,000,000\)/);
    expect((await runCli(["readout", "--help"])).stdout).toMatch(/--permutations P .*\(at most 1,000,000\)/);
  });
});

describe("values the fuzz harness found overflowing or misattributed (now refused by name)", () => {
  it("a flag value beyond 10^30 (or a non-zero one below 10^-30) is exit 2 naming the flag, not Infinity or NaN in the output", async () => {
    const huge = await runCli(["calc", "locality", "--replicas", "4", "--prefixes", "100", "--rate", "1e308", "--json"]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/--rate: 1e308 is outside the range/);
    const tiny = await runCli(["calc", "disagg", "--target-utilization", "1e-320"]);
    expect(tiny.code).toBe(2);
    expect(tiny.stderr).toMatch(/--target-utilization: 1e-320 is outside the range/);
  });

  it("an unknown torch_dtype in a --model-config names the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-dtype-"));
    const path = join(dir, "config.json");
    writeFileSync(path, JSON.stringify({ hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 128256, torch_dtype: "bfloat" }));
    const result = await runCli(["calc", "kv", "--gpu", "h100-sxm", "--model-config", path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(path);
    expect(result.stderr).toMatch(/unknown torch_dtype "bfloat"/);
  });

  it("a decision rule naming a column the table lacks names the rule file, not --outcome", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-rule-"));
    const table = join(dir, "t.csv");
    writeFileSync(table, ["arm,success", ...Array.from({ length: 40 }, (_, index) => `${index % 2 === 0 ? "A" : "B"},${index % 3 === 0 ? 1 : 0}`)].join("\n") + "\n");
    const rule = join(dir, "rule.yaml");
    writeFileSync(rule, "primary: { outcome: retention, direction: increase }\n");
    const result = await runCli(["readout", table, "--outcome", "success", "--treatment", "arm", "--control", "A", "--decision-rule", rule]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${rule}: the decision rule names column "retention"`);
  });
});
