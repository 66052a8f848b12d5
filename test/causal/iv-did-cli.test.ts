import { goodputErrorOfAsync } from "../goodput-error-of.js";
import { describe, expect, test } from "vitest";
import type { CommandContext, OptionValues } from "../../src/cli/command.js";
import { runDidReadout, runIvReadout } from "../../src/cli/readout-iv-did.js";
import { GoodputError } from "../../src/errors.js";
import { fixturePath } from "./read-fixture.js";

const context = (values: OptionValues): CommandContext => ({ values, positionals: [], io: { stdout: () => undefined, stderr: () => undefined }, cwd: process.cwd(), env: {} });
const rejected = (run: Promise<unknown>): Promise<GoodputError> => goodputErrorOfAsync(() => run);

interface IvJson { design: string; assumption: string; estimate: { estimate: number; standardError: number; ci95: number[]; df: number; n: number }; firstStage: { F: number; coefficient: number; standardError: number }; reducedForm: { estimate: number }; itt?: { y: { estimate: number }; d: { estimate: number } }; late?: { estimate: number }; warnings: string[] }
interface DidJson { design: string; assumption: string; estimate: { estimate: number; n: number }; eventStudy: { relativeTime: number; estimate: number; standardError: number; ci95: number[] }[]; preTrend: { F: number; df1: number; df2: number; pValue: number }; staggered: { cohorts: unknown[]; warning: string | null } }

describe("runIvReadout()", () => {
  const cigarettes = fixturePath("cigarettes-1995.csv");
  const values = { outcome: ["log_packs"], treatment: "log_rprice", instrument: "salestax", covariate: ["log_rincome"] };

  test("reads the table and returns the 2SLS JSON with the AER reference figures and an assumption-first text", async () => {
    const { json, text } = await runIvReadout(context(values), cigarettes);
    const result = JSON.parse(JSON.stringify(json)) as IvJson;
    expect(result.design).toBe("iv");
    expect(result.estimate.estimate).toBeCloseTo(-1.143375122204642, 9);
    expect(result.estimate.standardError).toBeCloseTo(0.3723026878823068, 9);
    expect(result.firstStage.F).toBeCloseTo(44.730526097514257, 7);
    expect(result.estimate.n).toBe(48);
    expect(result.itt).toBeUndefined();
    expect(text.indexOf("Identification assumption")).toBeLessThan(text.indexOf("Diagnostics"));
    expect(text.indexOf("Diagnostics")).toBeLessThan(text.indexOf("Estimate"));
    expect(text).toMatch(/robust F = 44\.73/);
  });

  test("a binary assigned arm adds ITT_Y, ITT_D and the LATE", async () => {
    const { json, text } = await runIvReadout(context({ outcome: ["y"], treatment: "d", instrument: "z" }), fixturePath("encouragement.csv"));
    const result = JSON.parse(JSON.stringify(json)) as IvJson;
    expect(result.late!.estimate).toBeCloseTo(result.itt!.y.estimate / result.itt!.d.estimate, 12);
    expect(text).toMatch(/LATE = ITT_Y \/ ITT_D/);
  });

  test("a missing instrument column is BAD_INPUT (exit 2) naming the column and flag", async () => {
    const error = await rejected(runIvReadout(context({ ...values, instrument: "tax" }), cigarettes));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/no column "tax" \(from --instrument\)/);
  });

  test("no --instrument is BAD_USAGE", async () => {
    const error = await rejected(runIvReadout(context({ outcome: ["log_packs"], treatment: "log_rprice" }), cigarettes));
    expect(error.code).toBe("BAD_USAGE");
    expect(error.message).toMatch(/--instrument/);
  });

  test("a non-numeric column is BAD_INPUT naming the value", async () => {
    const error = await rejected(runIvReadout(context({ ...values, covariate: ["state"] }), cigarettes));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/column "state" \(from --covariate\) is not numeric/);
  });
});

describe("runDidReadout()", () => {
  const panel = fixturePath("did-panel.csv");
  const values = { outcome: ["y"], unit: "unit", time: "time", treatment: "treated" };

  test("returns TWFE, the event study, the pre-trend F and the staggered-adoption warning", async () => {
    const { json, text } = await runDidReadout(context({ ...values, "event-window": "-4:4" }), panel);
    const result = JSON.parse(JSON.stringify(json)) as DidJson;
    expect(result.design).toBe("did");
    expect(result.estimate.n).toBe(356);
    expect(result.eventStudy.map((row) => row.relativeTime)).toEqual([-4, -3, -2, 0, 1, 2, 3, 4]);
    expect(result.preTrend.df1).toBe(3);
    expect(result.preTrend.df2).toBe(35);
    expect(result.staggered.cohorts).toHaveLength(2);
    expect(result.staggered.warning).toMatch(/Staggered adoption/);
    expect(text.indexOf("Identification assumption: Parallel trends")).toBeGreaterThanOrEqual(0);
    expect(text.indexOf("Identification assumption")).toBeLessThan(text.indexOf("pre-trend test"));
    expect(text).toMatch(/-4 and 4 bin everything beyond/);
  });

  test("a malformed --event-window is BAD_USAGE naming the value", async () => {
    const error = await rejected(runDidReadout(context({ ...values, "event-window": "4:-4" }), panel));
    expect(error.code).toBe("BAD_USAGE");
    expect(error.message).toMatch(/--event-window "4:-4"/);
  });

  test("a treatment column that is not 0/1 is BAD_INPUT naming the column, value and row", async () => {
    const error = await rejected(runDidReadout(context({ ...values, treatment: "time" }), panel));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/column "time" \(from --treatment\) is 2 at row 2/);
  });

  test("a missing unit column names the flag", async () => {
    const error = await rejected(runDidReadout(context({ ...values, unit: "region" }), panel));
    expect(error.message).toMatch(/no column "region" \(from --unit\)/);
  });
});
