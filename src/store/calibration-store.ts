import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { GoodputError } from "../errors.js";
import { defaultStepTimeProfile, maxEfficiencyShare, termProblems, type StepTimeProfile } from "../physics/step-time-profile.js";

/** Where the lab keeps its files: $GOODPUT_HOME, else .goodput/ in the working directory. */
export function labHome(cwd: string, env: Readonly<Record<string, string | undefined>>): string {
  return env.GOODPUT_HOME ?? join(cwd, ".goodput");
}

const share = z.number().positive().max(maxEfficiencyShare);
const seconds = z.number().nonnegative();
const profileSchema = z.object({
  name: z.string(),
  gpuId: z.string().nullable(),
  decode: z.object({ fixedSeconds: seconds, perLayerSeconds: seconds, perSequenceSeconds: seconds, weightBandwidthEfficiency: share, kvBandwidthEfficiency: share, computeEfficiency: share }),
  prefill: z.object({ fixedSeconds: seconds, perLayerSeconds: seconds, perSequenceSeconds: seconds, computeEfficiency: share, attentionEfficiency: share, weightBandwidthEfficiency: share }),
  allReduceLatencySeconds: seconds,
  interconnectEfficiency: share,
  source: z.string(),
});

const validName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function profilePath(home: string, name: string): string {
  if (!validName.test(name)) {
    throw new GoodputError("BAD_USAGE", `Calibration name "${name}" may use only letters, digits, ".", "_" and "-" (e.g. h100-llama8b).`, { where: "--name" });
  }
  return join(home, "calibrations", `${name}.json`);
}

/** Saves a fitted profile (with its fit report) under the lab home; returns the file path. */
export function saveCalibration(home: string, profile: StepTimeProfile, report: unknown): string {
  const path = profilePath(home, profile.name);
  // Never write what loadCalibration would refuse.
  const parsed = profileSchema.safeParse(profile);
  const problems = [...termProblems(profile.decode), ...termProblems(profile.prefill)];
  if (!parsed.success || problems.length > 0) {
    const issues = parsed.success ? problems : [...parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`), ...problems];
    throw new GoodputError("BAD_MEASUREMENTS", `Refusing to save calibration "${profile.name}": ${issues.join("; ")}. Check the measurements (units are seconds) and re-run.`, { where: path, issues });
  }
  mkdirSync(join(home, "calibrations"), { recursive: true });
  writeFileSync(path, JSON.stringify({ profile, report }, null, 2) + "\n");
  return path;
}

/** Loads a named profile; "default" is the built-in one. */
export function loadCalibration(home: string, name: string): StepTimeProfile {
  if (name === "default") return defaultStepTimeProfile;
  const path = profilePath(home, name);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    let known: string[];
    try {
      known = readdirSync(join(home, "calibrations")).filter((file) => file.endsWith(".json")).map((file) => file.slice(0, -5));
    } catch {
      known = [];
    }
    throw new GoodputError(
      "UNKNOWN_CALIBRATION",
      `No calibration profile "${name}" in ${join(home, "calibrations")} (known: ${["default", ...known].join(", ")}); create one with 'goodput calc calibrate --name ${name} …'.`,
      { where: "--calibration" },
    );
  }
  const parsed = profileSchema.safeParse((JSON.parse(text) as { profile?: unknown }).profile);
  if (!parsed.success) {
    throw new GoodputError("BAD_FILE", `${path}: not a calibration profile (${parsed.error.issues.map((issue) => issue.path.join(".")).join(", ")}); re-run 'goodput calc calibrate'.`, { where: path });
  }
  return parsed.data;
}
