// src/grafana against a fake: the "recorded Grafana API", a node:http server on 127.0.0.1 that
// replays the responses in test/fixtures/grafana/*.json. Those are transcribed from Grafana's HTTP
// API docs and source (each file names its source; see the README there), not captured from a live
// Grafana. The fake plays Grafana's part in one respect beyond replay: Basic auth. Endpoints the
// recording marks `auth: "basic"` answer the recorded 401 (auth-failed.json) unless the request
// carries the admin's current credentials, and the recorded password change updates them. Every
// request is kept, and one that does not match its recording (path, content type, JSON body) is
// answered 400 and listed in `mismatches`, which each test expects to be empty.
import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RESET_COMMAND, ensureAdminPassword, GrafanaClient, GrafanaError } from '../src/grafana/index.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'grafana');

interface Fixture {
  name: string;
  source: string;
  notes?: string;
  request: { method: string; path: string; auth: 'none' | 'basic'; headers?: Record<string, string>; body?: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

const fixtures = new Map<string, Fixture>(
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const fx = JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as Fixture;
      return [fx.name, fx] as const;
    }),
);
const served = new Set<string>();

function fixture(name: string): Fixture {
  const fx = fixtures.get(name);
  if (!fx) throw new Error(`no fixture ${name} in ${FIXTURES}`);
  return fx;
}

interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

type RawAnswer = { status: number; contentType: string; text: string } | 'hang';

const ADMIN = 'admin';
const PREVIOUS = 'obsctl-old-pass-1';
const DESIRED = 'obsctl-new-pass-2';
const STRANGER = 'set-by-someone-else';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The recorded Grafana API (a fake): replays fixtures, checks requests against them. */
class RecordedGrafana {
  readonly requests: SeenRequest[] = [];
  readonly mismatches: string[] = [];
  adminPassword: string;
  /** [auth.anonymous] enabled: wrong credentials fall back to the anonymous Viewer (see auth-anonymous-refused.json). */
  anonymous = false;
  #routes = new Map<string, Fixture>();
  #raw = new Map<string, RawAnswer>();
  #server = http.createServer((req, res) => void this.#handle(req, res));
  baseUrl = '';

  constructor(adminPassword: string) {
    this.adminPassword = adminPassword;
  }

  /** Answer these recordings (keyed by method and path+query; a later one replaces an earlier). */
  answer(...names: string[]): this {
    for (const n of names) {
      const fx = fixture(n);
      this.#routes.set(`${fx.request.method} ${fx.request.path}`, fx);
    }
    return this;
  }

