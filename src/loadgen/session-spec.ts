import { GoodputError } from "../errors.js";
import type { Rng } from "../numeric/rng.js";

/**
 * Multi-turn sessions (`--sessions TURNS --think-seconds S`): each session start on the schedule
 * opens a conversation of `minTurns`–`maxTurns` turns (uniform whole number, drawn per session);
 * each follow-up is sent a think time after the previous turn's response completed, the think
 * time exponential with mean `thinkSeconds` (0 = immediately).
 */
export interface SessionSpec {
  readonly minTurns: number;
  readonly maxTurns: number;
  readonly thinkSeconds: number;
}

/** One session's draws: its turn count and the think time before each follow-up. */
export interface SessionDraw {
  readonly turns: number;
  /** thinkMs[k] is the pause after turn k + 1 completes, before turn k + 2 is sent (length turns − 1). */
  readonly thinkMs: readonly number[];
}

/** Most turns one session may have (each turn's think time is drawn up front). */
export const maxSessionTurns = 1000;

const _turnsPattern = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/;

/** Parses `--sessions`: a whole number of turns ≥ 2, or a range `2-6` (both ends ≥ 2, low ≤ high). */
export function parseSessionsFlag(text: string): { readonly minTurns: number; readonly maxTurns: number } {
  const match = _turnsPattern.exec(text);
  const low = match?.[1] === undefined ? NaN : Number(match[1]);
  const high = match?.[2] === undefined ? low : Number(match[2]);
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low < 2 || high < low || high > maxSessionTurns) {
    throw new GoodputError("BAD_INPUT", `--sessions: "${text}" is not a turn count of 2 to ${maxSessionTurns}, nor a range LOW-HIGH with 2 ≤ LOW ≤ HIGH ≤ ${maxSessionTurns}; for example --sessions 3 or --sessions 2-6.`, { where: "--sessions" });
  }
  return { minTurns: low, maxTurns: high };
}

/**
 * Draws one session's turn count and think times from its own stream, in a fixed order (turns
 * first, then each think time), so a session's draws depend only on (seed, stream), not on when
 * other sessions' responses arrive. Think time: inverse-CDF exponential, −mean·ln(1 − u).
 */
export function drawSession(spec: SessionSpec, rng: Rng): SessionDraw {
  const span = spec.maxTurns - spec.minTurns + 1;
  const turns = spec.minTurns + Math.min(span - 1, Math.floor(rng.next() * span));
  const thinkMs: number[] = [];
  for (let turn = 1; turn < turns; turn++) {
    const u = rng.next();
    thinkMs.push(spec.thinkSeconds > 0 ? -spec.thinkSeconds * 1000 * Math.log(1 - u) : 0);
  }
  return { turns, thinkMs };
}
