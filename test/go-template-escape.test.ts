// Issue 13, user text in files another program runs as a Go template: Alertmanager's slack channel
// and email to/from, Prometheus alert annotations (an SLO's custom selectors and runbook_url). `{{`
// typed there must arrive as typed, checked with the real amtool and promtool.
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import { goTemplateLiteral } from '../src/render/escape.js';
import { renderSloFiles } from '../src/slo/render.js';
import { runCli } from './helpers/cli.js';
import { missingTools, requireToolsInCi } from './helpers/tools.js';

const missing = await missingTools(['promtool', 'amtool']);
if (missing.length) {
  requireToolsInCi(missing);
  console.warn(`SKIPPED (Go template escaping, real tools): ${missing.join(', ')} missing`);
}

const hostile = ['#gpu-{{ .CommonLabels.x }}', 'a}}b', 'ends with {', '{{ "q" }} "and" \\ back', 'ünï {{🚀}}'];

/** What Go's text/template prints for a template, by the real amtool (Alertmanager's own engine). */
async function amtoolRender(template: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-tmpl-'));
  fs.writeFileSync(path.join(dir, 'none.tmpl'), '{{ define "none" }}{{ end }}');
  const r = await execa('amtool', ['template', 'render', `--template.glob=${path.join(dir, 'none.tmpl')}`, `--template.text=${template}`], { reject: false });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return String(r.stdout);
}

describe('goTemplateLiteral', () => {
  it('leaves text without braces alone (rendered files stay as they were)', () => {
    for (const t of ['#gpu-alerts', 'ops@example.com', 'a{b}c', '$HOME']) expect(goTemplateLiteral(t)).toBe(t);
  });
});

describe.skipIf(missing.length > 0)('Go template fields, real amtool and promtool', () => {
  it('slack channel and email to/from reach Alertmanager exactly as typed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-tmpl-'));
    const receivers = hostile
      .map((t, i) => `    - {name: s${i}, type: slack, api_url: {env: S}, channel: ${JSON.stringify(t)}}\n    - {name: m${i}, type: email, to: ${JSON.stringify(`${t}@x`)}, from: ${JSON.stringify(`f${t}`)}, smarthost: 'smtp.lan:25'}\n`)
      .join('');
    fs.writeFileSync(path.join(dir, 'obsctl.yaml'), `name: lab\ngpu: none\nalertmanager:\n  receivers:\n${receivers}`);
    const r = await runCli(['render', '-c', path.join(dir, 'obsctl.yaml'), '-o', path.join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    const am = parse(fs.readFileSync(path.join(dir, 'out/alertmanager/alertmanager.yml'), 'utf8')) as { receivers: Record<string, [Record<string, string>]>[] };
    const byName = new Map(am.receivers.map((x) => [x.name as unknown as string, x]));
    for (const [i, t] of hostile.entries()) {
      const channel = byName.get(`s${i}`)!.slack_configs![0].channel!;
      expect(channel).not.toBe(t); // escaped
      expect(await amtoolRender(channel)).toBe(t);
      const mail = byName.get(`m${i}`)!.email_configs![0];
      expect(await amtoolRender(mail.to!)).toBe(`${t}@x`);
      expect(await amtoolRender(mail.from!)).toBe(`f${t}`);
    }
    // And Alertmanager accepts the file.
    const check = await execa('amtool', ['check-config', path.join(dir, 'out/alertmanager/alertmanager.yml')], { reject: false });
    expect(check.exitCode, String(check.stdout) + String(check.stderr)).toBe(0);
  }, 120_000);

  it('an SLO selector and runbook_url holding {{ }} reach the alert annotations as typed (promtool test rules)', async () => {
    const text = `name: slo-tmpl\ngpu: none\ntargets:\n  - name: api\n    urls: [localhost:8000]\nslos:\n  - name: api-custom\n    target: api\n    objective: 99\n    runbook_url: 'https://wiki.lan/{{.Runbook}}'\n    sli: {errors: 'http_requests_total{job="api",path="/{{x}}"}', total: 'http_requests_total{job="api"}'}\n`;
    const r = parseConfigText(text);
    expect(r.errors).toEqual([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-tmpl-slo-'));
    for (const [p, body] of renderSloFiles(r.config!)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), body);
    }
    const rules = fs.readFileSync(path.join(dir, 'prometheus/rules/slo-api-custom.rules.yml'), 'utf8');
    expect(rules).toContain(`runbook_url: '{{ "https://wiki.lan/{{.Runbook}}" }}'`);
    // The generated tests expect the annotations as typed; the real promtool expands the rules'
    // templates and compares.
    const test = fs.readFileSync(path.join(dir, 'prometheus/tests/slo-api-custom.test.yml'), 'utf8');
    expect(test).toContain('runbook_url: https://wiki.lan/{{.Runbook}}');
    const run = await execa('promtool', ['test', 'rules', 'tests/slo-api-custom.test.yml'], { cwd: path.join(dir, 'prometheus'), reject: false });
    expect(run.exitCode, String(run.stdout) + String(run.stderr)).toBe(0);
  }, 180_000);
});
