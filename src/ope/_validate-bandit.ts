import { GoodputError } from "../errors.js";
import type { LoggedBandit } from "./logged-bandit.js";

const probabilityTolerance = 1e-6;

/** Checks shapes and values (every problem, listed by row) and returns n; throws GoodputError("BAD_INPUT"). */
export function _validateBandit(data: LoggedBandit): number {
  const n = data.loggedAction.length;
  const k = data.actions;
  const issues: string[] = [];
  const add = (issue: string): void => {
    if (issues.length < 20) issues.push(issue);
  };
  if (!Number.isInteger(k) || k < 1) add(`actions must be a whole number ≥ 1, got ${k}`);
  if (n === 0) add("no rows");
  if (data.propensity.length !== n) add(`propensity has ${data.propensity.length} rows, loggedAction ${n}`);
  if (data.reward.length !== n) add(`reward has ${data.reward.length} rows, loggedAction ${n}`);
  if (data.target.length !== n * k) add(`target has ${data.target.length} entries, expected n × K = ${n * k}`);
  if (data.logging != null && data.logging.length !== n * k) add(`logging has ${data.logging.length} entries, expected n × K = ${n * k}`);
  if (issues.length === 0) {
    for (let i = 0; i < n; i++) {
      const action = data.loggedAction[i] ?? Number.NaN;
      const p = data.propensity[i] ?? Number.NaN;
      const r = data.reward[i] ?? Number.NaN;
      if (!Number.isInteger(action) || action < 0 || action >= k) add(`row ${i + 1}: logged action ${action} is not in 0…${k - 1}`);
      if (!(p > 0 && p <= 1 + probabilityTolerance)) add(`row ${i + 1}: propensity ${p} is not in (0, 1] — a zero propensity means the logger could not have taken the logged action; fix the router's logging`);
      if (!Number.isFinite(r)) add(`row ${i + 1}: reward ${r} is not a finite number`);
      let sum = 0;
      for (let a = 0; a < k; a++) {
        const q = data.target[i * k + a] ?? Number.NaN;
        if (!(q >= 0 && q <= 1 + probabilityTolerance)) add(`row ${i + 1}: target probability of action ${a} is ${q}`);
        sum += q;
      }
      if (Math.abs(sum - 1) > 1e-6) add(`row ${i + 1}: target probabilities sum to ${sum}, not 1`);
    }
  }
  if (issues.length > 0) {
    throw new GoodputError("BAD_INPUT", `Off-policy evaluation input is invalid: ${issues.slice(0, 3).join("; ")}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ""}.`, { where: "off-policy data", issues });
  }
  return n;
}
