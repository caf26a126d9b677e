// Grafana provisioning: one Prometheus datasource with a fixed uid (dashboards refer to it by that
// uid, never through an import-time ${DS_PROMETHEUS} placeholder), the Alertmanager datasource, and
// a file provider for the dashboards obsctl ships.
import type { DashboardFile } from '../../dashboards/index.js';
import type { SloPanelSpec } from '../../dashboards/slo.js';
import { buildDashboards } from '../../dashboards/index.js';
import type { Config } from '../config/schema.js';
import type { GpuCapabilities } from './capabilities.js';
import type { GpuProfile } from './profile.js';

export const prometheusDatasourceUid = 'obsctl-prometheus';
export const alertmanagerDatasourceUid = 'obsctl-alertmanager';
export const dashboardsPath = '/etc/obsctl/dashboards';

/** `url`: where the Prometheus datasource reads (an HA central's deduplicating store, src/render/ha.ts). */
export function renderDatasources(config: Config, url = 'http://prometheus:9090'): Record<string, unknown> {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: prometheusDatasourceUid,
        type: 'prometheus',
        access: 'proxy',
        url,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: config.prometheus.scrape_interval, httpMethod: 'POST' },
      },
      {
        name: 'Alertmanager',
        uid: alertmanagerDatasourceUid,
        type: 'alertmanager',
        access: 'proxy',
        url: 'http://alertmanager:9093',
        editable: false,
        jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
    ],
  };
}

export function renderDashboardProvider(): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'obsctl',
        orgId: 1,
        folder: 'obsctl',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: dashboardsPath, foldersFromFilesStructure: false },
      },
    ],
  };
}

export function dashboardsFor(profile: GpuProfile, gpu: boolean, capabilities?: GpuCapabilities, slos: SloPanelSpec[] = [], anomalies = false): DashboardFile[] {
  return buildDashboards({ profile: gpu ? profile : 'none', datasourceUid: prometheusDatasourceUid, ...(capabilities ? { gpu: capabilities } : {}), slos, anomalies });
}
