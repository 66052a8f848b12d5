import { countModelParams } from "../catalog/model-params.js";
import { bytesPerElement, type ModelSpec } from "../catalog/types.js";

/** Bytes of weights resident in HBM (all experts included: residency follows total params). */
export function residentWeightBytes(model: ModelSpec): number {
  return countModelParams(model).totalParams * bytesPerElement[model.weightDtype];
}
