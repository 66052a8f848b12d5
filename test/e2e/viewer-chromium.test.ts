import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { itemHref } from "../../src/ui/render-index-page.js";
import { hostileImage, hostileScript } from "../report/hostile-strings.js";
import { populateLab, type PopulatedLab } from "../ui/populate-lab.js";

const chromiumPath = "/usr/bin/chromium";
const artifacts = "test-artifacts/e2e";

let lab: PopulatedLab;
let child: ChildProcessWithoutNullStreams;
let baseUrl: string;
let browser: Browser;
const consoleErrors: string[] = [];
const failedRequests: string[] = [];
const requestedUrls: string[] = [];
const dialogs: string[] = [];

/** Starts the built CLI's `goodput ui --port 0` on the lab and resolves with the URL it prints. */
function startUi(home: string): Promise<string> {
  child = spawn(process.execPath, ["bin/goodput.js", "ui", "--port", "0"], { env: { ...process.env, GOODPUT_HOME: home } });
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("exit", (code) => {
      reject(new Error(`goodput ui exited ${String(code)} before printing its URL: ${stderr}`));
    });
  });
}

async function open(path: string, screenshot: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(`${path}: ${message.text()}`);
  });
  page.on("pageerror", (error) => consoleErrors.push(`${path}: ${error.message}`));
  page.on("requestfailed", (request) => failedRequests.push(`${request.url()} (${request.failure()?.errorText ?? "?"})`));
  page.on("request", (request) => requestedUrls.push(request.url()));
  page.on("dialog", (dialog) => {
    dialogs.push(`${path}: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  const response = await page.goto(`${baseUrl}${path}`, { waitUntil: "load" });
  expect(response?.status()).toBe(200);
  await page.screenshot({ path: `${artifacts}/${screenshot}.png`, fullPage: true });
  return page;
}

/** Marks Vega drew in the n-th chart of the page: one <path> per point or bar in the role-mark group of that mark type. */
async function marksInChart(page: Page, chartIndex: number, markClass: "mark-symbol" | "mark-rect" | "mark-line"): Promise<number> {
  return page.locator("figure.chart").nth(chartIndex).locator(`g.${markClass}.role-mark > path`).count();
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: the viewer's end-to-end tests drive Debian's Chromium — install it (apt-get install -y chromium; .ci/run does this).`);
  }
  if (!existsSync("dist/cli/commands/ui.js")) throw new Error("dist/ has no goodput ui: run npm run build first (npm test does).");
  mkdirSync(artifacts, { recursive: true });
  lab = await populateLab();
  baseUrl = await startUi(lab.home);
  browser = await chromium.launch({ executablePath: chromiumPath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}, 90_000);

afterAll(async () => {
  await browser.close();
  if (child.exitCode === null) child.kill("SIGINT");
});

describe("goodput ui in headless Chromium", () => {
  test("the index lists every stored item as a link", async () => {
    const page = await open("/", "index");
    expect(await page.locator("main a[href^='/item/']:not([href$='.md'])").count()).toBe(lab.items.length);
    expect(await page.locator("h1").innerText()).toBe("goodput lab");
    await page.close();
  });

  test("a readout report draws its charts: one dot per estimate row, in the order of the table", async () => {
    const id = lab.idOf("readout", (item) => item.id.startsWith("readout-lalonde"));
    const page = await open(itemHref(id), "readout-lalonde");
    expect(await page.locator("figure.chart svg").count()).toBe(2);
    const tableRows = (caption: string) => page.locator("table", { has: page.locator(`caption:text-is("${caption}")`) }).locator("tbody tr");
    expect(await marksInChart(page, 0, "mark-symbol")).toBe(await tableRows("re78: design estimates").count());
    expect(await marksInChart(page, 0, "mark-symbol")).toBe(5);
    // Robust chart: every robust row but the log effect (another scale), i.e. 8 of 9.
    expect(await marksInChart(page, 1, "mark-symbol")).toBe((await tableRows("re78: raw and robust readouts").count()) - 1);
    expect(await page.locator(".callout").count()).toBeGreaterThan(5);
    await page.close();
  });

  test("a decision record draws one bar per run of the evidence table", async () => {
    const id = lab.idOf("decision", (item) => item.experiment === "cost");
    const page = await open(itemHref(id), "decision-cost");
    expect(await marksInChart(page, 0, "mark-rect")).toBe(4);
    expect(await page.locator("table", { has: page.locator('caption:text-is("Runs")') }).locator("tbody tr").count()).toBe(4);
    await page.close();
  });

  test("experiment and run reports render their charts", async () => {
    for (const [kind, id, name] of [["experiment", "cost", "experiment-cost"], ["run", lab.idOf("run", (item) => item.id.startsWith("cost-steady-cost-efficiency-optimized")), "run-steady-batched"]] as const) {
      const page = await open(itemHref(id), name);
      expect(await page.locator("figure.chart svg").count(), kind).toBeGreaterThan(0);
      await page.close();
    }
  });

  test("hostile log content shows as text: no dialog, no script or img element, the markup visible on the page", async () => {
    const pages = [
      ["readout", lab.idOf("readout", (item) => item.id.startsWith("readout-hostile")), "hostile-readout"],
      ["decision", lab.idOf("decision", (item) => item.experiment === "hostile"), "hostile-decision"],
      ["run", lab.idOf("run", (item) => item.label?.includes("profile <script>") === true), "hostile-run"],
    ] as const;
    for (const [kind, id, name] of pages) {
      const page = await open(itemHref(id), name);
      await page.waitForTimeout(200);
      expect(await page.locator("script").count(), kind).toBe(0);
      expect(await page.locator("img").count(), kind).toBe(0);
      const text = await page.locator("body").innerText();
      expect(text.includes(hostileScript) || text.includes(hostileImage), kind).toBe(true);
      await page.close();
    }
    const index = await open("/", "index-hostile");
    expect(await index.locator("body").innerText()).toContain(`case ${hostileImage} × profile ${hostileScript} on sim`);
    await index.close();
    expect(dialogs).toEqual([]);
  });

  test("no console errors, no failed requests, and no request to any host but the viewer", () => {
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(requestedUrls.length).toBeGreaterThan(5);
    expect(requestedUrls.filter((url) => !url.startsWith(`${baseUrl}/`) && !url.startsWith("data:"))).toEqual([]);
  });

  test("Ctrl-C (SIGINT) stops the viewer cleanly", async () => {
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
