/**
 * Seeded, splittable randomness for the simulator, the load generator and every resampling
 * estimator. Every consumer draws from its own named stream (arrivals, lengths, router,
 * failures, …) so that changing a policy never shifts the numbers another part of the system
 * sees: that is what makes common random numbers work.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 32-bit state words, seeded through
 * SplitMix32 from (seed, FNV-1a hash of the stream name).
 */
import { fnv1a } from "./hash.js";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** A child stream, independent of this one, named relative to it. */
  fork(name: string): Rng;
  readonly seed: number;
  readonly stream: string;
}

function splitMix32(state: number): () => number {
  let value = state >>> 0;
  return () => {
    value = (value + 0x9e3779b9) >>> 0;
    let z = value;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * The xoshiro128** generator (Blackman & Vigna 2018, prng.di.unimi.it/xoshiro128starstar.c) from
 * an explicit 128-bit state; each call returns the next 32-bit output as an unsigned integer.
 * The state must not be all zero.
 */
export function xoshiro128StarStar(state: readonly [number, number, number, number]): () => number {
  let [s0, s1, s2, s3] = state.map((word) => word >>> 0) as [number, number, number, number];
  if ((s0 | s1 | s2 | s3) === 0) throw new RangeError("xoshiro128** state must not be all zero");
  return () => {
    const times5 = Math.imul(s1, 5) >>> 0;
    const result = Math.imul(((times5 << 7) | (times5 >>> 25)) >>> 0, 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = ((s3 << 11) | (s3 >>> 21)) >>> 0;
    return result;
  };
}

/** A stream of uniform numbers for (seed, stream name); same inputs, same numbers, on any machine. */
export function createRng(seed: number, stream = "root"): Rng {
  const mix = splitMix32((Math.imul(seed >>> 0, 0x9e3779b1) ^ fnv1a(stream)) >>> 0);
  const state: [number, number, number, number] = [mix(), mix(), mix(), mix()];
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  const nextWord = xoshiro128StarStar(state);
  const next = (): number => nextWord() / 4294967296;
  return { next, fork: (name) => createRng(seed, `${stream}/${name}`), seed, stream };
}

/**
 * A uniform in [0, 1) determined only by (seed, a, b): for per-request draws (quality gates) that
 * must not depend on the order events happen in, so every policy sees the same draw.
 */
export function hashUniform(seed: number, a: number, b = 0): number {
  let h = Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(a >>> 0, 0x85ebca6b) ^ Math.imul((b + 0x27d4eb2f) >>> 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
