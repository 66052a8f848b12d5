import { describe, expect, it } from "vitest";
import { builtInCatalog } from "../../src/catalog/catalog.js";
import { builtInGpus } from "../../src/catalog/gpu-catalog.js";
import { builtInModels } from "../../src/catalog/model-catalog.js";
import { computeKvPool } from "../../src/physics/kv-pool.js";
import type { CommandSpec } from "../../src/cli/command.js";
import { calcKvCommand } from "../../src/cli/commands/calc-kv.js";
import { calcMoeCommand } from "../../src/cli/commands/calc-moe.js";
import { calcPrefillCommand } from "../../src/cli/commands/calc-prefill.js";
import { calcRooflineCommand } from "../../src/cli/commands/calc-roofline.js";

/** Runs a command's run() directly so NaN is seen before JSON.stringify turns it into null. */
async function runCommand(command: CommandSpec, values: Record<string, string>) {
  const result = await command.run?.({ values, positionals: [], io: { stdout: () => undefined, stderr: () => undefined }, cwd: process.cwd(), env: {} });
  if (!result) throw new Error(`${command.name} returned nothing`);
  return result;
}

/** Every number in a JSON value, with its path. */
function numbersIn(value: unknown, path: string, out: [string, number][]): [string, number][] {
  if (typeof value === "number") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((item, i) => numbersIn(item, `${path}[${i}]`, out));
  else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) numbersIn(item, `${path}.${key}`, out);
  return out;
}

/** The smallest power-of-two TP that holds the weights and divides the heads (as an operator would pick). */
function smallestTp(modelIndex: number, gpuIndex: number): number {
  const model = builtInModels[modelIndex]?.spec;
  const gpu = builtInGpus[gpuIndex];
  if (!model || !gpu) throw new Error("catalog index");
  for (let tp = 1; tp <= 256; tp *= 2) {
    try {
      computeKvPool({ model, gpu, tensorParallel: tp, kvDtype: "bf16" });
      return tp;
    } catch {
      // does not fit (or TP invalid): try the next power of two
    }
  }
  throw new Error(`${model.id} fits on no TP ≤ 256 of ${gpu.id}`);
}

describe("every built-in model × GPU through every model calculator: no NaN, no Infinity", () => {
  expect(builtInCatalog.models.length).toBeGreaterThanOrEqual(13);
  builtInModels.forEach((entry, modelIndex) => {
    it(`${entry.spec.id} on every GPU`, async () => {
      for (const [gpuIndex, gpu] of builtInGpus.entries()) {
        const tp = String(smallestTp(modelIndex, gpuIndex));
        const base = { gpu: gpu.id, model: entry.spec.id, tp };
        const runs: [CommandSpec, Record<string, string>][] = [
          [calcKvCommand, { ...base, context: "512,8192,131072", "arrival-rate": "2", "residence-seconds": "5", "live-tokens": "2048" }],
          [calcRooflineCommand, { ...base, context: "4096", "slo-tpot-ms": "50" }],
          [calcRooflineCommand, { ...base, context: "2048" }],
          [calcPrefillCommand, { ...base, prompt: "512,32768", "decode-batch": "1" }],
          ...(entry.spec.moe ? [[calcMoeCommand, { ...base, batch: "1,64" }] as [CommandSpec, Record<string, string>]] : []),
        ];
        for (const [command, values] of runs) {
          const label = `calc ${command.name} ${JSON.stringify(values)}`;
          const result = await runCommand(command, values);
          const bad = numbersIn(result.json, "$", []).filter(([, n]) => !Number.isFinite(n));
          expect(bad, label).toEqual([]);
          expect(result.text, label).not.toMatch(/NaN|Infinity|∞/);
        }
      }
    }, 60_000);
  });
});
