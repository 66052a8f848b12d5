import { Agent, type Dispatcher } from "undici";
import { GoodputError } from "../errors.js";
import { createRng, hashUniform } from "../numeric/rng.js";
import type { ArrivalSpec, TraceEntry } from "./arrival-spec.js";
import { resolveEndpoints, type LoadApi } from "./endpoints.js";
import { createPromptBuilder, type PromptBuilder } from "./exact-prompt.js";
import type { LoadResult } from "./load-result.js";
import { buildRequestBody, conversationText, type ConversationTurn } from "./request-body.js";
import type { SloGates } from "./request-metrics.js";
import { buildSchedule } from "./schedule.js";
import { sendRequest, type RequestPlan, type SendContext } from "./send-request.js";
import { drawSession, type SessionSpec } from "./session-spec.js";
import { summarizeLoad, type LoadSummary } from "./summarize-load.js";

/** Open loop (absolute schedule, independent of responses) or closed loop (fixed concurrency). */
export type LoadMode =
  | { readonly kind: "open"; readonly ratePerSecond: number; readonly arrivals: ArrivalSpec }
  | { readonly kind: "closed"; readonly concurrency: number };

/** Live counters, reported every progress interval. */
export interface LoadProgress {
  readonly label: string;
  readonly elapsedSeconds: number;
  readonly sent: number;
  readonly finished: number;
  readonly ok: number;
  readonly error: number;
  readonly incomplete: number;
  /** HTTP 503: shed by the server. */
  readonly dropped: number;
  readonly inFlight: number;
  /** Requests this point will send (warm-up included), or null when only --duration bounds it. */
  readonly planned: number | null;
  /** --duration, or null. */
  readonly durationSeconds: number | null;
  /** Largest client lag (t0 − t_sched) since the previous report. */
  readonly maxLagMs: number;
}

export interface LoadOptions {
  readonly target: string;
  readonly api?: LoadApi;
  readonly model: string;
  readonly mode: LoadMode;
  /** Measured requests (warm-up requests come on top). Default 100 when no --duration. */
  readonly requests?: number;
  readonly durationSeconds?: number;
  /** Stop scheduling once the share of failed (error or incomplete) requests exceeds this, after 10 finished. */
  readonly maxErrorRate?: number;
  readonly warmup?: number;
  readonly promptTokens?: number;
  readonly outputTokens?: number;
  readonly prefix?: { readonly groups: number; readonly tokens: number };
  readonly slo?: SloGates;
  readonly timeoutSeconds?: number;
  readonly seed?: number;
  readonly apiKey?: string;
  readonly ignoreEos?: boolean;
  /**
   * Multi-turn sessions: each arrival (open loop) or each free slot (closed loop) starts a session;
   * its follow-ups are sent a think time after the previous turn's response completes, carrying
   * the conversation so far. --requests counts requests (turns); --duration stops new sessions and follow-ups.
   */
  readonly sessions?: SessionSpec;
  /** Monotonic clock in ms (performance.now in the shell; scripted in tests). */
  readonly now: () => number;
  /** Aborting stops scheduling, waits cancelGraceMs for in-flight requests, then cancels them. */
  readonly signal?: AbortSignal;
  readonly cancelGraceMs?: number;
  readonly label?: string;
  readonly firstRequestId?: number;
  readonly promptBuilder?: PromptBuilder;
  readonly dispatcher?: Dispatcher;
  readonly onResult?: (result: LoadResult) => void;
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly progressIntervalMs?: number;
}

/** Why scheduling stopped. */
export type StopReason = "completed" | "duration" | "error-rate" | "interrupted";

export interface LoadRun {
  readonly label: string;
  readonly mode: LoadMode;
  readonly results: readonly LoadResult[];
  readonly summary: LoadSummary;
  readonly stopReason: StopReason;
  readonly interrupted: boolean;
  /** The run's time origin on the `now` clock (schedule offset 0). */
  readonly originMs: number;
  readonly scheduled: number;
  readonly sent: number;
}

const minFinishedForErrorRate = 10;
/** Longest delay a Node timer keeps (2³¹ − 1 ms). */
const maxTimerMs = 2 ** 31 - 1;
const scheduleLeadMs = 2;

