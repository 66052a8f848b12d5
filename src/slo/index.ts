export { describeSloGates, hasSloGates, judgeGate, judgeSloGates, meetsSloGates, type GateVerdict, type MeasuredLatency, type SloGates } from "./slo-gates.js";
export { perRequestGates, type RunSlo } from "./run-slo.js";
