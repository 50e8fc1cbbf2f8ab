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
  list_rules: "alerts with show: 'rules'",
  list_alerts: 'alerts',
  list_workspaces: 'server_info with workspaces: true',
};

/** For an old tool name, what to call instead; undefined for any other name. */
export function replacedBy(name: string): string | undefined {
  return Object.hasOwn(REPLACED, name) ? `${name} is now ${REPLACED[name]}` : undefined;
}


/** The tool call that runs an operation: its tool, and the mode arguments that choose it. */
export const TOOL_CALL: Readonly<Record<string, { tool: string; args: Record<string, unknown> }>> = {
  query: { tool: 'query', args: {} },
  range_query: { tool: 'query', args: {} },
  list_metrics: { tool: 'discover', args: {} },
  describe_metric: { tool: 'discover', args: {} },
  list_labels: { tool: 'discover', args: { labels: true } },
  label_values: { tool: 'discover', args: {} },
  series: { tool: 'discover', args: { series: true } },
  list_rules: { tool: 'alerts', args: { show: 'rules' } },
  list_alerts: { tool: 'alerts', args: {} },
  server_info: { tool: 'server_info', args: {} },
  list_workspaces: { tool: 'server_info', args: { workspaces: true } },
  list_silences: { tool: 'alerts', args: { show: 'silences' } },
  alert_groups: { tool: 'alerts', args: { show: 'groups' } },
  alertmanager_status: { tool: 'alerts', args: { show: 'status' } },
  create_silence: { tool: 'silence', args: {} },
  expire_silence: { tool: 'silence', args: {} },
};

/** An operation's call as a tool call: `{operation: 'label_values', label: 'job'}` is discover with label. */
export function asToolCall(operation: string, args: Record<string, unknown>): { tool: string; args: Record<string, unknown> } {
  const call = TOOL_CALL[operation];
  if (call === undefined) throw new Error(`no tool runs the operation ${operation}`);
  // The silence tool names the silence to expire `expire`; the operation, `id`.
  if (operation === 'expire_silence') {
    const { id, ...rest } = args;
    return { tool: call.tool, args: { ...rest, expire: id } };
  }
  return { tool: call.tool, args: { ...call.args, ...args } };
}
