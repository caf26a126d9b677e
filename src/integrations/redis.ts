// Redis through redis_exporter. The address is plain config; the password (if any) is a secret the
// exporter reads from its Compose secret at start.
import { redisDashboard } from '../../dashboards/integrations/redis.js';
import { base, onNetwork, wgetCheck } from '../render/compose.js';
import { parseTargetUrl } from '../render/prometheus.js';
import { secretPath } from '../render/secrets.js';
import type { Integration } from './types.js';

const secret = 'integration_redis_password';

export const redis: Integration = {
  name: 'redis',
  enabled: (config) => Boolean(config.integrations.redis),
  service: {
    name: 'redis-exporter',
    build: (config, secrets) => {
      const r = config.integrations.redis!;
      const scheme = r.address.startsWith('rediss://') ? 'rediss' : 'redis';
      // localhost inside the exporter container is the container: the host is host.docker.internal.
      const address = parseTargetUrl(r.address.replace(/^rediss?:\/\//, '')).address;
      return {
        ...base(config, 'redis-exporter', secrets),
        ...(r.password
          ? { entrypoint: ['/bin/sh', '-c', `REDIS_PASSWORD="$(cat ${secretPath(secret)})" exec /redis_exporter "$@"`, 'redis_exporter'] }
          : {}),
        environment: { REDIS_ADDR: `${scheme}://${address}`, REDIS_EXPORTER_WEB_LISTEN_ADDRESS: ':9121' },
        extra_hosts: ['host.docker.internal:host-gateway'],
        healthcheck: wgetCheck('http://127.0.0.1:9121/'),
        ...onNetwork,
      };
    },
  },
  job: (_config, self) => ({ job_name: 'redis', static_configs: [{ targets: ['redis-exporter:9121'], labels: self }] }),
  // redis_connected_clients exists only while the exporter reaches the server.
  requiredMetrics: ['redis_up', 'redis_connected_clients', 'redis_memory_used_bytes'],
  secrets: (config) => (config.integrations.redis?.password ? [{ name: secret, at: ['integrations', 'redis', 'password'], ref: config.integrations.redis.password }] : []),
  dashboard: (uid) => redisDashboard(uid),
};
