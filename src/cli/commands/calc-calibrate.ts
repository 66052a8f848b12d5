import { findModel } from "../../catalog/catalog.js";
import { calibrateStepTime } from "../../physics/calibrate.js";
import { defaultStepTimeProfile } from "../../physics/step-time-profile.js";
import { labHome, saveCalibration } from "../../store/calibration-store.js";
import type { CommandSpec } from "../command.js";
import { deploymentOptions, resolveDeployment } from "../deployment-options.js";
import { fixed, formatTable, ms } from "../format-table.js";
import { loadMeasurements, measurementsFromBenchLog } from "../load-measurements.js";
import { requiredString, stringOption } from "../parse-values.js";
import { GoodputError } from "../../errors.js";

const percent = (value: number | null): string => (value === null ? "-" : `${fixed(value * 100, 1)} %`);

/** `goodput calc calibrate`: fit the step-time model to measured points and save a named profile. */
export const calcCalibrateCommand: CommandSpec = {
  name: "calibrate",
  summary: "Fit the step-time model's overheads and efficiencies to measurements; save a named profile",
  description:
    "Calibration (docs/design.md §3.9). Fits the decode terms (fixed, per-layer, weight/KV bandwidth and compute efficiency)\n" +
    "and prefill terms (fixed, per-layer, GEMM and attention efficiency) by least squares on log error with a pull\n" +
    "toward the starting profile whose strength is chosen by leave-one-out cross-validation. A phase keeps the\n" +
    "starting terms unless its fit beats them on held-out points; when neither phase does, nothing is saved\n" +
    "(exit 2). Terms are per step, per layer, per byte and per FLOP, so a profile fitted on one model predicts\n" +
    "other models on the same GPU; entries may name other models to fit several at once.",
  options: {
    ...deploymentOptions,
    measurements: { type: "string", valueName: "FILE", description: 'JSON array of {"phase":"decode","batch":8,"context":2048,"seconds":0.00745} / {"phase":"prefill","batch":1,"prompt":2048,"seconds":0.0533}; an entry may add "model":"<catalog id>" for another model on the same GPU' },
    "bench-log": { type: "string", valueName: "FILE", description: "Instead of --measurements: the requests.jsonl of a 'goodput bench --concurrency …' run against your endpoint (TPOT by concurrency → decode, TTFT by prompt length → prefill)" },
    name: { type: "string", valueName: "NAME", description: "Name to save the profile under" },
  },
  examples: [
    "goodput calc calibrate --gpu h100-sxm --model llama-3-8b --measurements h100-llama8b.json --name h100",
    "goodput calc calibrate --gpu h100-sxm --model llama-3-8b --bench-log runs/bench/requests.jsonl --name my-endpoint",
  ],
  run(context) {
    const name = requiredString(context.values, "name", "h100-vllm");
    const benchLog = stringOption(context.values, "bench-log");
    if (benchLog !== undefined && stringOption(context.values, "measurements") !== undefined) {
      throw new GoodputError("BAD_USAGE", "Give --measurements FILE or --bench-log FILE, not both.", { where: "--bench-log" });
    }
    const path = benchLog ?? requiredString(context.values, "measurements", "measurements.json");
    const resolved = resolveDeployment(context);
    const fromBench = benchLog === undefined ? null : measurementsFromBenchLog(benchLog);
    const measurements = fromBench?.measurements ?? loadMeasurements(path);
    // Entries may name other catalog models measured on the same GPU: several shapes pin the
    // fixed / per-layer / weight-streaming split that one model leaves open.
    const otherModels = new Map(
      [...new Set(measurements.flatMap((m) => (m.model === undefined ? [] : [m.model])))].map((id) => [id, { ...resolved.deployment, model: findModel(resolved.catalog, id) }] as const),
    );
    const result = calibrateStepTime(resolved.deployment, measurements, { name, start: resolved.profile.name === "default" ? defaultStepTimeProfile : resolved.profile, otherModels });
    const report = { decode: result.decode, prefill: result.prefill, points: result.points };
    const errorsTable = formatTable(
      ["phase", "points", "uncalibrated MAPE", "fit MAPE", "leave-one-out MAPE", "penalty", "kept priors because"],
      (["decode", "prefill"] as const).map((phase) => [
        phase,
        String(result[phase].points),
        percent(result[phase].uncalibratedMape),
        percent(result[phase].inSampleMape),
        percent(result[phase].leaveOneOutMape),
        result[phase].penaltyScale === null ? "priors" : `×${result[phase].penaltyScale}`,
        result[phase].keptPriorsBecause ?? "-",
      ]),
    );
    if (!result.improved) {
      throw new GoodputError(
        "BAD_MEASUREMENTS",
        `${path}: not saved: no fit beats the uncalibrated profile on held-out points, so "${name}" would be no better than --calibration default.\n${errorsTable}\nMeasure more points (several batch sizes, contexts and prompt lengths; other models on the same GPU with "model"), or keep the default profile.`,
        { where: path },
      );
    }
    const savedTo = saveCalibration(labHome(context.cwd, context.env), result.profile, report);
    const { decode, prefill } = result.profile;
    const lines = [
      `Calibrated "${name}" on ${resolved.deployment.model.id} × ${resolved.deployment.gpu.id}; saved to ${savedTo}`,
      ...(fromBench?.notes.map((note) => `From the bench log: ${note}`) ?? []),
      "",
      errorsTable,
      `Decode terms: fixed ${ms(decode.fixedSeconds)} ms, per layer ${fixed(decode.perLayerSeconds * 1e6, 1)} µs, per sequence ${fixed(decode.perSequenceSeconds * 1e6, 2)} µs, weight BW ${fixed(decode.weightBandwidthEfficiency, 3)}, KV BW ${fixed(decode.kvBandwidthEfficiency, 3)}, compute ${fixed(decode.computeEfficiency, 3)}`,
      `Prefill terms: fixed ${ms(prefill.fixedSeconds)} ms, per layer ${fixed(prefill.perLayerSeconds * 1e6, 1)} µs, per sequence ${fixed(prefill.perSequenceSeconds * 1e6, 2)} µs, GEMM ${fixed(prefill.computeEfficiency, 3)}, attention ${fixed(prefill.attentionEfficiency, 3)}, weight BW ${fixed(prefill.weightBandwidthEfficiency, 3)}`,
      "",
      formatTable(
        ["phase", "batch", "tokens", "measured ms", "fit ms", "held-out ms", "uncalibrated ms"],
        result.points.map((point) => [
          point.measurement.phase,
          String(point.measurement.batch),
          String(point.measurement.phase === "decode" ? point.measurement.context : point.measurement.prompt),
          ms(point.measurement.seconds),
          ms(point.predictedSeconds),
          point.leaveOneOutSeconds === null ? "-" : ms(point.leaveOneOutSeconds),
          ms(point.uncalibratedSeconds),
        ]),
      ),
    ];
    return { json: { name, savedTo, profile: result.profile, ...report }, text: lines.join("\n") };
  },
};
