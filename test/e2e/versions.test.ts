// Issue 12 end to end, on one stack: the real Prometheus 3.5 and Alertmanager 0.28 images are pushed
// to a real local registry (Debian's docker-registry on 127.0.0.1, so they get registry digests),
// `obsctl images lock` pulls them and records the digests in obsctl.lock, the registry is stopped,
// render writes image@digest and `up --pull never` runs exactly those, with native histograms on,
// and the OTLP receiver on: the real OpenTelemetry JS SDK (npm) pushes a counter, a classic and an
// exponential (native) histogram, they are queried back, and `verify` checks the receiver.
// Debian's Prometheus 3.5.3 binary (obsctl-test/prometheus:3.5) has the OTLP endpoint compiled out
// (Debian #1080354), so this file runs obsctl-test/prometheus:3.5-otlp instead: the same 3.5.3
// source compiled with the receiver by docker/build-prometheus-otlp.sh. Without that image the
// OTLP tests print SKIPPED (not a pass); with OBSCTL_OTLP_REQUIRED=1 (.ci/run, after building it)
// a missing image is a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { metrics as otelMetrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildOnce, dockerUnavailable, editConfig, freePort, obsctl, promQuery, skipOrFail, stackPorts, tempProject, testImages, useTestStack, waitFor } from './harness.js';

const registryBin = (await execa('sh', ['-c', 'command -v docker-registry'], { reject: false })).stdout.trim();
const reason = (await dockerUnavailable()) ?? (registryBin ? undefined : 'docker-registry not on PATH (bash .ci/install-tools.sh installs it)');
if (reason) skipOrFail(reason);
// The Prometheus with the OTLP receiver (built from Debian's 3.5.3 source), when it is there.
const otlpImage = 'obsctl-test/prometheus:3.5-otlp';
const haveOtlpImage = !reason && (await execa('docker', ['image', 'inspect', otlpImage], { reject: false })).exitCode === 0;
if (!reason && !haveOtlpImage && process.env.OBSCTL_OTLP_REQUIRED === '1') throw new Error(`OTLP e2e required but ${otlpImage} is missing (bash docker/build-prometheus-otlp.sh builds it)`);
const images = { ...testImages, prometheus: haveOtlpImage ? otlpImage : testImages.prometheus };
// Does the Prometheus of the image have the OTLP receiver at all?
const helpRun = reason ? undefined : await execa('docker', ['run', '--rm', '--network', 'none', '--entrypoint', '/bin/prometheus', images.prometheus, '--help'], { reject: false });
const help = `${helpRun?.stdout ?? ''}\n${helpRun?.stderr ?? ''}`; // Debian's build prints help on stderr, upstream's kingpin on stdout
const noOtlp = help.includes('web.enable-otlp-receiver') // kingpin prints it as --[no-]web.enable-otlp-receiver
  ? undefined
  : `${images.prometheus} has no --web.enable-otlp-receiver (Debian's Prometheus build disables the OTLP endpoint, Debian #1080354; bash docker/build-prometheus-otlp.sh builds ${otlpImage} with it): the OTLP ingest tests did not run; this is not a pass`;
if (!reason && noOtlp && process.env.OBSCTL_OTLP_REQUIRED === '1') throw new Error(`OTLP e2e required but ${noOtlp}`);
if (!reason && noOtlp) console.warn(`\nSKIPPED: ${noOtlp}\n`);
if (!reason && !noOtlp) console.log(`e2e versions: Prometheus image ${images.prometheus} (OTLP receiver built in)`);

