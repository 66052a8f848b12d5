import { labHome } from "../../store/calibration-store.js";
import type { CommandSpec } from "../command.js";
import { resolveCatalog } from "../deployment-options.js";
import { fixed, formatTable } from "../format-table.js";
import { loadScenario } from "../load-scenario.js";
import { numberOption, requiredString, stringOption } from "../parse-values.js";
import { runScenario } from "../run-scenario.js";
import { loadSimReportInput } from "../sim-report-input.js";
import { createProgress } from "../progress.js";
import { parseTraceWindow } from "../../sim/workload/trace-replay.js";

const ms = (seconds: number): string => (Number.isFinite(seconds) ? (seconds * 1000).toFixed(1) : "-");
/** A table cell; "-" where the metric has no value (e.g. SLO attainment of a run in which nothing completed: 0 / 0). */
const cell = (value: number, digits: number): string => (Number.isFinite(value) ? fixed(value, digits) : "-");
const percent = (share: number): string => (Number.isFinite(share) ? `${fixed(share * 100, 1)} %` : "-");

/** `goodput sim`: run a scenario on the fleet simulator. */
export const simCommand: CommandSpec = {
  name: "sim",
  summary: "Simulate a serving fleet from a scenario file: request log, system series, summary",
  description:
    "Deterministic discrete-event simulation of pools of vLLM-style replicas (docs/design.md §4): continuous batching,\n" +
    "paged KV with prefix caching, preemption, routers acting on stale views, disturbances. With --out DIR it\n" +
    "streams requests.jsonl and series.jsonl while it runs and writes requests.parquet and summary.json.\n" +
    "Ctrl-C stops after the current slice and keeps a partial result marked interrupted.",
  options: {
    scenario: { type: "string", valueName: "FILE", description: "Scenario YAML (see examples/)" },
    requests: { type: "string", valueName: "N", description: "Number of requests (overrides the scenario)" },
    seed: { type: "string", valueName: "S", description: "Random seed (overrides the scenario)" },
    out: { type: "string", valueName: "DIR", description: "Write the request log, series and summary here" },
    "trace-speed": { type: "string", valueName: "X", description: "Trace workloads: replay X× faster (overrides workload.speed)" },
    "trace-window": { type: "string", valueName: "A-B", description: "Trace workloads: replay only seconds A to B of trace time (overrides workload.window)" },
    catalog: { type: "string", valueName: "FILE", multiple: true, description: "Extra catalog entries" },
  },
  examples: [
    "goodput sim --scenario examples/naive-vs-batched.yaml --requests 2000 --out runs/batched --json",
    "goodput sim --scenario examples/trace-mooncake-conversation.yaml --trace-window 0-600 --trace-speed 10",
  ],
  async run(context) {
    const path = requiredString(context.values, "scenario", "examples/naive-vs-batched.yaml");
    const loaded = loadScenario(path, resolveCatalog(context), labHome(context.cwd, context.env));
    const interrupt = { interrupted: false };
    const onSigint = (): void => {
      interrupt.interrupted = true;
    };
    process.once("SIGINT", onSigint);
    const requests = numberOption(context.values, "requests", { rule: "positive-int", example: "10000" });
    // n of N with an ETA on a terminal (records against requests asked for; retries can add records); nothing in logs or pipes.
    const progress = createProgress({ label: loaded.config.name, total: requests ?? loaded.config.requests ?? 0, isTty: context.io.stderrIsTty === true, write: context.io.stderr, nowMs: () => performance.now() });
    try {
      const seed = numberOption(context.values, "seed", { rule: "nonnegative", example: "1" });
      const windowText = stringOption(context.values, "trace-window");
      const result = await runScenario(loaded, {
        seed,
        requests,
        outDir: stringOption(context.values, "out"),
        traceSpeed: numberOption(context.values, "trace-speed", { rule: "positive", example: "10" }),
        traceWindow: windowText === undefined ? undefined : parseTraceWindow(windowText, "--trace-window"),
        nowMs: () => performance.now(),
        interrupt,
        onProgress: (_line, { records }) => {
          progress.update(records);
        },
      });
      progress.finish();
      const s = result.summary;
      const lines = [
        `${loaded.config.name}: ${s.requests} requests over ${fixed(s.simulatedSeconds, 1)} simulated s (${fixed(s.wallSeconds, 2)} s wall${s.interrupted ? ", INTERRUPTED — partial result" : ""})`,
        "",
        formatTable(
          ["completed", "accepted", "dropped", "rejected", "failed", "goodput/s", "SLO attain", "p50 ms", "p95 ms", "p99 ms", "TTFT p95 ms", "TPOT p50 ms", "$/1k ok", "LCPR $", "cache hit", "preempt"],
          [[
            String(s.completed), String(s.accepted), String(s.dropped), String(s.rejected), String(s.failed),
            cell(s.goodputPerSecond, 2), percent(s.sloAttainment),
            ms(s.latencySeconds.p50), ms(s.latencySeconds.p95), ms(s.latencySeconds.p99), ms(s.ttftSeconds.p95), ms(s.tpotSeconds.p50),
            cell(s.costPer1kSuccessful, 3), cell(s.lcpr, 5), percent(s.prefixCacheHitRate), String(s.preemptions),
          ]],
        ),
        "Evidence boundary: serving GPU time of the simulated replicas only (idle capacity included); no control plane, networking, storage or operator time.",
      ];
      if (result.counterfactual) {
        const keyMetrics = ["goodputPerSecond", "sloAttainment", "latencySeconds.p95", "ttftSeconds.mean", "ttftSeconds.p95", "costPer1kSuccessful", "lcpr", "prefixCacheHitRate"];
        lines.push(
          "",
          `True global effect of ${result.counterfactual.treatment} (B) vs ${result.counterfactual.control} (A): everyone on B vs everyone on A, same arrivals (common random numbers)${loaded.config.design ? "; the design run above is a third run" : ""}:`,
          formatTable(
            ["metric", "A", "B", "B − A", "relative"],
            result.counterfactual.trueGlobalEffect.filter((effect) => keyMetrics.includes(effect.metric)).map((effect) => [effect.metric, cell(effect.a, 4), cell(effect.b, 4), cell(effect.difference, 4), effect.relative === null ? "-" : percent(effect.relative)]),
          ),
        );
      }
      if (result.files.length > 0) lines.push("", `Wrote ${result.files.join(", ")}`);
      lines.push("");
      const json = { ...s, counterfactual: result.counterfactual, files: result.files };
      // Only a report reads the log back (CDFs, series); a plain run does not pay for it.
      const reportInput = context.values.report === undefined ? undefined : await loadSimReportInput(json, result.files);
      return { json, text: lines.join("\n"), ...(reportInput === undefined ? {} : { reportInput }) };
    } finally {
      progress.finish();
      process.removeListener("SIGINT", onSigint);
    }
  },
};
