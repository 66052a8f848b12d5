import { describe, expect, it } from "vitest";
import { KeyTable } from "../../src/sim/engine/key-table.js";
import { createRng } from "../../src/numeric/rng.js";

describe("KeyTable (open addressing, backward-shift deletion)", () => {
  it("agrees with a Map over 200,000 random sets, gets and deletes near capacity", () => {
    const rng = createRng(7, "key-table");
    const table = new KeyTable(500);
    const reference = new Map<number, number>();
    // Keys like BlockKeys makes them: namespace · 2^21 + block, up to 2^51; few namespaces collide in probing.
    const randomKey = (): number => (rng.next() < 0.5 ? 1 + Math.floor(rng.next() * 40) : 2 ** 29 + Math.floor(rng.next() * 40)) * 2 ** 21 + Math.floor(rng.next() * 30);
    for (let step = 0; step < 200_000; step++) {
      const key = randomKey();
      const action = rng.next();
      if (action < 0.45 && !reference.has(key) && reference.size < 500) {
        table.set(key, step % 1000);
        reference.set(key, step % 1000);
      } else if (action < 0.8) {
        table.delete(key);
        reference.delete(key);
      }
      expect(table.get(key)).toBe(reference.get(key) ?? -1);
    }
    expect(table.size).toBe(reference.size);
    for (const [key, value] of reference) expect(table.get(key)).toBe(value);
  });
});
