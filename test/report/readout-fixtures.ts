import { runReadout } from "../readout/run-readout.js";

/** Runs `goodput readout … --json` in-process and returns the parsed JSON (any design: experiment readouts and quasi-experiments). */
export async function readoutFixtureJson(args: readonly string[]): Promise<unknown> {
  const result = await runReadout([...args, "--json"]);
  if (result.code !== 0) throw new Error(`readout exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

const causal = (name: string): string => `test/fixtures/causal/${name}`;

/** The committed fixtures through each readout design, with small resampling settings (pinned seed 1) so the suite stays fast. */
export const readoutFixtureArgs = {
  lalonde: ["test/fixtures/stats/lalonde-nsw.csv", "--outcome", "re78", "--treatment", "treat", "--covariate", "age", "--covariate", "educ", "--permutations", "200", "--bootstrap", "100", "--seed", "1"],
  iv: [causal("cigarettes-1995.csv"), "--design", "iv", "--outcome", "log_packs", "--treatment", "log_rprice", "--instrument", "salestax"],
  did: [causal("did-panel.csv"), "--design", "did", "--outcome", "y", "--unit", "unit", "--time", "time", "--treatment", "treated", "--event-window=-4:4"],
  rdd: [causal("senate.csv"), "--design", "rdd", "--running", "margin", "--cutoff", "0", "--outcome", "vote", "--direction", "higher", "--covariate", "population"],
  syntheticControl: [causal("basque.csv"), "--design", "synthetic-control", "--unit", "regionname", "--time", "year", "--outcome", "gdpcap", "--treated-unit", "Basque Country (Pais Vasco)", "--treatment-start", "1970", "--pre-period", "1960-1969", "--predictor", "invest", "--exclude-unit", "Spain (Espana)"],
  observational: ["test/fixtures/observational/lalonde.csv", "--design", "observational", "--outcome", "re78", "--treatment", "treat", ...["age", "educ", "race", "married", "nodegree", "re74", "re75"].flatMap((name) => ["--covariate", name])],
} as const;
