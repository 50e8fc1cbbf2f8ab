/**
 * Every call an operation can make upstream, and the IAM action AMP authorises it with
 * (the Service Authorization Reference for Amazon Managed Service for Prometheus):
 * the Prometheus-compatible endpoints of a workspace, and AMP's control plane.
 *
 * Each operation declares the calls it makes (hints included); its IAM actions, and so
 * each function's role in template.yaml, follow from these alone. The client refuses a
 * call its operation did not declare, so a declaration cannot fall behind the code.
 */
export const CALL_ACTIONS = {
  query: 'aps:QueryMetrics',
  query_range: 'aps:QueryMetrics',
  labels: 'aps:GetLabels',
  'label/values': 'aps:GetLabels',
  series: 'aps:GetSeries',
  metadata: 'aps:GetMetricMetadata',
  rules: 'aps:ListRules',
  alerts: 'aps:ListAlerts',
  // A self-managed Prometheus' build information (PROMETHEUS_URL only): AMP has no such endpoint.
  'status/buildinfo': undefined,
  DescribeWorkspace: 'aps:DescribeWorkspace',
  ListWorkspaces: 'aps:ListWorkspaces',
} as const satisfies Record<string, string | undefined>;

export type Call = keyof typeof CALL_ACTIONS;

/**
 * The same calls on CloudWatch PromQL, with the actions its user guide's table "IAM
 * permissions for PromQL" names (on `*`: CloudWatch has no resource type for them). A
 * query needs both GetMetricData and ListMetrics. CloudWatch serves only these five
 * endpoints: no metadata, rules, alerts or status (undefined: the client refuses them
 * before any call, naming the alternative), and no workspaces to describe or list.
 */
export const CLOUDWATCH_CALL_ACTIONS = {
  query: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
  query_range: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
  labels: ['cloudwatch:ListMetrics'],
  'label/values': ['cloudwatch:ListMetrics'],
  series: ['cloudwatch:ListMetrics'],
  metadata: undefined,
  rules: undefined,
  alerts: undefined,
  'status/buildinfo': undefined,
  DescribeWorkspace: undefined,
  ListWorkspaces: undefined,
} as const satisfies Record<Call, readonly string[] | undefined>;

/** The call a Prometheus API path (after `/api/v1/`) is: `label/job/values` is `label/values`. */
export function callOf(endpoint: string): Call | undefined {
  const key = /^label\/[^/]+\/values$/.test(endpoint) ? 'label/values' : endpoint;
  return Object.hasOwn(CALL_ACTIONS, key) ? (key as Call) : undefined;
}

/** The IAM actions a list of calls needs, once each, in the order first needed. */
export function actionsFor(calls: readonly Call[]): string[] {
  return [...new Set(calls.flatMap((call) => CALL_ACTIONS[call] ?? []))];
}

/** The CloudWatch actions a list of calls needs where the deployment enables CloudWatch PromQL, once each. */
export function cloudWatchActionsFor(calls: readonly Call[]): string[] {
  return [...new Set(calls.flatMap((call) => CLOUDWATCH_CALL_ACTIONS[call] ?? []))];
}

/** Whether CloudWatch PromQL serves the call. */
export function servedByCloudWatch(call: Call): boolean {
  return CLOUDWATCH_CALL_ACTIONS[call] !== undefined;
}
