import { quantileSorted } from "../stats/quantile.js";
import { GoodputError } from "../errors.js";
import { describeSloGates, judgeSloGates, type SloGates } from "../slo/slo-gates.js";

/**
 * Goodput and loaded cost per accepted result (docs/design.md §3.7, metric definitions from §6).
 *
 * accepted = finished OK ∧ every configured latency gate met ∧ quality passed (when labelled);
 * failed, dropped and incomplete requests are never accepted but stay in every denominator that
 * counts attempts. goodput = accepted / duration, duration = max(end) − min(start).
 * LCPR = all cost in the window (failed attempts, retries, idle/overhead share) ÷ accepted.
 */

export type GoodputRecordStatus = "ok" | "error" | "incomplete";

/** One request attempt, as far as goodput needs it. Times in seconds on one clock. */
export interface GoodputRecord {
  readonly status: GoodputRecordStatus;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly ttftSeconds?: number;
  /** Undefined when the request produced ≤ 1 output token (docs/design.md §6). */
  readonly tpotSeconds?: number;
  readonly e2eSeconds?: number;
  readonly outputTokens?: number;
  /** Quality label; undefined = unlabelled (the gate is not applied). */
  readonly qualityPass?: boolean;
  readonly costUsd?: number;
}

export type { SloGates };

export interface SummarizeGoodputOptions {
  readonly slo: SloGates;
  /** Serving cost of the whole window, USD (e.g. GPU-hours × $/GPU-hour). Default: Σ record costUsd. */
  readonly windowCostUsd?: number;
  /** Idle/reserved capacity and overhead share charged on top for LCPR, USD (default 0). */
  readonly overheadCostUsd?: number;
  /** SLO attainment the run should reach, e.g. 0.99 (optional). */
  readonly targetAttainment?: number;
}

/** Percentiles by linear interpolation (Hyndman–Fan type 7), always with their n. */
export interface LatencySummary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface GoodputCost {
  /** "window": the window cost was given; "records": Σ record costUsd; "none": no cost known. */
  readonly basis: "window" | "records" | "none";
  readonly runCostUsd: number | null;
  readonly overheadCostUsd: number;
  /** Run cost + overhead: what LCPR divides. */
  readonly loadedCostUsd: number | null;
  /** Loaded cost ÷ accepted results; null when nothing was accepted or no cost is known. */
  readonly lcprUsd: number | null;
  /** Run cost ÷ successful × 1000 (successful = finished OK, SLO or not). */
  readonly costPer1kSuccessfulUsd: number | null;
  /** Records without costUsd when the basis is "records" (their cost is missing from the sum). */
  readonly recordsMissingCost: number;
}

export interface GoodputSummary {
  readonly attempts: number;
  readonly successful: number;
  readonly errors: number;
  readonly incomplete: number;
  readonly accepted: number;
  /** Successful requests that failed each gate (a request can fail several). */
  readonly rejectedBy: {
    readonly ttft: number;
    readonly tpot: number;
    readonly e2e: number;
    readonly quality: number;
    /** Successful requests lacking the measurement a configured gate needs: not accepted. */
    readonly missingMeasurement: number;
  };
  readonly durationSeconds: number;
  /** Accepted requests per second; null when the duration is 0. */
  readonly goodputRps: number | null;
  /** Accepted output tokens per second; null when no record carries outputTokens or the duration is 0. */
  readonly tokenGoodputPerSecond: number | null;
  /** Successful requests per second (raw throughput). */
  readonly throughputRps: number | null;
  /** Σ output tokens of successful requests ÷ duration (docs/design.md §6 throughput). */
  readonly outputTokensPerSecond: number | null;
  /** accepted ÷ attempts. */
  readonly sloAttainment: number;
  readonly successRate: number;
  readonly targetAttainment: number | null;
  readonly meetsTarget: boolean | null;
  readonly latency: {
    readonly ttft: LatencySummary | null;
    readonly tpot: LatencySummary | null;
    readonly e2e: LatencySummary | null;
  };
  readonly slo: SloGates;
  readonly cost: GoodputCost;
  readonly evidenceBoundary: string;
}

