/** Seeded multiplicative noise (mulberry32), ±2 %, like run-to-run jitter of real measurements: calibration tests share it. */
export function measurementNoise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return 1 + 0.04 * (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5);
  };
}
