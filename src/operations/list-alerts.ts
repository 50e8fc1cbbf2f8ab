import { Integer, Optional, TArray, TBoolean, TNumber, TObject, TString, limit, output, target } from '../shared/schemas';
import { clientFor, compareText, limitedList, warningsOf } from './common';
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
    'rule expression: what is wrong now. Example: {"state": "firing"}.',
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
        }),
      ),
      total: Integer(),
      truncated: TBoolean(),
    },
    'Active alerts, by alertname then labels; total counts the matching alerts before the limit.',
  ),
  calls: ['alerts', 'rules', 'DescribeWorkspace'],
  async run(args, ctx) {
    const client = await clientFor(args, ctx);
    // The alerting rules give each alert its expression, `for` and group: no second call for the agent.
    const [answer, rules] = await Promise.all([
      client.call<{ alerts: PrometheusAlert[] }>('alerts', [], ctx),
      client.call<{ groups: PrometheusRuleGroup[] }>('rules', [['type', 'alert']], ctx),
    ]);
    const ruleOf = ruleFinder(rules.data.groups);
    const matching = answer.data.alerts
      .filter((alert) => args.state === undefined || alert.state === args.state)
      .map((alert) => ({ alert, key: sortKey(alert.labels) }))
      .sort((a, b) => compareText(a.key, b.key))
      .map(({ alert }) => ({
        labels: alert.labels,
        annotations: alert.annotations,
        state: alert.state,
        activeAt: alert.activeAt,
        value: alert.value,
        ...ruleFields(ruleOf(alert.labels)),
      }));
    const list = limitedList(matching, args.limit, 'alerts', 'narrow with state');
    return {
      data: { alerts: list.items, total: list.total, truncated: list.truncated },
      count: list.items.length,
      upstreamBytes: answer.bytes + rules.bytes,
      ...(list.notes.length === 0 ? {} : { notes: list.notes }),
      ...warningsOf(answer),
    };
  },
});

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
