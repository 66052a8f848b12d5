import { GoodputError } from "../../errors.js";
import { EventHeap } from "../event-heap.js";
import { createRng, type Rng } from "../../numeric/rng.js";
import type { RequestSource, SimRequestSpec } from "../sim-request.js";
import { createArrivalProcess, type ArrivalProcess } from "./arrivals.js";
import { createDurationSampler, type DurationSampler } from "./duration-sampler.js";
import { createLengthSampler, type LengthSampler } from "./length-sampler.js";
import { createWeightedChoice, type WeightedChoice } from "./weighted-choice.js";
import type { WorkloadConfig } from "./workload-schema.js";
import { createZipfSampler, type ZipfSampler } from "./zipf-sampler.js";

export type { SimRequestSpec } from "../sim-request.js";

export interface RequestStreamOptions {
  readonly seed: number;
  /** Total requests to emit, session follow-up turns included. */
  readonly requests: number;
}

/** A lazy source of requests in nondecreasing arrival order; also iterable. */
export interface RequestStream extends RequestSource, Iterable<SimRequestSpec> {
  /** Sessions with a follow-up turn still to come: the only state that grows with the run. */
  readonly pendingSessions: number;
}

/** An open multi-turn session between its turns. */
interface _Session {
  readonly sessionId: string;
  readonly tenantIndex: number;
  readonly userId: string;
  readonly preUsage: number;
  readonly prefixGroup: string | null;
  readonly prefixTokens: number;
  historyTokens: number;
  turn: number;
  turnsLeft: number;
}

/**
 * The workload as a lazy request stream. Every attribute draws from its own named stream,
 * createRng(seed, "workload/<name>"), so the same seed gives the same requests whatever policy
 * runs (common random numbers), and changing one attribute's config leaves the others' draws alone.
 *
 * Modelling choices:
 * - `arrivals` times new conversations. A session's follow-up turn arrives open-loop at the
 *   previous turn's arrival + think time, not after its response: arrivals stay independent of
 *   the policy (a closed loop would make the workload depend on latency). Follow-ups add to the
 *   arrival rate (e.g. share 0.3 with 4 turns on average gives 1 + 0.3·3 = 1.9× as many requests).
 * - A request's prompt is [shared prefix][session history][new message]: turn t's history is the
 *   new messages and outputs of turns 0…t−1; promptTokens ≥ prefixTokens + historyTokens + 1.
 * - Tenants are drawn per conversation by weight; users are per tenant ("<tenant>/u<rank−1>",
 *   Zipf popularity), or one anonymous user per conversation ("anon<id>") without `users`.
 * - preUsage is the user's popularity-based expected requests in a run of `requests` requests
 *   (requests · tenant share · Zipf probability), a pre-period covariate for CUPED; 0 for anonymous users.
 * - workloadClass is "long" when promptTokens ≥ longPromptTokens, else "short".
 * Memory is constant in the number of requests apart from open sessions (a heap of pending turns).
 */
export function createRequestStream(config: WorkloadConfig, options: RequestStreamOptions): RequestStream {
  if (!Number.isInteger(options.requests) || options.requests < 0) {
    throw new GoodputError("BAD_INPUT", `requests is ${options.requests}; it must be a whole number ≥ 0.`);
  }
  return new _WorkloadStream(config, options);
}

class _WorkloadStream implements RequestStream {
  private readonly total: number;
  private emitted = 0;
  private conversations = 0;
  private readonly arrivals: ArrivalProcess;
  private nextArrivalSeconds: number;
  private readonly pending = new EventHeap<_Session>();

  private readonly tenantNames: readonly string[];
  private readonly tenantTiers: readonly string[];
  private readonly tenantLatencySensitive: readonly boolean[];
  private readonly tenantExpectedRequests: readonly number[];
  private readonly chooseTenant: WeightedChoice | null;
  private readonly users: ZipfSampler | null;
  private readonly prefixShare: number;
  private readonly prefixGroupZipf: ZipfSampler | null;
  private readonly prefixGroupNames: readonly string[];
  private readonly prefixGroupTokens: Int32Array;
  private readonly sessionShare: number;
  private readonly sessionTurns: LengthSampler | null;
  private readonly thinkSeconds: DurationSampler | null;
  private readonly maxContextTokens: number;
  private readonly promptTokens: LengthSampler;
  private readonly followUpTokens: LengthSampler;
  private readonly outputTokens: LengthSampler;
  private readonly longPromptTokens: number;

