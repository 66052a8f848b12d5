/**
 * goodput's library API: the pure capabilities, one subpath each (goodput/physics, /sim, /stats,
 * /causal, /readout, /loadgen). The CLI, report writing and DuckDB readers are in goodput/cli, so
 * importing this root never loads the CLI or DuckDB's native library.
 */
export * from "./entries/physics.js";
export * from "./entries/sim.js";
export * from "./entries/stats.js";
export * from "./entries/causal.js";
export * from "./entries/readout.js";
export * from "./entries/loadgen.js";
