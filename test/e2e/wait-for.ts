// Polling for what a real stack does in its own time (a scrape, a rule evaluation, an alert's
// `for:`). A wait that times out says what it last saw: on a loaded machine "timed out" alone
// does not tell a slow stack from a broken one.

/** Text for what a wait saw: strings as they are, the rest as JSON, cut to a readable length. */
function show(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? v : v instanceof Error ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 4000 ? `${s.slice(0, 4000)}… (${s.length} chars)` : s;
}

/**
 * Calls fn every everyMs until it returns something truthy, which it returns. fn tells what it
 * looked at with saw(x), which returns x (the query result, the alerts, the screen); on timeout the error carries
 * the last of those, the last try's value and the last error.
 */
export async function waitFor<T>(what: string, fn: (saw: <V>(seen: V) => V) => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 1000): Promise<T> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let tries = 0;
  let seen: { v: unknown } | undefined;
  let result: { v: unknown } | undefined;
  let error: { e: unknown; at: number } | undefined;
  while (Date.now() < deadline) {
    tries++;
    try {
      const v = await fn((x) => {
        seen = { v: x };
        return x;
      });
      if (v) return v;
      result = { v };
    } catch (e) {
      error = { e, at: tries };
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const parts = [`${tries} tries in ${Math.round((Date.now() - started) / 1000)} s`];
  if (seen) parts.push(`last saw: ${show(seen.v)}`);
  else if (result) parts.push(`last try returned ${show(result.v)}`);
  if (error) parts.push(`last error (try ${error.at}): ${show(error.e)}`);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${parts.join('; ')})`);
}
