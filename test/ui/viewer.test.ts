import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LabStore } from "../../src/store/lab-store.js";
import { buildItemReport } from "../../src/ui/build-item-report.js";
import { loadStoredItem } from "../../src/ui/load-stored-item.js";
import { itemHref } from "../../src/ui/render-index-page.js";
import { routeRequest } from "../../src/ui/route-request.js";
import { startViewer, type RunningViewer, type ViewerStore } from "../../src/ui/start-viewer.js";
import { renderReportHtml } from "../../src/report/render-report.js";
import { runCli } from "../cli/run-cli.js";
import { countTags, eventHandlerAttributes, hostileImage, hostileScript } from "../report/hostile-strings.js";
import { rawRequest } from "./http-get.js";
import { populateLab, type PopulatedLab } from "./populate-lab.js";

let lab: PopulatedLab;
let viewer: RunningViewer;

beforeAll(async () => {
  lab = await populateLab();
  const withStore = async <T>(use: (store: ViewerStore) => Promise<T>): Promise<T> => {
    const store = await LabStore.open(lab.home);
    try {
      return await use({ listItems: () => store.listItems(), getItem: (id) => loadStoredItem(store, id) });
    } finally {
      store.close();
    }
  };
  viewer = await startViewer({ host: "127.0.0.1", port: 0, home: lab.home, withStore, loopbackHostOnly: true });
}, 60_000);

afterAll(async () => {
  await viewer.close();
});

/** The text of every HTML text node and attribute value, entity-decoded: what a reader sees. */
const decoded = (html: string): string => html.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

function expectInert(html: string): void {
  expect(countTags(html, "script")).toBe(0);
  expect(countTags(html, "img")).toBe(0);
  expect(eventHandlerAttributes(html)).toEqual([]);
}

