// The shape every cross-field rule returns: a config issue plus the path it sits at in the input, so
// the loader can point at the line. One constructor, so the path text reads the same everywhere
// (`targets[2].labels.host`).
import type { ConfigIssue } from './issues.js';

export type RuleIssue = ConfigIssue & { at?: PropertyKey[] };

export function ruleIssue(at: PropertyKey[], code: string, message: string, hint?: string, severity: 'error' | 'warning' = 'error'): RuleIssue {
  return {
    code,
    severity,
    path: at.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '['),
    message,
    ...(hint ? { hint } : {}),
    at,
  };
}
