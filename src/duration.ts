// Durations as Prometheus writes them (1m30s, 2h, 500ms): one parser for config values, rendered
// intervals and command-line flags.

/** Seconds in a duration such as 1m30s; 0 when nothing in it is a duration. */
export function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) {
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[unit as 's']!;
  }
  return total;
}

/** A whole duration (nothing left over), else undefined: `2m` yes, `2 minutes` or `abc` no. */
export function strictSeconds(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t); // a bare number is seconds
  if (!/^(\d+(ms|y|w|d|h|m|s))+$/.test(t)) return undefined;
  return seconds(t);
}
