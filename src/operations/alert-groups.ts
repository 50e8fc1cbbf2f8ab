import { alertText, type AmAlertGroup } from '../shared/alertmanager';
import { Integer, Optional, TArray, TBoolean, TObject, TString, limit, output, target } from '../shared/schemas';
import { clientFor, limitedList } from './common';
import { defineOperation } from './types';

export const alertGroups = defineOperation({
  name: 'alert_groups',
  description:
    "The Alertmanager's notification groups: each group's labels, its receiver, and its alerts with their state (active or " +
    'suppressed). Example: {}.',
  args: TObject({ ...target, limit: Optional(limit('groups')) }, { additionalProperties: false }),
  output: output(
    {
      groups: TArray(
        TObject({
          labels: TObject({}, { description: 'The labels the route groups by.' }),
          receiver: TString(),
          alerts: TArray(TObject({ alert: TString({ description: 'The alert as a selector.' }), state: TString() })),
        }),
      ),
      total: Integer(),
      truncated: TBoolean(),
    },
    'Notification groups, as the Alertmanager orders them.',
  ),
  calls: ['DescribeWorkspace', 'ListAlertManagerAlertGroups'],
  async run(args, ctx) {
    const client = await clientFor(args, ctx);
    const { data: groups, bytes } = await client.alertmanager<AmAlertGroup[]>('ListAlertManagerAlertGroups', ctx);
    const shaped = groups.map((g) => ({
      labels: g.labels,
      receiver: g.receiver.name,
      alerts: g.alerts.map((a) => ({ alert: alertText(a.labels), state: a.status.state })),
    }));
    const list = limitedList(shaped, args.limit, 'groups', 'raise limit');
    return {
      data: { groups: list.items, total: list.total, truncated: list.truncated },
      count: list.items.length,
      upstreamBytes: bytes,
      ...(list.notes.length === 0 ? {} : { notes: list.notes }),
    };
  },
});
