// A Pushgateway for batch jobs. Pushed groups stay until deleted (the Pushgateway has no TTL by
// design); they survive restarts in the pushgateway-data volume. honor_labels keeps the job and
// instance labels the batch job pushed instead of the Pushgateway's own.
import { pushgatewayDashboard } from '../../dashboards/integrations/pushgateway.js';
import { base, onNetwork, wgetCheck } from '../render/compose.js';
import type { Integration } from './types.js';

export const pushgatewayPort = 9091;

export const pushgateway: Integration = {
  name: 'pushgateway',
  enabled: (config) => config.integrations.pushgateway?.enabled === true,
  service: {
    name: 'pushgateway',
    volumes: ['pushgateway-data'],
    build: (config, secrets) => ({
      ...base(config, 'pushgateway', secrets),
      command: ['--web.listen-address=:9091', '--persistence.file=/pushgateway/pushgateway.db', '--persistence.interval=1m'],
      volumes: ['pushgateway-data:/pushgateway'],
      // Batch jobs on this host push to it: published on the listen address (127.0.0.1 by default).
      ports: [`${config.listen}:${config.integrations.pushgateway!.port}:9091`],
      healthcheck: wgetCheck('http://127.0.0.1:9091/-/healthy'),
      ...onNetwork,
    }),
  },
  job: (_config, self) => ({ job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: ['pushgateway:9091'], labels: self }] }),
  requiredMetrics: ['pushgateway_build_info'],
  secrets: () => [],
  dashboard: (uid) => pushgatewayDashboard(uid),
};