/** Goodput, SLO attainment, LCPR and cost per 1K successful from per-request records (docs/design.md §3.7). */
export function summarizeGoodput(records: readonly GoodputRecord[], options: SummarizeGoodputOptions): GoodputSummary {
  validateRecords(records, options);
  const { slo } = options;
  let successful = 0;
  let errors = 0;
  let incomplete = 0;
  let accepted = 0;
  const rejectedBy = { ttft: 0, tpot: 0, e2e: 0, quality: 0, missingMeasurement: 0 };
  let acceptedTokens = 0;
  let successfulTokens = 0;
  let anyTokens = false;
  let start = Infinity;
  let end = -Infinity;
  const ttfts: number[] = [];
  const tpots: number[] = [];
  const e2es: number[] = [];

  for (const record of records) {
    start = Math.min(start, record.startSeconds);
    end = Math.max(end, record.endSeconds);
    if (record.outputTokens !== undefined) anyTokens = true;
    if (record.status === "error") {
      errors += 1;
      continue;
    }
    if (record.status === "incomplete") {
      incomplete += 1;
      continue;
    }
    successful += 1;
    successfulTokens += record.outputTokens ?? 0;
    if (record.ttftSeconds !== undefined) ttfts.push(record.ttftSeconds);
    if (record.tpotSeconds !== undefined) tpots.push(record.tpotSeconds);
    if (record.e2eSeconds !== undefined) e2es.push(record.e2eSeconds);

    const judged = judgeSloGates(slo, record);
    let ok = true;
    for (const key of ["ttft", "tpot", "e2e"] as const) {
      if (judged[key] === "missed") rejectedBy[key] += 1;
      if (judged[key] !== "met") ok = false;
    }
    if (Object.values(judged).includes("missing")) rejectedBy.missingMeasurement += 1;
    if (record.qualityPass === false) {
      rejectedBy.quality += 1;
      ok = false;
    }
    if (ok) {
      accepted += 1;
      acceptedTokens += record.outputTokens ?? 0;
    }
  }

  const attempts = records.length;
  const durationSeconds = end - start;
  const perSecond = (count: number): number | null => (durationSeconds > 0 ? count / durationSeconds : null);
  const sloAttainment = accepted / attempts;
  const target = options.targetAttainment ?? null;
  const cost = summarizeCost(records, options, accepted, successful);

  const boundaryParts = [
    cost.basis === "window"
      ? "cost = the window cost given (serving GPUs)"
      : cost.basis === "records"
        ? `cost = Σ per-record costUsd${cost.recordsMissingCost > 0 ? ` (${cost.recordsMissingCost} records carry no cost and add nothing)` : ""}`
        : "no cost given: cost metrics omitted",
    cost.overheadCostUsd > 0 ? `plus $${cost.overheadCostUsd} idle/overhead in LCPR` : "no idle capacity, control plane, networking, storage or operator time unless added as overhead",
    `gates: ${describeGates(slo)}; quality gate applied to labelled records only`,
  ];

  return {
    attempts,
    successful,
    errors,
    incomplete,
    accepted,
    rejectedBy,
    durationSeconds,
    goodputRps: perSecond(accepted),
    tokenGoodputPerSecond: anyTokens ? perSecond(acceptedTokens) : null,
    throughputRps: perSecond(successful),
    outputTokensPerSecond: anyTokens ? perSecond(successfulTokens) : null,
    sloAttainment,
    successRate: successful / attempts,
    targetAttainment: target,
    meetsTarget: target === null ? null : sloAttainment >= target,
    latency: { ttft: summarizeLatency(ttfts), tpot: summarizeLatency(tpots), e2e: summarizeLatency(e2es) },
    slo,
    cost,
    evidenceBoundary: boundaryParts.join("; "),
  };
}

