import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

function tempFile(name: string, text: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), "goodput-cal-"));
  const path = join(dir, name);
  writeFileSync(path, text);
  return { dir, path };
}

const good = `[
  {"phase":"decode","batch":1,"context":512,"seconds":0.0066},
  {"phase":"decode","batch":8,"context":2048,"seconds":0.00745},
  {"phase":"decode","batch":32,"context":2048,"seconds":0.0102},
  {"phase":"prefill","batch":1,"prompt":512,"seconds":0.0150},
  {"phase":"prefill","batch":1,"prompt":2048,"seconds":0.0533}
]`;

describe("goodput calc calibrate", () => {
  it("saves a named profile that other calculators use with --calibration", async () => {
    const { dir, path } = tempFile("m.json", good);
    const env = { GOODPUT_HOME: join(dir, "home") };
    const fit = await runCli(["calc", "calibrate", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--measurements", path, "--name", "lab-h100", "--json"], env);
    expect(fit.code).toBe(0);
    const report = JSON.parse(fit.stdout) as { profile: { name: string; gpuId: string }; decode: { points: number } };
    expect(report.profile).toMatchObject({ name: "lab-h100", gpuId: "h100-sxm" });
    expect(report.decode.points).toBe(3);
    const calibrated = await runCli(["calc", "prefill", "--gpu", "h100-sxm", "--model", "llama-3.2-1b", "--prompt", "512,2048", "--batch", "1", "--calibration", "lab-h100", "--json"], env);
    expect(calibrated.code).toBe(0);
    const points = JSON.parse(calibrated.stdout) as { batch: number; prompt: number; prefillSeconds: number }[];
    expect(points.map((point) => [point.batch, point.prompt])).toEqual([[1, 512], [1, 2048]]);
    const missing = await runCli(["calc", "roofline", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--calibration", "nope"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/UNKNOWN_CALIBRATION.*"nope".*lab-h100/);
  });

  it.each([
    ["not JSON", "[{", /not valid JSON/],
    ["not an array", '{"phase":"decode"}', /non-empty JSON array/],
    ["unknown phase", '[{"phase":"warmup","batch":1,"context":1,"seconds":1}]', /:1 \(entry 1\): phase/],
    ["negative seconds on line 3", '[\n {"phase":"decode","batch":1,"context":512,"seconds":0.0066},\n {"phase":"decode","batch":8,"context":2048,"seconds":-1}\n]', /m\.json:3 \(entry 2\): seconds = -1/],
    ["zero batch", '[{"phase":"prefill","batch":0,"prompt":512,"seconds":0.01}]', /batch = 0/],
    ["missing context", '[{"phase":"decode","batch":2,"seconds":0.01}]', /context is missing/],
  ])("rejects a malformed file (%s) with exit 2, naming the line and field", async (_label, text, pattern) => {
    const { dir, path } = tempFile("m.json", text);
    const result = await runCli(["calc", "calibrate", "--gpu", "h100-sxm", "--model", "llama-3-8b", "--measurements", path, "--name", "x"], { GOODPUT_HOME: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/BAD_MEASUREMENTS/);
    expect(result.stderr).toMatch(pattern);
  });
});
