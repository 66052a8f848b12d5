import {
  cuped, differenceInMeans, logEffect, quantileTreatmentEffects, randomizationInference, randomizationInterval, trimmedMeanDifference, winsorizedMeanDifference,
} from "../stats/index.js";
import { attempt, toEntry, type EstimateSettings, type OutcomeRows } from "./estimate-outcome.js";
import type { ReadoutEstimate } from "./readout-types.js";
import { withUnitRobustSe } from "./unit-robust-se.js";

const qteProbabilities = [0.5, 0.9, 0.95, 0.99];
/** Fewer assignment units than this in an arm and the unit bootstrap's interval is not trusted (it undercovers badly). */
const minBootstrapUnitsPerArm = 10;

/** Distinct assignment units in the smaller arm. */
function fewestUnitsPerArm(units: readonly string[], treated: Uint8Array): number {
  const seen = [new Set<string>(), new Set<string>()];
  units.forEach((unit, row) => seen[treated[row] ?? 0]?.add(unit));
  return Math.min(seen[0]?.size ?? 0, seen[1]?.size ?? 0);
}


/**
 * Fat-tail readouts beside the raw mean (docs/design.md §7.4): the raw mean difference is always first (it is the business cost);
 * each robust estimate carries a note on how it changes the estimand. Resampling and permutation re-draw the actual
 * assignment units (`rows.units`).
 */
