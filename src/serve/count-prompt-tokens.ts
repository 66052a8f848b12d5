import { fnv1a } from "../numeric/hash.js";
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

/** Token ids of a text in o200k_base. */
export function textTokenIds(text: string): number[] {
  return encode(text, asPlainText);
}

/** A chat message reduced to what counts: its role, text and name. */
export interface CountedMessage {
  readonly role?: string;
  readonly text: string;
  readonly hasName: boolean;
  readonly name?: string;
}

// Framing tokens get ids above o200k_base's vocabulary (≈200k), so they never equal a text token.
const startTokenId = 300_000;
const messageTokenId = 300_001;
const framingIdBase = 300_002;
/** A stable id for a role or a name: its FNV-1a hash folded into a band above the vocabulary. */
function framingId(text: string): number {
  return framingIdBase + (fnv1a(text) % 1_000_000);
}

/**
 * The chat prompt as token ids: per message <|start|> role <|message|> [name] content, then
 * <|start|> assistant <|message|> to prime the reply. The reply priming equals the framing of an
 * assistant message, so a conversation's next turn starts with every token of this turn's prompt
 * (its prefix-cache blocks match). Length = countChatPromptTokens.
 */
export function chatPromptTokenIds(messages: readonly CountedMessage[]): number[] {
  const ids: number[] = [];
  for (const message of messages) {
    ids.push(startTokenId, framingId(message.role ?? "user"), messageTokenId);
    if (message.hasName) ids.push(framingId(`name:${message.name ?? ""}`));
    for (const id of textTokenIds(message.text)) ids.push(id);
  }
  ids.push(startTokenId, framingId("assistant"), messageTokenId);
  return ids;
}

/** Prompt tokens of a chat: Σ (content tokens + 3 [+1 with a name]) + 3. */
export function countChatPromptTokens(messages: readonly CountedMessage[]): number {
  let tokens = chatReplyPrimingTokens;
  for (const message of messages) tokens += countTextTokens(message.text) + chatTokensPerMessage + (message.hasName ? chatTokensPerName : 0);
  return tokens;
}
