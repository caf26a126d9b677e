// Shapes of the Prometheus HTTP API responses obsctl reads (verify and watch both read
// /api/v1/targets): the fields obsctl uses, as Prometheus 2.53 and 3.5 return them.

/** One entry of `data.activeTargets` in GET /api/v1/targets?state=active. */
export interface ActiveTarget {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  lastError: string;
  /** RFC 3339; `0001-01-01T00:00:00Z` before the first scrape. */
  lastScrape: string;
  health: 'up' | 'down' | 'unknown';
}

export interface TargetsResponse {
  data: { activeTargets: ActiveTarget[] };
}