  /** A non-Grafana answer (what a proxy or another service on the port would send), or no answer. */
  raw(method: string, pathAndQuery: string, answer: RawAnswer): this {
    this.#raw.set(`${method} ${pathAndQuery}`, answer);
    return this;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  client(password: string, timeoutMs?: number): GrafanaClient {
    return new GrafanaClient({ baseUrl: this.baseUrl, user: ADMIN, password, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const method = req.method ?? '';
    const url = req.url ?? '';
    this.requests.push({ method, path: url, authorization: req.headers.authorization, contentType: req.headers['content-type'], body });

    const key = `${method} ${url}`;
    const raw = this.#raw.get(key);
    if (raw === 'hang') return; // never answers
    if (raw) {
      res.writeHead(raw.status, { 'content-type': raw.contentType }).end(raw.text);
      return;
    }
    const fx = this.#routes.get(key);
    if (!fx) {
      this.mismatches.push(`no recording for ${key}`);
      this.#send(res, 404, { 'content-type': 'application/json' }, { message: 'Not found' });
      return;
    }
    if (fx.request.auth === 'basic' && req.headers.authorization !== basic(ADMIN, this.adminPassword)) {
      if (!this.anonymous) {
        this.#serve(res, fixture('auth-failed'));
        return;
      }
      // Anonymous fallback: /api/user* requires a non-anonymous user, everything else reads as Viewer.
      if (url.startsWith('/api/user')) {
        this.#serve(res, fixture('auth-anonymous-refused'));
        return;
      }
    }
    const wantType = fx.request.headers?.['content-type'];
    if (wantType && !(req.headers['content-type'] ?? '').startsWith(wantType)) {
      this.mismatches.push(`${key}: content-type ${req.headers['content-type']}, recording has ${wantType}`);
      this.#send(res, 400, { 'content-type': 'application/json' }, { message: 'bad request data' });
      return;
    }
    if (fx.request.body !== undefined && !isDeepStrictEqual(body, fx.request.body)) {
      this.mismatches.push(`${key}: body ${JSON.stringify(body)} differs from recording ${fx.name}: ${JSON.stringify(fx.request.body)}`);
      this.#send(res, 400, { 'content-type': 'application/json' }, { message: 'bad request data' });
      return;
    }
    if (fx.name === 'user-password-changed') this.adminPassword = (body as { newPassword: string }).newPassword;
    this.#serve(res, fx);
  }

  #serve(res: http.ServerResponse, fx: Fixture): void {
    served.add(fx.name);
    this.#send(res, fx.response.status, fx.response.headers, fx.response.body);
  }

  #send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
    res.writeHead(status, headers).end(JSON.stringify(body));
  }
}

let grafana: RecordedGrafana;
beforeEach(async () => {
  grafana = await new RecordedGrafana(DESIRED).start();
});
afterEach(async () => {
  await grafana.stop();
});

async function expectGrafanaError(p: Promise<unknown>, kind: GrafanaError['kind']): Promise<GrafanaError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected a GrafanaError of kind ${kind}`).toBeInstanceOf(GrafanaError);
  expect((e as GrafanaError).kind).toBe(kind);
  return e as GrafanaError;
}

describe('the recorded fixtures', () => {
  it('each names its source and has a request and a response', () => {
    expect(fixtures.size).toBeGreaterThanOrEqual(12);
    for (const [file, fx] of fixtures) {
      expect(fx.source, file).toMatch(/grafana\.com\/docs|grafana\/grafana|grafana\/gcx/);
      expect(fx.request.method, file).toBeTruthy();
      expect(fx.request.path, file).toMatch(/^(\/api\/|\*$)/);
      expect(['none', 'basic'], file).toContain(fx.request.auth);
      expect(fx.response.status, file).toBeGreaterThanOrEqual(200);
      expect(fx.response.headers['content-type'], file).toMatch(/^application\/json/);
    }
  });
});

describe('HTTP transport (through GET /api/user)', () => {
  it('something else on the port (synthetic, not Grafana): unexpected-response / server', async () => {
    grafana.raw('GET', '/api/user', { status: 200, contentType: 'text/html', text: '<html>Welcome to nginx!</html>' });
    await expectGrafanaError(grafana.client(DESIRED).currentUser(), 'unexpected-response');
    grafana.raw('GET', '/api/user', { status: 502, contentType: 'text/html', text: '<html>502 Bad Gateway</html>' });
    const e2 = await expectGrafanaError(grafana.client(DESIRED).currentUser(), 'server');
    expect(e2.details.status).toBe(502);
  });

  it('no listener: unreachable; no answer in time: timeout', async () => {
    const closed = await new RecordedGrafana(DESIRED).start();
    await closed.stop();
    const e = await expectGrafanaError(new GrafanaClient({ baseUrl: closed.baseUrl, user: ADMIN, password: DESIRED }).currentUser(), 'unreachable');
    expect(e.message).toContain('ECONNREFUSED');

    grafana.raw('GET', '/api/user', 'hang');
    const t = await expectGrafanaError(grafana.client(DESIRED, 200).currentUser(), 'timeout');
    expect(t.message).toContain('200 ms');
  });

  it('a baseUrl with a sub-path and trailing slash keeps the sub-path', async () => {
    grafana.answer('user-current');
    const c = new GrafanaClient({ baseUrl: `${grafana.baseUrl}/`, user: ADMIN, password: DESIRED });
    await c.currentUser();
    expect(grafana.requests[0]?.path).toBe('/api/user');
    const seen: string[] = [];
    const sub = new GrafanaClient({
      baseUrl: 'http://grafana.example/grafana/',
      user: ADMIN,
      password: DESIRED,
      fetch: async (url) => {
        seen.push(url);
        return new Response(JSON.stringify({ id: 1, login: ADMIN, isGrafanaAdmin: true }), { status: 200 });
      },
    });
    await sub.currentUser();
    expect(seen).toEqual(['http://grafana.example/grafana/api/user']);
  });
});
describe('GrafanaClient.datasourceHealth (GET /api/datasources/uid/:uid/health)', () => {
  it('OK, with the Basic credentials of the client', async () => {
    grafana.answer('ds-health-ok');
    const h = await grafana.client(DESIRED).datasourceHealth('obsctl-prometheus');
    expect(h).toEqual({
      ok: true,
      status: 'OK',
      message: 'Successfully queried the Prometheus API.',
      details: { application: 'Prometheus', features: { rulerApiEnabled: false } },
    });
    expect(grafana.requests).toEqual([
      { method: 'GET', path: '/api/datasources/uid/obsctl-prometheus/health', authorization: basic(ADMIN, DESIRED), contentType: undefined, body: undefined },
    ]);
    expect(grafana.mismatches).toEqual([]);
  });

  it('the plugin check failing (HTTP 400, status ERROR) is an answer with its message', async () => {
    grafana.answer('ds-health-error');
    const h = await grafana.client(DESIRED).datasourceHealth('obsctl-prometheus');
    expect(h.ok).toBe(false);
    expect(h.status).toBe('ERROR');
    expect(h.message).toMatch(/no such host - There was an error returned querying the Prometheus API\.$/);
    expect(h.details).toBeUndefined();
  });

  it('an unknown uid is Grafana\'s 500 "Unable to load datasource metadata", thrown', async () => {
    grafana.answer('ds-health-unknown-uid');
    const e = await expectGrafanaError(grafana.client(DESIRED).datasourceHealth('no-such-ds'), 'server');
    expect(e.details).toMatchObject({ status: 500, grafanaMessage: 'Unable to load datasource metadata', path: '/api/datasources/uid/no-such-ds/health' });
  });

  it('wrong credentials: unauthorized, naming the user but never the password', async () => {
    grafana.answer('ds-health-ok');
    const e = await expectGrafanaError(grafana.client('wrong-password').datasourceHealth('obsctl-prometheus'), 'unauthorized');
    expect(e.message).toContain('user "admin"');
    expect(e.message).toContain('Invalid username or password');
    expect(e.message).not.toContain('wrong-password');
    expect(e.details.messageId).toBe('password-auth.failed');
  });
});

describe('GrafanaClient.getDashboard (GET /api/dashboards/uid/:uid)', () => {
  it('found: the stored model and meta', async () => {
    grafana.answer('dashboard-get');
    const d = await grafana.client(DESIRED).getDashboard('obsctl-overview');
    expect(d.found).toBe(true);
    if (!d.found) return;
    expect(d.json).toEqual((fixture('dashboard-get').response.body as { dashboard: unknown }).dashboard);
    expect(d.meta.url).toBe('/d/obsctl-overview/obsctl-overview');
    expect(grafana.requests.map((r) => [r.method, r.path, r.authorization])).toEqual([['GET', '/api/dashboards/uid/obsctl-overview', basic(ADMIN, DESIRED)]]);
  });

  it('404 is found: false', async () => {
    grafana.answer('dashboard-not-found');
    expect(await grafana.client(DESIRED).getDashboard('no-such-dashboard')).toEqual({ found: false });
    expect(grafana.mismatches).toEqual([]);
  });

  it('wrong credentials: unauthorized, not "not found"', async () => {
    grafana.answer('dashboard-get');
    await expectGrafanaError(grafana.client('nope').getDashboard('obsctl-overview'), 'unauthorized');
  });
});

describe('GrafanaClient.currentUser (GET /api/user)', () => {
  it('logs in: the profile', async () => {
    grafana.answer('user-current');
    expect(await grafana.client(DESIRED).currentUser()).toEqual({ ok: true, user: { id: 1, login: 'admin', isGrafanaAdmin: true } });
    expect(grafana.requests[0]?.authorization).toBe(basic(ADMIN, DESIRED));
  });

  it('refused: ok false with Grafana\'s words, no password', async () => {
    grafana.answer('user-current');
    const r = await grafana.client('nope-nope').currentUser();
    expect(r).toEqual({ ok: false, message: 'Grafana refused user "admin" with this password (HTTP 401: Invalid username or password)' });
  });
});

describe('GrafanaClient.changeOwnPassword (PUT /api/user/password)', () => {
  it('logs in with the old password and sends exactly {oldPassword, newPassword} as JSON', async () => {
    grafana.adminPassword = PREVIOUS;
    grafana.answer('user-password-changed');
    // The client was built with another password: the change logs in with the old one regardless.
    const r = await grafana.client(DESIRED).changeOwnPassword(PREVIOUS, DESIRED);
    expect(r).toEqual({ ok: true, message: 'User password changed' });
    expect(grafana.requests).toEqual([
      {
        method: 'PUT',
        path: '/api/user/password',
        authorization: basic(ADMIN, PREVIOUS),
        contentType: 'application/json',
        body: { oldPassword: PREVIOUS, newPassword: DESIRED },
      },
    ]);
    expect(grafana.mismatches).toEqual([]);
    expect(grafana.adminPassword).toBe(DESIRED);
  });

  it('401 on login: bad-credentials', async () => {
    grafana.adminPassword = STRANGER;
    grafana.answer('user-password-changed');
    const r = await grafana.client(DESIRED).changeOwnPassword(PREVIOUS, DESIRED);
    expect(r).toMatchObject({ ok: false, reason: 'bad-credentials', httpStatus: 401, grafanaMessage: 'Invalid username or password' });
    expect(r.ok ? '' : r.message).toContain('refused user "admin" with the old password');
    expect(JSON.stringify(r)).not.toContain(PREVIOUS);
    expect(grafana.adminPassword).toBe(STRANGER);
  });

  // Our client logs in with the same old password it puts in the body, so Grafana can only say
  // "Invalid old password" when it authenticated the request some other way; the fake is set to let
  // the login through to reach the recorded handler answer. The mapping must not say "bad login".
  it('current Grafana: 400 "Invalid old password" (user.password-missmatch) is wrong-old-password', async () => {
    grafana.adminPassword = 'not-the-password';
    grafana.answer('user-password-wrong-old');
    const r = await grafana.client(DESIRED).changeOwnPassword('not-the-password', DESIRED);
    expect(r).toMatchObject({ ok: false, reason: 'wrong-old-password', httpStatus: 400, grafanaMessage: 'Invalid old password' });
    expect(grafana.mismatches).toEqual([]);
  });

  it('older Grafana: 401 "Invalid old password" is wrong-old-password, not bad-credentials', async () => {
    grafana.adminPassword = 'not-the-password';
    grafana.answer('user-password-wrong-old-legacy');
    const r = await grafana.client(DESIRED).changeOwnPassword('not-the-password', DESIRED);
    expect(r).toMatchObject({ ok: false, reason: 'wrong-old-password', httpStatus: 401 });
    expect(grafana.mismatches).toEqual([]);
  });

  it('400 password policy: password-policy, with Grafana\'s reason', async () => {
    grafana.adminPassword = PREVIOUS;
    grafana.answer('user-password-too-short');
    const r = await grafana.client(PREVIOUS).changeOwnPassword(PREVIOUS, 'abc');
    expect(r).toMatchObject({ ok: false, reason: 'password-policy', httpStatus: 400, grafanaMessage: 'New password is too short' });
    expect(r.ok ? '' : r.message).toMatch(/rejected the new password.*New password is too short/);
    expect(grafana.adminPassword).toBe(PREVIOUS);
    expect(grafana.mismatches).toEqual([]);
  });
});

describe('ensureAdminPassword (GF_SECURITY_ADMIN_PASSWORD applies on first boot only)', () => {
  const run = (previous?: string) =>
    ensureAdminPassword({ clientFactory: ({ password }) => grafana.client(password), user: ADMIN, desired: DESIRED, ...(previous !== undefined ? { previous } : {}) });
  const calls = () => grafana.requests.map((r) => `${r.method} ${r.path} as ${r.authorization === basic(ADMIN, DESIRED) ? 'desired' : r.authorization === basic(ADMIN, PREVIOUS) ? 'previous' : r.authorization}`);

  beforeEach(() => {
    grafana.answer('user-current', 'user-password-changed');
  });

  it('already right: unchanged, one login, nothing written', async () => {
    grafana.adminPassword = DESIRED;
    const out = await run(PREVIOUS);
    expect(out.status).toBe('unchanged');
    expect(out.hint).toBeUndefined();
    expect(calls()).toEqual(['GET /api/user as desired']);
  });

  it('volume from before the rotation: changes previous -> desired, then proves it', async () => {
    grafana.adminPassword = PREVIOUS;
    const out = await run(PREVIOUS);
    expect(out).toEqual({ status: 'changed', detail: 'Changed the password of Grafana user "admin" from the previous one to the configured one.' });
    expect(calls()).toEqual(['GET /api/user as desired', 'PUT /api/user/password as previous', 'GET /api/user as desired']);
    expect(grafana.requests[1]?.body).toEqual({ oldPassword: PREVIOUS, newPassword: DESIRED });
    expect(grafana.adminPassword).toBe(DESIRED);
    expect(grafana.mismatches).toEqual([]);
  });

  it('neither works: failed, with the first-boot explanation and the reset command', async () => {
    grafana.adminPassword = STRANGER;
    const out = await run(PREVIOUS);
    expect(out.status).toBe('failed');
    expect(out.detail).toContain('refuses both the configured and the previous password');
    expect(out.hint).toContain('only takes effect when Grafana creates its database');
    expect(out.hint).toContain(DEFAULT_RESET_COMMAND);
    expect(DEFAULT_RESET_COMMAND).toContain('grafana cli admin reset-admin-password --password-from-stdin');
    expect(calls()).toEqual(['GET /api/user as desired', 'PUT /api/user/password as previous']);
    expect(JSON.stringify(out)).not.toMatch(new RegExp(`${DESIRED}|${PREVIOUS}|${STRANGER}`));
    expect(grafana.adminPassword).toBe(STRANGER);
  });

  it('refused and no previous password known: failed without trying to change anything', async () => {
    grafana.adminPassword = STRANGER;
    const out = await run();
    expect(out.status).toBe('failed');
    expect(out.detail).toContain('no previous password is known');
    expect(out.hint).toContain('reset-admin-password');
    expect(calls()).toEqual(['GET /api/user as desired']);
  });

  it('the new password breaks the policy: failed with Grafana\'s reason, not the reset hint', async () => {
    grafana.adminPassword = PREVIOUS;
    grafana.answer('user-password-too-short');
    const out = await ensureAdminPassword({ clientFactory: ({ password }) => grafana.client(password), user: ADMIN, desired: 'abc', previous: PREVIOUS });
    expect(out.status).toBe('failed');
    expect(out.detail).toContain('New password is too short');
    expect(out.hint).toMatch(/password policy/);
    expect(grafana.adminPassword).toBe(PREVIOUS);
  });

  it('Grafana not answering: failed, pointing at the container', async () => {
    const closed = await new RecordedGrafana(DESIRED).start();
    await closed.stop();
    const out = await ensureAdminPassword({
      clientFactory: ({ user, password }) => new GrafanaClient({ baseUrl: closed.baseUrl, user, password }),
      user: ADMIN,
      desired: DESIRED,
      previous: PREVIOUS,
    });
    expect(out.status).toBe('failed');
    expect(out.detail).toContain('did not answer GET /api/user');
    expect(out.hint).toContain('obsctl status');
  });
});

describe('with anonymous access on (grafana.anonymous_access: true)', () => {
  beforeEach(() => {
    grafana.anonymous = true;
  });

  it('GET /api/user still refuses a wrong password (401 "Unauthorized")', async () => {
    grafana.answer('user-current');
    expect(await grafana.client('nope').currentUser()).toEqual({ ok: false, message: 'Grafana refused user "admin" with this password (HTTP 401: Unauthorized)' });
  });

  it('read endpoints answer a wrong password as the anonymous viewer: only currentUser() proves a login', async () => {
    grafana.answer('dashboard-get');
    expect((await grafana.client('nope').getDashboard('obsctl-overview')).found).toBe(true);
  });

  it('ensureAdminPassword still rotates previous -> desired', async () => {
    grafana.adminPassword = PREVIOUS;
    grafana.answer('user-current', 'user-password-changed');
    const out = await ensureAdminPassword({ clientFactory: ({ password }) => grafana.client(password), user: ADMIN, desired: DESIRED, previous: PREVIOUS });
    expect(out.status).toBe('changed');
    expect(grafana.adminPassword).toBe(DESIRED);
  });

  it('and reports failed when neither password logs in', async () => {
    grafana.adminPassword = STRANGER;
    grafana.answer('user-current', 'user-password-changed');
    const out = await ensureAdminPassword({ clientFactory: ({ password }) => grafana.client(password), user: ADMIN, desired: DESIRED, previous: PREVIOUS });
    expect(out.status).toBe('failed');
    expect(out.hint).toContain('reset-admin-password');
  });
});

afterAll(() => {
  // Every recording is replayed by some test above.
  expect([...fixtures.keys()].filter((n) => !served.has(n)).sort()).toEqual([]);
});
