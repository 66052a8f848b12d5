import type { LoadProgress } from "./run-load.js";

/**
 * Seconds left: by the request count when it is known (remaining × elapsed / finished, the pace so
 * far), else by --duration; null when neither tells (nothing finished yet and no duration).
 */
export function etaSeconds(progress: LoadProgress): number | null {
  if (progress.planned !== null && progress.finished > 0) return Math.max(0, ((progress.planned - progress.finished) * progress.elapsedSeconds) / progress.finished);
  if (progress.durationSeconds !== null) return Math.max(0, progress.durationSeconds - progress.elapsedSeconds);
  return null;
}

/** One progress line: n of N done, the status counts, requests in flight, ETA and the largest client lag since the last line. */
export function formatProgressLine(progress: LoadProgress): string {
  const eta = etaSeconds(progress);
  const of = progress.planned === null ? "" : ` of ${progress.planned}`;
  return (
    `${progress.label ? `[${progress.label}] ` : ""}${progress.finished}${of} done (ok ${progress.ok}, error ${progress.error}, dropped ${progress.dropped}, incomplete ${progress.incomplete}), ` +
    `${progress.inFlight} in flight, ${progress.elapsedSeconds.toFixed(1)} s elapsed, ETA ${eta === null ? "?" : `${eta.toFixed(0)} s`}, max lag ${progress.maxLagMs.toFixed(1)} ms`
  );
}
