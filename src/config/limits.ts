// Bounds on what obsctl reads as obsctl.yaml. Each one is far above any real config (a 1,000-host
// inventory is about 250 KB and 8 levels deep) and low enough that every input up to it is answered
// in about a second: a bomb, a runaway generator or `-c /dev/zero` gets a clear error, not a hang.
// Documented in README.md ("Limits"); bench/hostile-input.ts measures time and memory at them.

/** Largest obsctl.yaml obsctl reads, in bytes (1 MiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Deepest nesting of mappings and lists (obsctl.yaml itself needs 7). */
export const MAX_NESTING = 64;

/** Most values the document may expand to once aliases (`*name`) are resolved. */
export const MAX_EXPANDED_VALUES = 200_000;

/** Most aliases (`*name`) in one file (the YAML library resolves each in time linear in the file). */
export const MAX_ALIASES = 5_000;

/** Longest part of a source line echoed under an error, in characters. */
export const MAX_ECHO = 160;
