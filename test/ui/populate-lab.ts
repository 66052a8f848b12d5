import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { LabStore, type StoredItemSummary } from "../../src/store/lab-store.js";
import { runCli } from "../cli/run-cli.js";
import { hostileImage, hostileScript } from "../report/hostile-strings.js";

export interface PopulatedLab {
  readonly home: string;
  readonly items: StoredItemSummary[];
  readonly idOf: (kind: StoredItemSummary["kind"], test: (item: StoredItemSummary) => boolean) => string;
}

async function run(argv: readonly string[], env: Record<string, string>, cwd: string): Promise<void> {
  const result = await runCli(argv, env, cwd);
  if (result.code !== 0) throw new Error(`goodput ${argv.join(" ")} exited ${result.code}: ${result.stderr}`);
}

/**
 * A temporary lab store filled by the real commands: the cost experiment (4 small cells and its decision record), a
 * readout of the LaLonde fixture, and hostile log content — an experiment whose question, case and profile names are
 * markup, and a readout whose arm and segment values are markup.
 */
export async function populateLab(): Promise<PopulatedLab> {
  const home = mkdtempSync(join(tmpdir(), "goodput-lab-"));
  const env = { GOODPUT_HOME: home };
  const cwd = process.cwd();
  await run(["experiment", "run", "--experiment", "cost", "--requests", "150"], env, cwd);
  await run(["readout", "test/fixtures/stats/lalonde-nsw.csv", "--outcome", "re78", "--treatment", "treat", "--covariate", "age", "--covariate", "educ", "--permutations", "100", "--bootstrap", "50"], env, cwd);

  const cost = parse(readFileSync("experiments/cost.yaml", "utf8")) as { name: string; question: string; cases: { name: string }[]; profiles: { name: string }[] };
  cost.name = "hostile";
  cost.question = `Is ${hostileScript} cheaper than ${hostileImage}?`;
  cost.cases = cost.cases.slice(0, 1).map((entry) => ({ ...entry, name: `case ${hostileImage}` }));
  cost.profiles = cost.profiles.map((entry, index) => ({ ...entry, name: index === 0 ? `profile ${hostileScript}` : `profile ${hostileImage}` }));
  const experimentFile = join(home, "hostile.yaml");
  writeFileSync(experimentFile, stringify(cost));
  await run(["experiment", "run", "--experiment", experimentFile, "--requests", "100"], env, cwd);

  const lines = ["arm,segment,y"];
  for (let row = 0; row < 80; row++) lines.push(`"${row % 2 === 0 ? "A" : hostileImage.replace(/"/g, '""')}","${row % 4 < 2 ? hostileScript : "plain"}",${(row * 7) % 11 + (row % 2) * 2}`);
  const readoutFile = join(home, "hostile.csv");
  writeFileSync(readoutFile, lines.join("\n") + "\n");
  await run(["readout", readoutFile, "--outcome", "y", "--treatment", "arm", "--control", "A", "--segment", "segment", "--permutations", "100", "--bootstrap", "50", "--assignment-story", hostileScript], env, cwd);

  const store = await LabStore.open(home);
  const items = await store.listItems().finally(() => {
    store.close();
  });
  const idOf = (kind: StoredItemSummary["kind"], test: (item: StoredItemSummary) => boolean): string => {
    const item = items.find((entry) => entry.kind === kind && test(entry));
    if (item === undefined) throw new Error(`no stored ${kind} matches (have ${items.map((entry) => `${entry.kind} ${entry.id}`).join(", ")})`);
    return item.id;
  };
  return { home, items, idOf };
}
