import { GoodputError } from "../errors.js";
import { minimizeNelderMead } from "../numeric/nelder-mead.js";
import type { Deployment } from "./deployment.js";
import { prefillTime, uniformDecodeStepTime } from "./step-time.js";
import { termProblems, type DecodeTerms, type PrefillTerms, type StepTimeProfile } from "./step-time-profile.js";

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

export interface PenaltyCandidate {
  /** Multiplier of the base prior weights; null = keep the priors (no fit). */
  readonly penaltyScale: number | null;
  /** Leave-one-out MAPE of fits with this penalty; null when a fold's fit left the plausible range. */
  readonly leaveOneOutMape: number | null;
}

export interface PhaseFitReport {
  readonly points: number;
  /** True when the fitted terms replaced the priors (their held-out error beat the uncalibrated one). */
  readonly fitted: boolean;
  /** Mean absolute percentage error of the starting (uncalibrated) profile. */
  readonly uncalibratedMape: number | null;
  readonly inSampleMape: number | null;
  /** Held-out error of the chosen terms (the priors' own error when they were kept). */
  readonly leaveOneOutMape: number | null;
  /** The penalty cross-validation chose; null when the priors were kept. */
  readonly penaltyScale: number | null;
  readonly candidates: readonly PenaltyCandidate[];
  /** Why the priors were kept, when they were. */
  readonly keptPriorsBecause: string | null;
}

