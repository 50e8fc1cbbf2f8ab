import { alertText, silenceSummary, type AmAlert, type AmSilence } from '../shared/alertmanager';
import { AppError, NoAlertmanagerError } from '../shared/errors';
import type { PrometheusClient } from '../shared/prometheus-client';
import { Integer, Optional, TArray, TBoolean, TNumber, TObject, TString, limit, output, target } from '../shared/schemas';
import { clientFor, compareText, limitedList, warningsOf } from './common';
import type { OperationContext } from './types';
import type { PrometheusRule, PrometheusRuleGroup } from './list-rules';
import { defineOperation } from './types';

/** An alert as /api/v1/alerts describes it (Prometheus and AMP alike). */
interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
  value: string;
}

export const listAlerts = defineOperation({
  name: 'list_alerts',
  description:
    'Alerts active now, firing or pending (true, not yet for `for`), with labels, annotations, activeAt, value and ' +
    "rule expression, and where there is an Alertmanager its view: suppressed or not, by which silence (who, why, until when) " +
    'or inhibiting alert, to which receivers. Example: {"state": "firing"}.',
  args: TObject(
    {
      ...target,
      state: Optional(TString({ pattern: '^(firing|pending)$', description: 'Only this state.' })),
      limit: Optional(limit('alerts')),
    },
    { additionalProperties: false },
  ),
  output: output(
    {
      alerts: TArray(
        TObject({
          labels: TObject({}, { description: 'Label name to value; alertname names the rule.' }),
          annotations: TObject({}, { description: 'Annotation name to text (summary, description, runbook_url…).' }),
          state: TString({ description: 'firing or pending' }),
          activeAt: TString({ description: 'RFC3339' }),
          value: TString(),
          expression: Optional(TString({ description: "The rule's PromQL expression." })),
          for: Optional(TNumber({ description: "The rule's `for`, in seconds." })),
          group: Optional(TString({ description: "The rule's group." })),
          alertmanager: Optional(
            TObject(
              {
                state: TString({ description: 'active, suppressed or unprocessed' }),
                receivers: TArray(TString()),
                silenced_by: Optional(TArray(TObject({}), { description: 'The silences that mute it: id, matchers, createdBy, comment, endsAt.' })),
                inhibited_by: Optional(TArray(TString(), { description: 'The alerts that inhibit it, as selectors.' })),
              },
              { description: "The Alertmanager's view of the alert; absent where it holds none (pending, or no Alertmanager)." },
            ),
          ),
        }),
      ),
      total: Integer(),
      truncated: TBoolean(),
    },
    'Active alerts, by alertname then labels; total counts the matching alerts before the limit.',
  ),
  calls: ['alerts', 'rules', 'DescribeWorkspace', 'ListAlertManagerAlerts', 'ListAlertManagerSilences'],
  async run(args, ctx) {
    const client = await clientFor(args, ctx);
    // The alerting rules give each alert its expression, `for` and group, and the
    // Alertmanager whether it is muted and by whom: one call for the agent, not four.
    const [answer, rules, am] = await Promise.all([
      client.call<{ alerts: PrometheusAlert[] }>('alerts', [], ctx),
      client.call<{ groups: PrometheusRuleGroup[] }>('rules', [['type', 'alert']], ctx),
      alertmanagerView(client, ctx),
    ]);
    const ruleOf = ruleFinder(rules.data.groups);
    const unmatched = new Set(am.alerts);
    const fromPrometheus = answer.data.alerts.map((alert) => {
      const held = am.alerts.find((a) => unmatched.has(a) && contains(a.labels, alert.labels));
      if (held !== undefined) unmatched.delete(held);
      return {
        labels: alert.labels,
        annotations: alert.annotations,
        state: alert.state,
        activeAt: alert.activeAt,
        value: alert.value,
        ...ruleFields(ruleOf(alert.labels)),
        ...(held === undefined ? {} : { alertmanager: am.describe(held) }),
      };
    });
    // What the Alertmanager holds that this Prometheus' rules did not fire (another
    // Prometheus', or resolved here but not yet there): firing as far as it knows.
    const fromAlertmanager = [...unmatched].map((alert) => ({
      labels: alert.labels,
      annotations: alert.annotations,
      state: 'firing',
      activeAt: alert.startsAt,
      ...ruleFields(ruleOf(alert.labels)),
      alertmanager: am.describe(alert),
    }));
    const matching = [...fromPrometheus, ...fromAlertmanager]
      .filter((alert) => args.state === undefined || alert.state === args.state)
      .map((alert) => ({ alert, key: sortKey(alert.labels) }))
      .sort((a, b) => compareText(a.key, b.key))
      .map(({ alert }) => alert);
    const list = limitedList(matching, args.limit, 'alerts', 'narrow with state');
    return {
      data: { alerts: list.items, total: list.total, truncated: list.truncated },
      count: list.items.length,
      upstreamBytes: answer.bytes + rules.bytes + am.bytes,
      ...(list.notes.length === 0 ? {} : { notes: list.notes }),
      ...(am.remark === undefined ? {} : { remarks: [am.remark] }),
      ...warningsOf(answer),
    };
  },
});

