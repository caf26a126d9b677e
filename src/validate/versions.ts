/**
 * Which tool versions validated the stack, and whether they match the images it pins: a promtool
 * of another major version than the Prometheus image checks a different language (Prometheus 3
 * changed le/quantile label values, regex matching, scrape content types), so its verdict is weaker.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ValidateContext } from './context.js';
import { readText, STACK_PATHS } from './stack-files.js';
import type { ToolId, ToolProbe } from './tools.js';
import type { Check } from './types.js';

export interface ToolInfo {
  name: string;
  /** Upstream version, e.g. "3.5.3" (Debian's "+ds1" suffix dropped); "unknown" when unparsable. */
  version: string;
  /** Absolute path the tool was found at on PATH; "" when not found there. */
  path: string;
}

export const TOOL_VERSIONS_CHECK = 'tool versions';

const TOOL_NAME: Record<ToolId, string> = { promtool: 'promtool', amtool: 'amtool', 'docker-compose': 'docker compose' };
/** The service whose image a tool must match in major version. */
const MATCHES: Partial<Record<ToolId, string>> = { promtool: 'prometheus', amtool: 'alertmanager' };

/** "promtool, version 3.5.3+ds1 (branch: ...)" or "docker compose 2.26.1" -> "3.5.3". */
export function parseVersion(text: string): string | undefined {
  return /(?:version |compose v?)v?(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

/** The version in an image reference's tag: prom/prometheus:v3.5.0 -> 3.5.0, x:3.5@sha256:.. -> 3.5. */
export function imageTagVersion(image: string): string | undefined {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  return /^v?(\d+\.\d+(?:\.\d+)?)/.exec(noDigest.slice(colon + 1))?.[1];
}

/** First executable called `cmd` on PATH. */
export function onPath(cmd: string, envPath = process.env.PATH ?? ''): string {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, cmd);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return '';
}

export function toolInfo(probe: ToolProbe): ToolInfo {
  return {
    name: TOOL_NAME[probe.id],
    version: parseVersion(probe.detail) ?? 'unknown',
    path: onPath(probe.id === 'docker-compose' ? 'docker' : probe.id),
  };
}

/** image of each service in compose.yaml (empty when it cannot be read: compose checks say why). */
async function serviceImages(ctx: ValidateContext): Promise<Record<string, string>> {
  try {
    const doc = parseYaml(await readText(ctx.root, STACK_PATHS.compose)) as { services?: Record<string, { image?: unknown }> };
    return Object.fromEntries(
      Object.entries(doc?.services ?? {}).flatMap(([name, s]) => (typeof s?.image === 'string' ? [[name, s.image]] : [])),
    );
  } catch {
    return {};
  }
}

const major = (v: string) => v.split('.')[0];

/**
 * Tools that ran, and the major-version comparison with the pinned images: a mismatch is a
 * warning, or a failing check under strict.
 */
export async function toolVersions(ctx: ValidateContext, probes: ToolProbe[]): Promise<{ tools: ToolInfo[]; warnings: string[]; checks: Check[] }> {
  const order: ToolId[] = ['promtool', 'amtool', 'docker-compose'];
  const available = probes.filter((p) => p.available).sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const tools = available.map(toolInfo);
  const images = await serviceImages(ctx);
  const mismatches: string[] = [];
  for (const p of available) {
    const service = MATCHES[p.id];
    const image = service ? images[service] : undefined;
    const pinned = image ? imageTagVersion(image) : undefined;
    const version = parseVersion(p.detail);
    if (!pinned || !version || major(pinned) === major(version)) continue;
    mismatches.push(`${TOOL_NAME[p.id]} ${version} checked a stack that runs ${image} (major version ${major(pinned)})`);
  }
  if (!mismatches.length) return { tools, warnings: [], checks: [] };
  const hint =
    'install promtool/amtool of the major version the stack runs (promtool 3.5: Debian unstable, or the one inside the pinned image), or pin the image to the version you validate with';
  if (!ctx.strict) return { tools, warnings: mismatches.map((m) => `${m}: ${hint}`), checks: [] };
  return {
    tools,
    warnings: [],
    checks: [{ name: TOOL_VERSIONS_CHECK, status: 'fail', detail: `major version differs from the pinned image: ${mismatches.join('; ')}`, hint }],
  };
}
