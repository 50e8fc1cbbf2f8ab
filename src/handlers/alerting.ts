import { alertGroups } from '../operations/alert-groups';
import { alertmanagerStatus } from '../operations/alertmanager-status';
import { createSilence } from '../operations/create-silence';
import { expireSilence } from '../operations/expire-silence';
import { listAlerts } from '../operations/list-alerts';
import { listRules } from '../operations/list-rules';
import { listSilences } from '../operations/list-silences';
import { createHandler } from '../shared/handler';

/**
 * Rules and alerts (/api/v1/rules, /api/v1/alerts) and the Alertmanager (its alerts joined
 * to them, silences, groups, status; silences written only where the deployment allows):
 * routes by the `operation` argument or the gateway tool name.
 */
export const handler = createHandler([listRules, listAlerts, listSilences, alertGroups, alertmanagerStatus, createSilence, expireSilence]);
