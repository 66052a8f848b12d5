import { differenceInMeans } from "../stats/index.js";

/** Which units carry a difference in means (issue 11 item 11): the effect without the heaviest units, and their share. */
export interface TailAttribution {
  /** The raw difference treated − control (rows weighted equally). */
  readonly estimate: number;
  readonly unitWord: string;
  readonly unitCount: number;
  /** Dropping the k units with the largest outcome totals (wherever they landed). */
  readonly leaveTopOut: readonly { readonly k: number; readonly estimate: number; readonly shareOfEffect: number; readonly treatedAmongTop: number }[];
  /** Effect in the peak-state window (decision-time queue depth ≥ its p75) and outside it, when the log has the state. */
  readonly peakState: { readonly threshold: number; readonly peak: WindowEffect; readonly offPeak: WindowEffect } | null;
  readonly summary: string;
}

interface WindowEffect {
  readonly rows: number;
  readonly estimate: number;
  readonly ci95: readonly [number, number];
}

const fmt = (value: number): string => (Number.isFinite(value) ? value.toPrecision(3) : String(value));

/** Difference in means after removing the rows of `dropped` units. */
function differenceWithout(y: Float64Array, treated: Uint8Array, codes: Int32Array, dropped: ReadonlySet<number>): number {
  const sum = [0, 0];
  const n = [0, 0];
  for (let row = 0; row < y.length; row++) {
    if (dropped.has(codes[row] ?? -1)) continue;
    const arm = treated[row] ?? 0;
    sum[arm] = (sum[arm] ?? 0) + (y[row] ?? 0);
    n[arm] = (n[arm] ?? 0) + 1;
  }
  return (sum[1] ?? 0) / (n[1] ?? 1) - (sum[0] ?? 0) / (n[0] ?? 1);
}

/**
 * Leave-top-k-out: rank units by their outcome total (the heaviest requests / users / pools), drop the top k
 * (k = 1, 5, 1 % and 5 % of units, at most a quarter of them) and recompute the difference; the share of the effect they
 * carry is 1 − Δ₋ₖ / Δ. Peak-state windows split rows at the 75th percentile of decision-time queue depth.
 */
export function tailAttribution(y: Float64Array, treated: Uint8Array, units: readonly string[] | null, queueDepth: Float64Array | null): TailAttribution {
  const codes = new Int32Array(y.length);
  const index = new Map<string, number>();
  if (units === null) for (let row = 0; row < y.length; row++) codes[row] = row;
  else units.forEach((label, row) => {
    let code = index.get(label);
    if (code === undefined) {
      code = index.size;
      index.set(label, code);
    }
    codes[row] = code;
  });
  const unitCount = units === null ? y.length : index.size;
  const totals = new Float64Array(unitCount);
  const unitArm = new Uint8Array(unitCount);
  for (let row = 0; row < y.length; row++) {
    const code = codes[row] ?? 0;
    totals[code] = (totals[code] ?? 0) + (y[row] ?? 0);
    unitArm[code] = treated[row] ?? 0;
  }
  const order = Array.from({ length: unitCount }, (_, u) => u).sort((a, b) => (totals[b] ?? 0) - (totals[a] ?? 0));
  const estimate = differenceWithout(y, treated, codes, new Set());
  const ks = [...new Set([1, 5, Math.ceil(0.01 * unitCount), Math.ceil(0.05 * unitCount)])].filter((k) => k <= Math.floor(unitCount / 4)).sort((a, b) => a - b);
  const leaveTopOut = ks.map((k) => {
    const top = order.slice(0, k);
    const without = differenceWithout(y, treated, codes, new Set(top));
    return { k, estimate: without, shareOfEffect: estimate === 0 ? Number.NaN : 1 - without / estimate, treatedAmongTop: top.filter((u) => unitArm[u] === 1).length };
  });
  const peakState = queueDepth === null ? null : peakWindows(y, treated, queueDepth);
  const unitWord = units === null ? "rows" : "units";
  const heaviest = leaveTopOut.find((entry) => Math.abs(entry.shareOfEffect) >= 0.5);
  const summary = heaviest === undefined
    ? `No small set of ${unitWord} carries the effect: dropping the top ${leaveTopOut.at(-1)?.k ?? 0} ${unitWord} by outcome total moves it from ${fmt(estimate)} to ${fmt(leaveTopOut.at(-1)?.estimate ?? estimate)}.`
    : `The top ${heaviest.k} ${unitWord} by outcome total (${heaviest.treatedAmongTop} of them treated) carry ${(100 * heaviest.shareOfEffect).toFixed(0)} % of the effect: without them it is ${fmt(heaviest.estimate)} instead of ${fmt(estimate)} — the result rests on where a few huge ${unitWord} landed.`;
  return { estimate, unitWord, unitCount, leaveTopOut, peakState, summary };
}

function peakWindows(y: Float64Array, treated: Uint8Array, queueDepth: Float64Array): TailAttribution["peakState"] {
  const finite = Array.from(queueDepth).filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length < 8) return null;
  const threshold = finite[Math.floor(0.75 * (finite.length - 1))] ?? 0;
  const window = (peak: boolean): WindowEffect | null => {
    const rows: number[] = [];
    queueDepth.forEach((value, row) => {
      if (Number.isFinite(value) && (value >= threshold) === peak) rows.push(row);
    });
    try {
      const effect = differenceInMeans(Float64Array.from(rows, (row) => y[row] ?? 0), Uint8Array.from(rows, (row) => treated[row] ?? 0), { outcomeName: "window" });
      return { rows: rows.length, estimate: effect.estimate, ci95: effect.ci95 };
    } catch {
      return null;
    }
  };
  const peak = window(true);
  const offPeak = window(false);
  return peak === null || offPeak === null ? null : { threshold, peak, offPeak };
}
