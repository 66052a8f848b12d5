import { describe, expect, it } from "vitest";
import { minimizeNelderMead } from "../../src/numeric/nelder-mead.js";

describe("minimizeNelderMead()", () => {
  it("finds the Rosenbrock minimum (1, 1) from the classic start (−1.2, 1)", () => {
    // f(x, y) = (1 − x)² + 100 (y − x²)²: the unique minimum is f(1, 1) = 0 (Rosenbrock 1960).
    const rosenbrock = ([x = 0, y = 0]: readonly number[]): number => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const result = minimizeNelderMead(rosenbrock, [-1.2, 1], { maxIterations: 5000, tolerance: 1e-14 });
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 4);
    expect(result.point[1]).toBeCloseTo(1, 4);
    expect(result.value).toBeLessThan(1e-8);
  });

  it("finds the minimum of a separable quadratic in four dimensions (closed form: the centre)", () => {
    const centre = [3, -2, 0.5, 10];
    const scales = [1, 10, 0.1, 3];
    const quadratic = (point: readonly number[]): number => point.reduce((sum, value, axis) => sum + (scales[axis] ?? 1) * (value - (centre[axis] ?? 0)) ** 2, 0);
    const result = minimizeNelderMead(quadratic, [0, 0, 0, 0], { maxIterations: 20_000, tolerance: 1e-16, step: 1 });
    result.point.forEach((value, axis) => {
      expect(value).toBeCloseTo(centre[axis] ?? NaN, 3);
    });
  });

  it("treats a non-finite objective as worse than any finite value (steps back into the domain)", () => {
    // log-barrier: undefined for x ≤ 0; the minimum of x − log x is at x = 1.
    const barrier = ([x = 0]: readonly number[]): number => (x > 0 ? x - Math.log(x) : NaN);
    const result = minimizeNelderMead(barrier, [0.05], { step: 0.5 });
    expect(result.point[0]).toBeCloseTo(1, 4);
  });

  it("stops at maxIterations and says it did not converge", () => {
    const rosenbrock = ([x = 0, y = 0]: readonly number[]): number => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const result = minimizeNelderMead(rosenbrock, [-1.2, 1], { maxIterations: 5 });
    expect(result.iterations).toBe(5);
    expect(result.converged).toBe(false);
  });
});
