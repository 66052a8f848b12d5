import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reportSourceLine } from "../../src/cli/write-command-report.js";
import { runCli } from "../cli/run-cli.js";
import { countMarks, externalReferences, svgsOf } from "./svg-marks.js";

const kvArgs = ["calc", "kv", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--context", "2048,8192,32768,131072"];

describe("--report FILE", () => {
  const cwd = mkdtempSync(join(tmpdir(), "goodput-report-"));

  it("writes a self-contained HTML page and says so on stderr; stdout is what it would be without --report", async () => {
    const plain = await runCli([...kvArgs, "--json"], {}, cwd);
    const withReport = await runCli([...kvArgs, "--json", "--report", "kv.html"], {}, cwd);
    expect(withReport.code).toBe(0);
    expect(withReport.stdout).toBe(plain.stdout);
    expect(withReport.stderr).toBe("report written to kv.html\n");
    const html = readFileSync(join(cwd, "kv.html"), "utf8");
    expect(externalReferences(html)).toEqual([]);
    const [chart] = svgsOf(html);
    expect(countMarks(chart ?? "", "point")).toBe(8); // 4 contexts × (max, effective)
    expect(html).toContain("<code>goodput calc kv --gpu h100-sxm --model llama-3-8b --context 2048,8192,32768,131072</code>");
  });

  it("writes Markdown for .md, creating the folder", async () => {
    const result = await runCli([...kvArgs, "--report", "reports/kv.md"], {}, cwd);
    expect(result.code).toBe(0);
    const markdown = readFileSync(join(cwd, "reports", "kv.md"), "utf8");
    expect(markdown.startsWith("# KV capacity by context length\n")).toBe(true);
    expect(markdown).toMatch(/\| 2048 \| 2048 \| 0\.25 \| 220 \| 165 \| 1 \|/);
    expect(markdown).toContain("](data:image/svg+xml;charset=utf-8,%3Csvg");
  });

  it("refuses an unknown extension before running, naming it and the fix", async () => {
    const result = await runCli([...kvArgs, "--report", "kv.pdf"], {}, cwd);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/unknown extension "\.pdf".*\.html.*\.md/);
    expect(existsSync(join(cwd, "kv.pdf"))).toBe(false);
  });

  it("a command without a report fails before doing its work", async () => {
    const home = join(cwd, "no-report-home");
    const result = await runCli(["serve", "--report", "serve.html"], { GOODPUT_HOME: home }, cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no report for this command \("goodput serve"\)/);
    expect(existsSync(home)).toBe(false); // nothing was started or opened
  });

  it("goodput experiment show cost --report out.html: the cost matrix chart, one cell per case × profile", async () => {
    const dir = mkdtempSync(join(tmpdir(), "goodput-report-exp-"));
    mkdirSync(join(dir, "experiments"));
    cpSync(join(process.cwd(), "experiments", "cost.yaml"), join(dir, "experiments", "cost.yaml"));
    const env = { GOODPUT_HOME: join(dir, "home") };
    expect((await runCli(["experiment", "run", "--experiment", "cost", "--requests", "300", "--json"], env, dir)).code).toBe(0);
    const shown = await runCli(["experiment", "show", "cost", "--report", "out.html"], env, dir);
    expect(shown.code).toBe(0);
    const html = readFileSync(join(dir, "out.html"), "utf8");
    expect(externalReferences(html)).toEqual([]);
    const [matrix] = svgsOf(html);
    expect(matrix).toContain("<title>Useful-work cost matrix</title>");
    expect(countMarks(matrix ?? "", "rect mark")).toBe(4);
    expect(html).toMatch(/Decision: (supported|not supported|inconclusive)/);

    // The decision record of the same run renders as Markdown with its unit-cost chart inline (a data-URI SVG).
    const decision = await runCli(["experiment", "decision", "cost", "--report", "decision.md"], env, dir);
    expect(decision.code).toBe(0);
    const markdown = readFileSync(join(dir, "decision.md"), "utf8");
    expect(markdown).toMatch(/^# /);
    expect(markdown).toContain("data:image/svg+xml");
  });

  it("sim --out DIR --report: latency CDFs from the request log and queue/KV series", async () => {
    const result = await runCli(["sim", "--scenario", join(process.cwd(), "examples", "naive-vs-batched.yaml"), "--requests", "300", "--out", join(cwd, "simout"), "--report", "sim.html"], {}, cwd);
    expect(result.code).toBe(0);
    const svgs = svgsOf(readFileSync(join(cwd, "sim.html"), "utf8"));
    expect(svgs.map((svg) => /<title>([^<]*)<\/title>/.exec(svg)?.[1])).toEqual(["TTFT CDF", "TPOT CDF", "end-to-end latency CDF", "Queue depth over time", "KV cache use over time"]);
    expect(svgs[0]).not.toContain("drawn through the summary");
  });

  it("--help lists --report on commands that have a report, and only there", async () => {
    expect((await runCli(["experiment", "show", "--help"], {}, cwd)).stdout).toMatch(/--report FILE\s+Also write a report: FILE\.html/);
    expect((await runCli(["serve", "--help"], {}, cwd)).stdout).not.toContain("--report");
    expect((await runCli(["catalog", "gpus", "--help"], {}, cwd)).stdout).toContain("--report");
  });

  it("the report's source line drops --report/--json and credentials in URLs", () => {
    expect(reportSourceLine(["goodput", "bench"], ["bench", "--target", "http://user:secret@host:8000/v1", "--json", "--report", "b.html", "--prompt", "two words"])).toBe(
      "goodput bench --target http://host:8000/v1 --prompt 'two words'",
    );
    // A typed password holding "@", and secrets in the query string.
    expect(reportSourceLine(["goodput", "bench"], ["bench", "--target", "https://u:p@ss@host/v1?api_key=sk-123&model=m&access_token=t0k"])).toBe(
      "goodput bench --target 'https://host/v1?api_key=REDACTED&model=m&access_token=REDACTED'",
    );
  });
});