  private readonly tenantRng: Rng;
  private readonly userRng: Rng;
  private readonly prefixRng: Rng;
  private readonly sessionRng: Rng;
  private readonly thinkRng: Rng;
  private readonly promptRng: Rng;
  private readonly followUpRng: Rng;
  private readonly outputRng: Rng;

  constructor(config: WorkloadConfig, options: RequestStreamOptions) {
    const stream = (name: string): Rng => createRng(options.seed, `workload/${name}`);
    this.total = options.requests;
    this.arrivals = createArrivalProcess(config.arrivals, stream("arrivals"));
    this.nextArrivalSeconds = this.total > 0 ? this.arrivals.next() : Infinity;

    const tenants = config.tenants;
    const weightTotal = tenants.reduce((sum, tenant) => sum + tenant.weight, 0);
    this.tenantNames = tenants.map((tenant) => tenant.name);
    this.tenantTiers = tenants.map((tenant) => tenant.tier);
    this.tenantLatencySensitive = tenants.map((tenant) => tenant.latencySensitive);
    this.tenantExpectedRequests = tenants.map((tenant) => (this.total * tenant.weight) / weightTotal);
    this.chooseTenant = tenants.length > 1 ? createWeightedChoice(tenants.map((tenant) => tenant.weight)) : null;
    this.users = config.users ? createZipfSampler(config.users.count, config.users.zipf) : null;

    const groups = config.prefixGroups;
    this.prefixShare = groups?.share ?? 0;
    this.prefixGroupZipf = groups ? createZipfSampler(groups.count, groups.zipf) : null;
    this.prefixGroupNames = groups ? Array.from({ length: groups.count }, (_, index) => `g${index}`) : [];
    this.prefixGroupTokens = new Int32Array(groups?.count ?? 0);
    if (groups) {
      // Each group's prefix length is drawn once, up front, from its own stream.
      const groupTokens = createLengthSampler(groups.tokens);
      const lengthRng = stream("prefix-lengths");
      for (let index = 0; index < groups.count; index++) this.prefixGroupTokens[index] = groupTokens(lengthRng);
    }

    const sessions = config.sessions;
    this.sessionShare = sessions?.share ?? 0;
    this.sessionTurns = sessions ? createLengthSampler(sessions.turns) : null;
    this.thinkSeconds = sessions ? createDurationSampler(sessions.thinkSeconds) : null;
    this.maxContextTokens = sessions?.maxContextTokens ?? Infinity;
    this.promptTokens = createLengthSampler(config.promptTokens);
    this.followUpTokens = sessions?.followUpTokens ? createLengthSampler(sessions.followUpTokens) : this.promptTokens;
    this.outputTokens = createLengthSampler(config.outputTokens);
    this.longPromptTokens = config.longPromptTokens;

    this.tenantRng = stream("tenants");
    this.userRng = stream("users");
    this.prefixRng = stream("prefixes");
    this.sessionRng = stream("sessions");
    this.thinkRng = stream("think");
    this.promptRng = stream("prompt-tokens");
    this.followUpRng = stream("follow-up-tokens");
    this.outputRng = stream("output-tokens");
  }

  get pendingSessions(): number {
    return this.pending.size;
  }

  next(): SimRequestSpec | null {
    while (this.emitted < this.total) {
      if (this.pending.peekTime() < this.nextArrivalSeconds) {
        const entry = this.pending.pop();
        if (entry === undefined) break;
        const request = this.followUp(entry.payload, entry.timeSeconds);
        if (request !== null) return request;
      } else if (this.nextArrivalSeconds !== Infinity) {
        const arrivalSeconds = this.nextArrivalSeconds;
        this.nextArrivalSeconds = this.arrivals.next();
        return this.startConversation(arrivalSeconds);
      } else {
        break;
      }
    }
    return null;
  }

