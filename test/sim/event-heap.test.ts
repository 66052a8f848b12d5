import { describe, expect, it } from "vitest";
import { EventHeap } from "../../src/sim/event-heap.js";
import { createRng } from "../../src/numeric/rng.js";

describe("EventHeap", () => {
  it("pops in (time, insertion order) order against a sorted-list oracle under interleaved pushes and pops", () => {
    const rng = createRng(11, "event-heap");
    const heap = new EventHeap<number>();
    // Oracle: a plain array kept sorted by (time, insertion id); times drawn from 20 values so ties are common.
    const oracle: { time: number; id: number }[] = [];
    let nextId = 0;
    for (let operation = 0; operation < 5000; operation++) {
      if (oracle.length === 0 || rng.next() < 0.55) {
        const time = Math.floor(rng.next() * 20) / 4;
        heap.push(time, nextId);
        oracle.push({ time, id: nextId });
        oracle.sort((a, b) => a.time - b.time || a.id - b.id);
        nextId++;
      } else {
        const expected = oracle.shift();
        const popped = heap.pop();
        expect(popped).toEqual({ timeSeconds: expected?.time, payload: expected?.id });
      }
      expect(heap.size).toBe(oracle.length);
      expect(heap.peekTime()).toBe(oracle[0]?.time ?? Infinity);
    }
  });

  it("is empty-safe: pop on an empty heap gives undefined and peekTime Infinity", () => {
    const heap = new EventHeap<string>();
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekTime()).toBe(Infinity);
  });
});
