// Anomaly alerts (src/slo/anomalies.ts) as annotations on the App and GPU dashboards: a firing
// AnomalyDetected marks the time range on every panel, titled with the anomaly's name.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { dsRef, type DashboardFile } from './shared.js';

export function withAnomalyAnnotations(file: DashboardFile, datasourceUid: string): DashboardFile {
  const query = new dashboard.AnnotationQueryBuilder()
    .name('Anomalies')
    .datasource(dsRef(datasourceUid))
    .enable(true)
    .iconColor('purple')
    .expr('ALERTS{alertname="AnomalyDetected",alertstate="firing"}')
    .titleFormat('Anomaly {{anomaly}}')
    .tagKeys('anomaly,instance,gpu')
    .step('1m');
  const json = structuredClone(file.json);
  const annotations = (json.annotations ?? {}) as { list?: unknown[] };
  json.annotations = { ...annotations, list: [...(annotations.list ?? []), JSON.parse(JSON.stringify(query.build())) as unknown] };
  return { ...file, json };
}
