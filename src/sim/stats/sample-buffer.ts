import { quantileSorted } from "../../stats/quantile.js";

/**
 * Every value of one latency metric, in a growable typed array (8 bytes a value), so the summary's
 * percentiles are exact sample quantiles by the lab's one definition — linear interpolation at
 * h = (n − 1)p, Hyndman & Fan type 7 (docs/design.md §6, R's and NumPy's default), as the load generator uses.
 */
export class SampleBuffer {
  private values: Float64Array;
  count = 0;
  sum = 0;
  max = -Infinity;

  /**
   * @param keepValues false keeps only count, sum and max (constant memory): for an online simulation
   * that never ends (serve), whose percentiles come from its Prometheus histograms instead.
   */
  constructor(private readonly keepValues = true) {
    this.values = new Float64Array(keepValues ? 1024 : 0);
  }

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
    if (!this.keepValues) return;
    if (this.count - 1 === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count - 1] = value;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** The values in ascending order (a copy: the buffer keeps accepting values); empty when values are not kept. */
  sorted(): Float64Array {
    return this.keepValues ? this.values.slice(0, this.count).sort() : new Float64Array(0);
  }
}

/** The q-quantiles of `sorted` (ascending); NaN when empty. */
export const quantilesOf = (sorted: Float64Array, probabilities: readonly number[]): number[] => probabilities.map((probability) => quantileSorted(sorted, probability));
