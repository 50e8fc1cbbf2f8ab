import { createHandler } from '../shared/handler';

/**
 * The unified interface: routes by the `operation` argument (the seed's backward-
 * compatible router) or, through AgentCore Gateway, by the tool name.
 */
export const handler = createHandler();
