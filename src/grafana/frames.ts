// Reading the answer of POST /api/ds/query: {results: {<refId>: {status?, frames?, error?, errorSource?}}}.
// Frames are data-plane frames ({schema: {fields}, data: {values}}). A frame is not a series: a
// Prometheus query that matches nothing still comes back with one frame that has no fields (Grafana
// adds it to carry metadata), so "it returned frames" proves nothing. A series here is a frame with
// a number field that holds at least one value.
import { isObject } from './http.js';

export interface QueryResultSummary {
  /** Frames Grafana returned for the refId. */
  frames: number;
  /** Frames that carry at least one numeric value. */
  series: number;
  /** The per-query error, when the data source failed the query. */
  error?: string;
  /** The per-query status Grafana reports (200, 400, 500, ...), when present. */
  status?: number;
}

interface FrameLike {
  schema?: { fields?: { type?: unknown }[] };
  data?: { values?: unknown[] };
}

function isSeries(frame: unknown): boolean {
  if (!isObject(frame)) return false;
  const f = frame as FrameLike;
  const fields = Array.isArray(f.schema?.fields) ? f.schema.fields : [];
  const values = Array.isArray(f.data?.values) ? f.data.values : [];
  return fields.some((field, i) => isObject(field) && field.type === 'number' && Array.isArray(values[i]) && (values[i] as unknown[]).length > 0);
}

/** undefined when the body has no result for the refId (not an /api/ds/query answer). */
export function summarizeQueryResult(body: unknown, refId: string): QueryResultSummary | undefined {
  if (!isObject(body) || !isObject(body.results)) return undefined;
  const result = body.results[refId];
  if (!isObject(result)) return undefined;
  const frames = Array.isArray(result.frames) ? result.frames : [];
  const summary: QueryResultSummary = { frames: frames.length, series: frames.filter(isSeries).length };
  if (typeof result.error === 'string' && result.error !== '') summary.error = result.error;
  if (typeof result.status === 'number') summary.status = result.status;
  return summary;
}
