// A stand-in for NVIDIA dcgm-exporter when there is no GPU (CI, laptops): replays recorded real
// exporter output with values that move over time. Rendered into the stack by
// `obsctl up --simulate-gpu`; see README.md beside it. No dependencies: any Node >= 18.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const profile = process.env.SIM_PROFILE === 'gb10' ? 'gb10' : 'nvidia';
const port = Number(process.env.SIM_PORT ?? 9400);
const recorded = readFileSync(process.env.SIM_RECORDED ?? new URL('./recorded.prom', import.meta.url), 'utf8');
// Fields a DGX Spark never emits, or emits without meaning (docs: GB10 facts).
const gb10Drop = /^DCGM_FI_(DEV_FB_|DEV_MEM_CLOCK|PROF_|DEV_MEMORY_TEMP|DEV_MEM_COPY_UTIL|DEV_ENC_UTIL|DEV_DEC_UTIL|DEV_NVLINK|DEV_VGPU)/;
const started = Date.now();
const fbTotal = 15109; // MiB, from the recording (FB_FREE + FB_USED)

/** Utilisation of GPU `gpu` at time t: a slow wave with a little noise, 5..95 %. */
function util(gpu, t) {
  const wave = 50 + 40 * Math.sin((2 * Math.PI * t) / 300 + gpu);
  return Math.max(0, Math.min(100, wave + 5 * Math.sin(t / 7)));
}

function value(name, gpu, recordedValue, t) {
  const u = util(gpu, t);
  switch (name) {
    case 'DCGM_FI_DEV_GPU_UTIL':
      return Math.round(u);
    case 'DCGM_FI_DEV_GPU_TEMP':
      return Math.round(38 + 0.35 * u);
    case 'DCGM_FI_DEV_POWER_USAGE':
      return +(profile === 'gb10' ? 12 + 0.8 * u : 20 + 0.5 * u).toFixed(3);
    case 'DCGM_FI_DEV_SM_CLOCK':
      return Math.round(300 + 12 * u);
    case 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION': {
      // mJ, only ever increasing: the average power so far times the time elapsed.
      const avgWatts = profile === 'gb10' ? 12 + 0.8 * 50 : 20 + 0.5 * 50;
      return Math.round(recordedValue + avgWatts * t * 1000);
    }
    case 'DCGM_FI_DEV_FB_USED':
      return Math.round(fbTotal * (0.2 + 0.006 * u));
    case 'DCGM_FI_DEV_FB_FREE':
      return fbTotal - Math.round(fbTotal * (0.2 + 0.006 * u));
    default:
      return recordedValue;
  }
}

function render() {
  const t = (Date.now() - started) / 1000;
  const out = [];
  for (const line of recorded.split('\n')) {
    if (!line) continue;
    const name = line.startsWith('#') ? line.split(' ')[2] : line.slice(0, line.search(/[{ ]/));
    if (profile === 'gb10' && gb10Drop.test(name)) {
      continue;
    }
    if (line.startsWith('#')) {
      out.push(line);
      continue;
    }
    const m = /^([^{ ]+)(\{.*\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    let labels = m[2] ?? '';
    const gpu = Number(/gpu="(\d+)"/.exec(labels)?.[1] ?? 0);
    if (profile === 'gb10') labels = labels.replace(/modelName="[^"]*"/, 'modelName="NVIDIA GB10"');
    out.push(`${m[1]}${labels} ${value(m[1], gpu, Number(m[3]), t)}`);
  }
  return `${out.join('\n')}\n`;
}

const server = http.createServer((req, res) => {
  if (req.url === '/metrics') {
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
