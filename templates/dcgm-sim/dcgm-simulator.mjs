// A stand-in for NVIDIA dcgm-exporter when there is no GPU (CI, laptops): replays recorded real
// exporter output with values that move over time. Rendered into the stack by
// `obsctl up --simulate-gpu[=FILE]`; see README.md beside it. No dependencies: any Node >= 18.
//   SIM_PROFILE=nvidia  the built-in T4 recording as recorded
//   SIM_PROFILE=gb10    the same, minus every field a DGX Spark never emits (a derived sample)
//   SIM_PROFILE=replay  a user's recording (`obsctl gpu record`): every field and label it has
import { readFileSync } from 'node:fs';
import http from 'node:http';

const profile = ['gb10', 'replay'].includes(process.env.SIM_PROFILE) ? process.env.SIM_PROFILE : 'nvidia';
const port = Number(process.env.SIM_PORT ?? 9400);
const recorded = readFileSync(process.env.SIM_RECORDED ?? new URL('./recorded.prom', import.meta.url), 'utf8');
// Fields a DGX Spark never emits, or emits without meaning (docs: GB10 facts).
const gb10Drop = /^DCGM_FI_(DEV_FB_|DEV_MEM_CLOCK|PROF_|DEV_MEMORY_TEMP|DEV_MEM_COPY_UTIL|DEV_ENC_UTIL|DEV_DEC_UTIL|DEV_NVLINK|DEV_VGPU)/;
const started = Date.now();

const SAMPLE = /^([^{ ]+)(\{.*\})?\s+(\S+)(?:\s+\S+)?$/;
const types = new Map();
for (const line of recorded.split('\n')) {
  const m = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
  if (m) types.set(m[1], m[2]);
}
// Framebuffer size per GPU (or MIG instance), from the recording: FB_USED + FB_FREE (+ RESERVED).
const instanceKey = (labels) => `${/gpu="([^"]*)"/.exec(labels)?.[1] ?? ''}/${/GPU_I_ID="([^"]*)"/.exec(labels)?.[1] ?? ''}`;
const fbTotal = new Map();
for (const line of recorded.split('\n')) {
  const m = SAMPLE.exec(line);
  if (!m || line.startsWith('#') || !/^DCGM_FI_DEV_FB_(USED|FREE)$/.test(m[1])) continue;
  const key = instanceKey(m[2] ?? '');
  fbTotal.set(key, (fbTotal.get(key) ?? 0) + Number(m[3]));
}

/** Utilisation of GPU `gpu` at time t: a slow wave with a little noise, 5..95 %. */
function util(gpu, t) {
  const wave = 50 + 40 * Math.sin((2 * Math.PI * t) / 300 + gpu);
  return Math.max(0, Math.min(100, wave + 5 * Math.sin(t / 7)));
}

const keepShape = (recordedValue, v) => (Number.isInteger(recordedValue) ? Math.round(v) : +v.toFixed(3));

function value(name, labels, gpu, recordedValue, t) {
  const u = util(gpu, t);
  const replay = profile === 'replay';
  switch (name) {
    case 'DCGM_FI_DEV_GPU_UTIL':
      return Math.round(u);
    case 'DCGM_FI_DEV_GPU_TEMP':
      return Math.round((replay ? Math.max(30, recordedValue) : 38) + 0.35 * u);
    case 'DCGM_FI_DEV_POWER_USAGE':
      if (replay) return +(Math.max(10, recordedValue) * (0.7 + 0.006 * u)).toFixed(3);
      return +(profile === 'gb10' ? 12 + 0.8 * u : 20 + 0.5 * u).toFixed(3);
    case 'DCGM_FI_DEV_SM_CLOCK':
      return Math.round(300 + 12 * u);
    case 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION': {
      // mJ, only ever increasing: the average power so far times the time elapsed.
      const avgWatts = profile === 'gb10' ? 12 + 0.8 * 50 : 20 + 0.5 * 50;
      return Math.round(recordedValue + avgWatts * t * 1000);
    }
    case 'DCGM_FI_DEV_FB_USED':
    case 'DCGM_FI_DEV_FB_FREE': {
      const total = fbTotal.get(instanceKey(labels)) ?? recordedValue;
      const used = Math.round(total * (0.2 + 0.006 * u));
      return name === 'DCGM_FI_DEV_FB_USED' ? used : total - used;
    }
    default: {
      // Any other field of a replayed recording: counters keep their value (a counter that
      // moved would invent events, e.g. PCIe replays), gauges move ±5 % around theirs, ratios and
      // percentages stay in range, and a recorded 0 stays 0 (an idle engine, no XID).
      if (!replay || recordedValue === 0 || types.get(name) === 'counter' || /XID|VIOLATION|LIMIT|SLOWDOWN|SHUTDOWN|_TEMP$|LICENSE/.test(name)) return recordedValue;
      let v = recordedValue * (1 + 0.05 * Math.sin((2 * Math.PI * t) / 120 + gpu));
      if (name.startsWith('DCGM_FI_PROF_')) v = Math.min(1, v);
      if (name.endsWith('_UTIL')) v = Math.min(100, v);
      return keepShape(recordedValue, v);
    }
  }
}

function render() {
  const t = (Date.now() - started) / 1000;
  const out = [];
  for (const line of recorded.split('\n')) {
    if (!line.trim()) continue;
    if (line.startsWith('#')) {
      // HELP and TYPE lines only; a recording's own comments stay out of the scrape.
      const m = /^#\s*(HELP|TYPE)\s+(\S+)/.exec(line);
      if (m && !(profile === 'gb10' && gb10Drop.test(m[2]))) out.push(line);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) continue;
    if (profile === 'gb10' && gb10Drop.test(m[1])) continue;
    let labels = m[2] ?? '';
    const gpu = Number(/gpu="(\d+)"/.exec(labels)?.[1] ?? 0);
    if (profile === 'gb10') labels = labels.replace(/modelName="[^"]*"/, 'modelName="NVIDIA GB10"');
    out.push(`${m[1]}${labels} ${value(m[1], labels, gpu, Number(m[3]), t)}`);
  }
  return `${out.join('\n')}\n`;
}

const server = http.createServer((req, res) => {
  if (req.url === '/metrics') {
    // The classic text format's content type, which Prometheus 3 accepts without a fallback.
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(render());
  } else if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  } else {
    res.writeHead(404).end('not found');
  }
});
server.listen(port, () => console.log(`dcgm-simulator (${profile}, recorded real output, moving values) on :${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
