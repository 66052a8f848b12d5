import type { CommandContext, CommandResult, CommandSpec } from "../command.js";
import { calcKvCommand } from "./calc-kv.js";
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
    heading: "2. How many sequences fit in KV, and what does long context cost in slots? (Llama-3-8B, A100-80GB)",
    command: calcKvCommand,
    values: { gpu: "a100-80gb", model: "llama-3-8b", context: "2048,8192,32768", "arrival-rate": "20", "residence-seconds": "8", "live-tokens": "3000" },
  },
];

/** `goodput tour`: the calculators on catalog entries, with the question each one answers. */
export const tourCommand: CommandSpec = {
  name: "tour",
  summary: "A tour of the calculators on catalog entries (the main job until the simulator lands)",
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
