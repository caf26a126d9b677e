// Keeping Grafana's admin password in line with obsctl's secret.
//
// The trap: GF_SECURITY_ADMIN_PASSWORD (and its __FILE form, which obsctl renders) only applies when
// Grafana creates its database, i.e. on the first boot of the grafana-data volume. Rotate the secret
// later and Grafana keeps the old password; every authenticated call then fails with 401.
//
// So: log in with the desired password (GET /api/user). If that works, nothing to do. If Grafana
// refuses it and the previous password is known, log in with that one and change it to the desired
// one (PUT /api/user/password), then log in with the desired one to prove it. If neither works, say
// how to reset it inside the container.
//
// Each refused login counts toward Grafana's brute-force protection (by default a user is blocked
// for a while after 5 failed logins in 5 minutes), so one run makes at most two failing attempts
// and never retries.
import type { GrafanaClient } from './client.js';
import { isGrafanaError } from './errors.js';

export interface EnsureAdminPasswordOptions {
  /** A client that logs in as `user` with the given password. */
  clientFactory: (credentials: { user: string; password: string }) => GrafanaClient;
  user: string;
  /** The password the admin should have (obsctl's secret). */
  desired: string;
  /** The password the admin had before the secret was rotated, when known. */
  previous?: string;
  /** The command printed when neither password works. */
  resetCommand?: string;
}

export type AdminPasswordStatus = 'unchanged' | 'changed' | 'failed';

export interface AdminPasswordOutcome {
  status: AdminPasswordStatus;
  detail: string;
  /** What to do next, when status is 'failed'. */
  hint?: string;
}

/**
 * Resets the admin password from the secret file obsctl mounts into the Grafana container; the
 * password never appears on a command line. `grafana cli` has had --password-from-stdin since 9.1.
 */
export const DEFAULT_RESET_COMMAND =
  "docker compose exec -T grafana sh -c 'grafana cli admin reset-admin-password --password-from-stdin < /run/secrets/grafana_admin_password'";

const firstBootOnly =
  'GF_SECURITY_ADMIN_PASSWORD only takes effect when Grafana creates its database (first start of the grafana-data volume); changing it later does not change the password.';

export async function ensureAdminPassword(options: EnsureAdminPasswordOptions): Promise<AdminPasswordOutcome> {
  const { user, desired, previous } = options;
  const resetHint = `${firstBootOnly} Reset it in the stack directory with: ${options.resetCommand ?? DEFAULT_RESET_COMMAND}`;
  const withDesired = options.clientFactory({ user, password: desired });
  try {
    const probe = await withDesired.currentUser();
    if (probe.ok) return { status: 'unchanged', detail: `Grafana user "${user}" already logs in with the configured password.` };

    if (previous === undefined || previous === '' || previous === desired) {
      return {
        status: 'failed',
        detail: `Grafana refuses the configured password for user "${user}" and no previous password is known to change it from.`,
        hint: resetHint,
      };
    }

    const change = await options.clientFactory({ user, password: previous }).changeOwnPassword(previous, desired);
    if (!change.ok) {
      if (change.reason === 'bad-credentials') {
        return {
          status: 'failed',
          detail: `Grafana refuses both the configured and the previous password for user "${user}"; the password was set some other way.`,
          hint: resetHint,
        };
      }
      if (change.reason === 'password-policy') {
        return { status: 'failed', detail: change.message, hint: 'Set a password that meets the Grafana password policy in obsctl\'s secret and run again.' };
      }
      return { status: 'failed', detail: change.message, hint: resetHint };
    }

    const check = await withDesired.currentUser();
    if (!check.ok) {
      return {
        status: 'failed',
        detail: `Grafana reported the password of user "${user}" changed, but the configured password still does not log in: ${check.message}`,
        hint: resetHint,
      };
    }
    return { status: 'changed', detail: `Changed the password of Grafana user "${user}" from the previous one to the configured one.` };
  } catch (e) {
    if (!isGrafanaError(e)) throw e;
    const unreachable = e.kind === 'unreachable' || e.kind === 'timeout';
    return {
      status: 'failed',
      detail: e.message,
      hint: unreachable ? 'Check that the Grafana container is running and healthy (obsctl status), then run again.' : resetHint,
    };
  }
}
