// Bounds on what obsctl reads as obsctl.yaml. Each one is far above any real config (a 1,000-host
// inventory with labels is about 100 KB and 8 levels deep) and low enough that every input up to it
// is answered within issue 13's budget (2 s CPU, 300 MB): a bomb, a runaway generator or
// `-c /dev/zero` gets a clear error, not a hang. 1 MiB was measured over budget (the YAML library
// alone parses about 0.4 MB/s of CPU on the CI machine), hence 512 KiB.
// Documented in README.md ("Limits"); bench/hostile-input.ts measures time and memory at them.

/** Largest obsctl.yaml obsctl reads, in bytes (512 KiB). */
export const MAX_CONFIG_BYTES = 512 * 1024;

/** Most app targets, and most hosts in an inventory: each renders a scrape job of its own. */
export const MAX_TARGETS = 1_000;
export const MAX_HOSTS = 1_000;

/** Deepest nesting of mappings and lists (obsctl.yaml itself needs 7). */
export const MAX_NESTING = 64;

/** Most values the document may expand to once aliases (`*name`) are resolved. */
export const MAX_EXPANDED_VALUES = 200_000;

/** Most aliases (`*name`) in one file (the YAML library resolves each in time linear in the file). */
export const MAX_ALIASES = 1_000;

/** Most problems printed for one file: the first ones exactly, then one line counting the rest. A
 * generated file with 35,000 bad keys is one mistake repeated; printing 100,000 lines of it cost
 * more CPU than reading the file, and nobody scrolls through them. */
export const MAX_REPORTED_ISSUES = 1_000;

/** Longest part of a source line echoed under an error, in characters. */
export const MAX_ECHO = 160;
