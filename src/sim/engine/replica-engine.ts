import type { Deployment } from "../../physics/deployment.js";
import { kvBytesForContext } from "../../physics/kv-bytes.js";
import { decodeAttendedTokenLayers, prefillAttentionPairs, stepTimeForBatch, type BatchComposition } from "../../physics/step-time.js";
import type { StepTimeProfile } from "../../physics/step-time-profile.js";
import { BlockManager } from "./block-manager.js";
import { OffloadTier } from "./offload-tier.js";
import { Deque } from "./deque.js";
import type { Sequence } from "./sequence.js";

/** A replica's second KV tier (host memory / SSD) for evicted prefix blocks; see OffloadTier. */
export interface OffloadConfig {
  /** Tier capacity (Infinity = unbounded). */
  readonly capacityBytes: number;
  /** Load bandwidth back to the GPU (PCIe / NVLink-C2C), bytes per second. */
  readonly loadBytesPerSecond: number;
  /** Fixed latency of one load (lookup, transfer setup), seconds. */
  readonly latencySeconds: number;
}

export interface EngineConfig {
  readonly maxNumSeqs: number;
  readonly maxBatchedTokens: number;
  readonly chunkedPrefill: boolean;
  readonly blockSizeTokens: number;
  readonly kvBlocks: number;
  readonly prefixCaching: boolean;
  /** Optional second KV tier; absent or null = GPU prefix cache only. */
  readonly offload?: OffloadConfig | null | undefined;
}

/** Shared empty list for steps that preempt nothing (most of them): no allocation per step. */
const noSequences: Sequence[] = [];

/** One planned engine step: what runs, how long it takes, and what it is made of. */
export interface StepPlan {
  readonly startSeconds: number;
  readonly durationSeconds: number;
  readonly composition: BatchComposition;
  readonly sequences: readonly Sequence[];
  readonly preempted: number;
  /** The sequences this step preempted (back in the waiting queue; their queue-time limit restarts). */
  readonly preemptedSequences: readonly Sequence[];
}

export interface StepOutcome {
  readonly finished: Sequence[];
  /** Sequences that produced their first token in this step. */
  readonly firstTokens: Sequence[];
  /** Every sequence that sampled a token in this step (first tokens included). */
  readonly produced: Sequence[];
}

/** A batch being formed: the token budget left, the sequences planned and the batch's composition so far. */
interface StepDraft {
  budget: number;
  readonly planned: Sequence[];
  preemptedSequences: Sequence[];
  preempted: number;
  loadSeconds: number;
  decodeSequences: number;
  decodeKvBytes: number;
  decodeAttended: number;
  prefillSequences: number;
  prefillNewTokens: number;
  prefillKvBytes: number;
  prefillPairs: number;
}

/**
 * One replica's engine, modelled on vLLM's continuous batching (V1 scheduler):
 * each step first serves running sequences (decodes, then unfinished chunked prefills) in
 * admission order, then admits waiting requests FCFS while the token budget
 * (max_num_batched_tokens), the sequence limit (max_num_seqs) and free KV blocks allow.
 * Admission looks up the prefix cache; hits skip their prefill. When a running sequence needs a
 * block and none is free, the newest running sequence is preempted by recompute.
 */
export class ReplicaEngine {
  readonly index: number;
  readonly pool: string;
  readonly deployment: Deployment;
  readonly config: EngineConfig;
  readonly blocks: BlockManager;
  /** The second KV tier, when configured. */
  readonly offload: OffloadTier | null;
  private readonly offloadConfig: OffloadConfig | null;
  /** KV bytes of one block (what a load moves). */
  private readonly blockBytes: number;
  private readonly profile: StepTimeProfile;
  private readonly waiting = new Deque<Sequence>();
  private running: Sequence[] = [];
  private waitingLive = 0;
  private queuedPromptTokens = 0;
  /** Multiplies step time (thermal throttling, noisy neighbours). */
  slowdownFactor = 1;
  healthy = true;
  stepping = false;
  // Counters for the summary and the system series.
  preemptions = 0;
  steps = 0;
  busySeconds = 0;
  promptTokensSeen = 0;
  /** Prompt tokens not recomputed: GPU prefix-cache hits plus blocks loaded from the offload tier. */
  promptTokensFromCache = 0;
  /** The part of promptTokensFromCache loaded from the offload tier. */
  promptTokensFromOffload = 0;

