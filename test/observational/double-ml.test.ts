import { describe, expect, test } from "vitest";
import { assignFolds, estimateDoubleMl, expandSplineBasis, fitRidge, planSplineBasis } from "../../src/observational/index.js";
import { _designMatrix } from "../../src/observational/_linear-algebra.js";
import { createRng } from "../../src/numeric/rng.js";

/** Partially linear design with confounding through a nonlinear x₁: θ = 1, m(x) = logistic(2 sin 2πx₁ + x₂ − ½), g(x) = 2 sin 2πx₁ + 3(x₂ − ½)². */
function simulate(seed: number, n: number): { y: Float64Array; t: Uint8Array; covariates: Record<string, Float64Array> } {
  const rng = createRng(seed, "test/double-ml");
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const t = new Uint8Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = rng.next();
    x2[i] = rng.next();
    const wave = Math.sin(2 * Math.PI * (x1[i] ?? 0));
    const m = 1 / (1 + Math.exp(-(2 * wave + (x2[i] ?? 0) - 0.5)));
    t[i] = rng.next() < m ? 1 : 0;
    y[i] = 1 * (t[i] ?? 0) + 2 * wave + 3 * ((x2[i] ?? 0) - 0.5) ** 2 + normal();
  }
  return { y, t, covariates: { x1, x2 } };
}

describe("estimateDoubleMl() on simulated data with a known effect θ = 1", () => {
  test("over 20 seeds the 95 % CI covers θ at least 16 times and the mean error is below 0.06, where the raw difference is biased by > 1", () => {
    const errors: number[] = [];
    let covered = 0;
    let rawBias = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const sample = simulate(seed, 800);
      const { estimate } = estimateDoubleMl(sample, { seed });
      errors.push(estimate.estimate - 1);
      if (estimate.ci95[0] <= 1 && estimate.ci95[1] >= 1) covered++;
      let sum1 = 0;
      let sum0 = 0;
      let n1 = 0;
      sample.t.forEach((value, i) => {
        if (value === 1) {
          sum1 += sample.y[i] ?? 0;
          n1++;
        } else sum0 += sample.y[i] ?? 0;
      });
      rawBias += (sum1 / n1 - sum0 / (sample.t.length - n1) - 1) / 20;
    }
    const meanError = errors.reduce((sum, value) => sum + value, 0) / errors.length;
    expect(covered).toBeGreaterThanOrEqual(16);
    expect(Math.abs(meanError)).toBeLessThan(0.06);
    expect(rawBias).toBeGreaterThan(1);
  });

  test("seeded folds are balanced and reproducible; a different seed gives a different split", () => {
    const a = assignFolds(103, 5, 7);
    expect(Array.from(assignFolds(103, 5, 7))).toEqual(Array.from(a));
    const sizes = [0, 1, 2, 3, 4].map((fold) => a.filter((value) => value === fold).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Array.from(assignFolds(103, 5, 8))).not.toEqual(Array.from(a));
  });
});

describe("fitRidge()", () => {
  const x = [1, 2, 3, 4, 5, 6];
  const y = [2.1, 3.9, 6.2, 7.8, 10.1, 12.0];
  const design = _designMatrix([Float64Array.from(x)], { intercept: false });

  test("one column, penalty λ: slope on the standardized column is Σzy/(Σz² + λ) (hand calculation)", () => {
    // x̄ = 3.5, population SD √(17.5/6); z = (x − 3.5)/SD, Σz² = 6, Σz(y − ȳ) = Σ(x − 3.5)y / SD = 34.85 / SD.
    const sd = Math.sqrt(17.5 / 6);
    const lambda = 2;
    const slope = 34.85 / sd / (6 + lambda) / sd;
    const meanY = y.reduce((sum, value) => sum + value, 0) / 6;
    const fitted = fitRidge(design, y, { penalty: lambda }).predict(design);
    x.forEach((value, i) => {
      expect(fitted[i]).toBeCloseTo(meanY + slope * (value - 3.5), 12);
    });
  });

  test("penalty 0 is least squares; GCV on pure noise shrinks to (almost) the mean", () => {
    const fitted = fitRidge(design, y, { penalty: 0 }).predict(design);
    const slope = 34.85 / 17.5;
    const meanY = y.reduce((sum, value) => sum + value, 0) / 6;
    x.forEach((value, i) => {
      expect(fitted[i]).toBeCloseTo(meanY + slope * (value - 3.5), 12);
    });
    const rng = createRng(3, "test/ridge-noise");
    const noiseColumns = Array.from({ length: 8 }, () => Float64Array.from({ length: 60 }, () => rng.next()));
    const noise = Float64Array.from({ length: 60 }, () => rng.next());
    const noiseFit = fitRidge(_designMatrix(noiseColumns, { intercept: false }), noise);
    expect(noiseFit.effectiveDf).toBeLessThan(3);
  });
});

describe("natural spline basis", () => {
  test("is linear beyond the boundary knots and has second differences of zero there", () => {
    const values = Float64Array.from({ length: 50 }, (_, i) => i / 49);
    const rows = Array.from({ length: 50 }, (_, i) => i);
    const terms = planSplineBasis({ x: values }, rows);
    expect(terms[0]).toMatchObject({ kind: "spline", boundary: [0, 1] });
    const outside = Float64Array.from([1.5, 2, 2.5, -0.5, -1, -1.5]);
    const columns = expandSplineBasis(terms, { x: outside }, [0, 1, 2, 3, 4, 5]);
    for (const column of columns) {
      // Second differences vanish on equally spaced points beyond each boundary.
      expect((column[0] ?? 0) - 2 * (column[1] ?? 0) + (column[2] ?? 0)).toBeCloseTo(0, 10);
      expect((column[3] ?? 0) - 2 * (column[4] ?? 0) + (column[5] ?? 0)).toBeCloseTo(0, 10);
    }
  });

  test("a covariate with fewer than 10 distinct values enters linearly", () => {
    expect(planSplineBasis({ d: [0, 1, 0, 1, 1] }, [0, 1, 2, 3, 4])[0]).toEqual({ column: "d", kind: "linear" });
  });
});
