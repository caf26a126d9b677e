// --until EVENT[:MATCH] for scripts: stop (exit 0) at the first event of that type whose one-line
// form (or subject) contains MATCH, e.g. `--until target_up:node-exporter`.
import { errors } from '../errors.js';
import { eventLine, eventTypes, type EventType, type WatchEvent } from './model.js';

export interface Until {
  type: EventType;
  match?: string;
}

export function parseUntil(text: string): Until {
  const i = text.indexOf(':');
  const type = (i < 0 ? text : text.slice(0, i)) as EventType;
  const match = i < 0 ? undefined : text.slice(i + 1);
  if (!eventTypes.includes(type)) throw errors.usage(`--until ${text}: unknown event "${type}"`, `Use one of: ${eventTypes.join(', ')} (optionally :TEXT to match, e.g. target_up:node-exporter).`);
  return { type, ...(match ? { match } : {}) };
}

export const untilMatches = (u: Until, e: WatchEvent) => e.type === u.type && (!u.match || e.subject.includes(u.match) || eventLine(e).includes(u.match));