  constructor(index: number, pool: string, deployment: Deployment, profile: StepTimeProfile, config: EngineConfig) {
    this.index = index;
    this.pool = pool;
    this.deployment = deployment;
    this.profile = profile;
    this.config = config;
    this.blocks = new BlockManager(config.kvBlocks, config.blockSizeTokens, config.prefixCaching);
    this.blockBytes = kvBytesForContext(deployment.model, config.blockSizeTokens, deployment.kvDtype);
    this.offloadConfig = config.prefixCaching ? (config.offload ?? null) : null;
    if (this.offloadConfig) {
      const tier = new OffloadTier(Math.floor(this.offloadConfig.capacityBytes / this.blockBytes));
      this.blocks.onEvict = (key) => {
        tier.insert(key);
      };
      this.offload = tier;
    } else {
      this.offload = null;
    }
  }

  get queueDepth(): number {
    return this.waitingLive;
  }

  get runningCount(): number {
    return this.running.length;
  }

  get queuedPrefillTokens(): number {
    return this.queuedPromptTokens;
  }

  get kvUtilization(): number {
    return this.blocks.usedBlocks / this.blocks.totalBlocks;
  }

  hasWork(): boolean {
    return this.running.length > 0 || this.waitingLive > 0;
  }

  /** Prompt + output tokens this replica can ever hold for one request (the whole KV pool). */
  get maxTotalTokens(): number {
    return this.blocks.totalBlocks * this.config.blockSizeTokens;
  }

  /**
   * Why this replica can never run the request, or null when it can. A sequence larger than the
   * whole KV pool would preempt itself forever, so it is refused up front, as vLLM refuses a
   * request beyond max_model_len (which it caps at the KV pool) and as `serve`'s model limits do.
   * Without chunked prefill a preempted sequence re-prefills prompt + output in one step, so that
   * must fit the token budget too.
   */
  refusalReason(promptTokens: number, outputTokens: number): string | null {
    const total = promptTokens + outputTokens;
    if (total > this.maxTotalTokens) return "exceeds_kv_capacity";
    if (!this.config.chunkedPrefill && total > this.config.maxBatchedTokens) return "exceeds_step_budget";
    return null;
  }

  enqueue(sequence: Sequence): void {
    sequence.inQueue = true;
    this.waiting.pushBack(sequence);
    this.waitingLive++;
    this.queuedPromptTokens += sequence.prefillTarget;
  }

  /**
   * Marks a waiting sequence dropped (queue-time limit); returns false if it is running or was
   * re-admitted since: `episode` is the sequence's preemption count when its wait began.
   */
  dropIfWaiting(sequence: Sequence, episode: number): boolean {
    if (sequence.dropped || !sequence.inQueue || sequence.preemptions !== episode) return false;
    sequence.dropped = true;
    sequence.inQueue = false;
    this.waitingLive--;
    this.queuedPromptTokens -= sequence.prefillTarget;
    return true;
  }

  /** Removes every sequence (replica failure); the caller records them as failed. */
  evacuate(): Sequence[] {
    const lost = [...this.running, ...this.waiting.drain().filter((sequence) => !sequence.dropped)];
    for (const sequence of lost) sequence.inQueue = false;
    for (const sequence of this.running) this.releaseBlocks(sequence);
    this.running = [];
    this.waitingLive = 0;
    this.queuedPromptTokens = 0;
    return lost;
  }

  private releaseBlocks(sequence: Sequence): void {
    for (const block of sequence.blocks) this.blocks.release(block);
    sequence.blocks = [];
  }

  private ensureBlocks(sequence: Sequence, tokens: number): boolean {
    const size = this.config.blockSizeTokens;
    while (sequence.blocks.length * size < tokens) {
      const block = this.blocks.allocate();
      if (block < 0) return false;
      sequence.blocks.push(block);
    }
    return true;
  }

  private preempt(sequence: Sequence): void {
    this.releaseBlocks(sequence);
    sequence.computedTokens = 0;
    sequence.registeredBlocks = 0;
    sequence.prefillTarget = sequence.promptTokens + sequence.generatedTokens;
    sequence.preemptions++;
    this.preemptions++;
    sequence.inQueue = true;
    this.waiting.pushFront(sequence);
    this.waitingLive++;
    this.queuedPromptTokens += sequence.prefillTarget;
  }

  /**
   * Loads `count` blocks from the offload tier into fresh GPU blocks after the sequence's first
   * `from` blocks, registering them as cached; returns the load time: latency + bytes ÷ bandwidth.
   */
  private loadFromOffload(sequence: Sequence, from: number, count: number): number {
    const config = this.offloadConfig;
    if (config === null) return 0;
    this.offload?.touchPrefix(sequence.blockKeyAt, from, count);
    for (let block = from; block < from + count; block++) {
      const id = this.blocks.allocate();
      if (id < 0) throw new Error(`replica ${this.index}: no free block for an offload load that admission counted`);
      this.blocks.register(id, sequence.blockKeyAt(block));
      sequence.blocks.push(id);
    }
    const seconds = config.latencySeconds + (count * this.blockBytes) / config.loadBytesPerSecond;
    sequence.kvLoadSeconds += seconds;
    return seconds;
  }

