// PostgreSQL through prometheus-postgres-exporter. The DSN is a secret (it holds the password): the
// exporter reads it from its Compose secret at start, never from the environment of `docker inspect`.
import { postgresDashboard } from '../../dashboards/integrations/postgres.js';
import { base, onNetwork, wgetCheck } from '../render/compose.js';
import { secretPath } from '../render/secrets.js';
import type { Integration } from './types.js';

const secret = 'integration_postgres_dsn';

export const postgres: Integration = {
  name: 'postgres',
  enabled: (config) => Boolean(config.integrations.postgres),
  service: {
    name: 'postgres-exporter',
    build: (config, secrets) => ({
      ...base(config, 'postgres-exporter', secrets),
      // postgres_exporter takes the full DSN only from DATA_SOURCE_NAME (no *_FILE variant for it):
      // a shell reads the secret file into it and execs the exporter, so it is never in compose.yaml.
      entrypoint: ['/bin/sh', '-c', `DATA_SOURCE_NAME="$(cat ${secretPath(secret)})" exec /bin/postgres_exporter "$@"`, 'postgres_exporter'],
      command: ['--web.listen-address=:9187'],
      extra_hosts: ['host.docker.internal:host-gateway'],
      healthcheck: wgetCheck('http://127.0.0.1:9187/'),
      ...onNetwork,
    }),
  },
  job: (_config, self) => ({ job_name: 'postgres', static_configs: [{ targets: ['postgres-exporter:9187'], labels: self }] }),
  // pg_stat_database_* exist only while the exporter is connected: verify proves the connection.
  requiredMetrics: ['pg_up', 'pg_settings_max_connections', 'pg_stat_database_xact_commit', 'pg_stat_activity_count'],
  secrets: (config) => (config.integrations.postgres ? [{ name: secret, at: ['integrations', 'postgres', 'dsn'], ref: config.integrations.postgres.dsn }] : []),
  dashboard: (uid) => postgresDashboard(uid),
};
