import { GoodputError } from "../errors.js";
import { minimizeNelderMead } from "../numeric/nelder-mead.js";
import type { Deployment } from "./deployment.js";
import { prefillTime, uniformDecodeStepTime } from "./step-time.js";
import type { DecodeTerms, PrefillTerms, StepTimeProfile } from "./step-time-profile.js";

/** A measured step; `model` names another catalog model than the calibration's own (optional). */
export type Measurement =
  | { readonly phase: "decode"; readonly batch: number; readonly context: number; readonly seconds: number; readonly model?: string | undefined }
  | { readonly phase: "prefill"; readonly batch: number; readonly prompt: number; readonly seconds: number; readonly cached?: number | undefined; readonly model?: string | undefined };

export interface PointFit {
  readonly measurement: Measurement;
  readonly predictedSeconds: number;
  readonly uncalibratedSeconds: number;
  /** Prediction for this point from a fit that left it out. */
  readonly leaveOneOutSeconds: number | null;
}

export interface PhaseFitReport {
  readonly points: number;
  readonly fitted: boolean;
  /** Mean absolute percentage error of the starting (uncalibrated) profile. */
  readonly uncalibratedMape: number | null;
  readonly inSampleMape: number | null;
  readonly leaveOneOutMape: number | null;
}

export interface CalibrationResult {
  readonly profile: StepTimeProfile;
  readonly decode: PhaseFitReport;
  readonly prefill: PhaseFitReport;
  readonly points: readonly PointFit[];
}

/**
 * Weight of the log-space pull of each term toward the starting profile. On one model the fixed
 * overhead, the per-layer overhead and the weight-streaming time are all constants, so the data
 * cannot split them; the split then follows the priors. Efficiency shares are hardware properties
 * (sustained bandwidth sits at 80–92 % of the datasheet), overheads vary by engine and host, so the
 * shares are held firmer. Measurements of several models make every term identifiable.
 */
// Far below the data term (a 1 % error costs 1e-4), so the priors only decide flat directions.
const decodePriors = { fixedSeconds: 1e-7, perLayerSeconds: 1e-7, perSequenceSeconds: 1e-7, weightBandwidthEfficiency: 1e-5, kvBandwidthEfficiency: 1e-6, computeEfficiency: 1e-6 } as const;
const prefillPriors = { fixedSeconds: 1e-7, perLayerSeconds: 1e-7, perSequenceSeconds: 1e-7, computeEfficiency: 1e-6, attentionEfficiency: 1e-6, weightBandwidthEfficiency: 1e-5 } as const;

/** A model that just returns its prediction for a measurement under given terms. */
type Predict<T> = (terms: T, measurement: Measurement) => number;

function fitTerms<T extends DecodeTerms | PrefillTerms>(start: T, priors: Readonly<Record<keyof T & string, number>>, measurements: readonly Measurement[], predict: Predict<T>): T {
  const keys = Object.keys(priors) as (keyof T & string)[];
  const priorWeights = keys.map((key) => priors[key]);
  const startLogs = keys.map((key) => Math.log(Math.max(start[key] as number, 1e-9)));
  const termsAt = (logs: readonly number[]): T => {
    const terms: Record<string, number> = { ...start };
    keys.forEach((key, index) => {
      terms[key] = Math.exp(logs[index] ?? 0);
    });
    return terms as unknown as T;
  };
  // Relative (log) error so a 2 ms and a 200 ms point count alike; a weak prior keeps terms the
  // data cannot separate (e.g. fixed vs per-layer overhead on a single model) at their defaults.
  const objective = (logs: readonly number[]): number => {
    const terms = termsAt(logs);
    let sum = 0;
    for (const measurement of measurements) sum += Math.log(predict(terms, measurement) / measurement.seconds) ** 2;
    let prior = 0;
    logs.forEach((value, index) => (prior += (priorWeights[index] ?? 0) * (value - (startLogs[index] ?? 0)) ** 2));
    return sum / measurements.length + prior;
  };
  let result = minimizeNelderMead(objective, startLogs, { step: 0.3 });
  // Restart from the best point: Nelder–Mead can stall on a collapsed simplex.
  for (let restart = 0; restart < 2; restart++) result = minimizeNelderMead(objective, result.point, { step: 0.1 });
  return termsAt(result.point);
}

