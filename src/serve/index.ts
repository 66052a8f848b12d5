/** The simulated OpenAI-compatible server (docs/design.md §6): the simulator behind a real HTTP API. */
export { startSimulatedServer, type SimulatedServer, type SimulatedServerOptions } from "./start-simulated-server.js";
export { defaultServeFleet } from "./default-serve-fleet.js";
export type { ServeFleet } from "./serve-fleet.js";
export { startRealtimeFleet, type RealtimeFleet, type RealtimeFleetOptions, type ServedRequest, type ServedOutcome, type ServedListener } from "./realtime-fleet.js";
export type { ReplicaMetrics } from "./replica-metrics.js";
export { latencyHistogramSpecs, ttftBucketsSeconds, interTokenBucketsSeconds, requestLatencyBucketsSeconds } from "./latency-histograms.js";
export { renderMetrics } from "./render-metrics.js";
export { countChatPromptTokens, countTextTokens, chatTokensPerMessage, chatTokensPerName, chatReplyPrimingTokens } from "./count-prompt-tokens.js";
export { defaultMaxTokens } from "./prepare-request.js";
