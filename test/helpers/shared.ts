// Where ../shared (recorded fixtures, engine script) is: beside the clone in CI, named by
// OBSCTL_SHARED when .ci/run found it elsewhere, or the workspace copy.
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..', '..');

export const sharedDir: string =
  [process.env.OBSCTL_SHARED, path.join(repo, '..', 'shared'), '/work/shared'].find((d): d is string => Boolean(d) && fs.existsSync(path.join(d!, 'fixtures'))) ??
  path.join(repo, '..', 'shared');

export const dcgmFixtureDir = path.join(sharedDir, 'fixtures', 'dcgm');
