import { Agent, request } from "undici";
import { extractServerGauges, isServerStateSample, parsePrometheusText, type ServerGauges } from "./prometheus-text.js";

/** One scrape of the target's /metrics. */
export interface ServerMetricsRow extends ServerGauges {
  /** Seconds since the scraper started (same clock as the run). */
  readonly t_s: number;
  /** Sweep point label current at the scrape. */
  readonly label: string;
  /** The raw samples of the server-state families, `name{labels}` → value. */
  readonly series: Readonly<Record<string, number>>;
}

/** How the scraping went, for the summary. */
export interface ScrapeReport {
  readonly available: boolean;
  readonly scrapes: number;
  readonly failures: number;
  /** Why /metrics is not available (absent is fine; it is noted, not an error). */
  readonly note: string | null;
}

export interface MetricsScraper {
  /** Label rows from now on (sweep point). */
  setLabel(label: string): void;
  /** Stops scraping, waits for a scrape in flight, reports. */
  stop(): Promise<ScrapeReport>;
}

export interface ScraperOptions {
  readonly url: string;
  readonly intervalMs: number;
  readonly now: () => number;
  readonly headers: Readonly<Record<string, string>>;
  readonly onRow: (row: ServerMetricsRow) => void;
}

const _key = (name: string, labels: Readonly<Record<string, string>>): string => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? name : `${name}{${entries.map(([key, value]) => `${key}="${value}"`).join(",")}}`;
};

/**
 * Scrapes Prometheus `/metrics` every interval (first scrape at once), keeping the server-state
 * series (KV cache usage, running, waiting, preemptions, prefix-cache hits). When the first
 * scrape fails or is not 200 the scraper notes it and stops: absence of /metrics is fine.
 */
export function startMetricsScraper(options: ScraperOptions): MetricsScraper {
  const dispatcher = new Agent({ connections: 1, headersTimeout: Math.max(2000, options.intervalMs * 2), bodyTimeout: Math.max(2000, options.intervalMs * 2) });
  const startMs = options.now();
  let label = "";
  let scrapes = 0;
  let failures = 0;
  let available = true;
  let note: string | null = null;
  let stopped = false;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ticks = 0;

  const scrapeOnce = async (): Promise<void> => {
    const atMs = options.now();
    try {
      const response = await request(options.url, { method: "GET", dispatcher, headers: options.headers });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
      const samples = parsePrometheusText(text);
      const series: Record<string, number> = {};
      for (const sample of samples) if (isServerStateSample(sample)) series[_key(sample.name, sample.labels)] = sample.value;
      scrapes++;
      options.onRow({ t_s: (atMs - startMs) / 1000, label, ...extractServerGauges(samples), series });
    } catch (error) {
      failures++;
      if (scrapes === 0) {
        available = false;
        note = `no Prometheus metrics at ${options.url} (${error instanceof Error ? error.message : String(error)}); server-side series not recorded`;
        stopped = true;
      }
    }
  };
  const tick = (): void => {
    if (stopped || inFlight !== null) return;
    inFlight = scrapeOnce().finally(() => {
      inFlight = null;
      // The next scrape on an absolute grid, so slow scrapes do not drift the interval.
      ticks++;
      if (!stopped) timer = setTimeout(tick, Math.max(0, startMs + ticks * options.intervalMs - options.now()));
    });
  };
  tick();
  return {
    setLabel(next) {
      label = next;
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      if (inFlight !== null) await inFlight;
      await dispatcher.close();
      return { available, scrapes, failures, note };
    },
  };
}