/** One run of a rate sweep. */
export interface SweepPoint {
  /** Offered load, requests per second. */
  readonly rateRps: number;
  /** accepted ÷ attempts at that load. */
  readonly sloAttainment: number;
  /** Accepted requests per second at that load. */
  readonly goodputRps: number;
  /** Cost of the run, USD. */
  readonly costUsd: number;
  /** Run length, seconds (optional): with it, LCPR = costUsd ÷ (goodputRps × durationSeconds). */
  readonly durationSeconds?: number;
}

export interface EvaluatedSweepPoint extends SweepPoint {
  readonly meetsTarget: boolean;
  readonly lcprUsd: number | null;
}

export interface OperatingPointRecommendation {
  readonly targetAttainment: number;
  /** The highest load whose SLO attainment reaches the target; null when none does. */
  readonly recommended: EvaluatedSweepPoint | null;
  /** Sorted by rate, ascending. */
  readonly points: readonly EvaluatedSweepPoint[];
  readonly reason: string;
  readonly warnings: readonly string[];
}

/** The recommended operating point: the highest load whose SLO attainment ≥ target (docs/design.md §3.7). */
export function recommendOperatingPoint(sweep: readonly SweepPoint[], targetAttainment: number): OperatingPointRecommendation {
  validateSweep(sweep, targetAttainment);
  const points = [...sweep]
    .sort((left, right) => left.rateRps - right.rateRps)
    .map((point): EvaluatedSweepPoint => {
      const acceptedCount = point.durationSeconds === undefined ? null : point.goodputRps * point.durationSeconds;
      return {
        ...point,
        meetsTarget: point.sloAttainment >= targetAttainment,
        lcprUsd: acceptedCount === null || acceptedCount <= 0 ? null : point.costUsd / acceptedCount,
      };
    });
  let recommended: EvaluatedSweepPoint | null = null;
  for (const point of points) if (point.meetsTarget) recommended = point;
  const warnings: string[] = [];
  if (recommended !== null) {
    const limit = recommended.rateRps;
    const missedBelow = points.filter((point) => point.rateRps < limit && !point.meetsTarget);
    if (missedBelow.length > 0) {
      warnings.push(
        `Attainment is not monotone in load: ${missedBelow.map((point) => `${point.rateRps} req/s`).join(", ")} missed the target below the recommended ${limit} req/s — rerun those points or add repetitions before trusting the edge.`,
      );
    }
    const last = points[points.length - 1];
    if (last !== undefined && last.rateRps === limit) {
      warnings.push(`The highest rate tried (${limit} req/s) still meets the target: the true limit lies above the sweep — extend it.`);
    }
  }
  const pctTarget = `${(targetAttainment * 100).toFixed(2)} %`;
  const reason =
    recommended === null
      ? `No rate in the sweep reaches ${pctTarget} SLO attainment; the lowest tried (${points[0]?.rateRps ?? 0} req/s) reached ${((points[0]?.sloAttainment ?? 0) * 100).toFixed(2)} % — sweep lower rates or add capacity.`
      : `${recommended.rateRps} req/s is the highest load with SLO attainment ${(recommended.sloAttainment * 100).toFixed(2)} % ≥ ${pctTarget}, at goodput ${recommended.goodputRps} accepted/s.`;
  return { targetAttainment, recommended, points, reason, warnings };
}

/** Aggregate outcome of one route (or configuration) over a window. */
export interface RouteAggregate {
  readonly name?: string;
  readonly requests: number;
  /** Finished OK, SLO or not. */
  readonly successful: number;
  /** Successful and met every SLO gate and the quality gate. */
  readonly accepted: number;
  readonly outputTokens: number;
  readonly totalCostUsd: number;
  readonly durationSeconds: number;
}

export interface RouteMetrics {
  readonly name: string;
  readonly requests: number;
  readonly successful: number;
  readonly accepted: number;
  /** Raw throughput: output tokens ÷ duration. */
  readonly outputTokensPerSecond: number;
  readonly successfulRps: number;
  readonly totalCostUsd: number;
  readonly costPer1kSuccessfulUsd: number | null;
  /** Accepted ÷ duration. */
  readonly goodputRps: number;
  readonly sloAttainment: number;
  /** Total cost ÷ accepted; null when nothing was accepted. */
  readonly lcprUsd: number | null;
}

