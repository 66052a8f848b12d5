import type { CostMatrixRow } from "./cost-matrix.js";
import { evidenceKeyDifferences, type EvidenceKey } from "./evidence-key.js";

export type RunSetStatus = "complete" | "interrupted" | "incomplete";

/** One stored cell run, as the store returns it (newest first). */
export interface StoredCell {
  readonly row: CostMatrixRow;
  readonly startedAt: string;
  /** Null for runs stored before evidence keys were recorded. */
  readonly evidenceKey: EvidenceKey | null;
  /** The `experiment run` invocation that produced it; null for legacy runs. */
  readonly runSet: string | null;
  /** "incomplete": the run set never finished (killed, crashed or still running). */
  readonly runSetStatus: RunSetStatus | null;
}

export interface MatrixCell extends CostMatrixRow {
  readonly runSet: string | null;
  readonly runSetStatus: RunSetStatus | null;
}

export interface SelectedMatrix {
  readonly evidenceKey: EvidenceKey | null;
  readonly rows: readonly MatrixCell[];
  /** Newer cells left out because their evidence differs from the matrix's. */
  readonly excluded: readonly { readonly case: string; readonly profile: string; readonly runId: string; readonly why: string }[];
  /** Run sets the rows come from. */
  readonly runSets: readonly { readonly runSet: string | null; readonly status: RunSetStatus | null; readonly cells: number }[];
  /** True when every row comes from a run set that finished (the matrix may carry a decision). */
  readonly allComplete: boolean;
}

/**
 * The matrix of one evidence key (by default the newest cell's): per case × profile the newest
 * cell with exactly that key. Cells measured differently (target, n, seed, config, tool version)
 * are never mixed in; they are listed as excluded. Rows keep the run set they came from and
 * whether it finished, so a matrix assembled across a killed run is marked, not silent.
 */
export function selectMatrix(cells: readonly StoredCell[], options: { readonly evidenceKey?: EvidenceKey } = {}): SelectedMatrix {
  const key = options.evidenceKey ?? cells.find((cell) => cell.evidenceKey !== null)?.evidenceKey ?? null;
  const picked = new Map<string, MatrixCell>();
  const excluded: { case: string; profile: string; runId: string; why: string }[] = [];
  for (const cell of cells) {
    if (cell.row.replicateOf !== undefined) continue;
    const id = JSON.stringify([cell.row.case, cell.row.profile]);
    const differences = key === null || cell.evidenceKey === null ? (key === cell.evidenceKey ? [] : ["no evidence key recorded"]) : evidenceKeyDifferences(cell.evidenceKey, key);
    if (differences.length > 0) {
      if (!picked.has(id)) excluded.push({ case: cell.row.case, profile: cell.row.profile, runId: cell.row.runId, why: differences.join(", ") });
      continue;
    }
    if (!picked.has(id)) picked.set(id, { ...cell.row, runSet: cell.runSet, runSetStatus: cell.runSetStatus });
  }
  const rows = [...picked.values()].sort((a, b) => (a.case === b.case ? a.profile.localeCompare(b.profile) : a.case.localeCompare(b.case)));
  const runSets = new Map<string, { runSet: string | null; status: RunSetStatus | null; cells: number }>();
  for (const row of rows) {
    const entry = runSets.get(String(row.runSet)) ?? { runSet: row.runSet, status: row.runSetStatus, cells: 0 };
    entry.cells += 1;
    runSets.set(String(row.runSet), entry);
  }
  return {
    evidenceKey: key,
    rows,
    // The newest differing cell per case × profile is named; older ones are history.
    excluded: excluded.filter((entry, index) => excluded.findIndex((other) => other.case === entry.case && other.profile === entry.profile) === index),
    runSets: [...runSets.values()],
    allComplete: rows.every((row) => row.runSetStatus === "complete"),
  };
}
