// What obsctl/metrics costs a service, next to a bare prom-client Histogram.observe measured in the
// same run (the ratio is what carries over between machines, not the nanoseconds).
// A benchmark, not a test:  npx tsx bench/metrics-overhead.ts   (BENCH_QUICK=1: shorter rounds)
//
// Label sets are realistic for one service: 20 route templates x 5 methods x 6 statuses = 600
// series per request metric, requests drawn at random from them.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Histogram, Registry } from 'prom-client';
import { appMetrics, createMetrics, durationBuckets, type RequestHandler } from '../src/metrics/index.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 5 : 15;
const OPS = QUICK ? 50_000 : 200_000;

const ROUTES = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? `/v1/resource${i}/:id` : `/v1/resource${i}`));
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const STATUSES = [200, 201, 400, 404, 500, 503];

// A fixed pseudo-random sequence of (route, method, status, seconds), same for every contender.
const N = 1 << 16;
let seed = 0x2545f491;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const reqRoute: string[] = [];
const reqMethod: string[] = [];
const reqStatus: number[] = [];
const reqStatusStr: string[] = [];
const reqSeconds: number[] = [];
for (let i = 0; i < N; i++) {
  reqRoute.push(pick(ROUTES));
  reqMethod.push(pick(METHODS));
  const s = pick(STATUSES);
  reqStatus.push(s);
  reqStatusStr.push(String(s));
  reqSeconds.push(Math.exp(-4 + rand() * 6)); // 18 ms .. 7 s
}

interface Contender {
  name: string;
  /** One timed run of `ops` operations; returns ns per op. */
  run: (ops: number) => Promise<number> | number;
  ops: number;
  /** Subtract this contender's time of the same round (the cost of a harness, not of the helper). */
  minus?: string;
}

function syncRun(body: (i: number) => void): (ops: number) => number {
  return (ops) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) body(i & (N - 1));
    return Number(process.hrtime.bigint() - t0) / ops;
  };
}
function asyncRun(body: () => Promise<unknown>): (ops: number) => Promise<number> {
  return async (ops) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) await body();
    return Number(process.hrtime.bigint() - t0) / ops;
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Runs the contenders in turn, ROUNDS times (interleaved, so that a busy machine slows all of them
 * alike), and returns each one's median ns per op and the median of its per-round ratio to the
 * first contender (the reference).
 */
async function compare(contenders: Contender[]): Promise<Array<{ name: string; ns: number; ratio: number }>> {
  for (const c of contenders) await c.run(Math.max(1, Math.floor(c.ops / 10))); // warm up
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) for (const c of contenders) times.get(c.name)!.push(await c.run(c.ops));
  const net = (c: Contender): number[] =>
    c.minus === undefined ? times.get(c.name)! : times.get(c.name)!.map((t, r) => t - times.get(c.minus!)![r]!);
  const ref = net(contenders[0]!);
  return contenders
    .filter((c) => !c.name.startsWith('('))
    .map((c) => ({ name: c.name, ns: median(net(c)), ratio: median(net(c).map((t, r) => t / ref[r]!)) }));
}

function seriesCount(text: string, name: string): number {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).length;
}

