import { GoodputError } from "../errors.js";
import { nearestNames } from "./_nearest-names.js";
import { builtInGpus } from "./gpu-catalog.js";
import { builtInModels, type CatalogModel } from "./model-catalog.js";
import { builtInPriceSnapshots } from "./price-catalog.js";
import type { GpuSpec, ModelSpec, PriceSnapshot } from "./types.js";

/** GPUs, models and price snapshots, looked up by id (or alias), case-insensitively. */
export interface Catalog {
  readonly gpus: readonly GpuSpec[];
  readonly models: readonly CatalogModel[];
  readonly priceSnapshots: readonly PriceSnapshot[];
}

export const builtInCatalog: Catalog = {
  gpus: builtInGpus,
  models: builtInModels,
  priceSnapshots: builtInPriceSnapshots,
};

/** Adds user entries; a user entry with a built-in id replaces it (so figures can be corrected). */
export function extendCatalog(base: Catalog, additions: Partial<Catalog>): Catalog {
  const merge = <T>(existing: readonly T[], added: readonly T[] | undefined, key: (item: T) => string): T[] => {
    const addedKeys = new Set((added ?? []).map(key));
    return [...existing.filter((item) => !addedKeys.has(key(item))), ...(added ?? [])];
  };
  return {
    gpus: merge(base.gpus, additions.gpus, (gpu) => gpu.id),
    models: merge(base.models, additions.models, (model) => model.spec.id),
    priceSnapshots: merge(base.priceSnapshots, additions.priceSnapshots, (price) => price.id),
  };
}

const normalise = (name: string): string => name.trim().toLowerCase();

export function findGpu(catalog: Catalog, name: string): GpuSpec {
  const gpu = catalog.gpus.find((entry) => entry.id === normalise(name));
  if (gpu) return gpu;
  const known = catalog.gpus.map((entry) => entry.id);
  throw new GoodputError(
    "UNKNOWN_GPU",
    `Unknown GPU "${name}" (did you mean ${nearestNames(name, known).join(", ")}?). Known: ${known.join(", ")}; add your own with --catalog FILE.`,
    { where: "--gpu" },
  );
}

export function findModel(catalog: Catalog, name: string): ModelSpec {
  const wanted = normalise(name);
  const model = catalog.models.find((entry) => entry.spec.id === wanted || entry.aliases.includes(wanted));
  if (model) return model.spec;
  const known = catalog.models.map((entry) => entry.spec.id);
  throw new GoodputError(
    "UNKNOWN_MODEL",
    `Unknown model "${name}" (did you mean ${nearestNames(name, known).join(", ")}?). Known: ${known.join(", ")}; or pass --model-config path/to/config.json.`,
    { where: "--model" },
  );
}

export function findPriceSnapshot(catalog: Catalog, name: string): PriceSnapshot {
  const snapshot = catalog.priceSnapshots.find((entry) => entry.id === normalise(name));
  if (snapshot) return snapshot;
  const known = catalog.priceSnapshots.map((entry) => entry.id);
  throw new GoodputError(
    "UNKNOWN_PRICE_SNAPSHOT",
    `Unknown price snapshot "${name}" (did you mean ${nearestNames(name, known).join(", ")}?). Known: ${known.join(", ")}; add your own with --catalog FILE.`,
    { where: "--prices" },
  );
}
