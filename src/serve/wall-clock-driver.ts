import type { FleetSimulation } from "../sim/simulate-fleet.js";

/** Runs an online simulation on the wall clock: simulated seconds = elapsed wall seconds × timeScale. */
export interface WallClockDriver {
  /** Current simulated time (never goes back). */
  simSeconds(): number;
  /** Runs every due event now and re-arms the one pending timer (after an arrival or an abort). */
  wake(): void;
  /** Cancels the pending timer; no further events run. */
  stop(): void;
}

/**
 * A timer wakes at the next simulated event (setTimeout for the gap, setImmediate when due) — one
 * pending timer at a time, none when the simulation is idle, no busy loop.
 */
export function driveOnWallClock(simulation: FleetSimulation, options: { readonly timeScale: number; readonly nowMs: () => number }): WallClockDriver {
  const startMs = options.nowMs();
  let lastSimSeconds = 0;
  const simSeconds = (): number => {
    lastSimSeconds = Math.max(lastSimSeconds, ((options.nowMs() - startMs) / 1000) * options.timeScale);
    return lastSimSeconds;
  };
  let cancelTimer: (() => void) | null = null;
  let stopped = false;
  const wake = (): void => {
    cancelTimer?.();
    cancelTimer = null;
    if (stopped) return;
    simulation.advanceUntil(simSeconds());
    const next = simulation.nextEventSeconds();
    if (!Number.isFinite(next)) return;
    const delayMs = ((next - simSeconds()) / options.timeScale) * 1000;
    if (delayMs <= 0) {
      const immediate = setImmediate(wake);
      cancelTimer = () => { clearImmediate(immediate); };
    } else {
      const timeout = setTimeout(wake, delayMs);
      cancelTimer = () => { clearTimeout(timeout); };
    }
  };
  // Disturbances are scheduled from the start.
  wake();
  return {
    simSeconds,
    wake,
    stop: () => {
      stopped = true;
      cancelTimer?.();
      cancelTimer = null;
    },
  };
}
