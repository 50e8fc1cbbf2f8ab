import { Optional, target, TBoolean, TObject, TString } from '../shared/schemas';
import { listAlerts } from '../operations/list-alerts';
import { listRules } from '../operations/list-rules';
import { defineTool, without } from './types';

/** What alerts: the alerts active now (list_alerts), or every rule (list_rules, whose type, group and limit pass through). */
export const alertsTool = defineTool({
  name: 'alerts',
  description:
    "Alerts firing or pending now, each with its rule's expression and value. `rules`: true: every rule (recording too) by group, with health and lastError.",
  args: TObject({
    ...target,
    state: Optional(TString({ pattern: '^(firing|pending)$' })),
    rules: Optional(TBoolean()),
  }),
  operations: [listAlerts, listRules],
  route(args) {
    if (args.rules === true) return { operation: listRules.name, args: without(args, 'rules') };
    return { operation: listAlerts.name, args: without(args, 'rules') };
  },
});
