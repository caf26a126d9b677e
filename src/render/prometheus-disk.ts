// The filesystem that holds Prometheus' data, for PrometheusDiskFillingUp (alerts/stack/
// prometheus-disk.rules.yml). Prometheus cannot see its own free space, and once its volume is
// full it drops every sample (WAL writes fail, so not even its failure counters are stored) and
// Prometheus 3.5 crashes on reads and then cannot start: the alert has to fire before, from
// node-exporter's view of the host filesystem that holds the data volume.
// The data volume lives under prometheus.data_filesystem (Docker's data root by default); the
// filesystem holding it is the deepest mount among that path's ancestors. PromQL picks it with
// `or on(instance)`, deepest first: a deeper mount's series hides the shallower ones.

const PLACEHOLDER = '__PROMETHEUS_DATA_FILESYSTEM_FREE_RATIO__';

/** "/var/lib/docker" -> ["/var/lib/docker", "/var/lib", "/var", "/"]. */
export function ancestorMounts(dir: string): string[] {
  const parts = dir.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = parts.length; i > 0; i--) out.push(`/${parts.slice(0, i).join('/')}`);
  return [...out, '/'];
}

/** Free-space ratio of the filesystem holding `dir`, per node-exporter instance. */
export function dataFilesystemFreeRatio(dir: string): string {
  return ancestorMounts(dir)
    .map((m) => {
      const sel = `{job="node-exporter",mountpoint="${m}"}`;
      return `node_filesystem_avail_bytes${sel} / node_filesystem_size_bytes${sel}`;
    })
    .join('\n  or on(instance)\n');
}

/**
 * Puts the expression into a rule file (its placeholder line), and the data path into promtool test
 * files (__PROMETHEUS_DATA_FILESYSTEM__), so their tests follow the configured path. Files with
 * neither pass unchanged.
 */
export function substituteDataFilesystem(text: string, dir: string): string {
  if (!text.includes('__PROMETHEUS_DATA_FILESYSTEM')) return text;
  const expr = dataFilesystemFreeRatio(dir);
  // Indented like the line the placeholder sits on (a YAML block scalar).
  return text
    .replace(new RegExp(`^([ \\t]*)${PLACEHOLDER}$`, 'm'), (_m, indent: string) => expr.split('\n').map((l) => indent + l).join('\n'))
    .replaceAll('__PROMETHEUS_DATA_FILESYSTEM__', ancestorMounts(dir)[0]!);
}
