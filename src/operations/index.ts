import { alertGroups } from './alert-groups';
import { alertmanagerStatus } from './alertmanager-status';
import { createSilence } from './create-silence';
import { describeMetric } from './describe-metric';
import { expireSilence } from './expire-silence';
import { listSilences } from './list-silences';
import { labelValues } from './label-values';
import { listAlerts } from './list-alerts';
import { listLabels } from './list-labels';
import { listMetrics } from './list-metrics';
import { listRules } from './list-rules';
import { listWorkspaces } from './list-workspaces';
import { query } from './query';
import { rangeQuery } from './range-query';
import { series } from './series';
import { serverInfo } from './server-info';
import type { Operation } from './types';

/**
 * Every operation, in the order agents see them. Adding a tool is a new file in this
 * folder and one line here: the router, tools.json, the gateway schema, the MCP tool
 * list and the functions' permissions follow.
 */
export const REGISTRY: readonly Operation[] = [
  query,
  rangeQuery,
  listMetrics,
  describeMetric,
  serverInfo,
  listLabels,
  labelValues,
  series,
  listRules,
  listAlerts,
  listSilences,
  alertGroups,
  alertmanagerStatus,
  createSilence,
  expireSilence,
  listWorkspaces,
] as readonly Operation[];

/** The operations an ENABLED_TOOLS list allows (all when there is none), in registry order. */
export function enabledOperations(enabled: ReadonlySet<string> | undefined): readonly Operation[] {
  if (enabled === undefined) return REGISTRY;
  const unknown = [...enabled].filter((name) => !REGISTRY.some((op) => op.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `environment variable ENABLED_TOOLS names unknown tools: ${unknown.join(', ')} (known: ${REGISTRY.map((op) => op.name).join(', ')})`,
    );
  }
  return REGISTRY.filter((op) => enabled.has(op.name));
}