  /** Forms the next batch (allocating blocks, preempting if needed); null when there is nothing to run. */
  planStep(nowSeconds: number): StepPlan | null {
    const draft: StepDraft = {
      budget: this.config.maxBatchedTokens, planned: [], preemptedSequences: noSequences, preempted: 0, loadSeconds: 0,
      decodeSequences: 0, decodeKvBytes: 0, decodeAttended: 0, prefillSequences: 0, prefillNewTokens: 0, prefillKvBytes: 0, prefillPairs: 0,
    };
    this.continueRunning(draft);
    // vLLM admits nothing new in a step that had to preempt.
    if (draft.preempted === 0) this.admitWaiting(draft, nowSeconds);
    const { planned, preempted, preemptedSequences } = draft;
    if (planned.length === 0) {
      // Refusal at admission makes this unreachable: alone on the pool a sequence always fits.
      if (this.running.length === 0 && this.waitingLive > 0 && preempted > 0) throw new Error(`replica ${this.index}: a sequence preempted itself on an empty pool (larger than the KV pool; it should have been refused)`);
      return null;
    }
    const composition: BatchComposition = {
      decodeSequences: draft.decodeSequences,
      decodeKvBytes: draft.decodeKvBytes,
      decodeAttendedTokenLayers: draft.decodeAttended,
      prefillSequences: draft.prefillSequences,
      prefillNewTokens: draft.prefillNewTokens,
      prefillKvBytes: draft.prefillKvBytes,
      prefillAttentionPairs: draft.prefillPairs,
    };
    // Offload-tier loads finish before the forward pass that uses them (a blocking load, as
    // LMCache's retrieve in vLLM's KV connector), so the step is longer by their transfer time.
    const durationSeconds = stepTimeForBatch(this.deployment, composition, this.profile).stepSeconds * this.slowdownFactor + draft.loadSeconds;
    return { startSeconds: nowSeconds, durationSeconds, composition, sequences: planned, preempted, preemptedSequences };
  }

  /** Running sequences first, in order: each gets its next chunk or token, preempting from the back when blocks run out. */
  private continueRunning(draft: StepDraft): void {
    const { model, kvDtype } = this.deployment;
    for (let position = 0; position < this.running.length && draft.budget > 0; position++) {
      const sequence = this.running[position];
      if (sequence === undefined) break;
      const tokens = sequence.inPrefill ? Math.min(sequence.prefillTarget - sequence.computedTokens, draft.budget) : 1;
      const needed = sequence.computedTokens + tokens;
      let self = false;
      while (!this.ensureBlocks(sequence, needed)) {
        const victim = this.running.pop();
        if (victim === undefined) break;
        this.preempt(victim);
        if (draft.preemptedSequences === noSequences) draft.preemptedSequences = [];
        draft.preemptedSequences.push(victim);
        draft.preempted++;
        if (victim === sequence) {
          self = true;
          break;
        }
      }
      if (self) break;
      sequence.scheduledTokens = tokens;
      draft.planned.push(sequence);
      draft.budget -= tokens;
      if (sequence.inPrefill) {
        draft.prefillSequences++;
        draft.prefillNewTokens += tokens;
        draft.prefillKvBytes += kvBytesForContext(model, needed, kvDtype);
        draft.prefillPairs += prefillAttentionPairs(model, sequence.computedTokens, tokens);
      } else {
        draft.decodeSequences++;
        draft.decodeKvBytes += kvBytesForContext(model, needed, kvDtype);
        draft.decodeAttended += decodeAttendedTokenLayers(model, needed);
      }
    }
  }

