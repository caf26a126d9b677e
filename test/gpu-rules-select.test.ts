// rulesForCapabilities parses only the files that can change (issue 15: it was most of a
// `render --simulate-gpu`). The case a text pre-selection could miss: a file that names no absent
// field but reads a record that another file drops, and a test of an alert in it.
import { describe, expect, it } from 'vitest';
import { rulesForCapabilities } from '../src/render/gpu-rules.js';

const files = new Map([
  ['prometheus/rules/gpu-a.rules.yml', 'groups:\n  - name: a\n    rules:\n      - record: gpu:x:avg\n        expr: avg(DCGM_FI_DEV_X)\n      - record: gpu:y:avg\n        expr: avg(DCGM_FI_DEV_Y)\n'],
  ['prometheus/rules/gpu-b.rules.yml', 'groups:\n  - name: b\n    rules:\n      - alert: XHigh\n        expr: gpu:x:avg > 1\n      - alert: YHigh\n        expr: gpu:y:avg > 1\n'],
  ['prometheus/rules/host.rules.yml', 'groups:\n  - name: h\n    rules:\n      - alert: HostDown\n        expr: up == 0\n'],
  ['prometheus/tests/gpu-b.test.yml', 'rule_files: [../rules/gpu-b.rules.yml]\ntests:\n  - input_series: []\n    alert_rule_test:\n      - {eval_time: 1m, alertname: XHigh}\n      - {eval_time: 1m, alertname: YHigh}\n'],
  ['prometheus/tests/host.test.yml', '# untouched, comment kept\nrule_files: [../rules/host.rules.yml]\ntests: [{input_series: [], alert_rule_test: [{eval_time: 1m, alertname: HostDown}]}]\n'],
]);

describe('rulesForCapabilities on a record chain across files', () => {
  const { files: out, droppedAlerts } = rulesForCapabilities(files, ['DCGM_FI_DEV_Y']);

  it('drops the alert that reads a dropped record from another file, and its test case', () => {
    expect(droppedAlerts).toEqual(['XHigh']);
    expect(out.get('prometheus/rules/gpu-a.rules.yml')).not.toContain('gpu:x:avg');
    expect(out.get('prometheus/rules/gpu-b.rules.yml')).not.toContain('XHigh');
    expect(out.get('prometheus/rules/gpu-b.rules.yml')).toContain('YHigh');
    expect(out.get('prometheus/tests/gpu-b.test.yml')).not.toContain('XHigh');
    expect(out.get('prometheus/tests/gpu-b.test.yml')).toContain('YHigh');
  });

  it('leaves files that cannot change byte for byte', () => {
    expect(out.get('prometheus/rules/host.rules.yml')).toBe(files.get('prometheus/rules/host.rules.yml'));
    expect(out.get('prometheus/tests/host.test.yml')).toBe(files.get('prometheus/tests/host.test.yml'));
  });

  it('with every field reported, changes nothing', () => {
    expect(rulesForCapabilities(files, ['DCGM_FI_DEV_X', 'DCGM_FI_DEV_Y']).files).toEqual(files);
  });
});
