/**
 * The one definition of a latency SLO for one request (docs/design.md §3.7, §6), shared by the simulator's
 * request records, the load generator and the goodput calculators. Every gate is in seconds; a gate
 * left out is not applied; a value equal to the gate meets it.
 */
export interface SloGates {
  readonly ttftSeconds?: number | undefined;
  readonly tpotSeconds?: number | undefined;
  readonly e2eSeconds?: number | undefined;
}

/** One request's measured latencies in seconds (null or undefined where not measured). */
export interface MeasuredLatency {
  readonly ttftSeconds?: number | null | undefined;
  readonly tpotSeconds?: number | null | undefined;
  readonly e2eSeconds?: number | null | undefined;
  /** Output tokens; TPOT is undefined by definition for ≤ 1 token (docs/design.md §6), so its gate is met vacuously. */
  readonly outputTokens?: number | undefined;
}

export type GateVerdict = "met" | "missed" | "missing";

/** "met" also when the gate is not configured or the metric is undefined by definition (vacuous). */
export function judgeGate(gateSeconds: number | undefined, valueSeconds: number | null | undefined, vacuous: boolean): GateVerdict {
  if (gateSeconds === undefined) return "met";
  if (valueSeconds === null || valueSeconds === undefined) return vacuous ? "met" : "missing";
  return valueSeconds <= gateSeconds ? "met" : "missed";
}

/** Each gate's verdict for one finished request. */
export function judgeSloGates(slo: SloGates, measured: MeasuredLatency): { readonly ttft: GateVerdict; readonly tpot: GateVerdict; readonly e2e: GateVerdict } {
  const singleToken = measured.outputTokens !== undefined && measured.outputTokens <= 1;
  return {
    ttft: judgeGate(slo.ttftSeconds, measured.ttftSeconds, false),
    tpot: judgeGate(slo.tpotSeconds, measured.tpotSeconds, singleToken),
    e2e: judgeGate(slo.e2eSeconds, measured.e2eSeconds, false),
  };
}

/** True when a finished request meets every configured gate (a missing measurement misses). */
export function meetsSloGates(slo: SloGates, measured: MeasuredLatency): boolean {
  const verdict = judgeSloGates(slo, measured);
  return verdict.ttft === "met" && verdict.tpot === "met" && verdict.e2e === "met";
}

/** True when at least one gate is set. */
export const hasSloGates = (slo: SloGates): boolean => slo.ttftSeconds !== undefined || slo.tpotSeconds !== undefined || slo.e2eSeconds !== undefined;

/** The gates in words, e.g. "TTFT ≤ 0.5 s, E2E ≤ 4 s". */
export function describeSloGates(slo: SloGates): string {
  return [
    slo.ttftSeconds === undefined ? null : `TTFT ≤ ${slo.ttftSeconds} s`,
    slo.tpotSeconds === undefined ? null : `TPOT ≤ ${slo.tpotSeconds} s`,
    slo.e2eSeconds === undefined ? null : `E2E ≤ ${slo.e2eSeconds} s`,
  ]
    .filter((part): part is string => part !== null)
    .join(", ");
}
