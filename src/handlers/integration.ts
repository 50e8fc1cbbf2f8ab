import { enabledOperations } from '../operations';
import { config } from '../shared/config';
import { createHandler } from '../shared/handler';

/**
 * The unified interface: routes by the `operation` argument (the seed's backward-
 * compatible router) or, through AgentCore Gateway, by the tool name, among the
 * operations ENABLED_TOOLS allows (all by default).
 */
export const handler = createHandler(enabledOperations(config.enabledTools));
