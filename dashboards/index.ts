// Dashboards as code: buildDashboards({ profile, datasourceUid }) -> one DashboardFile per dashboard.
// Pure and deterministic: the same options give byte-identical JSON (no clock, no randomness; panel
// ids are assigned in order). The renderer writes `json` to grafana/dashboards/<fileName>.
import { profileCapabilities } from '../src/render/capabilities.js';
import { withAnomalyAnnotations } from './anomalies.js';
import { APP_UID, appDashboard } from './app.js';
import { GPU_UID, gpuDashboard } from './gpu.js';
import { HOST_UID, hostDashboard } from './host.js';
import { OVERVIEW_UID, overviewDashboard } from './overview.js';
import type { BuildOptions, DashboardFile, Profile } from './shared.js';
import { SLO_UID, sloDashboard } from './slo.js';
import { STACK_UID, stackDashboard } from './stack.js';

export type { BuildOptions, DashboardFile, Profile } from './shared.js';
export { APP_UID, GPU_UID, HOST_UID, OVERVIEW_UID, SLO_UID, STACK_UID };
export { REC as dashboardRecordingRules } from './shared.js';

const profiles: readonly Profile[] = ['none', 'nvidia', 'gb10'];

export function buildDashboards(opts: BuildOptions): DashboardFile[] {
  const { profile, datasourceUid } = opts;
  if (!profiles.includes(profile)) throw new Error(`unknown profile ${JSON.stringify(profile)}`);
  if (datasourceUid === '' || datasourceUid.includes('$')) {
    throw new Error(`datasourceUid must be a fixed uid, got ${JSON.stringify(datasourceUid)}`);
  }
  const slos = opts.slos ?? [];
  const gpu = profile === 'none' ? undefined : (opts.gpu ?? profileCapabilities(profile));
  const files = [overviewDashboard(datasourceUid, profile, gpu, slos.length ? [{ title: 'SLOs', uid: SLO_UID }] : [])];
  if (profile !== 'none' && gpu) files.push(gpuDashboard(datasourceUid, profile, gpu));
  files.push(hostDashboard(datasourceUid), appDashboard(datasourceUid), stackDashboard(datasourceUid));
  if (slos.length) files.push(sloDashboard(datasourceUid, slos));
  // Only with `anomalies:` configured: otherwise there is no AnomalyDetected rule to show.
  if (opts.anomalies) return files.map((f) => (f.uid === APP_UID || f.uid === GPU_UID ? withAnomalyAnnotations(f, datasourceUid) : f));
  return files;
}
