/**
 * Where a matrix cell's evidence came from. Cells are comparable only when every field agrees: a
 * 50-request live run must not stand in for a 2000-request simulator cell (issue #12).
 */
export interface EvidenceKey {
  readonly target: string;
  readonly requests: number;
  readonly seed: number;
  /** sha256 (hex, first 16) of the experiment config as run, CLI overrides applied. */
  readonly configHash: string;
  readonly toolVersion: string;
}

const fields = ["target", "requests", "seed", "configHash", "toolVersion"] as const;

/** One line, e.g. "target sim, 2000 requests, seed 7, config 1a2b…, goodput 0.1.0". */
export function describeEvidenceKey(key: EvidenceKey): string {
  return `target ${key.target}, ${key.requests} requests per cell, seed ${key.seed}, config ${key.configHash}, goodput ${key.toolVersion}`;
}

/** The fields in which two keys differ (empty when the evidence can be put side by side). */
export function evidenceKeyDifferences(left: EvidenceKey, right: EvidenceKey): string[] {
  return fields.filter((field) => left[field] !== right[field]).map((field) => `${field} ${String(left[field])} vs ${String(right[field])}`);
}
