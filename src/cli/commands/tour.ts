import type { CommandContext, CommandResult, CommandSpec } from "../command.js";
import { calcCacheCommand } from "./calc-cache.js";
import { calcDisaggCommand } from "./calc-disagg.js";
import { calcGoodputCommand } from "./calc-goodput.js";
import { calcKvCommand } from "./calc-kv.js";
import { calcLocalityCommand } from "./calc-locality.js";
import { calcMoeCommand } from "./calc-moe.js";
import { calcPrefillCommand } from "./calc-prefill.js";
import { calcRooflineCommand } from "./calc-roofline.js";

/** One tour stop: a heading and the calculator invocation it shows. */
interface TourStop {
  readonly heading: string;
  readonly command: CommandSpec;
  readonly values: Record<string, string | boolean | string[]>;
}

const stops: readonly TourStop[] = [
  {
    heading: "1. What does a decode token cost, and at which batch does the TPOT SLO bind? (Llama-3-8B, H100 SXM, 30 ms TPOT SLO)",
    command: calcRooflineCommand,
    values: { gpu: "h100-sxm", model: "llama-3-8b", context: "2048", "slo-tpot-ms": "30", "tail-factor": "1.2", "acceptance-rate": "0.95" },
  },
  {
    heading: "2. Why do output tokens cost more than input tokens, and which lever moves unit cost most?",
    command: calcPrefillCommand,
    values: { gpu: "h100-sxm", model: "llama-3-8b", prompt: "512,2048,8192", "output-tokens": "256", "decode-batch": "64", "cached-share": "0.5" },
  },
  {
    heading: "3. How many sequences fit in KV, and what does long context cost in slots? (Llama-3-8B, A100-80GB)",
    command: calcKvCommand,
    values: { gpu: "a100-80gb", model: "llama-3-8b", context: "2048,8192,32768", "arrival-rate": "20", "residence-seconds": "8", "live-tokens": "3000" },
  },
  {
    heading: "3b. Today's flagship models: how many 2K sequences does DeepSeek-V3 hold on 8 × H200 (MLA latent whole on every rank)?",
    command: calcKvCommand,
    values: { gpu: "h200", model: "deepseek-v3", tp: "8", context: "2048,32768" },
  },
  {
    heading: "4. Is a MoE model memory-, compute- or communication-bound, and how many GPUs must hold it? (Mixtral-8x7B, 2 × H100)",
    command: calcMoeCommand,
    values: { gpu: "h100-sxm", model: "mixtral-8x7b", gpus: "2", batch: "1,8,64" },
  },
  {
    heading: "5. When does a prompt cache pay for itself, and at which hit rate does it stop paying? (20k-token system prompt, one request every 4 minutes)",
    command: calcCacheCommand,
    values: { prices: "anthropic-claude-sonnet-4", "prefix-tokens": "20000", "mean-gap-seconds": "240", "requests-per-hour": "15" },
  },
  {
    heading: "6. Which router keeps shared prefixes cached across 8 replicas, and what is the hit rate worth?",
    command: calcLocalityCommand,
    values: { replicas: "8", prefixes: "1000", zipf: "1", "cache-prefixes": "100", rate: "50" },
  },
  {
    heading: "7. Is it time to split prefill and decode onto separate pools? (the illustrative workload, decode interference measured at 0.2 s)",
    command: calcDisaggCommand,
    values: { "interference-s": "0.2", "chunked-prefill-tried": true },
  },
  {
    heading: "8. Route A is cheaper and faster on paper; which one does more useful work per dollar?",
    command: calcGoodputCommand,
    values: {
      "route-a": "name=cheap,requests=1000,successful=980,accepted=600,outputTokens=300000,costUsd=20,durationSeconds=100",
      "route-b": "name=premium,requests=1000,successful=950,accepted=900,outputTokens=280000,costUsd=24,durationSeconds=100",
    },
  },
];

/** `goodput tour`: the calculators on catalog entries, with the question each one answers. */
export const tourCommand: CommandSpec = {
  name: "tour",
  summary: "A tour of the calculators on catalog entries, each with the question it answers",
  async run(context: CommandContext): Promise<CommandResult> {
    const sections: string[] = [];
    const json: Record<string, unknown>[] = [];
    for (const stop of stops) {
      const result = await stop.command.run?.({ ...context, values: stop.values, positionals: [] });
      if (!result) continue;
      sections.push(`${stop.heading}\n$ goodput calc ${stop.command.name} ${Object.entries(stop.values).map(([key, value]) => `--${key} ${String(value)}`).join(" ")}\n\n${result.text}`);
      json.push({ heading: stop.heading, command: stop.command.name, values: stop.values, result: result.json });
    }
    return { json, text: sections.join("\n") };
  },
};