export type RouteSide = "a" | "b" | "tie";

export interface RouteComparison {
  readonly a: RouteMetrics;
  readonly b: RouteMetrics;
  /** Which route each metric favours. */
  readonly favours: {
    readonly rawThroughput: RouteSide;
    readonly totalCost: RouteSide;
    readonly costPer1kSuccessful: RouteSide;
    readonly goodput: RouteSide;
    readonly lcpr: RouteSide;
  };
  /** Decided by LCPR, then goodput (the lab's thesis); "neither" when neither accepted anything or they tie. */
  readonly pick: "a" | "b" | "neither";
  readonly reason: string;
}

/** Route A vs Route B: raw throughput and cost beside goodput and LCPR, and the pick by LCPR (docs/design.md §3.7). */
export function compareRoutes(a: RouteAggregate, b: RouteAggregate): RouteComparison {
  const metricsA = routeMetrics(a, "A");
  const metricsB = routeMetrics(b, "B");
  const favours = {
    rawThroughput: higher(metricsA.outputTokensPerSecond, metricsB.outputTokensPerSecond),
    totalCost: lower(metricsA.totalCostUsd, metricsB.totalCostUsd),
    costPer1kSuccessful: lower(metricsA.costPer1kSuccessfulUsd ?? Infinity, metricsB.costPer1kSuccessfulUsd ?? Infinity),
    goodput: higher(metricsA.goodputRps, metricsB.goodputRps),
    lcpr: lower(metricsA.lcprUsd ?? Infinity, metricsB.lcprUsd ?? Infinity),
  };
  const pick: "a" | "b" | "neither" =
    metricsA.accepted === 0 && metricsB.accepted === 0 ? "neither" : favours.lcpr !== "tie" ? favours.lcpr : favours.goodput !== "tie" ? favours.goodput : "neither";
  return { a: metricsA, b: metricsB, favours, pick, reason: explainPick(metricsA, metricsB, favours, pick) };
}

function explainPick(a: RouteMetrics, b: RouteMetrics, favours: RouteComparison["favours"], pick: "a" | "b" | "neither"): string {
  if (pick === "neither") {
    return a.accepted === 0 && b.accepted === 0
      ? "Neither route produced an accepted result: no cost per accepted result exists — fix the SLO misses or failures first."
      : "The routes tie on LCPR and goodput: pick on a guardrail (tail latency, error rate) or run longer.";
  }
  const [winner, loser] = pick === "a" ? [a, b] : [b, a];
  const other = pick === "a" ? "b" : "a";
  const sentences: string[] = [];
  if (favours.lcpr === pick) {
    sentences.push(`Pick route ${winner.name}: it costs ${usd(winner.lcprUsd)} per accepted result vs ${usd(loser.lcprUsd)} for route ${loser.name}.`);
  } else {
    sentences.push(`Pick route ${winner.name}: LCPR ties at ${usd(winner.lcprUsd)}, and it delivers more goodput.`);
  }
  if (favours.goodput === pick) {
    sentences.push(`Its goodput is also higher (${fixed(winner.goodputRps, 3)} vs ${fixed(loser.goodputRps, 3)} accepted/s).`);
  } else if (favours.goodput === other) {
    sentences.push(`Route ${loser.name} has more goodput (${fixed(loser.goodputRps, 3)} vs ${fixed(winner.goodputRps, 3)} accepted/s), but pays more for each accepted result.`);
  }
  const against: string[] = [];
  if (favours.rawThroughput === other) against.push(`raw throughput (${fixed(loser.outputTokensPerSecond, 1)} vs ${fixed(winner.outputTokensPerSecond, 1)} tok/s)`);
  if (favours.totalCost === other) against.push(`total cost (${usd(loser.totalCostUsd, 2)} vs ${usd(winner.totalCostUsd, 2)})`);
  if (favours.costPer1kSuccessful === other) against.push(`cost per 1K successful (${usd(loser.costPer1kSuccessfulUsd, 2)} vs ${usd(winner.costPer1kSuccessfulUsd, 2)})`);
  if (against.length > 0) {
    sentences.push(
      `Route ${loser.name} looks better on ${against.join(", ")} — those count requests that missed the SLO or failed quality, so they are not the decision metric: useful work beats raw cheapness.`,
    );
  }
  return sentences.join(" ");
}

