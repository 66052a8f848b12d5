import { GoodputError } from "../../errors.js";
import { defaultServeFleet } from "../../serve/default-serve-fleet.js";
import type { ServeFleet } from "../../serve/serve-fleet.js";
import { startSimulatedServer } from "../../serve/start-simulated-server.js";
import { labHome } from "../../store/calibration-store.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { resolveCatalog } from "../deployment-options.js";
import { loadScenario, type LoadedScenario } from "../load-scenario.js";
import { numberOption, stringOption } from "../parse-values.js";

/** The fleet side of a scenario; its workload, design and counterfactual do not apply to a server. */
function fleetFromScenario(loaded: LoadedScenario): ServeFleet {
  const { config } = loaded;
  return {
    name: config.name,
    seed: config.seed,
    pools: loaded.pools,
    router: config.policies.router,
    routerReplicas: config.policies.routerReplicas,
    signalRefreshSeconds: config.policies.signalRefreshSeconds,
    slo: config.slo,
    admission: config.policies.admission?.perTenant ?? {},
    disturbances: { failures: config.disturbances.failures, slowdowns: config.disturbances.slowdowns },
  };
}

function portOption(context: CommandContext): number {
  const port = numberOption(context.values, "port", { rule: "nonnegative", example: "8000" }) ?? 8000;
  if (!Number.isInteger(port) || port > 65535) {
    throw new GoodputError("BAD_INPUT", `--port: "${port}" is not a port number (0–65535; 0 picks a free port); for example --port 8000.`, { where: "--port" });
  }
  return port;
}

/** `goodput serve`: an OpenAI-compatible server backed by the simulator in real time. */
export const serveCommand: CommandSpec = {
  name: "serve",
  summary: "Run an OpenAI-compatible server backed by the fleet simulator, in (scaled) real time",
  description:
    "Serves /v1/models, /v1/completions and /v1/chat/completions (streaming or not) and /metrics (vLLM metric\n" +
    "names) on a long-lived simulation of the scenario's pools (default: one H100 replica of llama-3-8b). Each\n" +
    "request arrives at the current simulated time and its tokens stream as the simulated engine samples them;\n" +
    "--time-scale 10 runs ten times faster than real time. The text is filler (\" tok\" per token); max_tokens\n" +
    "(default 256, at most what the context leaves after the prompt) sets the output length and usage counts\n" +
    "exactly what was streamed. A prompt + max_tokens beyond the context length is refused with HTTP 400 in\n" +
    "vLLM's words. Prompt tokens are counted with o200k_base; a chat adds 3 tokens per message (+1 with a\n" +
    "name) and 3 for the reply.\n" +
    "Prefix-cache blocks are keyed by chained hashes of the whole prompt's tokens, as vLLM does, so shared\n" +
    "system prompts, few-shot prefixes and a conversation's history hit the cache. A client that disconnects\n" +
    "is aborted in the simulated engine (its batch slot and KV blocks are freed; logged on stderr). /metrics\n" +
    "has one series per replica (labels model_name, engine, pool) and vLLM's latency histograms.\n" +
    "Ctrl-C (or SIGTERM) ends in-flight requests with 503 and stops.",
  options: {
    scenario: { type: "string", valueName: "FILE", description: "Scenario YAML whose pools and router to serve (default: built-in single H100)" },
    port: { type: "string", valueName: "N", description: "Port (default 8000; 0 picks a free one)" },
    host: { type: "string", valueName: "HOST", description: "Interface to bind (default 127.0.0.1)" },
    "time-scale": { type: "string", valueName: "X", description: "Simulated seconds per wall-clock second (default 1)" },
    seed: { type: "string", valueName: "S", description: "Seed of the routers' randomness (overrides the scenario)" },
    "max-model-len": { type: "string", valueName: "N", description: "Context length (vLLM's --max-model-len): longer prompt + max_tokens get HTTP 400 (default: 8192 for the built-in llama-3-8b, else the KV cache per request)" },
    catalog: { type: "string", valueName: "FILE", multiple: true, description: "Extra catalog entries" },
  },
  examples: ["goodput serve", "goodput serve --scenario examples/tiered-fleet.yaml --port 0 --time-scale 10"],
  async run(context) {
    const scenarioPath = stringOption(context.values, "scenario");
    const catalog = resolveCatalog(context);
    const loaded = scenarioPath === undefined ? null : loadScenario(scenarioPath, catalog, labHome(context.cwd, context.env));
    const maxModelLen = numberOption(context.values, "max-model-len", { rule: "positive-int", example: "8192" });
    const baseFleet = loaded ? fleetFromScenario(loaded) : defaultServeFleet(catalog);
    const fleet: ServeFleet = maxModelLen === undefined ? baseFleet : { ...baseFleet, maxModelLenTokens: maxModelLen };
    const port = portOption(context);
    const timeScale = numberOption(context.values, "time-scale", { rule: "positive", example: "10" }) ?? 1;
    const seed = numberOption(context.values, "seed", { rule: "nonnegative", example: "1" });
    const server = await startSimulatedServer({ fleet, port, host: stringOption(context.values, "host") ?? "127.0.0.1", timeScale, onLog: (line) => { context.io.stderr(`${line}\n`); }, ...(seed === undefined ? {} : { seed }) });
    const stop = (): void => {
      void server.close();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      const replicas = fleet.pools.map((pool) => `${pool.name}: ${pool.replicas} × ${pool.deployment.model.id} on ${pool.deployment.gpu.id}${pool.deployment.tensorParallel > 1 ? ` TP${pool.deployment.tensorParallel}` : ""}`);
      context.io.stdout(`listening on ${server.url}\n`);
      context.io.stdout(`${fleet.name} (${replicas.join("; ")}), router ${fleet.router.type}, time-scale ${timeScale}: OpenAI API at ${server.url}/v1, metrics at ${server.url}/metrics; Ctrl-C stops\n`);
      if (loaded && (loaded.config.design || loaded.config.counterfactual)) context.io.stderr("note: the scenario's design and counterfactual do not apply to a server; serving its pools and policies.router only\n");
      await server.closed;
    } finally {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
    }
    const requests = server.requestsServed();
    return { json: { url: server.url, models: server.models, requestsServed: requests }, text: `stopped after ${requests} requests\n` };
  },
};
