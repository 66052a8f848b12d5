import { GoodputError } from "../errors.js";
import { clusterRobust } from "../stats/cluster-robust.js";
import type { NumericArray, TreatmentArray, UnitLabels } from "../stats/estimate.js";
import { _invertSpd } from "../stats/_dense.js";
import { _referenceInterval } from "../stats/_interval.js";
import { regularizedIncompleteBeta } from "../stats/_special.js";
import { _checkLengths, _fail, _finiteColumn, _treatmentColumn, _unitCodes } from "../stats/_validate.js";
import { demeanTwoWay } from "./did-two-way-demean.js";

/** A long unit × time panel; `treated` is the unit-period treatment indicator (0/1). */
export interface DidPanel {
  readonly y: NumericArray;
  readonly unit: UnitLabels;
  readonly time: NumericArray;
  readonly treated: TreatmentArray;
}

export interface DidOptions {
  /** Event-study window [first lead, last lag] in periods relative to the first treated period; endpoints bin everything beyond. Default: all observed relative periods, unbinned. */
  readonly eventWindow?: readonly [number, number];
  /** Column names for labels (default y, unit, time, treated). */
  readonly names?: { readonly outcome?: string; readonly unit?: string; readonly time?: string; readonly treatment?: string };
}

export interface DidTerm {
  readonly estimate: number;
  readonly standardError: number;
  readonly ci95: readonly [number, number];
  readonly df: number;
  readonly pValue: number;
}

export interface DidResult {
  readonly design: "did";
  readonly assumption: string;
  readonly diagnostics: readonly string[];
  readonly method: string;
  /** TWFE coefficient on the treatment indicator, CR1 SE clustered by unit, t(G − 1). */
  readonly estimate: DidTerm & { readonly n: number; readonly units: number; readonly periods: number };
  readonly eventWindow: readonly [number, number];
  /** True when the window's endpoints bin relative periods beyond it. */
  readonly binnedEndpoints: boolean;
  /** Leads and lags relative to the first treated period (−1 omitted as the reference). */
  readonly eventStudy: readonly (DidTerm & { readonly relativeTime: number })[];
  /** Joint Wald test that every lead (relative time ≤ −2) is zero, F(q, G − 1) with the CR1 covariance; null without leads. */
  readonly preTrend: { readonly F: number; readonly df1: number; readonly df2: number; readonly pValue: number } | null;
  readonly staggered: {
    readonly cohorts: readonly { readonly firstTreated: number; readonly units: number }[];
    readonly neverTreated: number;
    readonly warning: string | null;
  };
  readonly caveat: string;
  readonly warnings: readonly string[];
}

/** F survival P(F > f) = I_{d2/(d2 + d1 f)}(d2/2, d1/2) (Abramowitz & Stegun 26.6.2). */
function fSurvival(f: number, df1: number, df2: number): number {
  if (!(f > 0)) return 1;
  return regularizedIncompleteBeta(df2 / (df2 + df1 * f), df2 / 2, df1 / 2);
}

const termOf = (estimate: number, standardError: number, df: number): DidTerm => ({ estimate, standardError, df, ..._referenceInterval(estimate, standardError, df) });

/** OLS on two-way demeaned columns with CR1 SEs by unit; K counts the slopes only (unit and time effects are absorbed, as plm's "sss"). */
function fitWithin(where: string, y: Float64Array, design: Record<string, Float64Array>, headline: string, unit: { codes: Int32Array; count: number }, time: { codes: Int32Array; count: number }) {
  const names = Object.keys(design);
  const { columns, converged } = demeanTwoWay([y, ...names.map((name) => design[name] ?? new Float64Array(0))], unit, time);
  const [demeanedY, ...demeaned] = columns;
  const demeanedDesign = Object.fromEntries(names.map((name, index) => [name, demeaned[index] ?? new Float64Array(0)]));
  return { fit: clusterRobust(demeanedY ?? new Float64Array(0), demeanedDesign, unit.codes, { treatmentColumn: headline, type: "CR1", intercept: false }), converged, where };
}

/**
 * Difference-in-differences by two-way fixed effects (unit and time effects absorbed by the within transformation) with CR1
 * cluster-robust SEs by unit (G/(G−1)·(n−1)/(n−K), K = slopes; df G − 1), an event study of leads and lags around each unit's
 * first treated period with a joint pre-trend Wald F test, and a staggered-adoption warning (Goodman-Bacon 2021).
 */
