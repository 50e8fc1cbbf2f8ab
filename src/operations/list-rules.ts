import { Integer, Optional, TArray, TBoolean, TNumber, TObject, TString, limit, output, target } from '../shared/schemas';
import { clientFor, compareText, limitedList, warningsOf } from './common';
import { defineOperation } from './types';

/** A rule as /api/v1/rules describes it (Prometheus and AMP alike; AMP sends `lastError: ""` and `labels: {}`). */
export interface PrometheusRule {
  type: string;
  name: string;
  query: string;
  duration?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  health: string;
  lastError?: string;
  state?: string;
  /** An alerting rule's active alerts. */
  alerts?: { labels: Record<string, string> }[];
}

export interface PrometheusRuleGroup {
  name: string;
  file: string;
  rules: PrometheusRule[];
}

/** The `type` argument, as Prometheus' API names it or as answers spell it: the name Prometheus takes. */
const TYPE_PARAMS: Record<string, 'alert' | 'record'> = { alert: 'alert', alerting: 'alert', record: 'record', recording: 'record' };
/** The rule type each keeps. */
const RULE_TYPES = { alert: 'alerting', record: 'recording' } as const;

export const listRules = defineOperation({
  name: 'list_rules',
  description:
    'Recording and alerting rules by group: each query, `for` (seconds) and labels, and broken rules (health "err", ' +
    'lastError). Example: {"type": "alert"}.',
  args: TObject(
    {
      ...target,
      type: Optional(
        TString({ pattern: '^(alert|alerting|record|recording)$', description: 'Only alerting or recording rules.' }),
      ),
      group: Optional(TString({ minLength: 1, maxLength: 1024, description: 'Only this group.' })),
      limit: Optional(limit('rules')),
    },
    { additionalProperties: false },
  ),
  output: output(
    {
      groups: TArray(
        TObject({
          name: TString(),
          file: TString({ description: 'The rule file, or on AMP the rule groups namespace.' }),
          rules: TArray(
            TObject({
              name: TString(),
              type: TString({ description: 'alerting or recording' }),
              query: TString(),
              duration: Optional(TNumber({ description: "An alerting rule's `for`, in seconds." })),
              labels: Optional(TObject({}, { description: 'Label name to value.' })),
              annotations: Optional(TObject({}, { description: 'Annotation name to text.' })),
              health: TString({ description: 'ok, err or unknown (not evaluated yet)' }),
              lastError: Optional(TString()),
              state: Optional(TString({ description: 'inactive, pending or firing' })),
              activeAlerts: Optional(Integer()),
            }),
          ),
        }),
      ),
      total: Integer(),
      truncated: TBoolean(),
    },
    'Rule groups by name, rules by name within each; total counts the matching rules before the limit.',
  ),
  calls: ['rules', 'DescribeWorkspace'],
  async run(args, ctx) {
    const client = await clientFor(args, ctx);
    // Prometheus filters by type itself; the filter is applied again below for servers that ignore it.
    const type = args.type === undefined ? undefined : TYPE_PARAMS[args.type]!;
    const answer = await client.call<{ groups: PrometheusRuleGroup[] }>('rules', type === undefined ? [] : [['type', type]], ctx);
    const wanted = type === undefined ? undefined : RULE_TYPES[type];

    const matching = answer.data.groups
      .filter((group) => args.group === undefined || group.name === args.group)
      .sort((a, b) => compareText(a.name, b.name) || compareText(a.file, b.file))
      .flatMap((group) =>
        group.rules
          .filter((rule) => wanted === undefined || rule.type === wanted)
          .sort((a, b) => compareText(a.name, b.name))
          .map((rule) => ({ group, rule })),
      );
    const list = limitedList(matching, args.limit, 'rules', 'narrow with type or group');

    // Back into groups, in order; a group the filters or the limit emptied is left out.
    const groups: { name: string; file: string; rules: Record<string, unknown>[] }[] = [];
    let current: PrometheusRuleGroup | undefined;
    for (const { group, rule } of list.items) {
      if (group !== current) groups.push({ name: group.name, file: group.file, rules: [] });
      current = group;
      groups.at(-1)!.rules.push(describe(rule));
    }
    return {
      data: { groups, total: list.total, truncated: list.truncated },
      count: list.items.length,
      upstreamBytes: answer.bytes,
      ...(list.notes.length === 0 ? {} : { notes: list.notes }),
      ...warningsOf(answer),
    };
  },
});

/** What a model needs of a rule: evaluation timings and the alerts themselves (list_alerts) left out. */
function describe(rule: PrometheusRule): Record<string, unknown> {
  const alerting = rule.type === 'alerting';
  return {
    name: rule.name,
    type: rule.type,
    query: rule.query,
    ...(alerting ? { duration: rule.duration ?? 0 } : {}),
    ...(isEmpty(rule.labels) ? {} : { labels: rule.labels }),
    ...(isEmpty(rule.annotations) ? {} : { annotations: rule.annotations }),
    health: rule.health,
    ...(rule.lastError === undefined || rule.lastError === '' ? {} : { lastError: rule.lastError }),
    ...(alerting ? { state: rule.state, activeAlerts: rule.alerts?.length ?? 0 } : {}),
  };
}

function isEmpty(record: Record<string, string> | undefined): boolean {
  return record === undefined || Object.keys(record).length === 0;
}
