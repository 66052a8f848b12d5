import type { Deployment } from "../../physics/deployment.js";
import { kvBytesForContext } from "../../physics/kv-bytes.js";
import { decodeAttendedTokenLayers, prefillAttentionPairs, stepTimeForBatch, type BatchComposition } from "../../physics/step-time.js";
import type { StepTimeProfile } from "../../physics/step-time-profile.js";
import { BlockManager } from "./block-manager.js";
import { Deque } from "./deque.js";
import type { Sequence } from "./sequence.js";

export interface EngineConfig {
  readonly maxNumSeqs: number;
  readonly maxBatchedTokens: number;
  readonly chunkedPrefill: boolean;
  readonly blockSizeTokens: number;
  readonly kvBlocks: number;
  readonly prefixCaching: boolean;
}

/** One planned engine step: what runs, how long it takes, and what it is made of. */
export interface StepPlan {
  readonly startSeconds: number;
  readonly durationSeconds: number;
  readonly composition: BatchComposition;
  readonly sequences: readonly Sequence[];
  readonly preempted: number;
}

export interface StepOutcome {
  readonly finished: Sequence[];
  /** Sequences that produced their first token in this step. */
  readonly firstTokens: Sequence[];
  /** Every sequence that sampled a token in this step (first tokens included). */
  readonly produced: Sequence[];
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
  promptTokensFromCache = 0;

  constructor(index: number, pool: string, deployment: Deployment, profile: StepTimeProfile, config: EngineConfig) {
    this.index = index;
    this.pool = pool;
    this.deployment = deployment;
    this.profile = profile;
    this.config = config;
    this.blocks = new BlockManager(config.kvBlocks, config.blockSizeTokens, config.prefixCaching);
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

  enqueue(sequence: Sequence): void {
    this.waiting.pushBack(sequence);
    this.waitingLive++;
    this.queuedPromptTokens += sequence.prefillTarget;
  }

  /** Marks a waiting sequence dropped (queue-time limit); returns false if it already started. */
  dropIfWaiting(sequence: Sequence): boolean {
    if (sequence.dropped || !Number.isNaN(sequence.firstScheduledSeconds)) return false;
    sequence.dropped = true;
    this.waitingLive--;
    this.queuedPromptTokens -= sequence.prefillTarget;
    return true;
  }

  /** Removes every sequence (replica failure); the caller records them as failed. */
  evacuate(): Sequence[] {
    const lost = [...this.running, ...this.waiting.drain().filter((sequence) => !sequence.dropped)];
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
    this.waiting.pushFront(sequence);
    this.waitingLive++;
    this.queuedPromptTokens += sequence.prefillTarget;
  }

  /** Forms the next batch (allocating blocks, preempting if needed); null when there is nothing to run. */
  planStep(nowSeconds: number): StepPlan | null {
    let budget = this.config.maxBatchedTokens;
    const planned: Sequence[] = [];
    let preempted = 0;
    let decodeSequences = 0;
    let decodeKvBytes = 0;
    let decodeAttended = 0;
    let prefillSequences = 0;
    let prefillNewTokens = 0;
    let prefillKvBytes = 0;
    let prefillPairs = 0;
    const { model, kvDtype } = this.deployment;
    for (let position = 0; position < this.running.length && budget > 0; position++) {
      const sequence = this.running[position];
      if (sequence === undefined) break;
      const tokens = sequence.inPrefill ? Math.min(sequence.prefillTarget - sequence.computedTokens, budget) : 1;
      const needed = sequence.computedTokens + tokens;
      let self = false;
      while (!this.ensureBlocks(sequence, needed)) {
        const victim = this.running.pop();
        if (victim === undefined) break;
        this.preempt(victim);
        preempted++;
        if (victim === sequence) {
          self = true;
          break;
        }
      }
      if (self) break;
      sequence.scheduledTokens = tokens;
      planned.push(sequence);
      budget -= tokens;
      if (sequence.inPrefill) {
        prefillSequences++;
        prefillNewTokens += tokens;
        prefillKvBytes += kvBytesForContext(model, needed, kvDtype);
        prefillPairs += prefillAttentionPairs(model, sequence.computedTokens, tokens);
      } else {
        decodeSequences++;
        decodeKvBytes += kvBytesForContext(model, needed, kvDtype);
        decodeAttended += decodeAttendedTokenLayers(model, needed);
      }
    }
    // vLLM admits nothing new in a step that had to preempt.
    while (preempted === 0 && budget > 0 && this.running.length < this.config.maxNumSeqs && this.waitingLive > 0) {
      const sequence = this.waiting.peekFront();
      if (sequence === undefined) break;
      if (sequence.dropped) {
        this.waiting.shift();
        continue;
      }
      const size = this.config.blockSizeTokens;
      // A full prompt hit still recomputes its last token (to sample from it), as vLLM does.
      const hitBlocks = this.blocks.countCachedPrefix(sequence.blockKeyAt, Math.floor((sequence.prefillTarget - 1) / size));
      const remaining = sequence.prefillTarget - hitBlocks * size;
      if (!this.config.chunkedPrefill && remaining > budget) break;
      const tokens = Math.min(remaining, budget);
      const blocksNeeded = Math.ceil((hitBlocks * size + tokens) / size) - hitBlocks;
      if (blocksNeeded > this.blocks.availableBlocks) break;
      this.waiting.shift();
      this.waitingLive--;
      this.queuedPromptTokens -= sequence.prefillTarget;
      for (let block = 0; block < hitBlocks; block++) sequence.blocks.push(this.blocks.acquireCached(sequence.blockKeyAt(block)));
      sequence.registeredBlocks = hitBlocks;
      sequence.computedTokens = hitBlocks * size;
      this.ensureBlocks(sequence, sequence.computedTokens + tokens);
      if (Number.isNaN(sequence.firstScheduledSeconds)) {
        sequence.firstScheduledSeconds = nowSeconds;
        sequence.cachedPromptTokens = hitBlocks * size;
        this.promptTokensSeen += sequence.promptTokens;
        this.promptTokensFromCache += hitBlocks * size;
      }
      this.running.push(sequence);
      sequence.scheduledTokens = tokens;
      planned.push(sequence);
      budget -= tokens;
      prefillSequences++;
      prefillNewTokens += tokens;
      prefillKvBytes += kvBytesForContext(model, sequence.computedTokens + tokens, kvDtype);
      prefillPairs += prefillAttentionPairs(model, sequence.computedTokens, tokens);
    }
    if (planned.length === 0) return null;
    const composition: BatchComposition = {
      decodeSequences,
      decodeKvBytes,
      decodeAttendedTokenLayers: decodeAttended,
      prefillSequences,
      prefillNewTokens,
      prefillKvBytes,
      prefillAttentionPairs: prefillPairs,
    };
    const durationSeconds = stepTimeForBatch(this.deployment, composition, this.profile).stepSeconds * this.slowdownFactor;
    return { startSeconds: nowSeconds, durationSeconds, composition, sequences: planned, preempted };
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
      const done = new Set(finished);
      for (const sequence of finished) this.releaseBlocks(sequence);
      this.running = this.running.filter((sequence) => !done.has(sequence));
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
