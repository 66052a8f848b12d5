import { dirname, isAbsolute, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { catalogFileSchema } from "../catalog/catalog-file-schema.js";
import { extendCatalog, type Catalog } from "../catalog/catalog.js";
import { modelFromHfConfig } from "../catalog/hf-config.js";
import type { CatalogModel } from "../catalog/model-catalog.js";
import { GoodputError } from "../errors.js";
import { readBoundedTextFile } from "../io/read-bounded-text-file.js";

const GiB = 2 ** 30;

/** Reads a JSON or YAML file, turning read and syntax errors into BAD_FILE / FILE_NOT_FOUND. */
export function readStructuredFile(path: string): unknown {
  const text = readBoundedTextFile(path, { what: path.endsWith(".json") ? "JSON file" : "YAML file" });
  try {
    return path.endsWith(".json") ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (error) {
    const detail = syntaxErrorDetail(error, path.endsWith(".json"));
    throw new GoodputError("BAD_FILE", `${path}: not valid ${path.endsWith(".json") ? "JSON" : "YAML"} (${detail}); fix the syntax.`, { where: path });
  }
}

/**
 * The parser's complaint without any of the file's text: V8 quotes the start of the input in JSON
 * errors (`Unexpected token 'r', "root:x:0:0:"... is not valid JSON`), which would print a file
 * the user did not mean to show. Only the position is kept.
 */
function syntaxErrorDetail(error: unknown, json: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!json) return message.split("\n")[0] ?? "";
  const position = /position (\d+)/.exec(message)?.[1];
  const line = /line (\d+) column (\d+)/.exec(message);
  return line ? `syntax error at line ${line[1]} column ${line[2]}` : position !== undefined ? `syntax error at character ${position}` : "syntax error";
}

/** A catalog entry's configFile, which must stay inside the catalog file's folder. */
function configFilePath(catalogPath: string, configFile: string, where: string): string {
  const folder = dirname(resolve(catalogPath));
  const target = resolve(folder, configFile);
  const inside = relative(folder, target);
  if (isAbsolute(configFile) || inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
    throw new GoodputError(
      "BAD_FILE",
      `${where}: configFile "${configFile}" points outside the catalog file's folder ${folder}; put the config.json beside the catalog file (or in a folder below it) and give its relative path, e.g. configFile: models/config.json.`,
      { where: `${where}: configFile` },
    );
  }
  return target;
}

/** Reads a Hugging Face config.json into a catalog model named after its folder or file. */
export function loadModelConfigFile(path: string): CatalogModel {
  const raw = readStructuredFile(path);
  const base = path.replace(/\\/g, "/").split("/").slice(-2).join("/").replace(/\/?config\.json$/, "").replace(/\.json$/, "");
  const id = base.toLowerCase() || "model-config";
  return {
    aliases: [],
    spec: modelFromHfConfig(raw, { id, name: id, source: `config.json at ${path}`, sourceDate: "unknown", where: path }),
  };
}

/** Adds every entry of a user catalog file to the catalog; every bad field is reported with its path. */
export function loadCatalogFile(base: Catalog, path: string): Catalog {
  const parsed = catalogFileSchema.safeParse(readStructuredFile(path));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new GoodputError("BAD_FILE", `${path}: bad catalog entries:\n  - ${issues.join("\n  - ")}`, { where: path, issues });
  }
  const file = parsed.data;
  const models = file.models.map((entry, index): CatalogModel => {
    const where = `${path}: models.${index} (${entry.id})`;
    let config = entry.config;
    if (config === undefined && entry.configFile !== undefined) config = readStructuredFile(configFilePath(path, entry.configFile, where)) as Record<string, unknown>;
    if (config === undefined) {
      throw new GoodputError("BAD_FILE", `${where}: give the model's config.json fields under "config" or a path under "configFile".`, { where });
    }
    return { aliases: entry.aliases, spec: modelFromHfConfig(config, { id: entry.id.toLowerCase(), name: entry.name, source: entry.source, sourceDate: entry.sourceDate, where }) };
  });
  return extendCatalog(base, {
    gpus: file.gpus.map((gpu) => ({
      id: gpu.id.toLowerCase(),
      name: gpu.name,
      hbmBytes: gpu.hbmGiB * GiB,
      memBandwidthBytesPerSecond: gpu.memBandwidthGBps * 1e9,
      bf16FlopsPerSecond: gpu.bf16Tflops * 1e12,
      fp8FlopsPerSecond: gpu.fp8Tflops === null ? null : gpu.fp8Tflops * 1e12,
      interconnectBytesPerSecond: gpu.interconnectGBps * 1e9,
      interconnectName: gpu.interconnectName,
      priceUsdPerHour: gpu.priceUsdPerHour,
      source: gpu.source,
      sourceDate: gpu.sourceDate,
    })),
    models,
    priceSnapshots: file.prices.map((price) => ({ ...price, id: price.id.toLowerCase() })),
  });
}
