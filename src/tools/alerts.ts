import { Optional, target, TObject, TString } from '../shared/schemas';
import { alertGroups } from '../operations/alert-groups';
import { alertmanagerStatus } from '../operations/alertmanager-status';
import { listAlerts } from '../operations/list-alerts';
import { listRules } from '../operations/list-rules';
import { listSilences } from '../operations/list-silences';
import { defineTool, without } from './types';

/** What `show` asks for instead of the alerts, and the operation that answers it. */
const SHOWN = { rules: listRules, silences: listSilences, groups: alertGroups, status: alertmanagerStatus } as const;

/**
 * What alerts, and who knows: the alerts active now with the Alertmanager's view of each
 * (list_alerts), or every rule (list_rules), the silences (list_silences), the notification
 * groups (alert_groups), the Alertmanager's status (alertmanager_status). Their other
 * arguments (type, group, limit) pass through.
 */
export const alertsTool = defineTool({
  name: 'alerts',
  description:
    "Alerts now, with each rule's expression and value and the Alertmanager's view (silenced by whom, why, until when; inhibited; receivers). " +
    '`show`: rules, silences (`expired`: true adds old ones), groups or status instead.',
  args: TObject({
    ...target,
    state: Optional(TString({ pattern: '^(firing|pending)$' })),
    show: Optional(TString({ pattern: '^(rules|silences|groups|status)$' })),
  }),
  operations: [listAlerts, listRules, listSilences, alertGroups, alertmanagerStatus],
  route(args) {
    if (args.show === undefined) return { operation: listAlerts.name, args };
    const operation = SHOWN[args.show as keyof typeof SHOWN];
    // An unknown value is the operation's to refuse: list_alerts names show among its fields.
    return { operation: (operation ?? listAlerts).name, args: operation === undefined ? args : without(args, 'show') };
  },
});
