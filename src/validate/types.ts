/** Result types of `validateStack`. */

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface Check {
  /** What ran, e.g. `promtool check rules`; several checks share a name and differ by `file`. */
  name: string;
  status: CheckStatus;
  /** One line for a pass; the tool's trimmed output (or the parse errors) for a failure. */
  detail: string;
  /** Stack-relative POSIX path of the file the check is about. */
  file?: string;
  /** What to do about a failure or skip. */
  hint?: string;
  /** A pass kept from an earlier run of the same tool on the same bytes (src/validate/check-cache.ts): not run again. */
  cached?: true;
}

export interface ValidationReport {
  /** True when no check failed (skips do not count, unless `strict` turned them into failures). */
  ok: boolean;
  checks: Check[];
  /** The external tools that ran, with their versions and where they were found. */
  tools: { name: string; version: string; path: string }[];
  /** Not failures: e.g. a validator of another major version than the pinned image (fails under strict). */
  warnings: string[];
}
