import type { RouterConfig } from "../sim/routers/router-schema.js";
import type { AdmissionLimit, Disturbances, PoolSpec, SloGates } from "../sim/simulate-fleet.js";

/**
 * The fleet a simulated server runs: pools, the routing policy and the fleet-side settings of a
 * scenario. Workload, designs and counterfactuals do not apply — real clients are the workload.
 */
export interface ServeFleet {
  readonly name: string;
  readonly seed: number;
  readonly pools: readonly PoolSpec[];
  readonly router: RouterConfig;
  readonly routerReplicas: number;
  readonly signalRefreshSeconds: number;
  readonly slo: SloGates;
  readonly admission: Readonly<Record<string, AdmissionLimit>>;
  /**
   * vLLM's max_model_len (context length): prompt + max_tokens beyond it get HTTP 400. Absent or
   * null: each model's KV cache per request.
   */
  readonly maxModelLenTokens?: number | null;
  /** Replica failures and slowdowns, at simulated seconds since the server started. */
  readonly disturbances: Pick<Disturbances, "failures" | "slowdowns">;
}
