import { ProtocolError, ProtocolErrorCode, Server, type CallToolResult, type Tool } from '@modelcontextprotocol/server';
import type { Context } from 'aws-lambda';
import { toolText, type Envelope } from '../shared/responses';
import { QUERY_VIEW_RESOURCE, readQueryView, VIEW_META, VIEW_TOOLS } from './app';
import { replacedBy } from '../tools/replaced';
import { config } from '../shared/config';
import { toolDefinitionsFor } from '../shared/tools';
import TOOLS from '../../tools.json';

/**
 * The local MCP server: the same tools as the gateway, with the same input schemas
 * (tools.ts, written to tools.json, trimmed at start to the deployment) and, here only, output schemas and structured
 * results (the gateway is not documented to return them). Each call goes through the
 * router handler exactly as AgentCore Gateway's calls do (flat arguments, tool name in
 * the client context).
 * One factory serves both protocol revisions, 2025-11-25 (initialize) and 2026-07-28
 * (stateless, server/discover): the transports in scripts/mcp.ts and http.ts pick the
 * era per connection or per request and call it for a fresh instance.
 *
 * The low-level Server rather than McpServer: the tools are JSON Schemas from the
 * registry, and their arguments are validated by the handlers, whose errors are
 * envelopes an agent can act on (McpServer would answer with its own validation error).
 *
 * A start (spawn to a first tools/list) loads only the SDK and this file: the tool list
 * is tools.json, which `npm run tools` writes from the registry (a test holds it up to
 * date), and the router, whose import brings every operation's code, the loggers and
 * the SigV4 signer, is imported by the first call (in the bundle, from a file of its
 * own: scripts/build-mcp.mjs).
 */

const TOOL_TIMEOUT_MS = 60_000;

/**
 * What every tool shares, said once (MCP `instructions`); each tool's description and
 * arguments have only their own. Kept short: hosts put it in the model's context with
 * the tool list (a test holds both together to 2,000 tokens, this to 250).
 */
export const INSTRUCTIONS =
  'Prometheus metrics: discover what exists, query it with PromQL, alerts for what fires. Times: RFC3339, Unix ' +
  'seconds or a duration ago (1h). A cut answer has a note on narrowing; an empty one, hints. query also ' +
  'takes max_series, max_points, precision (digits, default 4).';

/**
 * 2026-07-28 cache hints: the tool list and the discover answer change only when the
 * server restarts with another ENABLED_TOOLS, and are the same for every caller (no
 * principal in them), so any cache may keep them for an hour.
 */
const LIST_CACHE = { ttlMs: 3_600_000, cacheScope: 'public' } as const;

/**
 * Built once per process (an HTTP server builds a Server per request); every input schema
 * is an object's. tools.json is the full list; what cannot apply to this deployment
 * (toolDefinitionsFor: workspaces and AMP's guardrails with PROMETHEUS_URL, workspace_id
 * with one workspace, the silence tool unless ALLOW_SILENCES) is left out, after
 * ENABLED_TOOLS is checked against the full list. Each tool's MCP annotations (hints for the
 * host, which may skip asking before a read-only call) come with it from tools.json
 * (src/shared/tools.ts says what they are); the model is not given them.
 */
const tools = toolDefinitionsFor(config, enabledTools(TOOLS as unknown as Tool[], config.enabledTools)).map((tool) =>
  // The query tool links its MCP App (./app.ts): for hosts, in _meta, which a model is not given.
  VIEW_TOOLS.has(tool.name) ? { ...tool, _meta: VIEW_META } : tool,
);
const outputSchemas = new Map(tools.map((tool) => [tool.name, tool.outputSchema]));
const listed = tools.map((tool) => tool.name).join(', ');
let router: Promise<typeof import('../handlers/integration')> | undefined;

export function createMcpServer(): Server {
  const server = new Server(
    { name: 'prometheus-tools', version: '1.0.0' },
    {
      // resources: the query tool's MCP App, its one ui:// page.
      capabilities: { tools: {}, resources: {} },
      instructions: INSTRUCTIONS,
      cacheHints: { 'tools/list': LIST_CACHE, 'server/discover': LIST_CACHE, 'resources/list': LIST_CACHE },
    },
  );

  server.setRequestHandler('tools/list', () => ({ tools }));
  server.setRequestHandler('resources/list', () => ({ resources: [QUERY_VIEW_RESOURCE] }));
  server.setRequestHandler('resources/read', (request) => {
    if (request.params.uri !== QUERY_VIEW_RESOURCE.uri) {
      // The specification's error for a resource the server does not have.
      throw new ProtocolError(-32002 as ProtocolErrorCode, `Resource not found: ${request.params.uri}`, { uri: request.params.uri });
    }
    return readQueryView();
  });
  server.setRequestHandler('tools/call', async (request): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    // A tool this deployment does not list (unknown, left out by ENABLED_TOOLS, or one that
    // cannot apply, such as list_workspaces with PROMETHEUS_URL) is not callable: the MCP
    // specification (tools, Error Handling) answers an unknown tool with a JSON-RPC error,
    // -32602 Invalid params, not a tool result.
    if (!outputSchemas.has(name)) {
      const instead = replacedBy(name);
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `${instead === undefined ? `Unknown tool: ${name}.` : `Unknown tool: ${instead}.`} tools/list lists the ones this server has: ${listed}`,
      );
    }
    const { handler: route } = await (router ??= import('../handlers/integration'));
    const envelope = (await route(args ?? {}, toolContext(name))) as Envelope;
    // Structured results: the envelope as data (it matches the tool's outputSchema), and as
    // text what the model reads: the data alone, or the error's message (toolText); isError
    // says which. Projected for the connection's revision.
    return server.projectCallToolResult(
      {
        content: [{ type: 'text', text: toolText(envelope) }],
        structuredContent: envelope as unknown as Record<string, unknown>,
        isError: envelope.status === 'error',
      },
      outputSchemas.get(name),
    );
  });
  return server;
}

/** As the router reads ENABLED_TOOLS, failing at start on a name it does not know. */
function enabledTools(all: Tool[], enabled: ReadonlySet<string> | undefined): Tool[] {
  const unknown = [...(enabled ?? [])].filter((name) => !all.some((tool) => tool.name === name));
  if (unknown.length > 0) {
    const why = unknown.map((name) => replacedBy(name) ?? name).join('; ');
    throw new Error(`environment variable ENABLED_TOOLS names unknown tools: ${why} (tools: ${all.map((tool) => tool.name).join(', ')})`);
  }
  return all.filter((tool) => enabled?.has(tool.name) ?? true);
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
    // envelope: the whole envelope back (for structuredContent), not the gateway's data alone.
    clientContext: { client: {} as never, env: {} as never, custom: { bedrockAgentCoreToolName: `local___${toolName}`, envelope: true } },
  };
}