function routeMetrics(route: RouteAggregate, fallbackName: string): RouteMetrics {
  const name = route.name ?? fallbackName;
  const issues: string[] = [];
  const counts: [string, number][] = [
    ["requests", route.requests],
    ["successful", route.successful],
    ["accepted", route.accepted],
    ["outputTokens", route.outputTokens],
    ["totalCostUsd", route.totalCostUsd],
  ];
  for (const [field, value] of counts) {
    if (!(Number.isFinite(value) && value >= 0)) issues.push(`${field} is ${String(value)}; give a finite number of 0 or more`);
  }
  if (!(Number.isFinite(route.durationSeconds) && route.durationSeconds > 0)) issues.push(`durationSeconds is ${String(route.durationSeconds)}; give a number of seconds greater than 0`);
  if (!(route.requests > 0)) issues.push("requests must be at least 1");
  if (route.successful > route.requests) issues.push(`successful (${route.successful}) exceeds requests (${route.requests})`);
  if (route.accepted > route.successful) issues.push(`accepted (${route.accepted}) exceeds successful (${route.successful}); accepted requests are a subset of successful ones`);
  if (issues.length > 0) throw new GoodputError("BAD_INPUT", `Route ${name}: ${issues.join("; ")}.`, { where: `route ${name}`, issues });
  return {
    name,
    requests: route.requests,
    successful: route.successful,
    accepted: route.accepted,
    outputTokensPerSecond: route.outputTokens / route.durationSeconds,
    successfulRps: route.successful / route.durationSeconds,
    totalCostUsd: route.totalCostUsd,
    costPer1kSuccessfulUsd: route.successful > 0 ? (route.totalCostUsd / route.successful) * 1000 : null,
    goodputRps: route.accepted / route.durationSeconds,
    sloAttainment: route.accepted / route.requests,
    lcprUsd: route.accepted > 0 ? route.totalCostUsd / route.accepted : null,
  };
}

function summarizeCost(records: readonly GoodputRecord[], options: SummarizeGoodputOptions, accepted: number, successful: number): GoodputCost {
  const overheadCostUsd = options.overheadCostUsd ?? 0;
  let basis: GoodputCost["basis"];
  let runCostUsd: number | null;
  let recordsMissingCost = 0;
  if (options.windowCostUsd !== undefined) {
    basis = "window";
    runCostUsd = options.windowCostUsd;
  } else {
    const costed = records.filter((record) => record.costUsd !== undefined);
    if (costed.length === 0) {
      basis = "none";
      runCostUsd = null;
    } else {
      basis = "records";
      runCostUsd = costed.reduce((sum, record) => sum + (record.costUsd ?? 0), 0);
      recordsMissingCost = records.length - costed.length;
    }
  }
  const loadedCostUsd = runCostUsd === null ? null : runCostUsd + overheadCostUsd;
  return {
    basis,
    runCostUsd,
    overheadCostUsd,
    loadedCostUsd,
    lcprUsd: loadedCostUsd === null || accepted === 0 ? null : loadedCostUsd / accepted,
    costPer1kSuccessfulUsd: runCostUsd === null || successful === 0 ? null : (runCostUsd / successful) * 1000,
    recordsMissingCost,
  };
}

