// `up` loads obsctl.yaml, then checks its secret references (issue 15): obsctl.yaml is parsed once
// (YAML, schema, cross-field rules), and the secret check asks the config already parsed. Only a
// missing secret parses the text again, to report it located like every other config error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkSecrets, loadConfig } from '../src/app/config.js';
import { UserError } from '../src/errors.js';

const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/config/load.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/config/load.js')>();
  return { ...real, parseConfigText: (...args: Parameters<typeof real.parseConfigText>) => (parses.count++, real.parseConfigText(...args)) };
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-secrets-once-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'obsctl.yaml');
const yaml = `name: once
grafana: { enabled: false }
alertmanager:
  receivers:
    - name: ops
      type: webhook
      url: {env: OBSCTL_TEST_HOOK}
    - name: pager
      type: webhook
      url: {file: hook-url.txt}
`;

describe('checkSecrets after loadConfig', () => {
  beforeEach(() => {
    fs.writeFileSync(file, yaml);
    fs.writeFileSync(path.join(dir, 'hook-url.txt'), 'http://127.0.0.1:9/hook\n');
    parses.count = 0;
  });

  it('every secret there: obsctl.yaml parsed once in all', () => {
    const loaded = loadConfig(file, { checkSecrets: false });
    expect(parses.count).toBe(1);
    checkSecrets(loaded, { OBSCTL_TEST_HOOK: 'http://127.0.0.1:9/hook' });
    expect(parses.count).toBe(1);
    loadConfig(file, { checkSecrets: true, env: { OBSCTL_TEST_HOOK: 'x' } });
    expect(parses.count).toBe(2);
  });

  it('an unset variable and a missing file: both reported at their lines, as before', () => {
    fs.rmSync(path.join(dir, 'hook-url.txt'));
    const loaded = loadConfig(file, { checkSecrets: false });
    let error: unknown;
    try {
      checkSecrets(loaded, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const text = [(error as UserError).message, ...(error as UserError).details].join('\n');
    expect(text).toContain('obsctl.yaml:7');
    expect(text).toContain('OBSCTL_TEST_HOOK, which is not set');
    expect(text).toContain('obsctl.yaml:10');
    expect(text).toContain('secret file hook-url.txt does not exist');
  });
});
