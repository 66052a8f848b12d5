import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { workloadSchema } from "../../../src/sim/workload/workload-schema.js";

/** "path: message" for every issue, as the scenario loader reports them. */
function issuesOf(input: unknown): string[] {
  const parsed = workloadSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

const base = {
  arrivals: { process: "poisson", ratePerSecond: 20 },
  promptTokens: { dist: "fixed", value: 512 },
  outputTokens: { dist: "powerlaw", alpha: 1.8, min: 16, max: 4096 },
};

describe("workloadSchema", () => {
  it("accepts the documented YAML example and fills defaults", () => {
    const yaml = `
arrivals: { process: poisson, ratePerSecond: 20 }
promptTokens: { dist: fixed, value: 512 }
outputTokens: { dist: powerlaw, alpha: 1.8, min: 16, max: 4096 }
tenants:
  - { name: acme, weight: 3, tier: premium, latencySensitive: true }
  - { name: batchco, weight: 1, tier: standard, latencySensitive: false }
users: { count: 1000, zipf: 1.1 }
prefixGroups: { count: 8, tokens: { dist: fixed, value: 1024 }, zipf: 1.0, share: 0.9 }
sessions:
  share: 0.3
  turns: { dist: uniform, min: 2, max: 6 }
  thinkSeconds: { dist: lognormal, median: 8, sigma: 1 }
`;
    const config = workloadSchema.parse(parseYaml(yaml));
    expect(config.tenants).toHaveLength(2);
    expect(config.longPromptTokens).toBe(2048);
    const minimal = workloadSchema.parse(base);
    expect(minimal.tenants).toEqual([{ name: "default", weight: 1, tier: "standard", latencySensitive: false }]);
    expect(minimal.users).toBeUndefined();
  });

  it("rejects a negative rate, min > max and an unknown key, every issue with its path", () => {
    const issues = issuesOf({
      ...base,
      arrivals: { process: "poisson", ratePerSecond: -5 },
      outputTokens: { dist: "uniform", min: 100, max: 10 },
      promptTokens: { dist: "fixed", value: 512, vaule: 3 },
    });
    expect(issues).toHaveLength(3);
    expect(issues.some((issue) => issue.startsWith("arrivals.ratePerSecond:"))).toBe(true);
    expect(issues.some((issue) => issue.startsWith("outputTokens.max: min must not exceed max"))).toBe(true);
    expect(issues.some((issue) => issue.startsWith("promptTokens:") && issue.includes("vaule"))).toBe(true);
  });

  it("rejects an unsorted trace at the first bad index", () => {
    expect(issuesOf({ ...base, arrivals: { process: "trace", timestamps: [0, 1, 0.5, 2] } })).toEqual([
      "arrivals.timestamps.2: timestamps must be sorted nondecreasing: timestamps[2] = 0.5 comes before timestamps[1] = 1; sort the trace",
    ]);
  });

  it("rejects unknown processes and distributions, zero lengths, duplicate tenants, shares above 1 and hopeless truncation windows", () => {
    const issues = issuesOf({
      arrivals: { process: "weibull", ratePerSecond: 1 },
      promptTokens: { dist: "normal", mean: 100_000, sd: 10, min: 1, max: 100 },
      outputTokens: { dist: "fixed", value: 0 },
      tenants: [{ name: "a" }, { name: "a" }],
      sessions: { share: 1.5, turns: { dist: "fixed", value: 2 }, thinkSeconds: { dist: "exponential", mean: 5 } },
    });
    const paths = issues.map((issue) => issue.split(":")[0]);
    expect(paths).toEqual(expect.arrayContaining(["arrivals.process", "promptTokens", "outputTokens.value", "tenants.1.name", "sessions.share"]));
  });
});
