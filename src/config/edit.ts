// Edits obsctl.yaml as a YAML document (not a re-dump), so the user's comments, order and style
// survive. Every edit is checked by parsing the result before anything is written.
import { isSeq, parseDocument } from 'yaml';
import { parseConfigText } from './load.js';
import type { ConfigIssue } from './issues.js';

export interface EditResult {
  text?: string;
  errors: ConfigIssue[];
}

/** Splices the new target into the text: every other byte of the file stays as it was. */
export function addTarget(text: string, target: { name: string; url: string; metricsPath?: string }): EditResult {
  const doc = parseDocument(text);
  const item = (indent: string) =>
    [`${indent}- name: ${target.name}`, `${indent}  urls: [${JSON.stringify(target.url)}]`, ...(target.metricsPath ? [`${indent}  metrics_path: ${target.metricsPath}`] : [])].join('\n');
  const value = doc.get('targets', true) as { range?: [number, number, number]; items?: { range?: [number, number, number] }[]; flow?: boolean } | undefined;
  let next: string;
  if (!value || !value.range) {
    // No targets key (or `targets:` with nothing): add the list at the end of the file.
    const body = text.length && !text.endsWith('\n') ? `${text}\n` : text;
    next = value ? text.replace(/^targets:[ \t]*(#.*)?$/m, (line) => `${line}\n${item('  ')}`) : `${body}targets:\n${item('  ')}\n`;
  } else if (isSeq(value) && !value.flow && value.items && value.items.length > 0) {
    const last = value.items[value.items.length - 1]!;
    const lineStart = text.lastIndexOf('\n', value.range[0]) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const at = last.range![1];
    const eol = text.indexOf('\n', at - 1);
    const cut = eol === -1 ? text.length : eol;
    next = `${text.slice(0, cut)}\n${item(indent)}${text.slice(cut)}`;
  } else if (isSeq(value) && value.flow && (value.items?.length ?? 0) === 0) {
    // `targets: []` (as init writes it) becomes a block list.
    const [from, to] = value.range;
    next = `${text.slice(0, from).replace(/[ \t]+$/, '')}\n${item('  ')}${text.slice(to)}`;
  } else {
    // A flow list with items, or something else: let the YAML library rewrite this one node.
    doc.setIn(['targets'], doc.createNode([...((doc.toJS() as { targets?: unknown[] }).targets ?? []), { name: target.name, urls: [target.url], ...(target.metricsPath ? { metrics_path: target.metricsPath } : {}) }]));
    next = doc.toString();
  }
  const check = parseConfigText(next);
  return check.config ? { text: next, errors: [] } : { errors: check.errors };
}

/** A job name from a URL: `http://inference.lan:8000` -> `inference-lan`. */
export function nameFromUrl(url: string): string {
  const host = url.replace(/^https?:\/\//, '').split(/[:/]/)[0] ?? 'app';
  const name = host.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 40);
  return !name || ['localhost', 'host-docker-internal'].includes(name) ? 'app' : name;
}

/**
 * Sets `integrations.<name>` (replacing an entry of that name) as a document edit: comments and
 * every other entry stay. The result is checked by parsing it before anything is written.
 */
export function addIntegration(text: string, name: string, entry: Record<string, unknown>): EditResult {
  const doc = parseDocument(text);
  if (!doc.has('integrations') || doc.get('integrations') === null) doc.set('integrations', doc.createNode({}));
  doc.setIn(['integrations', name], doc.createNode(entry, { flow: true }));
  const next = doc.toString();
  const check = parseConfigText(next);
  return check.config ? { text: next, errors: [] } : { errors: check.errors };
}
