// The hub numbers and timestamps events, keeps the last N in a ring buffer (for SSE Last-Event-ID
// resume and the /events.json fallback) and fans them out to every listener: the terminal view,
// the NDJSON writer, the SSE clients.
import type { EventDraft, WatchEvent } from './model.js';

export type Listener = (e: WatchEvent) => void;

export class Hub {
  private ring: WatchEvent[] = [];
  private listeners = new Set<Listener>();
  private nextId = 1;

  constructor(
    readonly capacity = 1000,
    private now: () => Date = () => new Date(),
  ) {}

  publish(draft: EventDraft): WatchEvent {
    const event: WatchEvent = { id: this.nextId++, time: this.now().toISOString(), ...draft };
    this.ring.push(event);
    if (this.ring.length > this.capacity) this.ring.shift();
    for (const l of this.listeners) l(event);
    return event;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  /**
   * Events after `id`. `complete` is false when some of them already fell out of the ring (the
   * caller then starts the client over from a fresh snapshot instead).
   */
  since(id: number): { events: WatchEvent[]; complete: boolean } {
    const events = this.ring.filter((e) => e.id > id);
    const oldest = this.ring[0]?.id ?? this.nextId;
    return { events, complete: id >= oldest - 1 };
  }
}
