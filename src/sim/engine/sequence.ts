/** A request's life inside one engine: its KV blocks, progress and timestamps (simulated seconds). */
export class Sequence {
  readonly requestId: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  /** Prefix key of KV block i (NaN for blocks no other request can share). */
  readonly blockKeyAt: (blockIndex: number) => number;
  readonly enqueuedSeconds: number;
  blocks: number[] = [];
  /** Tokens whose KV is in the cache (prompt, recomputed output, generated). */
  computedTokens = 0;
  /** Tokens to prefill before the next token is sampled: the prompt, or prompt + output after preemption. */
  prefillTarget: number;
  generatedTokens = 0;
  /** Prompt tokens not recomputed at first admission (GPU prefix cache and offload tier). */
  cachedPromptTokens = 0;
  /** The part of cachedPromptTokens loaded from the offload tier. */
  offloadCachedTokens = 0;
  /** Time spent loading KV blocks from the offload tier (all admissions). */
  kvLoadSeconds = 0;
  registeredBlocks = 0;
  firstScheduledSeconds = NaN;
  firstTokenSeconds = NaN;
  preemptions = 0;
  gpuSeconds = 0;
  /** Lazily removed from the waiting queue when its queue-time limit fires. */
  dropped = false;
  /** Generated every output token and left the running set. */
  finished = false;
  /** In the waiting queue now (first arrival, or requeued after a preemption). */
  inQueue = false;
  /** Position in the current step's plan: prefill chunk tokens, or 1 for decode, 0 if not scheduled. */
  scheduledTokens = 0;

  constructor(requestId: number, promptTokens: number, outputTokens: number, blockKeyAt: (blockIndex: number) => number, enqueuedSeconds: number) {
    this.requestId = requestId;
    this.promptTokens = promptTokens;
    this.outputTokens = outputTokens;
    this.blockKeyAt = blockKeyAt;
    this.enqueuedSeconds = enqueuedSeconds;
    this.prefillTarget = promptTokens;
  }

  get inPrefill(): boolean {
    return this.computedTokens < this.prefillTarget;
  }
}
