import type { RooflinePoint } from "../../physics/roofline.js";
import type { ReportBlock, ReportDocument, VegaLiteSpec } from "../report-document.js";
import type { ReportMeta } from "../report-meta.js";
import { isRecord, requireRecords, roundSignificant } from "./_shape.js";

/** One batch of `calc roofline --json` (docs/design.md §3.1), as the physics computes it, plus the operating-point mark. */
type RooflinePointJson = Omit<RooflinePoint, "overheadShare"> & { readonly operatingPoint?: boolean };

/** What the command adds for the report beside the points (all optional: stored --json has only the points). */
interface RooflineContext {
  readonly deployment?: string;
  readonly sloTpotSeconds?: number | null;
  readonly tpotTailFactor?: number;
  readonly headline?: string;
  readonly zonesText?: string;
  /** The physics' zone boundaries (batch sizes, not necessarily swept ones); without them the bands follow the swept points. */
  readonly zoneBoundaries?: { readonly weightBoundBelowBatch: number; readonly floorFromBatch: number };
  readonly notes?: readonly string[];
  /** The SLO frontier from the command: it may fall between swept batches (the largest batch meeting the SLO). */
  readonly operatingPoint?: { readonly batch: number; readonly tpotSeconds: number; readonly costUsdPerMAcceptedTok: number } | null;
  /** The KV-feasible frontier: without an SLO it is what the report shows instead of a headline cost. */
  readonly maxFeasibleBatch?: number;
}

const zoneOrder = ["weight-bound", "amortization", "floor"];
const zoneColors = ["#dbe7f3", "#e3f1de", "#f6e4d3"];
const statusOrder = ["meets SLO", "misses SLO", "exceeds KV", "no SLO given"];
const statusColors = ["#1a7f37", "#c0262d", "#8c8c8c", "#4c78a8"];

