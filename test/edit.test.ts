// `obsctl add target` / `init --app`: edits keep the user's comments and are validated first.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addTarget, nameFromUrl } from '../src/config/edit.js';
import { parseConfigText } from '../src/config/load.js';

const template = fs.readFileSync(path.join(import.meta.dirname, '..', 'templates', 'obsctl.yaml'), 'utf8').replaceAll('{{schema}}', 's.json').replaceAll('{{name}}', 'lab').replaceAll('{{gpu}}', 'auto').replaceAll('{{detected}}', 'none');

describe('adding a target to obsctl.yaml', () => {
  it('appends to the template\'s empty list and keeps every comment', () => {
    const r = addTarget(template, { name: 'inference', url: 'localhost:8000' });
    expect(r.errors).toEqual([]);
    // Byte for byte, except the inserted lines.
    const added = r.text!.split('\n').filter((l) => !template.split('\n').includes(l));
    expect(added).toEqual(['targets:', '  - name: inference', '    urls: ["localhost:8000"]']);
    expect(r.text!.split('\n').filter((l) => !added.includes(l))).toEqual(template.split('\n').filter((l) => l !== 'targets: []'));
    expect(parseConfigText(r.text!).config?.targets).toMatchObject([{ name: 'inference', urls: ['localhost:8000'] }]);
    const second = addTarget(r.text!, { name: 'trainer', url: 'http://trainer:9000', metricsPath: '/m' });
    expect(parseConfigText(second.text!).config?.targets.map((t) => t.name)).toEqual(['inference', 'trainer']);
  });
  it('works on an empty file and refuses a duplicate or invalid name', () => {
    expect(parseConfigText(addTarget('', { name: 'a', url: 'a:1' }).text!).config?.targets).toHaveLength(1);
    const dup = addTarget(addTarget('', { name: 'a', url: 'a:1' }).text!, { name: 'a', url: 'b:1' });
    expect(dup.text).toBeUndefined();
    expect(dup.errors[0]?.code).toBe('duplicate_job_name');
    expect(addTarget('', { name: 'Bad_Name', url: 'a:1' }).text).toBeUndefined();
  });
  it('derives a job name from a URL', () => {
    expect(nameFromUrl('http://inference.lan:8000/metrics')).toBe('inference-lan');
    expect(nameFromUrl('localhost:8000')).toBe('app');
  });
});
