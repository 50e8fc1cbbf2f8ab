import { Optional, target, TObject, TString } from '../shared/schemas';
import { alertGroups } from '../operations/alert-groups';
import { alertmanagerStatus } from '../operations/alertmanager-status';
import { listAlerts } from '../operations/list-alerts';
import { listRules } from '../operations/list-rules';
import { listSilences } from '../operations/list-silences';
import { ValidationError } from '../shared/errors';
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
    const operation = typeof args.show === 'string' && Object.hasOwn(SHOWN, args.show) ? SHOWN[args.show as keyof typeof SHOWN] : undefined;
    if (operation === undefined) throw new ValidationError(`field 'show' must be one of ${Object.keys(SHOWN).join(', ')} (or left out, for the alerts)`);
    return { operation: operation.name, args: without(args, 'show') };
  },
});
