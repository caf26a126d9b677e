// OTLP receiver: when prometheus.otlp.enabled, Prometheus must accept an OTLP/HTTP export. An empty
// ExportMetricsServiceRequest (zero protobuf bytes) writes nothing and is answered 200 by an enabled
// receiver, 404 by a Prometheus started without --web.enable-otlp-receiver.
import { OTLP_METRICS_PATH } from '../../render/prometheus-features.js';
import { describeFailure, type Fetch } from '../http.js';
import { fail, pass, type VerifyCheck } from '../types.js';

export async function otlpReceiverChecks(prometheus: string, enabled: boolean, fetchImpl: Fetch = fetch): Promise<VerifyCheck[]> {
  if (!enabled) return [];
  const url = `${prometheus}${OTLP_METRICS_PATH}`;
  const name = 'prometheus OTLP receiver';
  let status = 0;
  let text = '';
  let error: string | undefined;
  try {
    const r = await fetchImpl(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array(0), signal: AbortSignal.timeout(5000) });
    status = r.status;
    text = await r.text();
  } catch (e) {
    error = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
  }
  if (status >= 200 && status < 300) return [pass('services', name, `accepts OTLP/HTTP metrics at ${OTLP_METRICS_PATH} (HTTP ${status})`)];
  return [
    fail('services', name, `POST ${url} was not accepted`, {
      evidence: describeFailure({ ok: false, status, text, ...(error ? { error } : {}) }),
      hint:
        status === 404
          ? 'Prometheus runs without --web.enable-otlp-receiver: run `obsctl up` so the rendered flags apply'
          : 'is Prometheus up? `obsctl status`, `obsctl logs prometheus`',
    }),
  ];
}
