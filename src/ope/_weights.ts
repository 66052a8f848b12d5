import type { LoggedBandit } from "./logged-bandit.js";

/** Importance weights w_i = π(a_i | x_i) / p_i, and min(w_i, M) when a clip M is given. */
export function _importanceWeights(data: LoggedBandit, n: number, clip: number | null): { readonly raw: Float64Array; readonly used: Float64Array; readonly clippedRows: number } {
  const k = data.actions;
  const raw = new Float64Array(n);
  const used = new Float64Array(n);
  let clippedRows = 0;
  for (let i = 0; i < n; i++) {
    const action = data.loggedAction[i] ?? 0;
    const w = (data.target[i * k + action] ?? 0) / (data.propensity[i] ?? 1);
    raw[i] = w;
    if (clip !== null && w > clip) {
      used[i] = clip;
      clippedRows++;
    } else used[i] = w;
  }
  return { raw, used, clippedRows };
}

/** Checks a clip level: null, or a finite number > 0. */
export function _checkClip(clip: number | null | undefined): number | null {
  if (clip == null) return null;
  if (!(clip > 0) || !Number.isFinite(clip)) throw new RangeError(`clip must be a finite number > 0, got ${clip}`);
  return clip;
}
