// In-process parts of validate: PromQL parsing with Grafana variables, expression extraction,
// the Compose schema.
import { describe, expect, it } from 'vitest';
import {
  composeSchemaViolations,
  dashboardExpressions,
  promqlSyntaxErrors,
  ruleExpressions,
  substituteGrafanaVariables,
} from '../src/validate/index.js';

describe('PromQL with Grafana variables', () => {
  it.each([
    'rate(x{instance=~"$instance"}[$__rate_interval])',
    'rate(x{gpu=~"${gpu:regex}"}[${__interval}])',
    'increase(x[$__range]) / $__range_s',
    'sum by ($group_by) (x)',
    '$metric{job="a"}',
    'x offset $__interval',
    'max_over_time(x[$window:$__interval])',
    'x @ ${__to:date:seconds}',
    'rate(x[[[interval]]])',
    'sum(x) > [[threshold]]',
  ])('parses %s', (expr) => {
    expect(promqlSyntaxErrors(expr)).toEqual([]);
  });

  it('leaves variables in strings alone and substitutes by context', () => {
    expect(substituteGrafanaVariables('rate(x{a="$v"}[$__rate_interval]) by ($l)').text).toBe(
      'rate(x{a="$v"}[5m]) by (grafana_var_l)',
    );
  });

  it('reports positions in the original expression', () => {
    //            1234567890123456789012345678901234
    const expr = 'rate(x{a="$a"}[$__rate_interval]) +* 2';
    expect(promqlSyntaxErrors(expr)).toMatchObject([{ line: 1, column: 36, near: '* 2' }]);
    // lezer reports an unclosed call where the input ends
    expect(promqlSyntaxErrors('sum(\n  rate(x[5m]\n)')).toMatchObject([{ line: 3, column: 2, near: '' }]);
    expect(promqlSyntaxErrors('')).toHaveLength(1);
  });
});

describe('expression extraction', () => {
  it('finds rules by group and name', () => {
    const doc = { groups: [{ name: 'g', rules: [{ record: 'r', expr: 'up' }, { alert: 'A', expr: 1 }] }] };
    expect(ruleExpressions(doc)).toEqual([
      { where: 'group "g" record "r"', expr: 'up' },
      { where: 'group "g" alert "A"', expr: '1' },
    ]);
  });

  it('walks panels, collapsed rows, legacy rows and skips non-Prometheus targets', () => {
    const doc = {
      panels: [
        { id: 1, title: 'a', targets: [{ refId: 'A', expr: 'up' }] },
        { id: 2, type: 'row', title: 'r', panels: [{ id: 3, title: 'b', targets: [{ refId: 'B', expr: 'x' }] }] },
        { id: 4, title: 'logs', targets: [{ refId: 'A', expr: '{job="x"} |= "e"', datasource: { type: 'loki' } }] },
      ],
      rows: [{ panels: [{ title: 'old', targets: [{ expr: 'y' }] }] }],
    };
    expect(dashboardExpressions(doc).map((e) => e.where)).toEqual([
      'panel "a" (id 1) target A',
      'panel "b" (id 3) target B',
      'panel "old" target 1',
    ]);
    expect(dashboardExpressions({ dashboard: doc })).toHaveLength(3);
  });
});

describe('Compose schema', () => {
  it('accepts the Compose v2 keys obsctl renders', () => {
    expect(
      composeSchemaViolations({
        name: 'obsctl',
        services: {
          dcgm: {
            image: 'x',
            gpus: 'all',
            healthcheck: { test: ['CMD', 'true'], start_interval: '1s' },
            depends_on: { p: { condition: 'service_healthy', required: true } },
          },
        },
        secrets: { s: { environment: 'S' }, f: { file: './f' } },
      }),
    ).toEqual([]);
  });

  it('reports each violation with its path', () => {
    expect(
      composeSchemaViolations({ services: { a: { image: 'x', bogus: 1, ports: 80, volumes: [{ type: 'bind', x: 1 }] } } }),
    ).toEqual(
      expect.arrayContaining([
        'services.a: key "bogus" is not allowed',
        'services.a.ports: must be array',
        'services.a.volumes[0]: key "x" is not allowed',
      ]),
    );
  });
});
