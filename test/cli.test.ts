// The CLI as a user meets it: help, version, exit codes, colour switches, init, render's writer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemaText } from '../src/config/json-schema.js';
import { parseConfigText } from '../src/config/load.js';
import { colorLevel } from '../src/cli/output.js';
import { jsonSchemaFile, version } from '../src/paths.js';
import { applyWrite, manifestName, planWrite } from '../src/render/write.js';
import { runCli } from './helpers/cli.js';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), `obsctl-${p}-`));

describe('command line', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('--help lists every command and the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['init', 'render', 'validate', 'up', 'verify', 'status', 'logs', 'down']) expect(r.stdout).toMatch(new RegExp(`\\n  ${cmd}\\b`));
    expect(r.stdout).toContain('3  environment problem');
  });

  it('each command has --help', async () => {
    for (const cmd of ['init', 'render', 'validate', 'up', 'verify', 'status', 'logs', 'down']) {
      const r = await runCli([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toContain('--config');
    }
  });

  it('unknown command or flag is a usage error (exit 2)', async () => {
    expect((await runCli(['deploy'])).code).toBe(2);
    expect((await runCli(['render', '--frobnicate'])).code).toBe(2);
  });

  it('NO_COLOR, --no-color and a non-TTY turn colour off; FORCE_COLOR turns it on', () => {
    expect(colorLevel([], {}, true)).toBe(1);
    expect(colorLevel([], { NO_COLOR: '1' }, true)).toBe(0);
    expect(colorLevel(['--no-color'], {}, true)).toBe(0);
    expect(colorLevel([], {}, false)).toBe(0);
    expect(colorLevel([], { FORCE_COLOR: '1' }, false)).toBe(1);
  });
});

describe('obsctl.schema.json', () => {
  it('is in sync with the zod schema (run `npm run schema` after changing it)', () => {
    expect(fs.readFileSync(jsonSchemaFile, 'utf8')).toBe(jsonSchemaText());
  });
});

describe('obsctl init', () => {
  it('writes a valid commented config, ignores .obsctl/ in git, refuses to overwrite without --force', async () => {
    const dir = tmp('init');
    const file = path.join(dir, 'obsctl.yaml');
    const r = await runCli(['init', '-c', file, '--name', 'lab']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('next:');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=/);
    expect(text).toContain('gpu: auto'); // no GPU here: keep detection for the real host
    expect(parseConfigText(text).config?.name).toBe('lab');
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toContain('/.obsctl/');
    const again = await runCli(['init', '-c', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    fs.writeFileSync(file, '# mine\n');
    expect((await runCli(['init', '-c', file, '--force', '--gpu', 'gb10'])).code).toBe(0);
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe('# mine\n');
    expect(fs.readFileSync(file, 'utf8')).toContain('gpu: gb10');
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').match(/\/\.obsctl\//g)?.length).toBe(1);
  });
});

describe('render writer', () => {
  const files = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `d/f${i}.txt`, content: `v${i}\n` }));

  it('renders an empty obsctl.yaml (all defaults), and a re-run changes nothing', async () => {
    const dir = tmp('render');
    const out = path.join(dir, 'stack');
    // An explicit -c must exist (issue 13); an empty file is all defaults.
    fs.writeFileSync(path.join(dir, 'obsctl.yaml'), '');
    const r = await runCli(['render', '-c', path.join(dir, 'obsctl.yaml'), '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).create.length).toBeGreaterThan(10);
    const again = JSON.parse((await runCli(['render', '-c', path.join(dir, 'obsctl.yaml'), '--out', out, '--json'])).stdout);
    expect(again.create.length + again.update.length + again.remove.length).toBe(0);
  });

  it('removes files it wrote and no longer writes, keeps hand-edited and foreign files, dry-run writes nothing', () => {
    const dir = path.join(tmp('write'), 'out');
    applyWrite(dir, files(3), planWrite(dir, files(3)));
    fs.writeFileSync(path.join(dir, 'd/f1.txt'), 'edited by hand\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine\n');
    const plan = planWrite(dir, files(1));
    expect(plan.remove).toEqual(['d/f2.txt']); // f1 was edited: kept
    const manifestBefore = fs.readFileSync(path.join(dir, manifestName), 'utf8');
    expect(fs.existsSync(path.join(dir, 'd/f2.txt'))).toBe(true); // planning wrote nothing
    expect(fs.readFileSync(path.join(dir, manifestName), 'utf8')).toBe(manifestBefore);
    applyWrite(dir, files(1), plan);
    expect(fs.existsSync(path.join(dir, 'd/f2.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'd/f1.txt'), 'utf8')).toBe('edited by hand\n');
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('a render that changes nothing writes nothing, not even its manifest', () => {
    const dir = path.join(tmp('write-same'), 'out');
    applyWrite(dir, files(2), planWrite(dir, files(2)));
    const manifest = path.join(dir, manifestName);
    const before = fs.readFileSync(manifest, 'utf8');
    fs.utimesSync(manifest, new Date(1e9), new Date(1e9));
    const plan = planWrite(dir, files(2));
    expect(plan.unchanged).toHaveLength(2);
    applyWrite(dir, files(2), plan);
    expect(fs.statSync(manifest).mtimeMs).toBe(1e9); // not rewritten
    applyWrite(dir, files(1), planWrite(dir, files(1)));
    expect(fs.readFileSync(manifest, 'utf8')).not.toBe(before); // one file fewer: rewritten
    expect(Object.keys(JSON.parse(fs.readFileSync(manifest, 'utf8')).files)).toHaveLength(1);
  });

  it('refuses to write into a non-empty directory it did not render', () => {
    const dir = tmp('foreign');
    fs.writeFileSync(path.join(dir, 'important.txt'), 'x');
    expect(() => planWrite(dir, files(1))).toThrow(/did not render it/);
  });

  it('--dry-run lists changes and writes nothing', async () => {
    const dir = tmp('dry');
    const out = path.join(dir, 'stack');
    fs.writeFileSync(path.join(dir, 'obsctl.yaml'), '');
    const r = await runCli(['render', '-c', path.join(dir, 'obsctl.yaml'), '--out', out, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dry run: .*would create \d+/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