/** Report for `calc roofline`: the cost-vs-batch curve over its zones with the SLO frontier, TPOT vs the SLO, the table. */
export function buildRooflineReport(input: unknown, meta: ReportMeta): ReportDocument {
  const pointsInput = isRecord(input) && "points" in input ? input.points : input;
  const context: RooflineContext = isRecord(input) && "points" in input ? input : {};
  const points = requireRecords(pointsInput, "calc roofline points", ["batch", "costUsdPerMTok", "tpotSeconds", "zone", "feasible", "meetsSlo"]) as unknown as RooflinePointJson[];
  const frontier = context.operatingPoint ?? points.find((point) => point.operatingPoint === true) ?? null;
  const hasSlo = context.sloTpotSeconds !== undefined && context.sloTpotSeconds !== null ? true : points.some((point) => point.meetsSlo !== null);
  const status = (point: RooflinePointJson): string => (!point.feasible ? "exceeds KV" : point.meetsSlo === null ? "no SLO given" : point.meetsSlo ? "meets SLO" : "misses SLO");
  // Without an SLO the frontier is only the KV limit: the largest batch that fits.
  const frontierLabel = hasSlo ? "SLO frontier" : "largest batch that fits in KV";
  const kvFrontier = context.maxFeasibleBatch ?? Math.max(0, ...points.filter((point) => point.feasible).map((point) => point.batch));
  const markedBatch = hasSlo ? (frontier?.batch ?? null) : kvFrontier > 0 ? kvFrontier : null;
  const data = points.map((point) => ({
    batch: point.batch,
    costUsdPerMTok: roundSignificant(point.costUsdPerMTok),
    costUsdPerMAcceptedTok: roundSignificant(point.costUsdPerMAcceptedTok),
    tpotMs: roundSignificant(point.tpotSeconds * 1000),
    tailTpotMs: roundSignificant(point.tailTpotSeconds * 1000),
    zone: point.zone,
    bottleneck: point.bottleneck,
    status: status(point),
  }));
  const contextTokens = points[0]?.contextTokens;
  const blocks: ReportBlock[] = [
    {
      kind: "callout",
      tone: !hasSlo ? "info" : frontier ? "pass" : "fail",
      title: !hasSlo
        ? `No SLO given — KV-feasible frontier up to batch ${kvFrontier}`
        : frontier
          ? `$${roundSignificant(frontier.costUsdPerMAcceptedTok)} per million accepted tokens at batch ${frontier.batch}`
          : "No batch meets the TPOT SLO",
      text: context.headline ?? (frontier ? `The SLO-feasible operating point: the largest batch whose TPOT meets the SLO and whose KV fits (TPOT ${roundSignificant(frontier.tpotSeconds * 1000)} ms).` : "At this context no batch size meets the TPOT SLO on this deployment."),
    },
    {
      kind: "chart",
      title: "Cost per million tokens vs batch size",
      description: `Decode cost per million accepted tokens at each of ${points.length} batch sizes (log scales), over the weight-bound, amortization and floor zones; points coloured by SLO status${markedBatch !== null ? `, the dashed line marks the ${frontierLabel} at batch ${markedBatch}` : ""}.`,
      spec: costCurveSpec(data, context.zoneBoundaries === undefined ? zoneBands(points) : physicsZoneBands(points, context.zoneBoundaries, markedBatch), markedBatch, frontierLabel),
    },
    {
      kind: "chart",
      title: "Time per output token vs batch size",
      description: `Mean and tail TPOT at each batch size${context.sloTpotSeconds ? `, with the ${roundSignificant(context.sloTpotSeconds * 1000)} ms SLO as a red line` : ""}.`,
      spec: tpotSpec(data, context.sloTpotSeconds ?? null),
    },
    ...(context.zonesText === undefined ? [] : [{ kind: "paragraph", text: context.zonesText } as const]),
    {
      kind: "table",
      caption: "Batch sweep",
      columns: ["batch", "step ms", "tokens/s", "$/M tokens", "$/M accepted", "bottleneck", "zone", "fits KV", "meets SLO"],
      rows: points.map((point) => [
        point.batch,
        roundSignificant(point.stepSeconds * 1000),
        roundSignificant(point.tokensPerSecond),
        roundSignificant(point.costUsdPerMTok),
        roundSignificant(point.costUsdPerMAcceptedTok),
        point.bottleneck,
        point.zone,
        point.feasible ? "yes" : "no",
        point.meetsSlo === null ? "no SLO" : point.meetsSlo ? "yes" : "no",
      ]),
    },
    ...(context.notes?.length ? [{ kind: "list", items: context.notes } as const] : []),
  ];
  return {
    title: "Decode roofline: cost vs batch size",
    subtitle: `${context.deployment ?? "Decode batch sweep"}${contextTokens === undefined ? "" : ` — ${contextTokens} tokens of context per sequence`}`,
    source: meta.source,
    ...(meta.createdAt === undefined ? {} : { createdAt: meta.createdAt }),
    sections: [{ title: "Cost at the SLO frontier", blocks }],
  };
}

/** Zone bands on the batch axis: boundaries at the geometric mean of neighbouring batches in different zones. */
function zoneBands(points: readonly RooflinePointJson[]): { zone: string; fromBatch: number; toBatch: number }[] {
  const sorted = [...points].sort((a, b) => a.batch - b.batch);
  const bands: { zone: string; fromBatch: number; toBatch: number }[] = [];
  sorted.forEach((point, index) => {
    const previous = sorted[index - 1];
    const next = sorted[index + 1];
    const from = previous ? Math.sqrt(previous.batch * point.batch) : point.batch;
    const to = next ? Math.sqrt(point.batch * next.batch) : point.batch;
    const last = bands[bands.length - 1];
    if (last && last.zone === point.zone) last.toBatch = roundSignificant(to) ?? to;
    else bands.push({ zone: point.zone, fromBatch: roundSignificant(from) ?? from, toBatch: roundSignificant(to) ?? to });
  });
  return bands;
}