async function main(): Promise<void> {
  // Reference: the cheapest thing a service could do per request, one histogram observation.
  const refRegistry = new Registry();
  const ref = new Histogram({
    name: 'ref_request_duration_seconds',
    help: 'reference',
    labelNames: appMetrics.requestDuration.labels,
    buckets: [...durationBuckets],
    registers: [refRegistry],
  });
  const m = createMetrics({ serviceVersion: '1.0.0', commit: 'bench', onWarning: () => {} });

  // The node:http wrapper runs on socket-less req/res objects; the same handler unwrapped on the
  // same objects is subtracted, so building them is not counted.
  const socket = new Socket();
  const handler: RequestHandler = (_req, res) => {
    res.statusCode = 200;
  };
  const wrapped = m.instrument(handler, { routes: ROUTES });
  const mk = (i: number): [IncomingMessage, ServerResponse] => {
    const req = new IncomingMessage(socket);
    req.method = reqMethod[i]!;
    const k = i % ROUTES.length;
    req.url = `/v1/resource${k}${k % 3 === 0 ? `/${i}` : ''}?q=${i}`;
    return [req, new ServerResponse(req)];
  };
  /** What node:http does when a response has been sent (writableFinished is true without a socket). */
  const done = (res: ServerResponse): void => {
    res.finished = true;
    res.emit('finish');
    res.emit('close');
  };
  const kinds = ['generate', 'embed', 'classify'];
  const jobOps = Math.floor(OPS / 10);

  const perRequest = await compare([
    {
      name: 'bare prom-client Histogram.observe (reference)',
      ops: OPS,
      run: syncRun((i) => ref.observe({ method: reqMethod[i]!, route: reqRoute[i]!, status: reqStatusStr[i]! }, reqSeconds[i]!)),
    },
    {
      name: 'observeRequest (counter + histogram, bounded labels)',
      ops: OPS,
      run: syncRun((i) => m.observeRequest(reqMethod[i], reqRoute[i], reqStatus[i]!, reqSeconds[i]!)),
    },
    {
      name: 'startRequest + end (+ in-flight, timing)',
      ops: OPS,
      run: syncRun((i) => m.startRequest(reqMethod[i], reqRoute[i])(reqStatus[i]!)),
    },
    {
      name: '(bare handler on mock req/res)',
      ops: OPS / 4,
      run: syncRun((i) => {
        const [req, res] = mk(i);
        handler(req, res);
        done(res);
      }),
    },
    {
      name: 'instrument() wrapper (URL -> route template + all of the above)',
      ops: OPS / 4,
      minus: '(bare handler on mock req/res)',
      run: syncRun((i) => {
        const [req, res] = mk(i);
        wrapped(req, res);
        done(res);
      }),
    },
    { name: '(bare await)', ops: jobOps, run: asyncRun(async () => (() => 1)()) },
    {
      name: 'trackJob (minus a bare await)',
      ops: jobOps,
      minus: '(bare await)',
      run: asyncRun(() => m.trackJob(kinds[Math.floor(Math.random() * 3)]!, () => 1)),
    },
  ]);

  // Scrapes, with every one of the 600 request label sets present in both registries.
  for (const r of ROUTES) for (const meth of METHODS) for (const s of STATUSES) {
    m.observeRequest(meth, r, s, 0.1);
    ref.observe({ method: meth, route: r, status: String(s) }, 0.1);
  }
  const text = await m.registry.metrics();
  const refText = await refRegistry.metrics();
  const scrapeOps = QUICK ? 5 : 10;
  const perScrape = await compare([
    { name: 'ref', ops: scrapeOps, run: asyncRun(() => refRegistry.metrics()) },
    { name: 'helper', ops: scrapeOps, run: asyncRun(() => m.registry.metrics()) },
  ]);

  const fmt = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${ns.toFixed(0)} ns`);
  const line = (name: string, ns: number, ratio: number): void =>
    console.log(`${name.padEnd(72)} ${fmt(ns).padStart(10)}  ${ratio.toFixed(2).padStart(6)}`);
  console.log(`obsctl/metrics overhead: node ${process.version}, ${process.arch}; median of ${ROUNDS} interleaved rounds`);
  console.log(`label sets: ${ROUTES.length} routes x ${METHODS.length} methods x ${STATUSES.length} statuses = ${ROUTES.length * METHODS.length * STATUSES.length}\n`);
  console.log(`${`per request (${OPS} ops a round)`.padEnd(72)} ${'time'.padStart(10)}  x reference`);
  for (const r of perRequest) line(r.name, r.ns, r.ratio);
  console.log();
  console.log(`${`per /metrics scrape (${scrapeOps} a round)`.padEnd(72)} ${'time'.padStart(10)}  x reference`);
  const hist = appMetrics.requestDuration.name;
  line(`reference: 1 histogram, ${seriesCount(refText, 'ref_request_duration_seconds_count')} series, ${(refText.length / 1024).toFixed(0)} KiB`, perScrape[0]!.ns, 1);
  line(
    `helper: app + default metrics, ${seriesCount(text, `${hist}_count`)} request series, ${(text.length / 1024).toFixed(0)} KiB`,
    perScrape[1]!.ns,
    perScrape[1]!.ratio,
  );
  socket.destroy();
}

await main();
