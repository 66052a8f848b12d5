import { GoodputError } from "../errors.js";
import { createRng } from "../numeric/rng.js";
import { createArrivalProcess } from "../sim/workload/arrivals.js";
import type { ExperimentCase } from "./experiment-schema.js";

/** Most requests a time-bounded cell may turn into (a guard against a rate × duration typo). */
const maxRequests = 1_000_000;

/**
 * A time-bounded cell as a request count: the number of arrivals in [0, durationSeconds] that the
 * simulator will draw for this seed. It replays the simulator's own arrival stream
 * (createRng(seed, "workload/arrivals"), as RequestStream does), so the run's arrivals are exactly
 * those within the duration. Session follow-ups would add requests the arrival stream does not
 * show, so a sessions workload is refused.
 */
export function requestsWithinDuration(testCase: ExperimentCase, options: { readonly seed: number; readonly durationSeconds: number }): number {
  const where = `cases.${testCase.name}.durationSeconds`;
  if (testCase.workload.sessions !== undefined) {
    throw new GoodputError("BAD_INPUT", `${where}: a time-bounded case cannot have sessions yet (follow-up turns are not in the arrival stream); give requests instead.`, { where });
  }
  const arrivals = createArrivalProcess(testCase.workload.arrivals, createRng(options.seed, "workload/arrivals"));
  let count = 0;
  while (arrivals.next() <= options.durationSeconds) {
    count += 1;
    if (count > maxRequests) throw new GoodputError("BAD_INPUT", `${where}: ${options.durationSeconds} s holds more than ${maxRequests} arrivals; shorten the duration.`, { where });
  }
  if (count === 0) throw new GoodputError("BAD_INPUT", `${where}: no request arrives within ${options.durationSeconds} s; lengthen the duration.`, { where });
  return count;
}
