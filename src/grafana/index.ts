// Grafana HTTP API access for obsctl: the client, the admin password reconciliation, and errors.
export { GrafanaClient } from './client.js';
export type {
  CurrentUserResult,
  DashboardHit,
  DashboardLookup,
  DatasourceHealth,
  GrafanaClientOptions,
  GrafanaHealth,
  PasswordChangeFailure,
  PasswordChangeResult,
  PromQueryOptions,
  PromQueryResult,
  SignedInUser,
} from './client.js';
export { DEFAULT_RESET_COMMAND, ensureAdminPassword } from './admin-password.js';
export type { AdminPasswordOutcome, AdminPasswordStatus, EnsureAdminPasswordOptions } from './admin-password.js';
export { GrafanaError, isGrafanaError } from './errors.js';
export type { GrafanaErrorDetails, GrafanaErrorKind } from './errors.js';
export { summarizeQueryResult } from './frames.js';
export type { QueryResultSummary } from './frames.js';
export type { FetchLike } from './http.js';
