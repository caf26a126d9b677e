export { validateStack, type ValidateOptions } from './validate-stack.js';
export type { Check, CheckStatus, ValidationReport } from './types.js';
export {
  createExecaToolRunner,
  type ExecaToolRunnerOptions,
  type ToolResult,
  type ToolRunner,
  type ToolRunOptions,
} from './tool-runner.js';
export { promqlSyntaxErrors, substituteGrafanaVariables, type PromqlSyntaxError } from './promql-parse.js';
export { dashboardExpressions, ruleExpressions } from './promql-exprs.js';
export { composeSchemaViolations } from './compose-schema.js';
export { dirCheckCache, userCheckCache, type CheckCache } from './check-cache.js';
