import { encode } from "gpt-tokenizer";

/** Special-token text in a prompt is counted as plain text (a client cannot inject control tokens). */
const asPlainText = { disallowedSpecial: new Set<string>() };

/**
 * Per-message framing of the chat format, from OpenAI's cookbook ("How to count tokens with
 * tiktoken", num_tokens_from_messages): 3 tokens per message (<|start|>role…<|message|>), 1 more
 * when the message has a name, and 3 to prime the assistant's reply.
 */
export const chatTokensPerMessage = 3;
export const chatTokensPerName = 1;
export const chatReplyPrimingTokens = 3;

/** Tokens of a text in the o200k_base encoding (gpt-tokenizer's default). */
export function countTextTokens(text: string): number {
  return encode(text, asPlainText).length;
}

/** A chat message reduced to what counts: its text and whether it carries a name. */
export interface CountedMessage {
  readonly text: string;
  readonly hasName: boolean;
}

/** Prompt tokens of a chat: Σ (content tokens + 3 [+1 with a name]) + 3. */
export function countChatPromptTokens(messages: readonly CountedMessage[]): number {
  let tokens = chatReplyPrimingTokens;
  for (const message of messages) tokens += countTextTokens(message.text) + chatTokensPerMessage + (message.hasName ? chatTokensPerName : 0);
  return tokens;
}
