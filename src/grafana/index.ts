// Grafana HTTP API access for obsctl: the client, the admin password reconciliation, and errors.
export { GrafanaClient } from './client.js';
export type {
  CurrentUserResult,
  DashboardLookup,
  DatasourceHealth,
  GrafanaClientOptions,
  PasswordChangeFailure,
  PasswordChangeResult,
  SignedInUser,
} from './client.js';
export { DEFAULT_RESET_COMMAND, ensureAdminPassword } from './admin-password.js';
export type { AdminPasswordOutcome, AdminPasswordStatus, EnsureAdminPasswordOptions } from './admin-password.js';
export { GrafanaError, isGrafanaError } from './errors.js';
export type { GrafanaErrorDetails, GrafanaErrorKind } from './errors.js';
export type { FetchLike } from './http.js';
