import { GoodputError } from "../../errors.js";
import type { ReportDocument, ReportSection } from "../report-document.js";
import type { ReportMeta } from "../report-meta.js";
import { isRecord } from "./_shape.js";

/** One step of `goodput tour --json`: the question, the calculator it runs, its flags and its result. */
interface TourStepJson {
  readonly heading: string;
  readonly command: string;
  readonly values: Readonly<Record<string, string>>;
  readonly result: unknown;
}

/**
 * The tour as one report: each step's question as a section heading, then that calculator's own report (its charts
 * and tables), built by the same builder `calc <command> --report` uses.
 */
export function buildTourReport(input: unknown, meta: ReportMeta, buildStep: (command: string, result: unknown, meta: ReportMeta) => ReportDocument): ReportDocument {
  if (!Array.isArray(input) || !input.every((step) => isRecord(step) && typeof step.heading === "string" && typeof step.command === "string" && "result" in step)) {
    throw new GoodputError("BAD_INPUT", "a tour report needs the array `goodput tour --json` prints (heading, command, values, result per step).", { where: "tour" });
  }
  const sections: ReportSection[] = (input as TourStepJson[]).flatMap((step) => {
    const flags = Object.entries(step.values).map(([name, value]) => `--${name} ${value}`).join(" ");
    const doc = buildStep(step.command, step.result, { ...meta, source: `goodput calc ${step.command} ${flags}` });
    const [first, ...rest] = doc.sections;
    const intro: ReportSection = { title: step.heading, blocks: [{ kind: "paragraph", text: `goodput calc ${step.command} ${flags}` }, ...(first?.blocks ?? [])] };
    return [intro, ...rest.map((section) => ({ ...section, title: `${step.command}: ${section.title}` }))];
  });
  return { title: "A tour of the calculators", source: meta.source, ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }), sections };
}
