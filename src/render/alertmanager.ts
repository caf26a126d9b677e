// alertmanager.yml. Receiver credentials are *_file fields pointing at Compose secrets. With no
// receiver configured, alerts go to a `null` receiver (visible in the UI, sent nowhere). The
// always-firing Watchdog goes to `null` too unless a route says otherwise, so it never pages.
import type { Config, Receiver } from '../config/schema.js';
import { goTemplateLiteral } from './escape.js';
import { gatewayAddress } from './network.js';

/** `obsctl verify` proves the alert path with a synthetic alert carrying this label; it goes only here. */
export const verifyReceiver = 'obsctl-verify';
export const verifyMatcher = 'obsctl_verify="true"';
import { secretPath } from './secrets.js';

const id = (name: string) => name.replace(/-/g, '_');

function receiverConfig(r: Receiver): Record<string, unknown> {
  const file = (field: string) => secretPath(`receiver_${id(r.name)}_${field}`);
  switch (r.type) {
    case 'webhook':
      return { name: r.name, webhook_configs: [{ url_file: file('url'), send_resolved: r.send_resolved }] };
    case 'slack':
      return { name: r.name, slack_configs: [{ api_url_file: file('api_url'), channel: goTemplateLiteral(r.channel), send_resolved: r.send_resolved }] };
    case 'pagerduty':
      return { name: r.name, pagerduty_configs: [{ routing_key_file: file('routing_key'), send_resolved: r.send_resolved }] };
    case 'email':
      return {
        name: r.name,
        email_configs: [
          {
            // to and from are Go templates in Alertmanager; the others are plain strings.
            to: goTemplateLiteral(r.to),
            from: goTemplateLiteral(r.from),
            smarthost: r.smarthost,
            require_tls: r.require_tls,
            ...(r.auth_username ? { auth_username: r.auth_username } : {}),
            ...(r.auth_password ? { auth_password_file: file('password') } : {}),
          },
        ],
      };
  }
}

export function renderAlertmanagerConfig(config: Config): Record<string, unknown> {
  const receivers = config.alertmanager.receivers;
  const route = config.alertmanager.route;
  const defaultReceiver = route?.receiver ?? receivers[0]?.name ?? 'null';
  return {
    route: {
      receiver: defaultReceiver,
      group_by: route?.group_by ?? ['alertname', 'instance'],
      group_wait: route?.group_wait ?? '30s',
      group_interval: route?.group_interval ?? '5m',
      repeat_interval: route?.repeat_interval ?? '4h',
      routes: [
        // First, and without continue: the synthetic alert of `obsctl verify` never reaches a person.
        // Grouped by all its labels ('...'), so each verify's alert (its own obsctl_verify_id) is a
        // new group, sent at once (group_wait 0s). In one shared group a later verify's alert waited
        // for the group's next group_interval tick: up to 1 s of every verify on a warm stack (issue 15).
        { receiver: verifyReceiver, matchers: [verifyMatcher], group_by: ['...'], group_wait: '0s', group_interval: '1s', repeat_interval: '1h' },
        ...(route?.routes ?? []).map((r) => ({ receiver: r.receiver, matchers: r.matchers, continue: r.continue })),
        { receiver: 'null', matchers: ['alertname="Watchdog"'] },
      ],
    },
    // Warning and critical tiers share an alert name: while the critical one fires, the lesser
    // ones for the same thing (same GPU, same filesystem) are noise.
    inhibit_rules: [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['alertname', 'job', 'instance', 'gpu', 'mountpoint'] },
    ],
    receivers: [
      { name: 'null' },
      { name: verifyReceiver, webhook_configs: [{ url: `http://${gatewayAddress(config)}:${config.verify.webhook_port}/alert`, send_resolved: false }] },
      ...receivers.map(receiverConfig),
    ],
  };
}