describe.skipIf(Boolean(reason))('Prometheus 3.5 stack from an image lock, with OTLP ingest', () => {
  const dir = tempProject('e2e-versions');
  const project = `e2e-versions-${process.pid}`;
  const subnetByte = 200 + (process.pid % 40);
  let registry: ChildProcess | undefined;
  let registryAddr = '';
  let prom = '';
  let am = '';
  const pushed: string[] = [];
  const locked = ['prometheus', 'alertmanager', 'node-exporter'] as const;
  const lockRun: { code: number; out: string } = { code: -1, out: '' };

  beforeAll(async () => {
    await buildOnce();
    const port = await freePort();
    registryAddr = `127.0.0.1:${port}`;
    fs.writeFileSync(path.join(dir, 'registry.yml'), `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${path.join(dir, 'registry')} } }\nhttp: { addr: ${registryAddr} }\n`);
    registry = spawn(registryBin, ['serve', path.join(dir, 'registry.yml')], { stdio: 'ignore' });
    await waitFor('the local registry', async () => (await fetch(`http://${registryAddr}/v2/`)).ok, 60_000, 200);
    // Push the test images (a push gives them a registry digest), then drop those tags so that
    // `images lock` has to pull them back like a user's host would.
    for (const service of locked) {
      const ref = `${registryAddr}/${images[service]}`;
      await execa('docker', ['tag', images[service], ref]);
      await execa('docker', ['push', ref]);
      await execa('docker', ['rmi', ref]);
      pushed.push(ref);
    }
    const ports = await stackPorts();
    prom = `http://127.0.0.1:${ports.prometheus}`;
    am = `http://127.0.0.1:${ports.alertmanager}`;
    expect((await obsctl(dir, ['init', '--name', project, '--gpu', 'none'])).code).toBe(0);
    editConfig(dir, (set) => {
      useTestStack(set, subnetByte, ports);
      set(['images'], { ...Object.fromEntries(locked.map((s) => [s, `${registryAddr}/${images[s]}`])), pull_policy: 'missing' });
      set(['prometheus', 'otlp'], { enabled: !noOtlp });
      set(['prometheus', 'native_histograms'], true);
    });
    const lock = await obsctl(dir, ['images', 'lock']);
    Object.assign(lockRun, { code: lock.code, out: `${lock.stdout}\n${lock.stderr}` });
    // Nothing can be pulled any more: the stack must come from the lock and the local engine.
    registry.kill('SIGTERM');
    const up = await obsctl(dir, ['up', '--pull', 'never']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  }, 600_000); // three pushes, the lock's three pulls and up, on a loaded machine

  afterAll(async () => {
    await obsctl(dir, ['down', '--volumes', '--yes']);
    registry?.kill('SIGKILL');
    for (const ref of pushed) await execa('docker', ['rmi', ref], { reject: false });
  });

  it('images lock records a digest per image; render writes image@digest; up --pull never ran exactly those', async () => {
    expect(lockRun.code, lockRun.out).toBe(0);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'obsctl.lock'), 'utf8')) as { images: Record<string, { digest: string; id: string }> };
    for (const s of locked) expect(lock.images[`${registryAddr}/${images[s]}`]?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const compose = parse(fs.readFileSync(path.join(dir, '.obsctl', 'stack', 'compose.yaml'), 'utf8')) as { services: Record<string, { image: string }> };
    for (const s of locked) {
      const ref = `${registryAddr}/${images[s]}`;
      expect(compose.services[s]!.image).toBe(`${ref}@${lock.images[ref]!.digest}`);
      const id = (await execa('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${s}`])).stdout.trim();
      const [image, imageId] = (await execa('docker', ['inspect', '--format', '{{.Config.Image}} {{.Image}}', id])).stdout.trim().split(' ');
      expect(image).toBe(compose.services[s]!.image);
      expect(imageId).toBe(lock.images[ref]!.id);
    }
  });

  it('images save/load keep working with a lock: the archive holds the tags, load checks the locked ids', async () => {
    const tar = path.join(dir, 'images.tar');
    const save = await obsctl(dir, ['images', 'save', tar]);
    expect(save.code, save.stderr).toBe(0);
    const manifest = JSON.parse((await execa('tar', ['-xOf', tar, 'manifest.json'])).stdout) as { RepoTags: string[] | null }[];
    const tags = manifest.flatMap((m) => m.RepoTags ?? []);
    for (const s of locked) expect(tags).toContain(`${registryAddr}/${images[s]}`);
    const load = await obsctl(dir, ['images', 'load', tar, '--json']);
    expect(load.code, load.stdout).toBe(0);
    expect((load.json() as { lock: { ok: string[] } }).lock.ok.sort()).toEqual(locked.map((s) => `${registryAddr}/${images[s]}`).sort());
  });

  it('runs Prometheus 3.5 and Alertmanager 0.28, and says so', async () => {
    const build = (await (await fetch(`${prom}/api/v1/status/buildinfo`)).json()) as { data: { version: string } };
    const status = (await (await fetch(`${am}/api/v2/status`)).json()) as { versionInfo: { version: string } };
    console.log(`e2e versions stack: Prometheus ${build.data.version}, Alertmanager ${status.versionInfo.version}`);
    expect(build.data.version).toMatch(/^3\.5\./);
    expect(status.versionInfo.version).toMatch(/^0\.28\./);
    const flags = (await (await fetch(`${prom}/api/v1/status/flags`)).json()) as { data: Record<string, string> };
    expect(flags.data['enable-feature']).toContain('native-histograms');
    if (!noOtlp) expect(flags.data['web.enable-otlp-receiver']).toBe('true');
  });

  it('an OpenTelemetry SDK client pushes a counter and histograms over OTLP; they are queryable with promoted resource attributes', async (ctx) => {
    if (noOtlp) return ctx.skip(noOtlp);
    const exporter = new OTLPMetricExporter({ url: `${prom}/api/v1/otlp/v1/metrics` });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 1000 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'otlp-e2e', 'service.instance.id': 'worker-1', 'service.version': '1.2.3' }),
      readers: [reader],
      views: [{ instrumentName: 'otlp_e2e.native_latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    });
    otelMetrics.setGlobalMeterProvider(provider);
    const meter = provider.getMeter('obsctl-e2e');
    const jobs = meter.createCounter('otlp_e2e.jobs');
    const latency = meter.createHistogram('otlp_e2e.latency', { unit: 's' });
    const native = meter.createHistogram('otlp_e2e.native_latency', { unit: 's' });
    try {
      jobs.add(5, { queue: 'gpu' });
      for (const v of [0.1, 0.2, 0.3, 0.4, 2]) {
        latency.record(v, { route: '/v1/generate' });
        native.record(v, { route: '/v1/generate' });
      }
      await provider.forceFlush();
      // UTF-8 names (translation_strategy NoUTF8EscapingWithSuffixes): dots stay, suffixes are added.
      const counter = await waitFor('the OTLP counter', async () => (await promQuery(prom, '{"otlp_e2e.jobs_total", queue="gpu"}'))[0], 30_000);
      expect(counter.value[1]).toBe('5');
      expect(counter.metric).toMatchObject({ job: 'otlp-e2e', instance: 'worker-1', 'service.version': '1.2.3' });
      const count = await waitFor('the OTLP histogram', async () => (await promQuery(prom, 'sum({"otlp_e2e.latency_seconds_count"})'))[0], 30_000);
      expect(count.value[1]).toBe('5');
      const p50 = (await promQuery(prom, 'histogram_quantile(0.5, sum by (le) ({"otlp_e2e.latency_seconds_bucket"}))'))[0];
      expect(Number(p50?.value[1])).toBeGreaterThan(0);
      const nativeCount = await waitFor('the native histogram', async () => (await promQuery(prom, 'histogram_count({"otlp_e2e.native_latency_seconds"})'))[0], 30_000);
      expect(nativeCount.value[1]).toBe('5');
    } finally {
      await provider.shutdown();
    }
  });

  it('verify checks that the OTLP receiver answers', async (ctx) => {
    if (noOtlp) return ctx.skip(noOtlp);
    const r = await obsctl(dir, ['verify', '--json']);
    const checks = (r.json() as { checks: { name: string; status: string; reason: string }[] }).checks;
    const otlp = checks.find((c) => c.name === 'prometheus OTLP receiver');
    expect(otlp, r.stdout).toMatchObject({ status: 'pass' });
  });
});