function summarizeLatency(values: readonly number[]): LatencySummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  return {
    n: sorted.length,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

function validateRecords(records: readonly GoodputRecord[], options: SummarizeGoodputOptions): void {
  const issues: string[] = [];
  if (records.length === 0) issues.push("no records: give at least one request attempt");
  records.forEach((record, index) => {
    const at = `records[${index}]`;
    const status: string = record.status;
    if (status !== "ok" && status !== "error" && status !== "incomplete") {
      issues.push(`${at}.status is ${JSON.stringify(status)}; use "ok", "error" or "incomplete"`);
    }
    for (const field of ["startSeconds", "endSeconds"] as const) {
      if (!Number.isFinite(record[field])) issues.push(`${at}.${field} is ${String(record[field])}; give a finite number of seconds`);
    }
    if (record.endSeconds < record.startSeconds) issues.push(`${at}.endSeconds (${record.endSeconds}) is before startSeconds (${record.startSeconds})`);
    for (const field of ["ttftSeconds", "tpotSeconds", "e2eSeconds", "outputTokens", "costUsd"] as const) {
      const value = record[field];
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) issues.push(`${at}.${field} is ${String(value)}; give a finite number of 0 or more`);
    }
  });
  for (const field of ["ttftSeconds", "tpotSeconds", "e2eSeconds"] as const) {
    const value = options.slo[field];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) issues.push(`slo.${field} is ${String(value)}; give a number of seconds greater than 0`);
  }
  for (const field of ["windowCostUsd", "overheadCostUsd"] as const) {
    const value = options[field];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) issues.push(`${field} is ${String(value)}; give a finite number of USD, 0 or more`);
  }
  const target = options.targetAttainment;
  if (target !== undefined && !(Number.isFinite(target) && target > 0 && target <= 1)) issues.push(`targetAttainment is ${String(target)}; give a share in (0, 1], e.g. 0.99`);
  if (issues.length > 0) throw new GoodputError("BAD_INPUT", `Goodput records: ${issues.slice(0, 10).join("; ")}${issues.length > 10 ? `; … ${issues.length - 10} more` : ""}.`, { issues });
}

function validateSweep(sweep: readonly SweepPoint[], targetAttainment: number): void {
  const issues: string[] = [];
  if (!(Number.isFinite(targetAttainment) && targetAttainment > 0 && targetAttainment <= 1)) issues.push(`target attainment is ${String(targetAttainment)}; give a share in (0, 1], e.g. 0.99`);
  if (sweep.length === 0) issues.push("the sweep is empty: give at least one run");
  sweep.forEach((point, index) => {
    const at = `sweep[${index}]`;
    if (!(Number.isFinite(point.rateRps) && point.rateRps > 0)) issues.push(`${at}.rateRps is ${String(point.rateRps)}; give requests per second greater than 0`);
    if (!(Number.isFinite(point.sloAttainment) && point.sloAttainment >= 0 && point.sloAttainment <= 1)) issues.push(`${at}.sloAttainment is ${String(point.sloAttainment)}; give a share between 0 and 1`);
    if (!(Number.isFinite(point.goodputRps) && point.goodputRps >= 0)) issues.push(`${at}.goodputRps is ${String(point.goodputRps)}; give a number of 0 or more`);
    if (!(Number.isFinite(point.costUsd) && point.costUsd >= 0)) issues.push(`${at}.costUsd is ${String(point.costUsd)}; give USD, 0 or more`);
    if (point.durationSeconds !== undefined && !(Number.isFinite(point.durationSeconds) && point.durationSeconds > 0)) {
      issues.push(`${at}.durationSeconds is ${String(point.durationSeconds)}; give seconds greater than 0`);
    }
  });
  if (issues.length > 0) throw new GoodputError("BAD_INPUT", `Rate sweep: ${issues.join("; ")}.`, { issues });
}

function describeGates(slo: SloGates): string {
  return describeSloGates(slo) || "no latency gate configured (accepted = finished OK and quality pass)";
}

function higher(left: number, right: number): RouteSide {
  return left === right ? "tie" : left > right ? "a" : "b";
}

function lower(left: number, right: number): RouteSide {
  return left === right ? "tie" : left < right ? "a" : "b";
}

const fixed = (value: number, digits: number): string => value.toFixed(digits);
const usd = (value: number | null, digits = 4): string => (value === null ? "n/a" : `$${value.toFixed(digits)}`);
