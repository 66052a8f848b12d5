/** The local read-only viewer of the lab store (docs/design.md §10): `goodput ui`. */
export { buildItemReport } from "./build-item-report.js";
export { itemHref, renderIndexPage } from "./render-index-page.js";
export { routeRequest, type ViewerRoute } from "./route-request.js";
export { startViewer, type RunningViewer, type ViewerOptions, type ViewerStore } from "./start-viewer.js";
