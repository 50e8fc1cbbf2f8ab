import { config } from '../shared/config';
import { createHandler } from '../shared/handler';
import { enabledTools, operationsOf } from '../tools';

/**
 * The unified interface: routes by the `operation` argument (the seed's backward-
 * compatible router) or, on a tool call (AgentCore Gateway, the local MCP server), by the
 * tool and its arguments, among the tools ENABLED_TOOLS allows (all by default) and the
 * operations behind them.
 */
const tools = enabledTools(config.enabledTools);
export const handler = createHandler(operationsOf(tools), tools);
