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
  // The workspace's Alertmanager (AMP's "Prometheus-compatible APIs", v2 under /alertmanager/api/v2):
  // named as AMP names them, since the method, not the path alone, says which (GET or POST silences).
  ListAlertManagerAlerts: 'aps:ListAlertManagerAlerts',
  ListAlertManagerAlertGroups: 'aps:ListAlertManagerAlertGroups',
  ListAlertManagerReceivers: 'aps:ListAlertManagerReceivers',
  ListAlertManagerSilences: 'aps:ListAlertManagerSilences',
  GetAlertManagerSilence: 'aps:GetAlertManagerSilence',
  GetAlertManagerStatus: 'aps:GetAlertManagerStatus',
  PutAlertManagerSilences: 'aps:PutAlertManagerSilences',
  DeleteAlertManagerSilence: 'aps:DeleteAlertManagerSilence',
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
  ListAlertManagerAlerts: undefined,
  ListAlertManagerAlertGroups: undefined,
  ListAlertManagerReceivers: undefined,
  ListAlertManagerSilences: undefined,
  GetAlertManagerSilence: undefined,
  GetAlertManagerStatus: undefined,
  PutAlertManagerSilences: undefined,
  DeleteAlertManagerSilence: undefined,
} as const satisfies Record<Call, readonly string[] | undefined>;

/** The Alertmanager's calls: each one's method and path under `/api/v2/` (`{id}`: a silence's). */
export const ALERTMANAGER_CALLS = {
  ListAlertManagerAlerts: { method: 'GET', path: 'alerts' },
  ListAlertManagerAlertGroups: { method: 'GET', path: 'alerts/groups' },
  ListAlertManagerReceivers: { method: 'GET', path: 'receivers' },
  ListAlertManagerSilences: { method: 'GET', path: 'silences' },
  GetAlertManagerSilence: { method: 'GET', path: 'silence/{id}' },
  GetAlertManagerStatus: { method: 'GET', path: 'status' },
  PutAlertManagerSilences: { method: 'POST', path: 'silences' },
  DeleteAlertManagerSilence: { method: 'DELETE', path: 'silence/{id}' },
} as const satisfies Partial<Record<Call, { method: string; path: string }>>;

export type AlertmanagerCall = keyof typeof ALERTMANAGER_CALLS;

/** The calls that change something: their actions are granted only where the deployment allows writes (AllowSilences). */
export const WRITE_CALLS: readonly Call[] = ['PutAlertManagerSilences', 'DeleteAlertManagerSilence'];

/** The call a Prometheus API path (after `/api/v1/`) is: `label/job/values` is `label/values`. */
export function callOf(endpoint: string): Call | undefined {
  const key = /^label\/[^/]+\/values$/.test(endpoint) ? 'label/values' : endpoint;
  return Object.hasOwn(CALL_ACTIONS, key) ? (key as Call) : undefined;
}

/** The IAM actions a list of calls needs to read, once each, in the order first needed (writes: writeActionsFor). */
export function actionsFor(calls: readonly Call[]): string[] {
  return [...new Set(calls.filter((call) => !WRITE_CALLS.includes(call)).flatMap((call) => CALL_ACTIONS[call] ?? []))];
}

/** The IAM actions of the calls that write, granted only under the template's SilencesAllowed condition. */
export function writeActionsFor(calls: readonly Call[]): string[] {
  return [...new Set(calls.filter((call) => WRITE_CALLS.includes(call)).flatMap((call) => CALL_ACTIONS[call] ?? []))];
}

/** The CloudWatch actions a list of calls needs where the deployment enables CloudWatch PromQL, once each. */
export function cloudWatchActionsFor(calls: readonly Call[]): string[] {
  return [...new Set(calls.flatMap((call) => CLOUDWATCH_CALL_ACTIONS[call] ?? []))];
}

/** Whether CloudWatch PromQL serves the call. */
export function servedByCloudWatch(call: Call): boolean {
  return CLOUDWATCH_CALL_ACTIONS[call] !== undefined;
}