/**
 * Drives the target with streaming requests and returns every result and the summary. Open loop:
 * the whole schedule is precomputed and each request is sent at origin + t_sched whatever the
 * responses do (no coordinated omission); the dispatcher sleeps with timers and polls with
 * setImmediate in the last 1–2 ms before a send. Closed loop: `concurrency` requests in flight,
 * each completion sending the next. Stops on the request count, --duration, the error-rate
 * ceiling or the abort signal; records stream out through onResult as they complete.
 *
 * Sessions (options.sessions): a schedule arrival starts a session instead of a lone request;
 * follow-up turns are closed loop within their session (sent at previous turn's stream close +
 * think time, which is also their t_sched, so client lag covers only the client's own delay),
 * while session starts stay open loop. A failed turn ends its session (there is no reply to carry
 * on with); any stop rule cancels pending follow-ups. Without --duration, the run ends when the
 * request count is reached or every scheduled session has finished.
 */
export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const { now, mode } = options;
  const api = options.api ?? "chat";
  const label = options.label ?? "";
  const warmup = options.warmup ?? 0;
  const seed = options.seed ?? 1;
  const timeoutMs = (options.timeoutSeconds ?? 60) * 1000;
  // Node timers hold at most 2³¹ − 1 ms; a longer delay fires after 1 ms (the #18 "--timeout 2147484 s → 1 ms" bug).
  if (!(timeoutMs > 0 && timeoutMs <= maxTimerMs)) throw new GoodputError("BAD_INPUT", `Timeout ${options.timeoutSeconds ?? 60} s must be above 0 and at most ${maxTimerMs / 1000} s (Node's timer limit); for example --timeout 60.`, { where: "--timeout" });
  const promptTokens = options.promptTokens ?? 128;
  const outputTokens = options.outputTokens ?? 64;
  const measured = options.requests ?? (options.durationSeconds === undefined ? 100 : undefined);
  const total = measured === undefined ? undefined : measured + warmup;
  const endpoints = resolveEndpoints(options.target, api);
  const builder = options.promptBuilder ?? (await createPromptBuilder(seed));
  const ownDispatcher = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({ connections: mode.kind === "closed" ? mode.concurrency : null, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
  if (mode.kind === "closed" && !(Number.isInteger(mode.concurrency) && mode.concurrency >= 1)) {
    throw new GoodputError("BAD_INPUT", `Concurrency ${mode.concurrency} must be a whole number ≥ 1; for example --concurrency 8.`, { where: "--concurrency" });
  }
  const schedule =
    mode.kind === "open"
      ? buildSchedule(mode.arrivals, {
          ratePerSecond: mode.ratePerSecond,
          ...(total !== undefined ? { count: total } : {}),
          ...(options.durationSeconds !== undefined ? { durationSeconds: options.durationSeconds } : {}),
          rng: createRng(seed, `loadgen/arrivals/${label}`),
        })
      : null;
  const trace: readonly TraceEntry[] | null = schedule?.trace ?? null;

  const inFlightCancels = new Set<() => void>();
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  const sendContext: SendContext = {
    url: endpoints.generateUrl,
    dispatcher,
    headers,
    now,
    timeoutMs,
    apiKey: options.apiKey,
    countTokens: (text) => builder.countTokens(text),
    track: (cancel) => {
      inFlightCancels.add(cancel);
      return () => inFlightCancels.delete(cancel);
    },
  };
  const firstId = options.firstRequestId ?? 0;
  const sessionSpec = options.sessions;
  const ignoreEos = options.ignoreEos ?? true;
  // A session's state while it has turns left: its draws, the conversation so far and its token count.
  interface Session {
    readonly id: string;
    readonly turns: number;
    readonly thinkMs: readonly number[];
    readonly promptTokens: number;
    readonly maxOutputTokens: number;
    readonly prefixGroup: string | null;
    readonly prefixTokens: number;
    readonly history: ConversationTurn[];
    /** The previous turn's user message (to pair with its reply) and the conversation's client-counted tokens before it. */
    lastUser: string;
    historyTokens: number;
  }
  const sessionsByRequest = new Map<number, Session>();
  let sessionsStarted = 0;
  // A session start (or a lone request): `entryIndex` picks the trace row that sets its lengths.
  const makePlan = (entryIndex: number, scheduledMs: number | null): RequestPlan => {
    const requestId = firstId + sent;
    const entry = trace?.[entryIndex];
    const tokens = entry?.promptTokens ?? promptTokens;
    const maxOutputTokens = entry?.outputTokens ?? outputTokens;
    const prefix = options.prefix && options.prefix.groups > 0 && options.prefix.tokens > 0 ? { group: Math.floor(hashUniform(seed, requestId, 0x9f) * options.prefix.groups), tokens: options.prefix.tokens } : undefined;
    const prompt = entry?.prefixBlocks ? builder.buildFromBlocks(requestId, entry.prefixBlocks.ids, entry.prefixBlocks.blockTokens, tokens) : builder.build(requestId, tokens, prefix);
    const common = {
      requestId,
      label,
      warmup: sent < warmup,
      scheduledMs,
      body: buildRequestBody({ api, model: options.model, prompt: prompt.text, maxOutputTokens, ignoreEos }),
      promptTokens: prompt.tokens,
      maxOutputTokens,
      prefixGroup: prompt.prefixGroup,
      prefixTokens: prompt.prefixTokens,
    };
    if (sessionSpec === undefined) return common;
    // Each session draws from its own named stream, keyed by its start order (deterministic in open loop).
    const draw = drawSession(sessionSpec, createRng(seed, `loadgen/sessions/${label}/${sessionsStarted++}`));
    const session: Session = { id: `s${requestId}`, turns: draw.turns, thinkMs: draw.thinkMs, promptTokens: tokens, maxOutputTokens, prefixGroup: prompt.prefixGroup, prefixTokens: prompt.prefixTokens, history: [], lastUser: prompt.text, historyTokens: 0 };
    sessionsByRequest.set(requestId, session);
    return { ...common, session: { sessionId: session.id, turn: 1, turns: session.turns, historyTokens: 0 }, keepReply: true };
  };
  // The next turn of a session: the conversation so far plus a new user message of exact length.
  const makeFollowUp = (session: Session, turn: number, scheduledMs: number): RequestPlan => {
    const requestId = firstId + sent;
    const prompt = builder.build(requestId, session.promptTokens);
    // Chat: messages are counted one by one (the server adds its chat template's tokens on top);
    // completions: the concatenated text is counted whole, since tokens can merge across the joins.
    const historyTokens = api === "chat" ? session.historyTokens : builder.countTokens(conversationText(session.history));
    const promptTokenCount = api === "chat" ? historyTokens + prompt.tokens : builder.countTokens(conversationText(session.history) + prompt.text);
    session.lastUser = prompt.text;
    session.historyTokens = historyTokens;
    sessionsByRequest.set(requestId, session);
    return {
      requestId,
      label,
      warmup: sent < warmup,
      scheduledMs,
      body: buildRequestBody({ api, model: options.model, prompt: prompt.text, maxOutputTokens: session.maxOutputTokens, ignoreEos, history: session.history }),
      promptTokens: promptTokenCount,
      maxOutputTokens: session.maxOutputTokens,
      prefixGroup: session.prefixGroup,
      prefixTokens: session.prefixTokens,
      session: { sessionId: session.id, turn, turns: session.turns, historyTokens },
      keepReply: turn < session.turns,
    };
  };

  const results: LoadResult[] = [];
  let sent = 0;
  let inFlight = 0;
  let failures = 0;
  let ok = 0;
  let errors = 0;
  let dropped = 0;
  let maxLagMs = 0;
  // Mutable run state in one object: flags set inside callbacks keep their declared types.
  // schedulingDone: nothing more is sent; startsDone: no more session starts, follow-ups go on.
  const state: {
    reason: StopReason | null;
    startsReason: StopReason | null;
    schedulingDone: boolean;
    startsDone: boolean;
    unexpected: Error | null;
    timer: NodeJS.Timeout | null;
    deadlineTimer: NodeJS.Timeout | null;
    cancelTimer: NodeJS.Timeout | null;
  } = { reason: null, startsReason: null, schedulingDone: false, startsDone: false, unexpected: null, timer: null, deadlineTimer: null, cancelTimer: null };
  /** Follow-ups waiting out their think time. */
  const thinking = new Set<NodeJS.Timeout>();
  const isStopped = (): boolean => state.schedulingDone;
  let resolveAll: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (resolveAll = resolve));
  const maybeDone = (): void => {
    if ((state.schedulingDone || state.startsDone) && inFlight === 0 && thinking.size === 0) resolveAll();
  };
  const stopScheduling = (reason: StopReason): void => {
    state.reason ??= reason;
    if (state.schedulingDone) return;
    state.schedulingDone = true;
    for (const timer of thinking) clearTimeout(timer);
    thinking.clear();
    maybeDone();
  };
  let next: () => void = () => undefined;
  const startMs = now();
  const originMs = startMs + (mode.kind === "open" ? scheduleLeadMs : 0);
  // --duration: the schedule holds only session starts before it; follow-ups are not sent after it.
  const deadlineMs = options.durationSeconds === undefined ? Infinity : originMs + options.durationSeconds * 1000;
  /** False (and stops the run) when --requests is used up. */
  const underRequestCount = (): boolean => {
    if (total === undefined || sent < total) return true;
    stopScheduling("completed");
    return false;
  };
  const launchPlan = (plan: RequestPlan): void => {
    inFlight++;
    sent++;
    sendRequest(plan, sendContext).then(onFinished, onUnexpected);
    // The last request of --requests: stop now rather than at the next schedule slot (sessions can use the count up early).
    if (total !== undefined && sent >= total) stopScheduling("completed");
  };
  const launch = (index: number, scheduledMs: number | null): void => {
    launchPlan(makePlan(index, scheduledMs));
  };
  /** Schedules the session's next turn after its think time; false when the session is over. */
  const continueSession = (result: LoadResult, reply: string): boolean => {
    const session = sessionsByRequest.get(result.requestId);
    sessionsByRequest.delete(result.requestId);
    const turn = result.session?.turn ?? 0;
    if (session === undefined || turn >= session.turns || result.outcome.status !== "ok" || isStopped()) return false;
    session.history.push({ user: session.lastUser, assistant: reply });
    if (api === "chat") session.historyTokens = result.promptTokens + builder.countTokens(reply);
    const thinkMs = session.thinkMs[turn - 1] ?? 0;
    const scheduledMs = result.endMs + thinkMs;
    if (scheduledMs >= deadlineMs) return false;
    // Node's timers run on a millisecond loop clock that can be up to ~1 ms behind now(): a timer may
    // fire just before t_sched, so an early wake-up waits out the remainder (never sent before t_sched).
    const wake = (): void => {
      thinking.delete(timer);
      const earlyMs = scheduledMs - now();
      if (earlyMs > 0) {
        timer = setTimeout(wake, Math.ceil(earlyMs));
        thinking.add(timer);
        return;
      }
      if (!isStopped() && underRequestCount()) {
        const lateMs = now() - scheduledMs;
        if (lateMs > maxLagMs) maxLagMs = lateMs;
        launchPlan(makeFollowUp(session, turn + 1, scheduledMs));
      }
      maybeDone();
    };
    let timer = setTimeout(wake, Math.max(0, Math.ceil(scheduledMs - now())));
    thinking.add(timer);
    return true;
  };
  const onFinished = (finished: LoadResult): void => {
    inFlight--;
    // The reply text feeds the session's next turn only; results do not keep it (memory over long runs).
    const { replyText, ...result } = finished;
    results.push(result);
    if (result.outcome.status === "ok") ok++;
    else {
      failures++;
      if (result.outcome.status === "error") errors++;
      else if (result.outcome.status === "dropped") dropped++;
    }
    options.onResult?.(result);
    if (options.maxErrorRate !== undefined && results.length >= minFinishedForErrorRate && failures / results.length > options.maxErrorRate) stopScheduling("error-rate");
    // A closed-loop slot whose session goes on stays with it; otherwise the slot takes new work.
    if (!continueSession(result, replyText ?? "") || mode.kind === "open") next();
    maybeDone();
  };
  const onUnexpected = (error: unknown): void => {
    inFlight--;
    state.unexpected ??= error instanceof Error ? error : new Error(String(error));
    stopScheduling("interrupted");
    maybeDone();
  };

  if (schedule !== null) {
    const offsets = schedule.offsetsMs;
    let index = 0;
    // Launches every request (or session start) that is due; also called after each completion, so a burst of
    // responses handled in one event-loop turn does not hold back a send that fell due meanwhile.
    const pump = (): void => {
      while (index < offsets.length && !isStopped()) {
        const scheduledMs = originMs + (offsets[index] ?? 0);
        const lateMs = now() - scheduledMs;
        if (lateMs < 0) break;
        if (sessionSpec !== undefined && !underRequestCount()) break;
        if (lateMs > maxLagMs) maxLagMs = lateMs;
        launch(index++, scheduledMs);
      }
    };
    next = pump;
    const tick = (): void => {
      state.timer = null;
      if (isStopped()) return;
      pump();
      if (isStopped()) return;
      if (index >= offsets.length) {
        const reason = options.durationSeconds !== undefined && (total === undefined || offsets.length < total) ? "duration" : "completed";
        if (sessionSpec === undefined) stopScheduling(reason);
        else {
          // Sessions still running finish their turns (up to the deadline, if any).
          state.startsReason = reason;
          state.startsDone = true;
          maybeDone();
        }
        return;
      }
      const waitMs = originMs + (offsets[index] ?? 0) - now();
      // Timers fire up to ~1 ms late: sleep until 1–2 ms before the send, then poll.
      if (waitMs > 1.5) state.timer = setTimeout(tick, Math.floor(waitMs - 1));
      else setImmediate(tick);
    };
    state.timer = setTimeout(tick, 0);
  } else if (mode.kind === "closed") {
    let index = 0;
    next = () => {
      if (state.schedulingDone) return;
      if (total !== undefined && sent >= total) stopScheduling("completed");
      else if (now() >= deadlineMs) stopScheduling("duration");
      else launch(index++, null);
    };
    for (let slot = 0; slot < mode.concurrency && !state.schedulingDone; slot++) next();
  }
  if (deadlineMs < Infinity && (mode.kind === "closed" || sessionSpec !== undefined)) {
    state.deadlineTimer = setTimeout(() => {
      stopScheduling("duration");
    }, Math.max(0, deadlineMs - now()));
  }

  const onAbort = (): void => {
    stopScheduling("interrupted");
    state.cancelTimer = setTimeout(() => {
      for (const cancel of [...inFlightCancels]) cancel();
    }, options.cancelGraceMs ?? 1000);
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const progressTimer =
    options.onProgress === undefined
      ? null
      : setInterval(() => {
          options.onProgress?.({
            label, elapsedSeconds: (now() - startMs) / 1000, sent, finished: results.length, ok, error: errors, incomplete: failures - errors - dropped, dropped, inFlight, maxLagMs,
            planned: sessionSpec !== undefined ? (total ?? null) : (schedule?.offsetsMs.length ?? total ?? null), durationSeconds: options.durationSeconds ?? null,
          });
          maxLagMs = 0;
        }, options.progressIntervalMs ?? 1000);

  try {
    await allDone;
  } finally {
    if (state.timer !== null) clearTimeout(state.timer);
    if (state.deadlineTimer !== null) clearTimeout(state.deadlineTimer);
    for (const timer of thinking) clearTimeout(timer);
    if (state.cancelTimer !== null) clearTimeout(state.cancelTimer);
    if (progressTimer !== null) clearInterval(progressTimer);
    options.signal?.removeEventListener("abort", onAbort);
    if (ownDispatcher) await dispatcher.close();
  }
  if (state.unexpected !== null) throw state.unexpected;
  results.sort((a, b) => a.requestId - b.requestId);
  const finalReason: StopReason = state.reason ?? state.startsReason ?? "completed";
  return {
    label,
    mode,
    results,
    summary: summarizeLoad(results, { ...(options.slo ? { slo: options.slo } : {}), label }),
    stopReason: finalReason,
    interrupted: finalReason === "interrupted",
    originMs,
    scheduled: schedule?.offsetsMs.length ?? sent,
    sent,
  };
}