export function robustReadouts(rows: OutcomeRows, settings: EstimateSettings, notes: string[]): ReadoutEstimate[] {
  const { y, treated } = rows;
  const units = rows.units ?? undefined;
  const unitWords = rows.units === null ? "rows" : "assignment units";
  const output: ReadoutEstimate[] = [];
  // Under unit assignment (cluster, user, block) every difference-in-means readout gets its SE from the units, not rows.
  // --cluster with treatment varying within it: SEs cluster by it (CR2), permutations stay within it (it is not the assignment unit).
  const spanningCluster = rows.clusterSpansArms ? rows.cluster : null;
  const seClusters = spanningCluster ?? rows.units;
  const byUnits = <T extends Parameters<typeof withUnitRobustSe>[0]>(estimate: T, transformed: ArrayLike<number>): T => withUnitRobustSe(estimate, transformed, treated, seClusters);
  const raw = attempt(notes, "raw mean difference", () => byUnits(differenceInMeans(y, treated, { outcomeName: rows.outcome }), y));
  if (raw) output.push(toEntry("raw mean difference", raw, { note: "the business cost: every row counts, the tail included; always shown", extra: { meanTreated: raw.meanTreated, meanControl: raw.meanControl } }));
  const winsorized = attempt(notes, "winsorized mean", () => {
    const rowLevel = winsorizedMeanDifference(y, treated, { quantile: 0.99 });
    const { upperCap, lowerCap } = rowLevel;
    return byUnits(rowLevel, Float64Array.from(y, (value) => Math.max(lowerCap ?? Number.NEGATIVE_INFINITY, Math.min(upperCap, value))));
  });
  if (winsorized) output.push(toEntry("winsorized mean (pooled p99 cap)", winsorized, { note: `changes the estimand: values above the pooled p99 (${winsorized.upperCap.toPrecision(4)}) count as the cap, so tail spend above it is ignored`, extra: { upperCap: winsorized.upperCap } }));
  const trimmed = attempt(notes, "trimmed mean", () => trimmedMeanDifference(y, treated, { trim: 0.2 }));
  if (trimmed) {
    // Yuen's SE treats rows as independent; with unit assignment there is no standard clustered version, so it is shown
    // for its point estimate only (QTE with the unit bootstrap and randomization inference carry the unit-level evidence).
    const note = "changes the estimand: the middle 60 % of each arm — a typical-request effect, blind to both tails";
    output.push(toEntry("trimmed mean (Yuen 20%)", trimmed, seClusters === null ? { note } : { valid: false, note: `${note}; its SE treats rows as independent, too small when whole units (clusters, users, time blocks) are assigned — read QTE (unit bootstrap) or randomization inference instead` }));
  }
  const aggregated = settings.aggregatedQte?.get(rows.outcome);
  const qte = aggregated ?? attempt(notes, "quantile treatment effects", () => quantileTreatmentEffects(y, treated, qteProbabilities, { bootstrap: settings.bootstrap, seed: settings.seed, ...(units === undefined ? {} : { units }), ...(settings.onProgress === undefined ? {} : { onReplicate: (done: number, total: number) => settings.onProgress?.(`${rows.outcome}: quantile bootstrap`, done, total) }) }));
  // A bootstrap over a handful of assignment units per arm (8 pools: 4 + 4) cannot approximate the sampling distribution.
  const fewUnits = units === undefined ? null : fewestUnitsPerArm(units, treated);
  const tooFew = fewUnits !== null && fewUnits < minBootstrapUnitsPerArm;
  for (const effect of qte ?? []) {
    const label = `p${Math.round(effect.probability * 100)}`;
    output.push(toEntry(`QTE ${label}`, effect, {
      ...(spanningCluster !== null || tooFew ? { valid: false } : {}),
      note: `changes the estimand: the shift of the ${label} of the outcome distribution (bootstrap over ${unitWords}${aggregated === undefined ? "" : ", from per-unit rank-bin aggregates in DuckDB — same draws as the row path"}), not any request's effect${tooFew ? `; NOT VALID for the decision: only ${fewUnits} assignment units in the smaller arm (a unit bootstrap needs at least ${minBootstrapUnitsPerArm})` : ""}`,
      extra: { quantileTreated: effect.quantileTreated, quantileControl: effect.quantileControl },
    }));
  }
  let minimum = Number.POSITIVE_INFINITY;
  let smallestPositive = Number.POSITIVE_INFINITY;
  for (const value of y) {
    minimum = Math.min(minimum, value);
    if (value > 0) smallestPositive = Math.min(smallestPositive, value);
  }
  if (minimum >= 0 && Number.isFinite(smallestPositive)) {
    const offset = minimum > 0 ? 0 : smallestPositive;
    const log = attempt(notes, "log effect", () => {
      const rowLevel = logEffect(y, treated, { offset });
      if (seClusters === null) return rowLevel;
      const clustered = byUnits(rowLevel, Float64Array.from(y, (value) => Math.log(value + offset)));
      const ratioCi: readonly [number, number] = [Math.exp(clustered.ci95[0]), Math.exp(clustered.ci95[1])];
      return { ...clustered, multiplicativeCi95: ratioCi, multiplicativeStandardError: clustered.multiplicativeEffect * clustered.standardError };
    });
    if (log) {
      output.push(toEntry("log effect (ratio of geometric means)", log, {
        note: `changes the estimand: treated/control ratio of geometric means = ${log.multiplicativeEffect.toPrecision(4)} (95 % CI ${log.multiplicativeCi95[0].toPrecision(4)}–${log.multiplicativeCi95[1].toPrecision(4)})${offset > 0 ? `, after adding ${offset.toPrecision(3)} to every value (zeros present)` : ""}; it down-weights the tail that drives cost`,
        extra: { multiplicativeEffect: log.multiplicativeEffect, multiplicativeCiLow: log.multiplicativeCi95[0], multiplicativeCiHigh: log.multiplicativeCi95[1], offset },
      }));
    }
  } else notes.push(`log effect not computed for ${rows.outcome}: it has negative values`);
  // Permutations stay within the spanning clusters (classes re-randomized within their school; rows within their user).
  const blocks = spanningCluster ?? undefined;
  const ri = attempt(notes, "randomization inference", () => randomizationInference(y, treated, { permutations: settings.permutations, seed: settings.seed, ...(units === undefined ? {} : { units }), ...(blocks === undefined ? {} : { blocks }) }));
  // The interval by test inversion (and the exact p when all assignments can be enumerated), not a normal approximation.
  const inverted = attempt(notes, "randomization interval", () => randomizationInterval(y, treated, { permutations: settings.permutations, seed: settings.seed, ...(units === undefined ? {} : { units }), ...(blocks === undefined ? {} : { blocks }) }));
  if (ri) {
    const draws = inverted === null ? `${ri.permutations} re-randomizations` : inverted.exact ? `all ${inverted.assignments} possible assignments (exact)` : `${inverted.assignments} re-randomizations`;
    output.push(toEntry("randomization inference", inverted === null ? ri : { ...ri, pValue: inverted.pValue, ci95: inverted.ci }, {
      note: `same estimand as the raw mean; p-value from ${draws} of ${ri.unitCount} ${unitWords}${inverted?.exact === true ? "" : ` (Monte Carlo error ±${ri.pValueMonteCarloError.toPrecision(2)})`}; ${inverted === null ? "interval: normal approximation to the randomization distribution (the inversion failed)" : `95 % interval by inverting the test of a constant effect τ${blocks === undefined ? "" : " (re-randomized within blocks)"}`}; tests the sharp null, no distributional assumption`,
      extra: { unitCount: ri.unitCount, permutations: inverted?.assignments ?? ri.permutations, exact: inverted?.exact === true ? 1 : 0, pValueMonteCarloError: inverted?.exact === true ? 0 : ri.pValueMonteCarloError },
    }));
  }
  if (rows.prePeriod !== null) {
    const pre = rows.prePeriod;
    const adjusted = attempt(notes, "CUPED", () => {
      const rowLevel = cuped(y, treated, pre.values);
      if (seClusters === null) return rowLevel;
      // θ is estimated once from the pooled rows (Deng et al. 2013); the adjusted outcome y − θ(x − x̄) is then analysed like y.
      let sum = 0;
      for (const value of pre.values) sum += value;
      const preMean = sum / pre.values.length;
      return byUnits(rowLevel, Float64Array.from(y, (value, row) => value - rowLevel.theta * ((pre.values[row] ?? 0) - preMean)));
    });
    if (adjusted) {
      output.push(toEntry("CUPED", adjusted, {
        note: `same ATE as the raw mean, less variance: adjusted by pre-period ${pre.name} (θ = ${adjusted.theta.toPrecision(4)}, variance reduction ${(adjusted.varianceReduction * 100).toFixed(1)} %)`,
        extra: { theta: adjusted.theta, varianceReduction: adjusted.varianceReduction, rawStandardError: adjusted.rawStandardError },
      }));
    }
  }
  return output;
}

