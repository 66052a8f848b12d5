/** Progress of long work on the terminal: "label: n of N (p %), ETA m:ss", redrawn in place. */
export interface ProgressReporter {
  /** Reports `done` of the total; redraws at most every `minIntervalMs`. */
  readonly update: (done: number) => void;
  /** Clears the line (the command's own output follows). */
  readonly finish: () => void;
}

export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  /** Progress is drawn only on a terminal: logs and pipes stay quiet. */
  readonly isTty: boolean;
  readonly write: (text: string) => void;
  /** Injected clock (performance.now in the CLI, a counter in tests). */
  readonly nowMs: () => number;
  readonly minIntervalMs?: number;
}

const quiet: ProgressReporter = { update: () => undefined, finish: () => undefined };

/** m:ss (or h:mm:ss) for an ETA in seconds. */
export function formatEta(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/**
 * A progress line for the shell (stderr on a TTY only). The ETA assumes the remaining items take as long each as the
 * ones done so far: elapsed × (N − n) / n.
 */
export function createProgress(options: ProgressOptions): ProgressReporter {
  if (!options.isTty || options.total <= 0) return quiet;
  const started = options.nowMs();
  const minIntervalMs = options.minIntervalMs ?? 200;
  let lastDrawMs = -Infinity;
  let drawn = false;
  return {
    update(done) {
      const now = options.nowMs();
      if (now - lastDrawMs < minIntervalMs) return;
      lastDrawMs = now;
      const n = Math.min(Math.max(0, done), options.total);
      const elapsedSeconds = (now - started) / 1000;
      const eta = n > 0 ? `, ETA ${formatEta((elapsedSeconds * (options.total - n)) / n)}` : "";
      const percent = ((100 * n) / options.total).toFixed(0);
      options.write(`\r\x1b[K${options.label}: ${n.toLocaleString("en-US")} of ${options.total.toLocaleString("en-US")} (${percent} %)${eta}`);
      drawn = true;
    },
    finish() {
      if (drawn) options.write("\r\x1b[K");
      drawn = false;
    },
  };
}
