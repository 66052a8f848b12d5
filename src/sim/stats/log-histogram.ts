/**
 * Constant-memory distribution of positive values (latencies): geometric buckets with ratio
 * 1 + 2·relativeError, so any reported quantile is within `relativeError` of a value that was
 * actually in its bucket. Mean, count, min and max are exact.
 */
export class LogHistogram {
  private readonly counts: Float64Array;
  private readonly logRatio: number;
  private readonly minValue: number;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private zeros = 0;

  constructor(options: { relativeError?: number; minValue?: number; maxValue?: number } = {}) {
    const relativeError = options.relativeError ?? 0.005;
    this.minValue = options.minValue ?? 1e-6;
    const maxValue = options.maxValue ?? 1e6;
    this.logRatio = Math.log(1 + 2 * relativeError);
    this.counts = new Float64Array(Math.ceil(Math.log(maxValue / this.minValue) / this.logRatio) + 2);
  }

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value <= 0) {
      this.zeros++;
      return;
    }
    const bucket = Math.min(this.counts.length - 1, Math.max(0, Math.floor(Math.log(value / this.minValue) / this.logRatio)));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** The q-quantile (0–1), as the geometric middle of its bucket clamped to [min, max]; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = q * (this.count - 1);
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    for (let bucket = 0; bucket < this.counts.length; bucket++) {
      seen += this.counts[bucket] ?? 0;
      if (seen > rank) {
        const middle = this.minValue * Math.exp((bucket + 0.5) * this.logRatio);
        return Math.min(this.max, Math.max(this.min, middle));
      }
    }
    return this.max;
  }
}
