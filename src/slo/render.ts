// obsctl.yaml's `slos:` and `anomalies:` -> rule files and their promtool tests in the rendered
// stack (prometheus/rules/slo-<name>.rules.yml, prometheus/tests/slo-<name>.test.yml). Pure.
import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import { anomalyRuleFile, anomalyTestFile } from './anomalies.js';
import type { SloPanelSpec } from '../../dashboards/slo.js';
import { sloPlan, sloRuleGroups } from './rules.js';
import { sloTestFile } from './tests.js';

const yaml = (header: string, value: unknown) =>
  `# Written by obsctl from obsctl.yaml (${header}). Edit obsctl.yaml, not this file.\n${stringify(value, { lineWidth: 0, aliasDuplicateObjects: false })}`;

export function renderSloFiles(config: Config): Map<string, string> {
  const out = new Map<string, string>();
  for (const slo of config.slos) {
    const plan = sloPlan(slo);
    const rules = `slo-${slo.name}.rules.yml`;
    out.set(`prometheus/rules/${rules}`, yaml(`SLO ${slo.name}: SRE-workbook burn-rate rules, docs/slo.md`, { groups: sloRuleGroups(plan, config) }));
    out.set(`prometheus/tests/slo-${slo.name}.test.yml`, yaml(`promtool tests for SLO ${slo.name}`, sloTestFile(plan, config, `../rules/${rules}`)));
  }
  if (config.anomalies.length > 0) {
    out.set('prometheus/rules/anomalies.rules.yml', yaml('anomaly detection, docs/slo.md', anomalyRuleFile(config)));
    out.set('prometheus/tests/anomalies.test.yml', yaml('promtool tests for anomaly detection', anomalyTestFile(config, '../rules/anomalies.rules.yml')));
  }
  return out;
}

/** The SLO dashboard's view of each SLO. */
export const sloPanels = (config: Config): SloPanelSpec[] =>
  config.slos.map((slo) => {
    const plan = sloPlan(slo);
    return { name: slo.name, objective: slo.objective, period: plan.period, windows: plan.windows };
  });
