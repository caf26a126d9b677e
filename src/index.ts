// obsctl as a library: the pure core (config -> files) for tools that embed it.
export { configSchema, type Config, type ConfigInput } from './config/schema.js';
export { parseConfigText, type LoadResult } from './config/load.js';
export { render, type RenderedFile, type RenderResult } from './render/index.js';
export type { GpuProfile, RenderOptions } from './render/profile.js';
export { loadAlertContent, loadContent } from './content.js';
