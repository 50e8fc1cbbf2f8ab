import { listAlerts } from '../operations/list-alerts';
import { listRules } from '../operations/list-rules';
import { createHandler } from '../shared/handler';

/** Rules and alerts (/api/v1/rules, /api/v1/alerts): routes by the `operation` argument or the gateway tool name. */
export const handler = createHandler([listRules, listAlerts]);
