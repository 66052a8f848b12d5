import { afterAll, beforeAll, expect, test } from "vitest";
import { GoodputError } from "../../src/errors.js";
import type { StoredItemSummary } from "../../src/store/lab-store.js";
import { startViewer, type RunningViewer, type ViewerStore } from "../../src/ui/start-viewer.js";
import { rawRequest } from "./http-get.js";

const item: StoredItemSummary = { kind: "readout", id: "r1", experiment: null, createdAt: "2026-01-01T00:00:00Z", label: "request design" };
const state = { busy: false };
let viewer: RunningViewer;

beforeAll(async () => {
  const withStore = async <T>(use: (store: ViewerStore) => Promise<T>): Promise<T> => {
    if (state.busy) throw new GoodputError("STORE_BUSY", "The lab store /x/lab.duckdb is locked by process 4242 (node); waited 3.0 s for it.");
    return use({ listItems: () => Promise.resolve([item]), getItem: () => Promise.resolve(null) });
  };
  viewer = await startViewer({ host: "127.0.0.1", port: 0, home: "/x", withStore, loopbackHostOnly: false });
});

afterAll(async () => {
  await viewer.close();
});

test("while the store is busy the viewer serves its last copy of a page (marked stale), never a 500", async () => {
  state.busy = false;
  const fresh = await rawRequest(viewer.url, "/");
  expect(fresh.status).toBe(200);
  expect(fresh.headers["x-goodput-stale"]).toBeUndefined();
  state.busy = true;
  const stale = await rawRequest(viewer.url, "/");
  expect(stale.status).toBe(200);
  expect(stale.body).toBe(fresh.body);
  expect(stale.headers["x-goodput-stale"]).toMatch(/store busy/);
});

test("a page never served before answers 503 with Retry-After and the reason while the store is busy", async () => {
  state.busy = true;
  const page = await rawRequest(viewer.url, "/item/never-seen");
  expect(page.status).toBe(503);
  expect(page.headers["retry-after"]).toBe("2");
  expect(page.body).toContain("locked by process 4242");
});
