// Test fixture server (e2e only): serves a recorded real Prometheus exposition (REPLAY_FILE) at
// /metrics the way the recorded server did (Content-Type text/plain; version=0.0.4, which
// Prometheus 3 requires), so a scrape job can be tested without the server (vLLM needs a GPU).
// Counters and histogram/summary counts grow in proportion to the recording (every value times
// 1 + elapsed minutes), so rate() is non-zero and histogram_quantile() returns the recorded
// distribution; gauges and info series stay as recorded. No dependencies: runs in the node image.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const recorded = readFileSync(process.env.REPLAY_FILE ?? '/replay/metrics.prom', 'utf8').split('\n');
const port = Number(process.env.REPLAY_PORT ?? 8000);
const started = Date.now();

const types = new Map();
for (const line of recorded) {
  const m = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
  if (m) types.set(m[1], m[2]);
}
/** The TYPE of a sample's family: histogram/summary samples carry a _bucket/_count/_sum suffix. */
function typeOf(name) {
  if (types.has(name)) return types.get(name);
  const base = name.replace(/_(bucket|count|sum)$/, '');
  return types.get(base);
}
const grows = (name) => ['counter', 'histogram', 'summary'].includes(typeOf(name) ?? '') && !/\{[^}]*quantile=/.test(name);

function render() {
  const factor = 1 + (Date.now() - started) / 60_000;
  return recorded
    .map((line) => {
      const m = /^([^#\s{]+)(\{.*\})?\s+(\S+)$/.exec(line);
      if (!m || !grows(m[1]) || (m[2] ?? '').includes('quantile=')) return line;
      const v = Number(m[3]);
      return Number.isFinite(v) ? `${m[1]}${m[2] ?? ''} ${v * factor}` : line;
    })
    .join('\n');
}

const server = http.createServer((req, res) => {
  if (req.url === '/metrics') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(render());
  } else if (req.url === '/health') {
    res.writeHead(200).end('OK');
  } else {
    res.writeHead(404).end();
  }
});
server.listen(port, () => console.log(`replaying ${process.env.REPLAY_FILE} on :${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