  /** Then waiting sequences, front first, while budget, batch slots and blocks last; cached prefix blocks are reused. */
  private admitWaiting(draft: StepDraft, nowSeconds: number): void {
    const { model, kvDtype } = this.deployment;
    const size = this.config.blockSizeTokens;
    while (draft.budget > 0 && this.running.length < this.config.maxNumSeqs && this.waitingLive > 0) {
      const sequence = this.waiting.peekFront();
      if (sequence === undefined) break;
      if (sequence.dropped) {
        this.waiting.shift();
        continue;
      }
      // A full prompt hit still recomputes its last token (to sample from it), as vLLM does.
      const maxHitBlocks = Math.floor((sequence.prefillTarget - 1) / size);
      const { hits: hitBlocks, idle: idleHits } = this.blocks.lookupCachedPrefix(sequence.blockKeyAt, maxHitBlocks);
      // The GPU cache's prefix continues in the offload tier: those blocks are loaded, not recomputed.
      const loadBlocks = this.offload ? this.offload.countPrefix(sequence.blockKeyAt, hitBlocks, maxHitBlocks - hitBlocks) : 0;
      const cachedBlocks = hitBlocks + loadBlocks;
      const remaining = sequence.prefillTarget - cachedBlocks * size;
      if (!this.config.chunkedPrefill && remaining > draft.budget) break;
      const tokens = Math.min(remaining, draft.budget);
      const blocksNeeded = Math.ceil((cachedBlocks * size + tokens) / size) - hitBlocks;
      // Reusing an idle cached block takes it off the evictable list, so it no longer counts as available.
      if (blocksNeeded + idleHits > this.blocks.availableBlocks) break;
      this.waiting.shift();
      sequence.inQueue = false;
      this.waitingLive--;
      this.queuedPromptTokens -= sequence.prefillTarget;
      for (let block = 0; block < hitBlocks; block++) sequence.blocks.push(this.blocks.acquireCached(sequence.blockKeyAt(block)));
      if (loadBlocks > 0) draft.loadSeconds += this.loadFromOffload(sequence, hitBlocks, loadBlocks);
      sequence.registeredBlocks = cachedBlocks;
      sequence.computedTokens = cachedBlocks * size;
      this.ensureBlocks(sequence, sequence.computedTokens + tokens);
      if (Number.isNaN(sequence.firstScheduledSeconds)) {
        sequence.firstScheduledSeconds = nowSeconds;
        sequence.cachedPromptTokens = cachedBlocks * size;
        sequence.offloadCachedTokens = loadBlocks * size;
        this.promptTokensSeen += sequence.promptTokens;
        this.promptTokensFromCache += cachedBlocks * size;
        this.promptTokensFromOffload += loadBlocks * size;
      }
      this.running.push(sequence);
      sequence.scheduledTokens = tokens;
      draft.planned.push(sequence);
      draft.budget -= tokens;
      draft.prefillSequences++;
      draft.prefillNewTokens += tokens;
      draft.prefillKvBytes += kvBytesForContext(model, sequence.computedTokens + tokens, kvDtype);
      draft.prefillPairs += prefillAttentionPairs(model, sequence.computedTokens, tokens);
    }
  }

  /** Applies a finished step: advances every planned sequence, registers full blocks, retires finished ones. */
  completeStep(plan: StepPlan, nowSeconds: number): StepOutcome {
    this.steps++;
    this.busySeconds += plan.durationSeconds;
    const finished: Sequence[] = [];
    const firstTokens: Sequence[] = [];
    const produced: Sequence[] = [];
    const size = this.config.blockSizeTokens;
    const totalTokens = plan.composition.decodeSequences + plan.composition.prefillNewTokens;
    for (const sequence of plan.sequences) {
      const tokens = sequence.scheduledTokens;
      sequence.scheduledTokens = 0;
      // GPU time is shared among the step's sequences in proportion to the tokens each computed.
      sequence.gpuSeconds += (plan.durationSeconds * tokens) / totalTokens;
      const wasPrefill = sequence.computedTokens < sequence.prefillTarget;
      sequence.computedTokens += tokens;
      const fullBlocks = Math.floor(sequence.computedTokens / size);
      for (let block = sequence.registeredBlocks; block < fullBlocks; block++) {
        const id = sequence.blocks[block];
        if (id !== undefined) this.blocks.register(id, sequence.blockKeyAt(block));
      }
      sequence.registeredBlocks = fullBlocks;
      if (wasPrefill && sequence.computedTokens < sequence.prefillTarget) continue;
      // The last prefill chunk, and every decode step, samples one token.
      sequence.generatedTokens++;
      produced.push(sequence);
      if (Number.isNaN(sequence.firstTokenSeconds)) {
        sequence.firstTokenSeconds = nowSeconds;
        firstTokens.push(sequence);
      }
      if (sequence.generatedTokens >= sequence.outputTokens) finished.push(sequence);
    }
    if (finished.length > 0) {
      for (const sequence of finished) {
        this.releaseBlocks(sequence);
        sequence.finished = true;
      }
      // Compact in place, keeping admission order.
      let kept = 0;
      for (const sequence of this.running) if (!sequence.finished) this.running[kept++] = sequence;
      this.running.length = kept;
    }
    return { finished, firstTokens, produced };
  }

  /**
   * Removes one sequence whose client went away (vLLM's abort_requests): a running one gives back
   * its batch slot and KV blocks now, a waiting one is dropped from the queue. A step already in
   * flight still completes; the caller ignores what it produces for this sequence.
   */
  abort(sequence: Sequence): void {
    const position = this.running.indexOf(sequence);
    if (position >= 0) {
      this.running.splice(position, 1);
      this.releaseBlocks(sequence);
      return;
    }
    if (sequence.dropped) return;
    sequence.dropped = true;
    this.waitingLive--;
    this.queuedPromptTokens -= sequence.prefillTarget;
  }
}