/** Explains in words how the raw mean and the robust estimates differ (fat tails: a few huge rows in one arm). */
export function summarizeRobust(outcome: string, robust: readonly ReadoutEstimate[]): string {
  const find = (method: string): ReadoutEstimate | undefined => robust.find((entry) => entry.method === method);
  const raw = find("raw mean difference");
  if (raw === undefined) return `No raw mean for ${outcome}.`;
  // A non-finite estimate or interval says nothing: never report agreement from NaN comparisons.
  const broken = robust.filter((entry) => ![entry.estimate, entry.standardError, entry.ci95[0], entry.ci95[1]].every(Number.isFinite));
  if (broken.length > 0) return `Robust comparison not possible for ${outcome}: ${broken.map((entry) => entry.method).join(", ")} did not give a finite estimate and interval — check the column for extreme values.`;
  const excludesZero = (entry: ReadoutEstimate): boolean => entry.ci95[0] > 0 || entry.ci95[1] < 0;
  const format = (value: number): string => value.toPrecision(3);
  const parts = [`Raw mean difference ${format(raw.estimate)} (95 % CI ${format(raw.ci95[0])} to ${format(raw.ci95[1])}) — this is what the arms cost or experienced on average, tail included.`];
  const winsorized = find("winsorized mean (pooled p99 cap)");
  const median = find("QTE p50");
  const p99 = find("QTE p99");
  const trimmed = find("trimmed mean (Yuen 20%)");
  const central = [winsorized, trimmed, median].filter((entry): entry is ReadoutEstimate => entry !== undefined);
  const scale = Math.max(Math.abs(raw.estimate), raw.standardError, 1e-300);
  const diverging = central.filter((entry) => Math.abs(entry.estimate - raw.estimate) > 0.5 * scale || (excludesZero(entry) && Math.sign(entry.estimate) !== Math.sign(raw.estimate)));
  if (diverging.length > 0) {
    parts.push(
      `The robust estimates disagree with the raw mean (${diverging.map((entry) => `${entry.method}: ${format(entry.estimate)}`).join("; ")}): the raw difference is driven by a few extreme rows in the tail` +
        `${p99 ? ` (the p99 shifts by ${format(p99.estimate)})` : ""}, not by a shift of the typical request. ` +
        "Decide on the raw mean for cost (the business pays the tail), but do not attribute it to the policy without checking where the huge rows landed: with few of them, which arm received them is luck of the draw.",
    );
  } else {
    parts.push("The winsorized, trimmed and median effects agree with the raw mean in sign and size: the effect is a shift of the whole distribution, not a few tail rows.");
  }
  return parts.join(" ");
}