/** Zone bands from the physics' boundaries, clipped to the plotted batch range (the sweep and the frontier). */
function physicsZoneBands(points: readonly RooflinePointJson[], boundaries: NonNullable<RooflineContext["zoneBoundaries"]>, frontierBatch: number | null): { zone: string; fromBatch: number; toBatch: number }[] {
  const batches = [...points.map((point) => point.batch), ...(frontierBatch === null ? [] : [frontierBatch])];
  const low = Math.min(...batches);
  const high = Math.max(...batches);
  const edges: [string, number, number][] = [
    ["weight-bound", low, boundaries.weightBoundBelowBatch],
    ["amortization", boundaries.weightBoundBelowBatch, boundaries.floorFromBatch],
    ["floor", boundaries.floorFromBatch, high],
  ];
  return edges
    .map(([zone, from, to]) => ({ zone, fromBatch: Math.max(low, from), toBatch: Math.min(high, to) }))
    .filter((band) => band.toBatch > band.fromBatch)
    .map((band) => ({ zone: band.zone, fromBatch: roundSignificant(band.fromBatch) ?? band.fromBatch, toBatch: roundSignificant(band.toBatch) ?? band.toBatch }));
}

function costCurveSpec(data: readonly Record<string, unknown>[], bands: readonly Record<string, unknown>[], frontierBatch: number | null, frontierLabel: string): VegaLiteSpec {
  const x = { field: "batch", type: "quantitative", title: "batch size (sequences)", scale: { type: "log", base: 2 }, axis: { tickCount: 8 } };
  return {
    layer: [
      {
        data: { values: bands },
        mark: { type: "rect", opacity: 0.8 },
        encoding: {
          x: { ...x, field: "fromBatch" },
          x2: { field: "toBatch" },
          color: { field: "zone", type: "nominal", title: "zone", scale: { domain: zoneOrder, range: zoneColors } },
        },
      },
      {
        data: { values: data },
        layer: [
          { mark: { type: "line", color: "#4c78a8", strokeWidth: 2 }, encoding: { x, y: { field: "costUsdPerMAcceptedTok", type: "quantitative", title: "$ per million accepted tokens", scale: { type: "log" } } } },
          {
            mark: { type: "point", filled: true, size: 70 },
            encoding: {
              x,
              y: { field: "costUsdPerMAcceptedTok", type: "quantitative" },
              fill: { field: "status", type: "nominal", title: "SLO status", scale: { domain: statusOrder, range: statusColors } },
              stroke: { value: "#ffffff" },
            },
          },
        ],
      },
      ...(frontierBatch === null
        ? []
        : [
            {
              data: { values: [{ batch: frontierBatch, label: `${frontierLabel}: batch ${frontierBatch}` }] },
              layer: [
                { mark: { type: "rule", strokeDash: [6, 4], color: "#1d2129" }, encoding: { x } },
                { mark: { type: "text", align: "right", dx: -4, dy: 4, baseline: "top", y: 0, fontSize: 11 }, encoding: { x, text: { field: "label" } } },
              ],
            },
          ]),
    ],
    resolve: { scale: { color: "independent" } },
  };
}

function tpotSpec(data: readonly Record<string, unknown>[], sloTpotSeconds: number | null): VegaLiteSpec {
  const x = { field: "batch", type: "quantitative", title: "batch size (sequences)", scale: { type: "log", base: 2 }, axis: { tickCount: 8 } };
  return {
    height: 220,
    layer: [
      {
        data: { values: data },
        transform: [{ fold: ["tpotMs", "tailTpotMs"], as: ["measure", "ms"] }, { calculate: "datum.measure === 'tpotMs' ? 'mean TPOT' : 'tail TPOT'", as: "series" }],
        mark: { type: "line", point: true },
        encoding: { x, y: { field: "ms", type: "quantitative", title: "TPOT (ms)" }, color: { field: "series", type: "nominal", title: null }, strokeDash: { field: "series", type: "nominal", title: null } },
      },
      ...(sloTpotSeconds === null
        ? []
        : [{ data: { values: [{ sloMs: roundSignificant(sloTpotSeconds * 1000) }] }, mark: { type: "rule", color: "#c0262d", strokeWidth: 2 }, encoding: { y: { field: "sloMs", type: "quantitative" } } }]),
    ],
  };
}
