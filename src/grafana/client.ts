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
import { summarizeQueryResult } from './frames.js';
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

export interface GrafanaHealth {
  /** HTTP 200 and database "ok". */
  ok: boolean;
  httpStatus: number;
  /** "ok" or "failing". */
  database: string;
  /** Absent when Grafana hides its version ([auth.anonymous] hide_version). */
  version?: string;
  commit?: string;
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

export interface DashboardHit {
  uid: string;
  title: string;
  url: string;
  tags: string[];
  folderUid?: string;
  folderTitle?: string;
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

export interface PromQueryOptions {
  /** Default "now-5m". Epoch ms or Grafana relative time. */
  from?: string;
  /** Default "now". */
  to?: string;
}

export interface PromQueryResult {
  /** HTTP 200 and no per-query error. */
  ok: boolean;
  httpStatus: number;
  /** Frames returned for the query (an empty result still has one, with no fields). */
  frames: number;
  /** Frames with at least one numeric value: the series a panel would draw. */
  series: number;
  /** The data source's or Grafana's error message when the query failed. */
  error?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const REF_ID = 'A';

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

  /** GET /api/health, unauthenticated (it needs no login, and a wrong password must not fail it). */
  async health(): Promise<GrafanaHealth> {
    const req: ApiRequest = { method: 'GET', path: '/api/health' };
    const res = await this.#send(req);
    if (res.status !== 200 && res.status !== 503) throw statusError(res, req, this.baseUrl);
    if (!isObject(res.json) || typeof res.json.database !== 'string') {
      if (res.status === 503) throw statusError(res, req, this.baseUrl);
      throw unexpected(res, req, this.baseUrl, 'the body is not a Grafana health report');
    }
    const body = res.json;
    return {
      ok: res.status === 200 && body.database === 'ok',
      httpStatus: res.status,
      database: body.database as string,
      ...(typeof body.version === 'string' && body.version !== '' ? { version: body.version } : {}),
      ...(typeof body.commit === 'string' && body.commit !== '' ? { commit: body.commit } : {}),
    };
  }

  /** GET /api/datasources/uid/:uid/health: the data source plugin's own check (Prometheus runs 1+1). */
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

  /** GET /api/search?type=dash-db&tag=...: the dashboards carrying the tag (the user can see). */
  async searchDashboards(tag: string): Promise<DashboardHit[]> {
    const query = new URLSearchParams({ type: 'dash-db', tag });
    const req: ApiRequest = { method: 'GET', path: `/api/search?${query.toString()}`, auth: this.#auth };
    const res = await this.#send(req);
    if (res.status !== 200) throw statusError(res, req, this.baseUrl);
    if (!Array.isArray(res.json)) throw unexpected(res, req, this.baseUrl, 'the body is not a list of search hits');
    const hits: DashboardHit[] = [];
    for (const h of res.json) {
      if (!isObject(h) || typeof h.uid !== 'string' || typeof h.title !== 'string') throw unexpected(res, req, this.baseUrl, 'a search hit has no uid/title');
      hits.push({
        uid: h.uid,
        title: h.title,
        url: typeof h.url === 'string' ? h.url : '',
        tags: Array.isArray(h.tags) ? h.tags.filter((t): t is string => typeof t === 'string') : [],
        ...(typeof h.folderUid === 'string' ? { folderUid: h.folderUid } : {}),
        ...(typeof h.folderTitle === 'string' ? { folderTitle: h.folderTitle } : {}),
      });
    }
    return hits;
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

  /**
   * POST /api/ds/query: run a PromQL instant query through the data source, as a panel would.
   * Counts frames and series (frames with values) and passes on the query error, if any.
   */
  async queryPrometheus(datasourceUid: string, expr: string, options: PromQueryOptions = {}): Promise<PromQueryResult> {
    const req: ApiRequest = {
      method: 'POST',
      path: '/api/ds/query',
      auth: this.#auth,
      body: {
        queries: [
          {
            refId: REF_ID,
            datasource: { type: 'prometheus', uid: datasourceUid },
            expr,
            instant: true,
            range: false,
            format: 'time_series',
            intervalMs: 1000,
            maxDataPoints: 100,
          },
        ],
        from: options.from ?? 'now-5m',
        to: options.to ?? 'now',
      },
    };
    const res = await this.#send(req);
    if (res.status === 401 || res.status === 403 || res.status >= 500) throw statusError(res, req, this.baseUrl);
    const summary = summarizeQueryResult(res.json, REF_ID);
    if (summary) {
      // 400 (or 207 with the datasourceQueryMultiStatus toggle) when the query itself failed.
      const error = summary.error ?? (res.status !== 200 ? `HTTP ${res.status}` : undefined);
      return { ok: error === undefined, httpStatus: res.status, frames: summary.frames, series: summary.series, ...(error !== undefined ? { error } : {}) };
    }
    if (res.status === 400 || res.status === 404) {
      // Refused before any data source ran: bad request body, unknown data source or plugin.
      const said = grafanaMessage(res).message;
      return { ok: false, httpStatus: res.status, frames: 0, series: 0, error: said ?? `HTTP ${res.status}` };
    }
    if (res.status === 200) throw unexpected(res, req, this.baseUrl, `the body has no result for query ${REF_ID}`);
    throw statusError(res, req, this.baseUrl);
  }
}
