// Edits obsctl.yaml as a YAML document (not a re-dump), so the user's comments, order and style
// survive. Every edit is checked by parsing the result before anything is written.
import { isSeq, parseDocument, type Document } from 'yaml';
import { parseConfigText } from './load.js';
import type { ConfigIssue } from './issues.js';

export interface EditResult {
  text?: string;
  errors: ConfigIssue[];
}

function targetsSeq(doc: Document) {
  const existing = doc.get('targets', true);
  if (isSeq(existing)) return existing;
  const seq = doc.createNode([]);
  doc.set('targets', seq);
  return seq as ReturnType<typeof doc.createNode> & { items: unknown[]; flow?: boolean };
}

/** Appends an app target; `name` and `url` are validated like any hand-written target. */
export function addTarget(text: string, target: { name: string; url: string; metricsPath?: string }): EditResult {
  const doc = parseDocument(text);
  const seq = targetsSeq(doc) as unknown as { flow?: boolean; items: unknown[] };
  seq.flow = false; // `targets: []` in the template becomes a block list
  const node = doc.createNode({ name: target.name, urls: [target.url], ...(target.metricsPath ? { metrics_path: target.metricsPath } : {}) });
  (node as unknown as { get(k: string, keep: boolean): { flow?: boolean } }).get('urls', true).flow = true;
  seq.items.push(node);
  const next = doc.toString();
  const check = parseConfigText(next);
  return check.config ? { text: next, errors: [] } : { errors: check.errors };
}

/** A job name from a URL: `http://inference.lan:8000` -> `inference-lan`. */
export function nameFromUrl(url: string): string {
  const host = url.replace(/^https?:\/\//, '').split(/[:/]/)[0] ?? 'app';
  const name = host.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 40);
  return !name || ['localhost', 'host-docker-internal'].includes(name) ? 'app' : name;
}
