// The alert path, end to end: Prometheus is connected to Alertmanager, and a synthetic alert sent
// through the real Alertmanager arrives at a webhook receiver that verify itself listens on. The
// alert carries obsctl_verify="true", which the rendered route sends only to verify's receiver, so
// it never reaches a person; verify resolves it right after.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { http as nodeHttp } from '../node-http.js';
import type { ExpectedStack } from '../expected.js';
import { describeFailure, getJson } from '../http.js';
import { fail, pass, skip, type VerifyCheck } from '../types.js';

export async function alertmanagerConnected(prometheus: string): Promise<VerifyCheck> {
  const r = await getJson<{ data: { activeAlertmanagers: { url: string }[] } }>(`${prometheus}/api/v1/alertmanagers`);
  if (!r.ok || !r.body) return fail('alerting', 'prometheus → alertmanager', `cannot ask Prometheus: ${describeFailure(r)}`);
  const active = r.body.data.activeAlertmanagers;
  return active.length
    ? pass('alerting', 'prometheus → alertmanager', `connected to ${active.map((a) => a.url).join(', ')}`)
    : fail('alerting', 'prometheus → alertmanager', 'Prometheus has no active Alertmanager', { needs: {}, hint: 'Is Alertmanager running? Check `alerting:` in the rendered prometheus.yml.' });
}

function listen(host: string, port: number, onAlert: (body: string) => void): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = nodeHttp().createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(200).end();
        onAlert(body);
      });
    });
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export async function syntheticAlert(alertmanager: string, expected: ExpectedStack, timeoutMs: number): Promise<VerifyCheck> {
  const name = 'alert reaches a receiver';
  if (!expected.webhookAddress) return skip('alerting', name, 'no webhook address for verify');
  const id = randomUUID();
  let arrived: (() => void) | undefined;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  let server: http.Server;
  try {
    server = await listen(expected.webhookAddress.host, expected.webhookAddress.port, (body) => {
      if (body.includes(id)) arrived?.();
    });
  } catch (e) {
    return skip('alerting', name, `cannot listen on ${expected.webhookAddress.host}:${expected.webhookAddress.port} (${(e as NodeJS.ErrnoException).code}); run verify on the stack's host`);
  }
  const labels = { alertname: 'ObsctlVerifySynthetic', obsctl_verify: 'true', obsctl_verify_id: id, severity: 'none' };
  const post = (endsAt: Date) =>
    getJson(`${alertmanager}/api/v2/alerts`, {
      method: 'POST',
      body: JSON.stringify([{ labels, annotations: { summary: 'Synthetic alert from obsctl verify; safe to ignore' }, startsAt: new Date().toISOString(), endsAt: endsAt.toISOString() }]),
    });
  try {
    const started = Date.now();
    const sent = await post(new Date(Date.now() + 5 * 60_000));
    if (!sent.ok) return fail('alerting', name, `Alertmanager refused the alert: ${describeFailure(sent)}`, { evidence: 'POST /api/v2/alerts' });
    const timedOut = await Promise.race([arrival.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs))]);
    await post(new Date()); // resolve it either way
    return timedOut
      ? fail('alerting', name, `sent to Alertmanager, but the webhook did not receive it within ${Math.round(timeoutMs / 1000)} s`, {
          hint: `Alertmanager must reach ${expected.webhookAddress.host}:${expected.webhookAddress.port} (the stack network's gateway); check \`obsctl logs alertmanager\` for "notify" errors.`,
        })
      : pass('alerting', name, `synthetic alert routed by Alertmanager to verify's webhook in ${Date.now() - started} ms, then resolved`);
  } finally {
    // Alertmanager keeps its connection alive; without this the process would wait for it.
    server.closeAllConnections();
    server.close();
  }
}