export function estimateDid(panel: DidPanel, options: DidOptions = {}): DidResult {
  const where = "estimateDid";
  const yName = options.names?.outcome ?? "y";
  const unitName = options.names?.unit ?? "unit";
  const timeName = options.names?.time ?? "time";
  const dName = options.names?.treatment ?? "treated";
  const n = _checkLengths(where, { [yName]: panel.y, [unitName]: panel.unit, [timeName]: panel.time, [dName]: panel.treated });
  const y = _finiteColumn(where, yName, panel.y);
  const timeValues = _finiteColumn(where, timeName, panel.time);
  const treated = _treatmentColumn(where, panel.treated);
  const unit = _unitCodes(where, unitName, panel.unit);
  const labelOf = (code: number): string => String(panel.unit[unit.codes.indexOf(code)] ?? code);
  if (unit.count < 2) _fail(where, `only one ${unitName} ("${labelOf(0)}"); DiD needs treated and comparison units`);
  const periods = [...new Set(timeValues)].sort((a, b) => a - b);
  const periodIndex = new Map(periods.map((value, index) => [value, index]));
  const time = { codes: Int32Array.from(timeValues, (value) => periodIndex.get(value) ?? 0), count: periods.length };
  const seen = new Set<number>();
  for (let row = 0; row < n; row++) {
    const key = (unit.codes[row] ?? 0) * time.count + (time.codes[row] ?? 0);
    if (seen.has(key)) _fail(where, `row ${row} repeats ${unitName} "${String(panel.unit[row])}" at ${timeName} ${timeValues[row] ?? Number.NaN}; a panel has one row per unit and period`);
    seen.add(key);
  }

  // First treated period per unit (period index), and whether treatment ever switches off.
  const firstTreated = new Int32Array(unit.count).fill(-1);
  for (let row = 0; row < n; row++) {
    if (treated[row] !== 1) continue;
    const code = unit.codes[row] ?? 0;
    const period = time.codes[row] ?? 0;
    if ((firstTreated[code] ?? -1) < 0 || period < (firstTreated[code] ?? 0)) firstTreated[code] = period;
  }
  const switchesOff = new Set<number>();
  for (let row = 0; row < n; row++) {
    const first = firstTreated[unit.codes[row] ?? 0] ?? -1;
    if (first >= 0 && treated[row] === 0 && (time.codes[row] ?? 0) > first) switchesOff.add(unit.codes[row] ?? 0);
  }
  const cohortCounts = new Map<number, number>();
  let neverTreated = 0;
  for (const first of firstTreated) {
    if (first < 0) neverTreated++;
    else cohortCounts.set(first, (cohortCounts.get(first) ?? 0) + 1);
  }
  const cohorts = [...cohortCounts].sort((a, b) => a[0] - b[0]).map(([first, units]) => ({ firstTreated: periods[first] ?? Number.NaN, units }));
  if (neverTreated === 0 && cohorts.length === 1) {
    _fail(where, `every ${unitName} is first treated at ${timeName} ${cohorts[0]?.firstTreated ?? Number.NaN}; with no never-treated or later-treated units the effect is confounded with the time effects — add comparison units`);
  }

  const warnings: string[] = [];
  const staggeredWarning = cohorts.length > 1
    ? `Staggered adoption: ${cohorts.length} cohorts first treated at ${timeName} ${cohorts.map((c) => `${c.firstTreated} (${c.units} units)`).join(", ")}${neverTreated > 0 ? `, plus ${neverTreated} never-treated` : ", no never-treated units"}. TWFE then also compares later- with earlier-treated units and can be biased — even of the wrong sign — when effects change over time (Goodman-Bacon 2021), and event-study leads/lags mix cohorts (Sun & Abraham 2021). Check cohort-specific estimates against never-treated units (Callaway & Sant'Anna 2021) before acting.`
    : null;
  if (staggeredWarning !== null) warnings.push(staggeredWarning);
  if (switchesOff.size > 0) warnings.push(`Treatment switches off for ${switchesOff.size} ${unitName}(s) (e.g. "${labelOf([...switchesOff][0] ?? 0)}"); the event study assumes treatment stays on once started.`);

  const headline = withContext(() => fitWithin(where, y, { [dName]: Float64Array.from(treated) }, dName, unit, time), "the treatment indicator");
  if (!headline.converged) warnings.push("The two-way demeaning did not converge to 1e-13 on this unbalanced panel; estimates may be slightly off.");
  const twfe = headline.fit;
  const df = unit.count - 1;

  // Event study: relative period r = period − first treated period, binned at the window's endpoints.
  const relative = new Float64Array(n).fill(Number.NaN);
  let minRelative = Infinity;
  let maxRelative = -Infinity;
  for (let row = 0; row < n; row++) {
    const first = firstTreated[unit.codes[row] ?? 0] ?? -1;
    if (first < 0) continue;
    const r = (time.codes[row] ?? 0) - first;
    relative[row] = r;
    minRelative = Math.min(minRelative, r);
    maxRelative = Math.max(maxRelative, r);
  }
  const window = options.eventWindow ?? [Math.min(minRelative, -1), Math.max(maxRelative, 0)];
  const [lo, hi] = window;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > -1 || hi < 0) _fail(where, `event window ${lo}:${hi} must be whole periods with the first ≤ −1 and the last ≥ 0, e.g. -4:4`);
  const binned = options.eventWindow !== undefined && (minRelative < lo || maxRelative > hi);
  const eventDesign: Record<string, Float64Array> = {};
  const eventTimes: number[] = [];
  for (let k = lo; k <= hi; k++) {
    if (k === -1) continue;
    const column = Float64Array.from(relative, (r) => (Number.isNaN(r) ? 0 : Math.min(Math.max(r, lo), hi) === k ? 1 : 0));
    if (column.some((value) => value === 1)) {
      eventDesign[`relative ${k}`] = column;
      eventTimes.push(k);
    }
  }
  const eventNames = Object.keys(eventDesign);
  const first = eventNames[0];
  if (first === undefined) _fail(where, `no treated unit is observed inside the event window ${lo}:${hi}`);
  const event = withContext(() => fitWithin(where, y, eventDesign, first, unit, time), "the event-study leads and lags").fit;
  const eventStudy = event.coefficients.map((coefficient, index) => ({ relativeTime: eventTimes[index] ?? Number.NaN, ...termOf(coefficient.estimate, coefficient.standardError, df) }));

  const leads = eventTimes.map((k, index) => ({ k, index })).filter(({ k }) => k <= -2).map(({ index }) => index);
  let preTrend: DidResult["preTrend"] = null;
  if (leads.length > 0) {
    const q = leads.length;
    const sub = new Float64Array(q * q);
    const b = leads.map((index) => event.coefficients[index]?.estimate ?? Number.NaN);
    leads.forEach((i, a) => {
      leads.forEach((j, c) => {
        sub[a * q + c] = event.covariance[i]?.[j] ?? Number.NaN;
      });
    });
    const inverse = _invertSpd(sub, q);
    if (inverse === null) warnings.push(`The pre-trend test is not available: the covariance of the ${q} leads is singular with ${unit.count} clusters; shorten the event window.`);
    else {
      let wald = 0;
      for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) wald += (b[i] ?? 0) * (inverse[i * q + j] ?? 0) * (b[j] ?? 0);
      const F = wald / q;
      preTrend = { F, df1: q, df2: df, pValue: fSurvival(F, q, df) };
      if (preTrend.pValue < 0.05) warnings.push(`Pre-trends detected: the leads are jointly non-zero (F(${q}, ${df}) = ${F.toFixed(2)}, p = ${preTrend.pValue.toPrecision(2)}). Parallel trends is doubtful, so the DiD estimate is not credible as it stands.`);
    }
  } else warnings.push("No leads before −1 in the event window: pre-trends cannot be tested.");
  if (unit.count < 30) warnings.push(`Only ${unit.count} clusters (units): CR1 with t(G − 1) is approximate; consider a wild cluster bootstrap.`);

  return {
    design: "did",
    assumption: `Parallel trends: without treatment, the average "${yName}" of treated and comparison ${unitName}s would have moved in parallel over ${timeName}; no anticipation before the first treated period; adoption timing is not driven by outcome shocks; nothing else (incidents, other rollouts) changes only for treated ${unitName}s when they adopt.`,
    diagnostics: [
      preTrend === null ? "pre-trend test: not available" : `pre-trend test: leads jointly ${preTrend.pValue < 0.05 ? "non-zero" : "indistinguishable from zero"} (p = ${preTrend.pValue.toPrecision(2)}); a non-rejection has limited power and does not prove parallel trends`,
      "concurrent incidents or rollouts at adoption time would be attributed to the treatment — check the incident log for those periods",
      staggeredWarning === null ? "single adoption cohort: no staggered-adoption bias" : "staggered adoption: TWFE weights can be negative under effects that change over time",
      "spillovers from treated to comparison units (shared queues, caches, fleets) bias the comparison",
    ],
    method: `two-way fixed effects (unit and ${timeName} effects absorbed), CR1 SE clustered by ${unitName} (G/(G−1)·(n−1)/(n−K), K = slopes), t(G − 1 = ${df})`,
    estimate: { ...termOf(twfe.estimate, twfe.standardError, df), n, units: unit.count, periods: periods.length },
    eventWindow: [lo, hi],
    binnedEndpoints: binned,
    eventStudy,
    preTrend,
    staggered: { cohorts, neverTreated, warning: staggeredWarning },
    caveat: `The estimate is the average effect on treated ${unitName}-periods relative to the comparison ${unitName}s${staggeredWarning === null ? "" : " (a variance-weighted mix across cohorts under staggered adoption)"}; it is only as good as the parallel-trends assumption.`,
    warnings,
  };
}

/** Re-throws a collinear-design failure with the DiD reason. */
function withContext<T>(run: () => T, what: string): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof GoodputError && /collinear/.test(error.message)) {
      throw new GoodputError("BAD_INPUT", `estimateDid: ${what} are collinear with the unit and time effects (e.g. every unit adopts at once, or a relative period exists only in one cohort with no never-treated units); narrow --event-window so its endpoints bin, or add comparison units. (${error.message})`, { where: "estimateDid" });
    }
    throw error;
  }
}
