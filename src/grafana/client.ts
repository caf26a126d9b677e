// A small client for the parts of Grafana's HTTP API obsctl needs: is it up, is its Prometheus data
// source healthy, are obsctl's dashboards there, can a panel query run through it, and the admin
// password (see admin-password.ts).
//
// Rule for results vs errors: when Grafana answered the question, the method returns the answer,
// also when it is "no" (database failing, data source unhealthy, dashboard missing, query error,
// old password wrong). It throws GrafanaError when there is no usable answer: no connection,
// timeout, 401/403 (credentials), 5xx, or a body that is not what Grafana sends there.
//
// Credentials: with anonymous access enabled, Grafana does not refuse a wrong password on read
// endpoints (search, dashboards, ds/query, data source health); a failed Basic login falls back to
// the anonymous Viewer. Only the /api/user endpoints refuse anonymous users, so currentUser() is
// the way to prove that a password logs in.
//
// The request and response shapes are those of Grafana's HTTP API docs and pkg/api sources; the
// recorded answers the tests replay are in test/fixtures/grafana/ (each names its source).
import { grafanaMessage, isObject, send, statusError, unexpected, type ApiRequest, type ApiResponse, type Credentials, type FetchLike } from './http.js';

export interface GrafanaClientOptions {
  /** e.g. http://127.0.0.1:3000 (a sub-path such as http://host/grafana works too). */
  baseUrl: string;
  user: string;
  password: string;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: FetchLike;
  /** Per request; default 10 s (a data source health check waits on Prometheus). */
  timeoutMs?: number;
}

export interface DatasourceHealth {
  /** HTTP 200 and status "OK". */
  ok: boolean;
  /** The plugin's status: "OK", "ERROR" (or "UNKNOWN"). */
  status: string;
  message: string;
  /** Plugin extras; the Prometheus plugin reports {application, features}. */
  details?: Record<string, unknown>;
}

export type DashboardLookup = { found: true; json: Record<string, unknown>; meta: Record<string, unknown> } | { found: false };

export interface SignedInUser {
  id: number;
  login: string;
  isGrafanaAdmin: boolean;
}

export type CurrentUserResult = { ok: true; user: SignedInUser } | { ok: false; message: string };

export type PasswordChangeFailure =
  /** 401 on Basic auth: the user/old password pair does not log in. */
  | 'bad-credentials'
  /** Logged in, but Grafana says `oldPassword` is not the stored one (400 in current Grafana, 401 before). */
  | 'wrong-old-password'
  /** 400: the new password breaks the password policy (too short, not strong enough, same as old). */
  | 'password-policy'
  /** 400/403 for another reason, e.g. the user is managed by LDAP or an auth proxy. */
  | 'rejected';

export type PasswordChangeResult = { ok: true; message: string } | { ok: false; reason: PasswordChangeFailure; message: string; httpStatus: number; grafanaMessage?: string };

const DEFAULT_TIMEOUT_MS = 10_000;

export class GrafanaClient {
  readonly baseUrl: string;
  readonly user: string;
  readonly #password: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;

