/**
 * The tools of the earlier, one-tool-per-operation list, and the call now made instead: an
 * agent (or a configuration) that names one gets that in its error. No operation is
 * imported here: every function's handler may load it.
 */
export const REPLACED: Readonly<Record<string, string>> = {
  range_query: 'query with start (and end, step)',
  list_metrics: 'discover (search, or top for the metrics with most series)',
  describe_metric: 'discover with metric',
  list_labels: 'discover with labels: true',
  label_values: 'discover with label',
  series: 'discover with series: true and match',
  list_rules: 'alerts with rules: true',
  list_alerts: 'alerts',
  list_workspaces: 'server_info with workspaces: true',
};

/** For an old tool name, what to call instead; undefined for any other name. */
export function replacedBy(name: string): string | undefined {
  return Object.hasOwn(REPLACED, name) ? `${name} is now ${REPLACED[name]}` : undefined;
}

