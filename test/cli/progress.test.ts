import { describe, expect, test } from "vitest";
import { main } from "../../src/cli/main.js";
import { createProgress, formatEta } from "../../src/cli/progress.js";

function recorder(isTty: boolean) {
  let clockMs = 0;
  const written: string[] = [];
  const progress = createProgress({ label: "sim", total: 1000, isTty, write: (text) => written.push(text), nowMs: () => clockMs, minIntervalMs: 200 });
  return { progress, written, advance: (ms: number) => (clockMs += ms) };
}

describe("createProgress()", () => {
  test("on a TTY: n of N, percent and ETA = elapsed × (N − n) / n, redrawn in place", () => {
    const { progress, written, advance } = recorder(true);
    advance(1000);
    progress.update(250); // 1 s for 250 → 750 left at 250/s = 3 s
    expect(written).toEqual(["\r\x1b[Ksim: 250 of 1,000 (25 %), ETA 0:03"]);
    advance(3000);
    progress.update(800); // 4 s for 800 → 200 left at 200/s = 1 s
    expect(written[1]).toBe("\r\x1b[Ksim: 800 of 1,000 (80 %), ETA 0:01");
    progress.finish();
    expect(written[2]).toBe("\r\x1b[K");
  });

  test("redraws at most every minIntervalMs (injected clock), and never shows more than the total", () => {
    const { progress, written, advance } = recorder(true);
    progress.update(1); // t = 0: drawn (the first update always is)
    advance(100);
    progress.update(2); // 100 ms later: skipped
    advance(100);
    progress.update(5000); // 200 ms after the first draw: drawn, clamped to 1,000
    expect(written).toHaveLength(2);
    expect(written[1]).toBe("\r\x1b[Ksim: 1,000 of 1,000 (100 %), ETA 0:00");
  });

  test("not a TTY: writes nothing at all (logs and pipes stay clean)", () => {
    const { progress, written, advance } = recorder(false);
    advance(1000);
    progress.update(500);
    progress.finish();
    expect(written).toEqual([]);
  });

  test("formatEta() writes m:ss and h:mm:ss", () => {
    expect(formatEta(3)).toBe("0:03");
    expect(formatEta(125)).toBe("2:05");
    expect(formatEta(3 * 3600 + 7 * 60 + 9)).toBe("3:07:09");
  });
});

describe("goodput sim progress", () => {
  const run = async (stderrIsTty: boolean): Promise<string> => {
    let stderr = "";
    const code = await main(["sim", "--scenario", "examples/batched.yaml", "--requests", "3000"], { stdout: () => undefined, stderr: (text) => (stderr += text), stderrIsTty }, process.cwd(), {});
    expect(code).toBe(0);
    return stderr;
  };

  test("draws n of 3,000 with an ETA on a terminal, and prints no progress when stderr is not one", async () => {
    expect(await run(true)).toMatch(/of 3,000 \(\d+ %\), ETA \d+:\d\d/);
    expect(await run(false)).not.toMatch(/of 3,000|ETA/);
  });
});

describe("readout progress", () => {
  test("the quantile bootstrap draws n of N on a TTY only", async () => {
    const run = async (stderrIsTty: boolean): Promise<string> => {
      let stderr = "";
      const args = ["readout", "test/fixtures/stats/lalonde-nsw.csv", "--outcome", "re78", "--treatment", "treat", "--control", "0", "--bootstrap", "200", "--permutations", "100"];
      const code = await main(args, { stdout: () => undefined, stderr: (text) => (stderr += text), stderrIsTty }, process.cwd(), {});
      expect(code).toBe(0);
      return stderr;
    };
    const onTerminal = await run(true);
    expect(onTerminal).toMatch(/re78: quantile bootstrap: \d+ of 200 \(\d+ %\)/);
    expect(await run(false)).not.toMatch(/quantile bootstrap/);
  });
});
