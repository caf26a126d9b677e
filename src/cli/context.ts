// Kept for modules written against the old location: config loading lives in the app layer.
export { loadConfig, type LoadedConfig } from '../app/config.js';
