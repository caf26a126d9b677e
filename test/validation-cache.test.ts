// The validation cache (src/app/validation-cache.ts) on a real temporary state directory: the same
// files checked by the same tools are not validated again; anything else is; failures never stick.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCached } from '../src/app/validation-cache.js';
import { readTextFile, writeTextFile } from '../src/runtime/text-files.js';
import { toolsFingerprint } from '../src/runtime/tool-fingerprint.js';
import type { ValidationReport } from '../src/validate/types.js';

const pass: ValidationReport = { ok: true, checks: [{ name: 'promtool check config', status: 'pass', detail: 'ok' }], tools: [], warnings: [] };
const fail: ValidationReport = { ok: false, checks: [{ name: 'promtool check config', status: 'fail', detail: 'bad' }], tools: [], warnings: [] };

function setup(reports: ValidationReport[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-vcache-'));
  let tools = 'promtool:/usr/bin/promtool:1:1';
  const ports = { readText: readTextFile, writeText: writeTextFile, toolsFingerprint: () => tools };
  let runs = 0;
  const run = async () => reports[Math.min(runs++, reports.length - 1)]!;
  const check = (files: { path: string; content: string }[], strict = false) => validateCached(ports, dir, files, strict, run);
  return { check, runs: () => runs, setTools: (t: string) => (tools = t) };
}

const files = [
  { path: 'prometheus/prometheus.yml', content: 'global: {}\n' },
  { path: 'compose.yaml', content: 'services: {}\n' },
];

describe('validation cache', () => {
  it('a passing stack is not validated again: same files (any order), same tools, same strictness', async () => {
    const v = setup([pass]);
    expect((await v.check(files)).cached).toBeUndefined();
    const again = await v.check([...files].reverse());
    expect(again.cached).toBe(true);
    expect(again.checks).toEqual(pass.checks);
    expect(v.runs()).toBe(1);
  });

  it('another file content, another tool, or strict: validated again', async () => {
    const v = setup([pass]);
    await v.check(files);
    await v.check([{ ...files[0]!, content: 'global: {scrape_interval: 5s}\n' }, files[1]!]);
    expect(v.runs()).toBe(2);
    await v.check(files, true);
    expect(v.runs()).toBe(3);
    v.setTools('promtool:/usr/bin/promtool:2:2');
    await v.check(files);
    expect(v.runs()).toBe(4);
  });

  it('a failing report is never kept: the next run checks again and shows the failure', async () => {
    const v = setup([fail, fail]);
    expect((await v.check(files)).ok).toBe(false);
    const again = await v.check(files);
    expect(again.ok).toBe(false);
    expect(again.cached).toBeUndefined();
    expect(v.runs()).toBe(2);
  });

  it("the tools' fingerprint changes when a tool on PATH changes", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-tools-'));
    fs.writeFileSync(path.join(bin, 'promtool'), '#!/bin/sh\n', { mode: 0o755 });
    const before = toolsFingerprint({ PATH: bin });
    expect(before).toContain(path.join(bin, 'promtool'));
    fs.writeFileSync(path.join(bin, 'promtool'), '#!/bin/sh\necho upgraded\n', { mode: 0o755 });
    expect(toolsFingerprint({ PATH: bin })).not.toBe(before);
  });
});
