/** The workload generator: arrival processes, length distributions and the lazy request stream. */
export { createArrivalProcess, firstUnsortedIndex, type ArrivalProcess } from "./arrivals.js";
export { normalCdf, sampleExponential, sampleGamma, sampleLognormal, sampleNormal, sampleStandardNormal, sampleTruncatedPareto } from "./distributions.js";
export { createDurationSampler, type DurationSampler } from "./duration-sampler.js";
export { createRequestStream, type RequestStream, type RequestStreamOptions, type SimRequestSpec } from "./generate-requests.js";
export { createLengthSampler, lengthAcceptanceProbability, minAcceptanceProbability, type LengthSampler } from "./length-sampler.js";
export { createWeightedChoice, type WeightedChoice } from "./weighted-choice.js";
export {
  arrivalSchema,
  durationDistSchema,
  lengthDistSchema,
  maxPrefixGroups,
  maxUsersPerTenant,
  workloadSchema,
  type ArrivalConfig,
  type DurationDistConfig,
  type LengthDistConfig,
  type WorkloadConfig,
  type WorkloadInput,
} from "./workload-schema.js";
export { createZipfSampler, maxZipfCount, type ZipfSampler } from "./zipf-sampler.js";
