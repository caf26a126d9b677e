// `up` validates while it preflights: the validation's probe of Compose and preflight's Compose
// check ask the same `docker compose version --short`, which runs once (issue 15). The real docker
// CLI, behind a script on PATH that counts how often it is started.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ComposeCli, sharingComposeVersion } from '../src/runtime/compose-cli.js';
import { composeCheck } from '../src/runtime/preflight.js';
import { createExecaToolRunner } from '../src/validate/index.js';
import { probeTool } from '../src/validate/tools.js';
import { onPath } from '../src/validate/versions.js';
import { missingTools, requireToolsInCi } from './helpers/tools.js';

const missing = await missingTools(['docker compose']);
requireToolsInCi(missing);
if (missing.length) console.warn('compose-version-shared.test.ts: SKIPPED, `docker compose` is not available here');

const shims = mkdtempSync(path.join(os.tmpdir(), 'obsctl-compose-version-'));
const calls = path.join(shims, 'calls');
afterAll(() => rmSync(shims, { recursive: true, force: true }));

describe.skipIf(missing.length > 0)('one `docker compose version` for validation and preflight', () => {
  it('runs once when both ask, concurrently, and both get its answer', async () => {
    const real = onPath('docker');
    writeFileSync(path.join(shims, 'docker'), `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${real}' "$@"\n`);
    chmodSync(path.join(shims, 'docker'), 0o755);
    writeFileSync(calls, '');
    process.env.PATH = `${shims}${path.delimiter}${process.env.PATH}`;

    const runner = sharingComposeVersion(createExecaToolRunner());
    const [probe, version] = await Promise.all([probeTool(runner, 'docker-compose', shims), ComposeCli.version()]);
    expect(version).toMatch(/^v?2\.\d+/);
    expect(probe).toEqual({ id: 'docker-compose', available: true, detail: `docker compose ${version}` });
    expect(composeCheck(version).ok).toBe(true);
    expect(await ComposeCli.version()).toBe(version);
    // Anything else still runs the CLI.
    expect((await runner.run('docker', ['compose', 'version'], { cwd: shims })).exitCode).toBe(0);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['compose version --short', 'compose version']);
  });
});