const mape = (pairs: readonly (readonly [number, number])[]): number | null =>
  pairs.length === 0 ? null : pairs.reduce((sum, [predicted, measured]) => sum + Math.abs(predicted - measured) / measured, 0) / pairs.length;

/**
 * Fits the decode and prefill terms of a step-time profile to measured step times (SPEC §3.9) by
 * minimising squared log error, and reports the error on held-out points (leave-one-out).
 * A phase with fewer than 2 points keeps its starting terms.
 */
export function calibrateStepTime(
  deployment: Deployment,
  measurements: readonly Measurement[],
  options: {
    readonly name: string;
    readonly start: StepTimeProfile;
    /** Deployments of other models named by measurements' `model` field (same GPU). */
    readonly otherModels?: ReadonlyMap<string, Deployment>;
  },
): CalibrationResult {
  if (measurements.length === 0) throw new GoodputError("BAD_MEASUREMENTS", "No measurements to fit; give at least 2 decode or 2 prefill points.");
  const deploymentOf = (m: Measurement): Deployment => {
    if (m.model === undefined) return deployment;
    const other = options.otherModels?.get(m.model);
    if (!other) throw new GoodputError("BAD_MEASUREMENTS", `A measurement names model "${m.model}" that was not resolved; use a catalog model id.`);
    return other;
  };
  const decodePredict: Predict<DecodeTerms> = (terms, m) =>
    m.phase === "decode" ? uniformDecodeStepTime(deploymentOf(m), m.batch, m.context, { ...options.start, decode: terms }).stepSeconds : NaN;
  const prefillPredict: Predict<PrefillTerms> = (terms, m) =>
    m.phase === "prefill" ? prefillTime(deploymentOf(m), { batch: m.batch, promptTokens: m.prompt, cachedTokens: m.cached ?? 0 }, { ...options.start, prefill: terms }).stepSeconds : NaN;
  const decodePoints = measurements.filter((m) => m.phase === "decode");
  const prefillPoints = measurements.filter((m) => m.phase === "prefill");
  const fitDecode = (points: readonly Measurement[]): DecodeTerms => (points.length >= 2 ? fitTerms(options.start.decode, decodePriors, points, decodePredict) : options.start.decode);
  const fitPrefill = (points: readonly Measurement[]): PrefillTerms => (points.length >= 2 ? fitTerms(options.start.prefill, prefillPriors, points, prefillPredict) : options.start.prefill);
  const decode = fitDecode(decodePoints);
  const prefill = fitPrefill(prefillPoints);
  const profile: StepTimeProfile = {
    ...options.start,
    name: options.name,
    gpuId: deployment.gpu.id,
    decode,
    prefill,
    source: `fitted by goodput calc calibrate on ${deployment.model.id} × ${deployment.gpu.id} (${decodePoints.length} decode, ${prefillPoints.length} prefill points)`,
  };
  const predictWith = (m: Measurement, d: DecodeTerms, p: PrefillTerms): number => (m.phase === "decode" ? decodePredict(d, m) : prefillPredict(p, m));
  const points = measurements.map((measurement): PointFit => {
    const samePhase = measurement.phase === "decode" ? decodePoints : prefillPoints;
    const others = samePhase.filter((other) => other !== measurement);
    const leaveOneOutSeconds =
      others.length >= 2
        ? measurement.phase === "decode"
          ? decodePredict(fitDecode(others), measurement)
          : prefillPredict(fitPrefill(others), measurement)
        : null;
    return {
      measurement,
      predictedSeconds: predictWith(measurement, decode, prefill),
      uncalibratedSeconds: predictWith(measurement, options.start.decode, options.start.prefill),
      leaveOneOutSeconds,
    };
  });
  const report = (phase: Measurement["phase"]): PhaseFitReport => {
    const phasePoints = points.filter((point) => point.measurement.phase === phase);
    const held = phasePoints.flatMap((point) => (point.leaveOneOutSeconds === null ? [] : [[point.leaveOneOutSeconds, point.measurement.seconds] as const]));
    return {
      points: phasePoints.length,
      fitted: phasePoints.length >= 2,
      uncalibratedMape: mape(phasePoints.map((point) => [point.uncalibratedSeconds, point.measurement.seconds] as const)),
      inSampleMape: mape(phasePoints.map((point) => [point.predictedSeconds, point.measurement.seconds] as const)),
      leaveOneOutMape: held.length === 0 ? null : mape(held),
    };
  };
  return { profile, decode: report("decode"), prefill: report("prefill"), points };
}
