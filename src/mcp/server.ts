import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'aws-lambda';
import { handler as route } from '../handlers/integration';
import type { Envelope } from '../shared/responses';
import { toolDefinitions } from '../shared/tools';
import { enabledOperations } from '../operations';
import { config } from '../shared/config';

/**
 * The local MCP server: the same tools as the gateway, with the same schemas
 * (tools.ts), each call going through the router handler exactly as AgentCore
 * Gateway's calls do (flat arguments, tool name in the client context). Transports
 * (stdio, streamable HTTP) are wired in scripts/mcp.ts.
 */

const TOOL_TIMEOUT_MS = 60_000;

export function createMcpServer(): Server {
  const server = new Server({ name: 'prometheus-tools', version: '1.0.0' }, { capabilities: { tools: {} } });
  const tools = toolDefinitions(enabledOperations(config.enabledTools));

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    const envelope = (await route(args ?? {}, toolContext(name))) as Envelope;
    // MCP 2025-06-18 structured results: the envelope as data (it matches the tool's
    // outputSchema), and as text for clients that read only text.
    return {
      content: [{ type: 'text', text: JSON.stringify(envelope) }],
      structuredContent: envelope as unknown as Record<string, unknown>,
      isError: envelope.status === 'error',
    };
  });
  return server;
}

let calls = 0;

/** A Lambda-like context carrying the tool name, as the gateway passes it. */
function toolContext(toolName: string): Context {
  const deadline = Date.now() + TOOL_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'prometheus-tools-mcp',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:prometheus-tools-mcp',
    memoryLimitInMB: '512',
    awsRequestId: `mcp-${process.pid}-${++calls}`,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    clientContext: { client: {} as never, env: {} as never, custom: { bedrockAgentCoreToolName: `local___${toolName}` } },
  };
}