  [Symbol.iterator](): Iterator<SimRequestSpec> {
    return {
      next: (): IteratorResult<SimRequestSpec> => {
        const value = this.next();
        return value === null ? { done: true, value: undefined } : { done: false, value };
      },
    };
  }

  private startConversation(arrivalSeconds: number): SimRequestSpec {
    const conversation = this.conversations++;
    const tenantIndex = this.chooseTenant === null ? 0 : this.chooseTenant(this.tenantRng);
    const tenant = this.tenantNames[tenantIndex] ?? "default";
    let userId: string;
    let preUsage = 0;
    if (this.users === null) {
      userId = `anon${conversation}`;
    } else {
      const rank = this.users.sample(this.userRng);
      userId = `${tenant}/u${rank - 1}`;
      preUsage = (this.tenantExpectedRequests[tenantIndex] ?? 0) * this.users.probability(rank);
    }
    let prefixGroup: string | null = null;
    let prefixTokens = 0;
    if (this.prefixGroupZipf !== null) {
      // Always two draws, so changing `share` does not shift which group later requests get.
      const inGroup = this.prefixRng.next() < this.prefixShare;
      const rank = this.prefixGroupZipf.sample(this.prefixRng);
      if (inGroup) {
        prefixGroup = this.prefixGroupNames[rank - 1] ?? null;
        prefixTokens = this.prefixGroupTokens[rank - 1] ?? 0;
      }
    }
    const newTokens = this.promptTokens(this.promptRng);
    const outputTokens = this.outputTokens(this.outputRng);
    let sessionId: string | null = null;
    if (this.sessionTurns !== null && this.thinkSeconds !== null) {
      const isSession = this.sessionRng.next() < this.sessionShare;
      const turns = this.sessionTurns(this.sessionRng);
      if (isSession) {
        sessionId = `s${conversation}`;
        if (turns > 1) {
          const session: _Session = {
            sessionId,
            tenantIndex,
            userId,
            preUsage,
            prefixGroup,
            prefixTokens,
            historyTokens: newTokens + outputTokens,
            turn: 1,
            turnsLeft: turns - 1,
          };
          this.pending.push(arrivalSeconds + this.thinkSeconds(this.thinkRng), session);
        }
      }
    }
    return this.emit(arrivalSeconds, prefixTokens + newTokens, outputTokens, tenantIndex, userId, sessionId, 0, prefixGroup, prefixTokens, 0, preUsage);
  }

  /** The session's next turn, or null when it would overflow maxContextTokens (the session ends). */
  private followUp(session: _Session, arrivalSeconds: number): SimRequestSpec | null {
    const newTokens = this.followUpTokens(this.followUpRng);
    const outputTokens = this.outputTokens(this.outputRng);
    const historyTokens = session.historyTokens;
    const promptTokens = session.prefixTokens + historyTokens + newTokens;
    if (promptTokens + outputTokens > this.maxContextTokens) return null;
    const turn = session.turn;
    session.historyTokens += newTokens + outputTokens;
    session.turn++;
    session.turnsLeft--;
    if (session.turnsLeft > 0 && this.thinkSeconds !== null) this.pending.push(arrivalSeconds + this.thinkSeconds(this.thinkRng), session);
    return this.emit(arrivalSeconds, promptTokens, outputTokens, session.tenantIndex, session.userId, session.sessionId, turn, session.prefixGroup, session.prefixTokens, historyTokens, session.preUsage);
  }

  private emit(
    arrivalSeconds: number,
    promptTokens: number,
    outputTokens: number,
    tenantIndex: number,
    userId: string,
    sessionId: string | null,
    turn: number,
    prefixGroup: string | null,
    prefixTokens: number,
    historyTokens: number,
    preUsage: number,
  ): SimRequestSpec {
    return {
      id: this.emitted++,
      arrivalSeconds,
      promptTokens,
      outputTokens,
      tenant: this.tenantNames[tenantIndex] ?? "default",
      tier: this.tenantTiers[tenantIndex] ?? "standard",
      latencySensitive: this.tenantLatencySensitive[tenantIndex] ?? false,
      userId,
      sessionId,
      turn,
      prefixGroup,
      prefixTokens,
      historyTokens,
      workloadClass: promptTokens >= this.longPromptTokens ? "long" : "short",
      preUsage,
    };
  }
}
