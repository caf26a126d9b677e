// Route templates for the `route` label: a raw URL (/users/8412?page=3) would make one series per
// user and page, so requests are labelled with the template they matched (/users/:id) instead.

/** Finds the template a pathname belongs to; undefined when none does (labelled `other`). */
export type RouteMatcher = (pathname: string) => string | undefined;

interface Pattern {
  template: string;
  /** Segments; ':' = any one segment, '*' = the rest (zero or more segments). */
  segments: string[];
}

const PARAM = ':';
const REST = '*';

function splitPath(p: string): string[] {
  // '/a/b/' and '/a/b' are the same route; '/' is no segments.
  const trimmed = p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
  if (trimmed === '/' || trimmed === '') return [];
  return (trimmed.charCodeAt(0) === 47 /* / */ ? trimmed.slice(1) : trimmed).split('/');
}

/**
 * A matcher for route templates such as `/v1/generate`, `/users/:id` and `/static/*`. Templates
 * without parameters win over the others (`/users/me` beats `/users/:id` wherever it is listed);
 * templates with parameters are tried in the order given. A trailing slash is ignored.
 */
export function routeMatcher(templates: readonly string[]): RouteMatcher {
  const exact = new Map<string, string>();
  const patterns: Pattern[] = [];
  for (const template of templates) {
    if (!template.startsWith('/')) throw new TypeError(`obsctl/metrics: route template must start with '/': ${JSON.stringify(template)}`);
    const raw = splitPath(template);
    const segments = raw.map((s, i) => {
      if (s === '*') {
        if (i !== raw.length - 1) throw new TypeError(`obsctl/metrics: '*' must be the last segment of ${JSON.stringify(template)}`);
        return REST;
      }
      return s.startsWith(':') ? PARAM : s;
    });
    if (segments.some((s) => s === PARAM || s === REST)) patterns.push({ template, segments });
    else exact.set('/' + segments.join('/'), template);
  }
  return (pathname: string): string | undefined => {
    const normalized = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    const hit = exact.get(normalized);
    if (hit !== undefined || patterns.length === 0) return hit;
    const parts = splitPath(normalized);
    outer: for (const p of patterns) {
      const rest = p.segments[p.segments.length - 1] === REST;
      const fixed = rest ? p.segments.length - 1 : p.segments.length;
      if (rest ? parts.length < fixed : parts.length !== fixed) continue;
      for (let i = 0; i < fixed; i++) {
        const seg = p.segments[i]!;
        const part = parts[i]!;
        if (seg === PARAM ? part === '' : seg !== part) continue outer;
      }
      return p.template;
    }
    return undefined;
  };
}

/** The path of a request target: '/a/b?x=1' -> '/a/b'; absolute form (proxies) is handled too. */
export function pathnameOf(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  if (url.charCodeAt(0) === 47 /* / */) {
    let end = url.indexOf('?');
    const hash = url.indexOf('#');
    if (hash !== -1 && (end === -1 || hash < end)) end = hash;
    return end === -1 ? url : url.slice(0, end);
  }
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