  constructor(options: GrafanaClientOptions) {
    this.baseUrl = options.baseUrl;
    this.user = options.user;
    this.#password = options.password;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get #auth(): Credentials {
    return { user: this.user, password: this.#password };
  }

  #send(request: ApiRequest): Promise<ApiResponse> {
    return send({ baseUrl: this.baseUrl, fetch: this.#fetch, timeoutMs: this.#timeoutMs }, request);
  }

  async datasourceHealth(uid: string): Promise<DatasourceHealth> {
    const req: ApiRequest = { method: 'GET', path: `/api/datasources/uid/${encodeURIComponent(uid)}/health`, auth: this.#auth };
    const res = await this.#send(req);
    // 200 = healthy; 400 with {status, message} = the plugin ran its check and it failed. Anything
    // else (400 "UID is invalid", 500 "Unable to load datasource metadata" for an unknown uid, 401,
    // 403) is not a health report.
    if ((res.status === 200 || res.status === 400) && isObject(res.json) && typeof res.json.status === 'string' && typeof res.json.message === 'string') {
      const body = res.json;
      return {
        ok: res.status === 200 && body.status === 'OK',
        status: body.status as string,
        message: body.message as string,
        ...(isObject(body.details) ? { details: body.details } : {}),
      };
    }
    if (res.status === 200) throw unexpected(res, req, this.baseUrl, 'the body is not a health check result');
    throw statusError(res, req, this.baseUrl);
  }

  /** GET /api/dashboards/uid/:uid: the dashboard model as Grafana stores it, or found: false on 404. */
  async getDashboard(uid: string): Promise<DashboardLookup> {
    const req: ApiRequest = { method: 'GET', path: `/api/dashboards/uid/${encodeURIComponent(uid)}`, auth: this.#auth };
    const res = await this.#send(req);
    if (res.status === 404) return { found: false };
    if (res.status !== 200) throw statusError(res, req, this.baseUrl);
    if (!isObject(res.json) || !isObject(res.json.dashboard)) throw unexpected(res, req, this.baseUrl, 'the body has no dashboard');
    return { found: true, json: res.json.dashboard, meta: isObject(res.json.meta) ? res.json.meta : {} };
  }

  /** GET /api/user with the client's credentials: do they log in? (401 is an answer, not an error.) */
  async currentUser(): Promise<CurrentUserResult> {
    const req: ApiRequest = { method: 'GET', path: '/api/user', auth: this.#auth };
    const res = await this.#send(req);
    if (res.status === 401) {
      const said = grafanaMessage(res).message;
      return { ok: false, message: `Grafana refused user "${this.user}" with this password (HTTP 401${said ? `: ${said}` : ''})` };
    }
    if (res.status !== 200) throw statusError(res, req, this.baseUrl);
    const b = res.json;
    if (!isObject(b) || typeof b.login !== 'string') throw unexpected(res, req, this.baseUrl, 'the body is not a user profile');
    return { ok: true, user: { id: typeof b.id === 'number' ? b.id : 0, login: b.login, isGrafanaAdmin: b.isGrafanaAdmin === true } };
  }

  /**
   * PUT /api/user/password, logging in with the OLD password (Basic user:oldPassword), as Grafana's
   * docs do it. Works whatever password the client was built with.
   */
  async changeOwnPassword(oldPassword: string, newPassword: string): Promise<PasswordChangeResult> {
    const req: ApiRequest = {
      method: 'PUT',
      path: '/api/user/password',
      auth: { user: this.user, password: oldPassword },
      body: { oldPassword, newPassword },
    };
    const res = await this.#send(req);
    const { message: said, messageId } = grafanaMessage(res);
    if (res.status === 200) return { ok: true, message: said ?? 'User password changed' };
    const fail = (reason: PasswordChangeFailure, message: string): PasswordChangeResult => ({
      ok: false,
      reason,
      message,
      httpStatus: res.status,
      ...(said !== undefined ? { grafanaMessage: said } : {}),
    });
    const grafanaSays = `HTTP ${res.status}${said ? `: ${said}` : ''}`;
    const oldWrong = /invalid old password/i.test(said ?? '') || /^user\.password-mis+match$/.test(messageId ?? '');
    if ((res.status === 400 || res.status === 401) && oldWrong) {
      return fail('wrong-old-password', `Grafana logged user "${this.user}" in but says the old password is wrong (${grafanaSays}).`);
    }
    if (res.status === 401) {
      return fail('bad-credentials', `Grafana refused user "${this.user}" with the old password, so it could not change it (${grafanaSays}).`);
    }
    if (res.status === 400 && (/^password-policy/.test(messageId ?? '') || messageId === 'user.password-same-as-old' || /too short|password policy|same as the old/i.test(said ?? ''))) {
      return fail('password-policy', `Grafana rejected the new password for user "${this.user}" (${grafanaSays}). Choose a longer or stronger password.`);
    }
    if (res.status === 400 || res.status === 403) {
      return fail('rejected', `Grafana refused to change the password of user "${this.user}" (${grafanaSays}).`);
    }
    throw statusError(res, req, this.baseUrl);
  }
}
