import type { PriceSnapshot } from "./types.js";

/**
 * Provider list-price snapshots in USD per million tokens. Prices change: each entry carries the
 * page it was read from and the date, and users add newer snapshots by file.
 */
export const builtInPriceSnapshots: readonly PriceSnapshot[] = [
  {
    id: "anthropic-claude-sonnet-4",
    provider: "Anthropic",
    model: "Claude Sonnet 4",
    inputUsdPerMTok: 3,
    outputUsdPerMTok: 15,
    // Writes cost 1.25x input for the 5-minute tier and 2x for the 1-hour tier; reads 0.1x.
    cacheTiers: [
      { name: "5m", ttlSeconds: 300, writeUsdPerMTok: 3.75, readUsdPerMTok: 0.3, storageUsdPerMTokHour: 0 },
      { name: "1h", ttlSeconds: 3600, writeUsdPerMTok: 6, readUsdPerMTok: 0.3, storageUsdPerMTokHour: 0 },
    ],
    // docs.anthropic.com prompt caching: "minimum cacheable prompt length 1024 tokens" for Sonnet 4.
    minCacheablePrefixTokens: 1024,
    source: "anthropic.com/pricing (prompt caching table)",
    sourceDate: "2025-08",
  },
  {
    id: "openai-gpt-4.1",
    provider: "OpenAI",
    model: "GPT-4.1",
    inputUsdPerMTok: 2,
    outputUsdPerMTok: 8,
    // Automatic caching: no write premium; cached prefixes typically live 5–10 minutes idle.
    cacheTiers: [
      { name: "auto", ttlSeconds: 300, writeUsdPerMTok: 2, readUsdPerMTok: 0.5, storageUsdPerMTokHour: 0 },
    ],
    // platform.openai.com prompt caching guide: caching applies to prompts of 1024 tokens or more.
    minCacheablePrefixTokens: 1024,
    source: "openai.com/api/pricing (cached input column)",
    sourceDate: "2025-08",
  },
  {
    id: "google-gemini-2.5-pro",
    provider: "Google",
    model: "Gemini 2.5 Pro (prompts up to 200k tokens)",
    inputUsdPerMTok: 1.25,
    outputUsdPerMTok: 10,
    // Explicit context caching: reads at the cached rate plus storage rent per token-hour.
    cacheTiers: [
      { name: "explicit-1h", ttlSeconds: 3600, writeUsdPerMTok: 1.25, readUsdPerMTok: 0.31, storageUsdPerMTokHour: 4.5 },
    ],
    // ai.google.dev/gemini-api/docs/caching (updated 2026-10): minimum 2,048 input tokens for Gemini 2.5 Pro.
    minCacheablePrefixTokens: 2048,
    source: "ai.google.dev/gemini-api/docs/pricing (context caching rows)",
    sourceDate: "2025-08",
  },
];
