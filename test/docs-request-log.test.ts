import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { requestRecordColumns } from "../src/sim/log/request-record-columns.js";
import { requestFieldRoles } from "../src/sim/log/request-record.js";

/** Rows of the field table in docs/request-log.md: field → [type, role]. */
function documentedFields(): Map<string, [string, string]> {
  const text = readFileSync(new URL("../docs/request-log.md", import.meta.url), "utf8");
  const rows = new Map<string, [string, string]>();
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length < 5 || cells[1] === "field" || (cells[1] ?? "").startsWith("---")) continue;
    rows.set(cells[1] ?? "", [cells[2] ?? "", cells[3] ?? ""]);
  }
  return rows;
}

describe("docs/request-log.md", () => {
  it("lists every field of the canonical request log with the code's type and role, and no other", () => {
    const documented = documentedFields();
    const fields = Object.keys(requestFieldRoles) as (keyof typeof requestFieldRoles)[];
    expect([...documented.keys()].sort()).toEqual([...fields].sort());
    for (const field of fields) expect(documented.get(field), field).toEqual([requestRecordColumns[field], requestFieldRoles[field]]);
  });
});