export interface CalibrationResult {
  readonly profile: StepTimeProfile;
  readonly decode: PhaseFitReport;
  readonly prefill: PhaseFitReport;
  readonly points: readonly PointFit[];
  /** True when at least one phase's fit beat the priors on held-out points (else nothing is worth saving). */
  readonly improved: boolean;
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

function fitTerms<T extends DecodeTerms | PrefillTerms>(start: T, priors: Readonly<Record<keyof T & string, number>>, measurements: readonly Measurement[], predict: Predict<T>, penaltyScale: number, restarts: number): T {
  const keys = Object.keys(priors) as (keyof T & string)[];
  const priorWeights = keys.map((key) => priors[key] * penaltyScale);
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
  for (let restart = 0; restart < restarts; restart++) result = minimizeNelderMead(objective, result.point, { step: 0.1 });
  return termsAt(result.point);
}

const mape = (pairs: readonly (readonly [number, number])[]): number | null =>
  pairs.length === 0 ? null : pairs.reduce((sum, [predicted, measured]) => sum + Math.abs(predicted - measured) / measured, 0) / pairs.length;

/**
 * Fits the decode and prefill terms of a step-time profile to measured step times (docs/design.md §3.9) by
 * minimising squared log error plus a pull toward the starting terms whose strength is chosen by
 * leave-one-out cross-validation. A phase keeps its starting terms when no fit beats them on
 * held-out points, when it has fewer than 3 points, or when a fit leaves the plausible range.
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
  const decodeChoice = choosePhase(options.start.decode, decodePriors, decodePoints, decodePredict, (terms) => termProblems(terms));
  const prefillChoice = choosePhase(options.start.prefill, prefillPriors, prefillPoints, prefillPredict, (terms) => termProblems(terms));
  const profile: StepTimeProfile = {
    ...options.start,
    name: options.name,
    gpuId: deployment.gpu.id,
    decode: decodeChoice.terms,
    prefill: prefillChoice.terms,
    source: `fitted by goodput calc calibrate on ${deployment.model.id} × ${deployment.gpu.id} (${decodePoints.length} decode, ${prefillPoints.length} prefill points)`,
  };
  const points = measurements.map((measurement): PointFit => {
    const decode = measurement.phase === "decode";
    const choice = decode ? decodeChoice : prefillChoice;
    const predict = (d: DecodeTerms, p: PrefillTerms): number => (decode ? decodePredict(d, measurement) : prefillPredict(p, measurement));
    return {
      measurement,
      predictedSeconds: predict(decodeChoice.terms, prefillChoice.terms),
      uncalibratedSeconds: predict(options.start.decode, options.start.prefill),
      leaveOneOutSeconds: choice.heldOut.get(measurement) ?? null,
    };
  });
  const report = (phase: Measurement["phase"], choice: PhaseChoice<DecodeTerms | PrefillTerms>): PhaseFitReport => {
    const phasePoints = points.filter((point) => point.measurement.phase === phase);
    return {
      points: phasePoints.length,
      fitted: choice.penaltyScale !== null,
      uncalibratedMape: mape(phasePoints.map((point) => [point.uncalibratedSeconds, point.measurement.seconds] as const)),
      inSampleMape: mape(phasePoints.map((point) => [point.predictedSeconds, point.measurement.seconds] as const)),
      leaveOneOutMape: choice.leaveOneOutMape,
      penaltyScale: choice.penaltyScale,
      candidates: choice.candidates,
      keptPriorsBecause: choice.keptPriorsBecause,
    };
  };
  const decode = report("decode", decodeChoice);
  const prefill = report("prefill", prefillChoice);
  return { profile, decode, prefill, points, improved: decode.fitted || prefill.fitted };
}

/** Penalty multipliers tried by cross-validation, weakest first (×1 = the base weights above). */
const penaltyScales = [1, 1e2, 1e4, 1e6] as const;

interface PhaseChoice<T> {
  readonly terms: T;
  readonly penaltyScale: number | null;
  readonly leaveOneOutMape: number | null;
  readonly heldOut: ReadonlyMap<Measurement, number>;
  readonly candidates: readonly PenaltyCandidate[];
  readonly keptPriorsBecause: string | null;
}

/**
 * Regularized fit of one phase with the penalty chosen by leave-one-out cross-validation. The
 * priors themselves are a candidate (their held-out error is their plain error), so the chosen
 * terms never have a higher held-out error than the uncalibrated profile; a fit whose terms leave
 * the plausible range (the loader's bounds) in any fold is discarded.
 */
function choosePhase<T extends DecodeTerms | PrefillTerms>(
  start: T,
  priors: Readonly<Record<keyof T & string, number>>,
  points: readonly Measurement[],
  predict: Predict<T>,
  problems: (terms: T) => readonly string[],
): PhaseChoice<T> {
  const uncalibrated = new Map(points.map((m) => [m, predict(start, m)] as const));
  const uncalibratedMape = mape(points.map((m) => [uncalibrated.get(m) ?? NaN, m.seconds] as const));
  const keep = (because: string, candidates: readonly PenaltyCandidate[]): PhaseChoice<T> => ({
    terms: start,
    penaltyScale: null,
    leaveOneOutMape: uncalibratedMape,
    heldOut: uncalibrated,
    candidates,
    keptPriorsBecause: because,
  });
  if (points.length < 3) return keep(points.length === 0 ? "no measurements of this phase" : `${points.length} point(s): at least 3 are needed to fit and cross-validate`, []);
  const candidates: PenaltyCandidate[] = [{ penaltyScale: null, leaveOneOutMape: uncalibratedMape }];
  let best: { scale: number; cv: number; heldOut: Map<Measurement, number> } | null = null;
  for (const scale of penaltyScales) {
    const heldOut = new Map<Measurement, number>();
    let valid = true;
    for (const left of points) {
      const terms = fitTerms(start, priors, points.filter((m) => m !== left), predict, scale, 1);
      if (problems(terms).length > 0) {
        valid = false;
        break;
      }
      heldOut.set(left, predict(terms, left));
    }
    const cv = valid ? mape(points.map((m) => [heldOut.get(m) ?? NaN, m.seconds] as const)) : null;
    candidates.push({ penaltyScale: scale, leaveOneOutMape: cv });
    if (cv !== null && Number.isFinite(cv) && (best === null || cv < best.cv)) best = { scale, cv, heldOut };
  }
  if (best === null) return keep("every fit left the plausible range of the terms", candidates);
  if (uncalibratedMape !== null && best.cv >= uncalibratedMape) {
    return keep(`held-out error of the best fit (${(best.cv * 100).toFixed(1)} %) does not beat the uncalibrated ${(uncalibratedMape * 100).toFixed(1)} %`, candidates);
  }
  const terms = fitTerms(start, priors, points, predict, best.scale, 2);
  const issues = problems(terms);
  if (issues.length > 0) return keep(`the fit on all points left the plausible range (${issues.join("; ")})`, candidates);
  return { terms, penaltyScale: best.scale, leaveOneOutMape: best.cv, heldOut: best.heldOut, candidates, keptPriorsBecause: null };
}
