/** What every group of checks gets from validateStack. */
import { probeTool, type ToolId, type ToolProbe } from './tools.js';
import type { StackFiles } from './stack-files.js';
import type { ToolRunner } from './tool-runner.js';

export interface ValidateContext {
  /** Absolute stack directory; tools run with it as cwd and get stack-relative paths. */
  root: string;
  files: StackFiles;
  runner: ToolRunner;
  strict: boolean;
  /** Whether a tool can be used; probed once per validateStack call. */
  probe(id: ToolId): Promise<ToolProbe>;
  /** Every probe made so far (the tools the checks asked for). */
  probed(): Promise<ToolProbe[]>;
}

export function createContext(root: string, files: StackFiles, runner: ToolRunner, strict: boolean): ValidateContext {
  const probes = new Map<ToolId, Promise<ToolProbe>>();
  return {
    root,
    files,
    runner,
    strict,
    probe(id) {
      let p = probes.get(id);
      if (!p) probes.set(id, (p = probeTool(runner, id, root)));
      return p;
    },
    probed: () => Promise.all(probes.values()),
  };
}