/** Whether an Alertmanager alert is a Prometheus alert: it carries every one of its labels (and maybe external ones). */
function contains(held: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([name, value]) => held[name] === value);
}

interface AlertmanagerView {
  alerts: AmAlert[];
  /** The size of the Alertmanager's answers, weighed with Prometheus' against the budget. */
  bytes: number;
  describe(alert: AmAlert): Record<string, unknown>;
  /** Why the Alertmanager's view is missing, where it failed (not where there is none). */
  remark?: string;
}

/**
 * The Alertmanager's alerts and silences, where there is one: none (no definition, no
 * ALERTMANAGER_URL) leaves the answer as Prometheus gives it; a failure (a denied action,
 * a timeout) is said in a remark, and the alerts are still answered.
 */
async function alertmanagerView(client: PrometheusClient, ctx: OperationContext): Promise<AlertmanagerView> {
  const none: AlertmanagerView = { alerts: [], bytes: 0, describe: () => ({}) };
  if (!client.hasAlertmanager) return none;
  let alerts: { data: AmAlert[]; bytes: number };
  let silences: { data: AmSilence[]; bytes: number };
  try {
    [alerts, silences] = await Promise.all([
      client.alertmanager<AmAlert[]>('ListAlertManagerAlerts', ctx),
      client.alertmanager<AmSilence[]>('ListAlertManagerSilences', ctx),
    ]);
  } catch (error) {
    if (error instanceof NoAlertmanagerError) return none;
    if (error instanceof AppError) return { ...none, remark: `the Alertmanager's view is missing: ${error.message}` };
    throw error;
  }
  const silenceById = new Map(silences.data.map((s) => [s.id, s]));
  const byFingerprint = new Map(alerts.data.map((a) => [a.fingerprint, a]));
  return {
    alerts: alerts.data,
    bytes: alerts.bytes + silences.bytes,
    describe: (alert) => ({
      state: alert.status.state,
      receivers: alert.receivers.map((r) => r.name),
      ...(alert.status.silencedBy.length === 0
        ? {}
        : {
            silenced_by: alert.status.silencedBy.map((id) => {
              const silence = silenceById.get(id);
              if (silence === undefined) return { id };
              const { state: _state, startsAt: _startsAt, ...summary } = silenceSummary(silence);
              return summary;
            }),
          }),
      ...(alert.status.inhibitedBy.length === 0
        ? {}
        : { inhibited_by: alert.status.inhibitedBy.map((fingerprint) => { const by = byFingerprint.get(fingerprint); return by === undefined ? fingerprint : alertText(by.labels); }) }),
    }),
  };
}

/**
 * The alert name, then every label in name order; a separator below any printable
 * character keeps `a` before `ab` whatever follows.
 */
function sortKey(labels: Record<string, string>): string {
  const rest = Object.keys(labels)
    .sort()
    .map((name) => `${name}\u0001${labels[name]}`);
  return [labels.alertname ?? '', ...rest].join('\u0000');
}

interface FoundRule {
  group: string;
  rule: PrometheusRule;
}

/**
 * The rule behind an alert, by its labels: the rule whose active alerts have exactly these
 * (several rules may share a name), else the only alerting rule of its name (an alert that
 * became active between the two calls); undefined when neither tells.
 */
function ruleFinder(groups: PrometheusRuleGroup[]): (labels: Record<string, string>) => FoundRule | undefined {
  const byAlert = new Map<string, FoundRule>();
  const byName = new Map<string, FoundRule[]>();
  for (const group of groups) {
    for (const rule of group.rules) {
      if (rule.type !== 'alerting') continue;
      const found = { group: group.name, rule };
      byName.set(rule.name, [...(byName.get(rule.name) ?? []), found]);
      for (const alert of rule.alerts ?? []) byAlert.set(sortKey(alert.labels), found);
    }
  }
  return (labels) => {
    const named = byName.get(labels.alertname ?? '') ?? [];
    return byAlert.get(sortKey(labels)) ?? (named.length === 1 ? named[0] : undefined);
  };
}

function ruleFields(found: FoundRule | undefined): Record<string, unknown> {
  return found === undefined ? {} : { expression: found.rule.query, for: found.rule.duration ?? 0, group: found.group };
}