describe("routeRequest()", () => {
  test.each([
    ["GET", "/", { kind: "index" }],
    ["HEAD", "/?x=1", { kind: "index" }],
    ["GET", "/item/cost", { kind: "item", id: "cost", format: "html" }],
    ["GET", "/item/cost.md", { kind: "item", id: "cost", format: "md" }],
    ["GET", "/item/a%20b%22%3E", { kind: "item", id: 'a b">', format: "html" }],
    ["GET", "/item/..%2Fpackage.json", { kind: "item", id: "../package.json", format: "html" }],
    ["GET", "/../../etc/passwd", { kind: "not-found" }],
    ["GET", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", { kind: "not-found" }],
    ["GET", "/item/../../etc/passwd", { kind: "not-found" }],
    ["GET", "/item/%E0%A4%A", { kind: "not-found" }],
    ["GET", "/item/", { kind: "not-found" }],
    ["GET", "/package.json", { kind: "not-found" }],
    ["POST", "/", { kind: "method-not-allowed" }],
    ["DELETE", "/item/cost", { kind: "method-not-allowed" }],
  ])("%s %s", (method, path, expected) => {
    expect(routeRequest(method, path)).toEqual(expected);
  });
});

describe("the viewer over HTTP", () => {
  test("/ lists every stored item with a link to its report, under a CSP that forbids scripts and fetches", async () => {
    const response = await rawRequest(viewer.url, "/");
    expect(response.status).toBe(200);
    expect(response.headers["content-security-policy"]).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    for (const item of lab.items) expect(response.body).toContain(`href="${itemHref(item.id).replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"`);
    expect(lab.items.map((item) => item.kind).sort()).toEqual(["decision", "decision", "experiment", "experiment", "readout", "readout", "run", "run", "run", "run", "run", "run"]);
    expectInert(response.body);
  });

  test("/item/ID serves the same HTML report as `goodput report ID`; /item/ID.md its Markdown; HEAD has headers and no body", async () => {
    const id = lab.idOf("decision", (item) => item.experiment === "cost");
    const response = await rawRequest(viewer.url, itemHref(id));
    expect(response.status).toBe(200);
    const store = await LabStore.open(lab.home);
    const item = await store.getItem(id).finally(() => {
      store.close();
    });
    expect(response.body).toBe(await renderReportHtml(buildItemReport(item!)));
    expect(response.body).toContain("<svg");
    const markdown = await rawRequest(viewer.url, itemHref(id, "md"));
    expect(markdown.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(markdown.body.startsWith("# Decision: cost")).toBe(true);
    const head = await rawRequest(viewer.url, itemHref(id), "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(Number(head.headers["content-length"])).toBe(Buffer.byteLength(response.body));
  });

  test.each(["/../../etc/passwd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/item/..%2Fpackage.json", "/item/..%2F..%2F..%2Fetc%2Fpasswd", "/item/%2Fetc%2Fpasswd", "/package.json", "/item/nope", "/item/lab.duckdb", "/lab.duckdb"])("%s is 404 and serves no file", async (path) => {
    const response = await rawRequest(viewer.url, path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('"name": "goodput"');
    expect(response.body).not.toContain("root:");
  });

  test("a run's report draws the full latency CDF from its stored request log, not the summary's five percentiles", async () => {
    const id = lab.idOf("run", (item) => item.id.startsWith("cost-steady-cost-efficiency-optimized"));
    const response = await rawRequest(viewer.url, itemHref(id));
    expect(response.status).toBe(200);
    expect(response.body).not.toContain("drawn through the summary");
    expect(response.body).toContain("Queue depth");
  });

  test("a request naming another host (DNS rebinding: evil.example resolved to 127.0.0.1) is refused with 403", async () => {
    const port = new URL(viewer.url).port;
    expect((await rawRequest(viewer.url, "/", "GET", { host: "evil.example" })).status).toBe(403);
    expect((await rawRequest(viewer.url, "/", "GET", { host: `evil.example:${port}` })).status).toBe(403);
    expect((await rawRequest(viewer.url, "/", "GET", { host: `localhost:${port}` })).status).toBe(200);
    expect((await rawRequest(viewer.url, "/", "GET", { host: `127.0.0.1:${port}` })).status).toBe(200);
  });

  test("other methods get 405 with Allow: GET, HEAD and change nothing", async () => {
    const before = (await rawRequest(viewer.url, "/")).body;
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const response = await rawRequest(viewer.url, "/item/cost", method);
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe("GET, HEAD");
    }
    expect((await rawRequest(viewer.url, "/")).body).toBe(before);
  });
});

describe("hostile log content (XSS) renders as text", () => {
  test.each([
    ["readout (arm and segment values, assignment story)", "readout", (item: { id: string }) => item.id.startsWith("readout-hostile.csv")],
    ["decision record (question, case and profile names)", "decision", (item: { experiment: string | null }) => item.experiment === "hostile"],
    ["run (case and profile names)", "run", (item: { label: string | null }) => (item.label ?? "").includes(`profile ${hostileScript}`)],
    ["experiment (cost matrix with hostile names)", "experiment", (item: { id: string }) => item.id === "hostile"],
  ] as const)("%s: no script, img or event handler in the page, and the markup is visible as text", async (_name, kind, pick) => {
    const id = lab.idOf(kind, pick);
    const response = await rawRequest(viewer.url, itemHref(id));
    expect(response.status).toBe(200);
    expectInert(response.body);
    const text = decoded(response.body);
    expect(text.includes(hostileScript) || text.includes(hostileImage)).toBe(true);
  });

  test("the index escapes hostile labels (a run's case × profile names) and run ids are safe slugs", async () => {
    const response = await rawRequest(viewer.url, "/");
    expectInert(response.body);
    expect(decoded(response.body)).toContain(`case ${hostileImage} × profile ${hostileScript}`);
    for (const item of lab.items.filter((entry) => entry.kind === "run")) expect(item.id).toMatch(/^[a-z0-9.-]+$/);
  });
});

describe("goodput report", () => {
  test("--list prints every id; ID --out FILE.html writes the self-contained page; .md writes Markdown", async () => {
    const env = { GOODPUT_HOME: lab.home };
    const list = await runCli(["report", "--list"], env);
    expect(list.code).toBe(0);
    for (const item of lab.items) expect(list.stdout).toContain(item.id);
    const id = lab.idOf("readout", (item) => item.id.startsWith("readout-lalonde"));
    const out = join(lab.home, "out", "readout.html");
    const written = await runCli(["report", id, "--out", out], env);
    expect(written.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("<svg");
    expect(countTags(html, "script")).toBe(0);
    expect(html).not.toMatch(/(src|href)="https?:/);
    const markdown = await runCli(["report", id, "--out", join(lab.home, "out", "readout.md")], env);
    expect(markdown.code).toBe(0);
    expect(readFileSync(join(lab.home, "out", "readout.md"), "utf8")).toMatch(/^# Readout: /);
  });

  test("an unknown id is exit 2 naming the nearest ids and --list; a bad extension is exit 2 naming .html and .md", async () => {
    const env = { GOODPUT_HOME: lab.home };
    const unknown = await runCli(["report", "cots"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No stored item has the id "cots" \(nearest: "cost"/);
    expect(unknown.stderr).toMatch(/goodput report --list/);
    const bad = await runCli(["report", "cost", "--out", join(lab.home, "x.pdf")], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\.pdf/);
    expect(bad.stderr).toMatch(/\.html/);
    const missing = await runCli(["report"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--list/);
  });
});

describe("goodput ui", () => {
  test("refuses a non-loopback --host without --allow-remote, saying why", async () => {
    const result = await runCli(["ui", "--host", "0.0.0.0", "--port", "0"], { GOODPUT_HOME: lab.home });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--host 0\.0\.0\.0 is not a loopback address/);
    expect(result.stderr).toMatch(/--allow-remote/);
  });
});
