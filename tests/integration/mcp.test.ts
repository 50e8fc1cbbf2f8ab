import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport, type StdioServerParameters } from '@modelcontextprotocol/client/stdio';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as LegacyStdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as LegacyHttpClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ACTIVE_ALERTS, ALL_METRICS, RULE_GROUPS, SYSTEM_CPU_RATE, SYSTEM_CPU_RATE_SAMPLES, T0, UP_AT_T0, UP_AT_T0_SAMPLES } from '../fixtures/expected';
import { FIXTURE_END, FIXTURE_START } from '../fixtures/dataset';
import { VIEW_META } from '../../src/mcp/app';
import { INSTRUCTIONS } from '../../src/mcp/server';
import { loadConfig } from '../../src/shared/config';
import { toolDefinitionsFor, type ToolDefinition } from '../../src/shared/tools';
import { toolText, type Envelope } from '../../src/shared/responses';
import type { AmpFront } from '../support/amp-front';
import { functionEnv, startTestFront } from '../support/harness';
import { MCP_BUNDLE, startMcpHttp } from '../support/mcp-http';

/**
 * The local MCP server as `npm run build` bundles it (dist/prometheus-tools-mcp.js),
 * driven over stdio and over streamable HTTP by real clients of both protocol revisions
 * it speaks: a 2025-11-25 client (the 1.x SDK's, which opens with `initialize`) and a
 * 2026-07-28 client (the 2.x SDK's, negotiating with `server/discover`, then stateless),
 * against the real Prometheus through the SigV4-checking front, each expecting the same
 * answers; the HTTP server's guards against web pages (Host and Origin) and other
 * machines (the bearer token) under both revisions; and the 2026-07-28 headers.
 */

const ROOT = path.join(__dirname, '..', '..');
const BUNDLE = MCP_BUNDLE;
/** tools.json as the server trims it for its deployment (a PROMETHEUS_URL): no workspaces, no AMP guardrails. */
const TOOLS = toolDefinitionsFor(
  loadConfig({ ...process.env, ...functionEnv('integration'), PROMETHEUS_URL: 'http://127.0.0.1/' }),
  JSON.parse(readFileSync(path.join(ROOT, 'tools.json'), 'utf8')) as ToolDefinition[],
);
/** Every tool listed here is read-only and reads a Prometheus outside the server (MCP tool annotations). */
const ANNOTATIONS = { readOnlyHint: true, openWorldHint: true };
/** The tools as listed: read-only, and the query tool linking its MCP App. */
const LISTED = TOOLS.map((t) => ({ ...t, annotations: ANNOTATIONS, ...(t.name === 'query' ? { _meta: VIEW_META } : {}) }));
/** What list_metrics says of its default window, the last hour. */
const RECENT_WINDOW = 'the last 1h (default): pass start, e.g. 30d, for older data';
let front: AmpFront;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error('no dist/prometheus-tools-mcp.js: run `npm run build` (or `npm run build:mcp`) first');
  front = await startTestFront();
});
afterAll(async () => front.stop());

const serverEnv = (env: Record<string, string> = {}) => {
  // The MCP server runs the router's code, so it signs with the router's role.
  const base: Record<string, string> = { ...(process.env as Record<string, string>), ...functionEnv('integration'), PROMETHEUS_URL: front.workspaceUrl, POWERTOOLS_LOG_LEVEL: 'SILENT' };
  delete base.MCP_AUTH_TOKEN;
  return { ...base, ...env };
};

/** What the tests ask of a client, whichever SDK it is from. */
interface McpClient {
  listTools(): Promise<{ tools: { name: string; description?: string; inputSchema: unknown; outputSchema?: unknown; annotations?: unknown; _meta?: unknown }[] }>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<{ content?: unknown; structuredContent?: unknown; isError?: boolean }>;
  getInstructions(): string | undefined;
  close(): Promise<void>;
}

interface Connected {
  client: McpClient;
  /** The protocol revision the client settled on with the server. */
  negotiated: string | undefined;
}

/** A 1.x stdio transport that keeps the version the initialize handshake settled on (the 1.x client tells only its transport). */
class RecordingStdioTransport extends LegacyStdioClientTransport {
  protocolVersion?: string;
  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }
}

const CLIENT_INFO = { name: 'prometheus-tools-test', version: '1.0.0' };

/** A client of each revision the server speaks, and how it connects. */
const REVISIONS = [
  {
    revision: '2025-11-25',
    client: '@modelcontextprotocol/sdk 1.x, initialize',
    async stdio(params: StdioServerParameters): Promise<Connected> {
      const transport = new RecordingStdioTransport(params);
      const client = new LegacyClient(CLIENT_INFO);
      await client.connect(transport);
      return { client: client as McpClient, negotiated: transport.protocolVersion };
    },
    async http(url: URL, headers: Record<string, string> = {}): Promise<Connected> {
      const transport = new LegacyHttpClientTransport(url, { requestInit: { headers } });
      const client = new LegacyClient(CLIENT_INFO);
      await client.connect(transport);
      return { client: client as McpClient, negotiated: transport.protocolVersion };
    },
  },
  {
    revision: '2026-07-28',
    client: '@modelcontextprotocol/client 2.x, server/discover',
    // 'auto' probes with server/discover and falls back to initialize unless the server
    // answers as a 2026-07-28 server: the negotiated revision says which it did.
    async stdio(params: StdioServerParameters): Promise<Connected> {
      const client = new Client(CLIENT_INFO, { versionNegotiation: { mode: 'auto' } });
      await client.connect(new StdioClientTransport(params));
      return { client, negotiated: client.getNegotiatedProtocolVersion() };
    },
    async http(url: URL, headers: Record<string, string> = {}): Promise<Connected> {
      const client = new Client(CLIENT_INFO, { versionNegotiation: { mode: 'auto' } });
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
      return { client, negotiated: client.getNegotiatedProtocolVersion() };
    },
  },
];

/**
 * A tool call; the SDK client checks the structured result against the tool's outputSchema.
 * The envelope is the structured content; the text, what the model reads, is its data alone
 * (or the error's message), toolText of it.
 */
async function call(client: McpClient, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  expect(content).toHaveLength(1);
  expect(content[0]!.type).toBe('text');
  const envelope = result.structuredContent as Envelope;
  expect(content[0]!.text).toBe(toolText(envelope));
  expect(result.isError).toBe(envelope.status === 'error');
  return { isError: result.isError, envelope, text: content[0]!.text };
}

describe.each(REVISIONS)('over stdio, with a $revision client ($client)', ({ revision, stdio }) => {
  let client: McpClient;
  let negotiated: string | undefined;

  beforeAll(async () => {
    ({ client, negotiated } = await stdio({ command: process.execPath, args: [BUNDLE], cwd: ROOT, env: serverEnv(), stderr: 'pipe' }));
  }, 30_000);
  afterAll(async () => client.close());

  it(`speaks ${revision}, with the shared instructions`, () => {
    expect(negotiated).toBe(revision);
    expect(client.getInstructions()).toBe(INSTRUCTIONS);
  });

  it('lists the tools of tools.json that apply to a PROMETHEUS_URL, with the same schemas, each read-only and open-world', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['query', 'discover', 'alerts', 'server_info']);
    expect(Object.keys((tools.find((t) => t.name === 'server_info')!.inputSchema as { properties?: object }).properties ?? {})).not.toContain('workspaces');
    const listed = tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema, outputSchema: t.outputSchema, annotations: t.annotations, ...(t._meta === undefined ? {} : { _meta: t._meta }) }));
    expect(listed).toEqual(LISTED);
  });

  it('answers query with the fixture values: the data as text, the envelope as structured content', async () => {
    const data = { resultType: 'vector', result: UP_AT_T0 };
    expect(await call(client, 'query', { query: 'up', time: '2023-04-01T00:00:00Z', format: 'prometheus' })).toEqual({
      isError: false,
      envelope: { status: 'success', data, samples_processed: UP_AT_T0_SAMPLES },
      text: JSON.stringify(data),
    });
  });

  it('answers query with start (a range) with the fixture values', async () => {
    const args = { query: 'rate(node_cpu_seconds_total{mode="system"}[5m])', start: T0, end: T0 + 3600, step: '5m', format: 'prometheus' };
    const data = { resultType: 'matrix', result: SYSTEM_CPU_RATE };
    expect(await call(client, 'query', args)).toEqual({
      isError: false,
      envelope: { status: 'success', data, samples_processed: SYSTEM_CPU_RATE_SAMPLES },
      text: JSON.stringify(data),
    });
  });

  it('answers discover with every metric name: the list alone as text (the description says the window), the window in the envelope', async () => {
    expect(await call(client, 'discover', {})).toEqual({
      isError: false,
      envelope: { status: 'success', data: { metrics: ALL_METRICS, total: ALL_METRICS.length, truncated: false }, window: RECENT_WINDOW },
      text: JSON.stringify(ALL_METRICS),
    });
  });

  it('answers server_info with the endpoint it used', async () => {
    const { isError, envelope } = await call(client, 'server_info', {});
    expect(isError).toBe(false);
    expect((envelope as { data: unknown }).data).toMatchObject({
      query_endpoint: `${front.workspaceUrl}/api/v1`,
      reachability: { reachable: true },
      build_info: { version: process.env.LOCAL_PROMETHEUS_VERSION },
    });
  });

  // The SDK client checks each structured result against the tool's outputSchema.
  it.each([
    // Discovery reads the index: no samples, no cost stated.
    ['discover', { labels: true, match: 'up', start: FIXTURE_START, end: FIXTURE_END }, { labels: ['__name__', 'instance', 'job'], total: 3, truncated: false }, {}],
    ['discover', { label: 'job', match: 'up', start: FIXTURE_START, end: FIXTURE_END }, { values: ['node', 'prometheus'], total: 2, truncated: false }, {}],
    [
      'discover',
      { series: true, match: 'up{job="node"}', start: FIXTURE_START, end: FIXTURE_END },
      {
        series: [
          { __name__: 'up', instance: 'node-1:9100', job: 'node' },
          { __name__: 'up', instance: 'node-2:9100', job: 'node' },
        ],
        total: 2,
        truncated: false,
        by_metric: { up: 2 },
      },
      {},
    ],
    [
      'discover',
      // The fixture's window: up is written at its end.
      { metric: 'up', start: FIXTURE_START, end: FIXTURE_END },
      {
        metric: 'up',
        type: 'gauge',
        help: 'Whether the target was up at its last scrape.',
        unit: '',
        series: 3,
        labels: { instance: 3, job: 2 },
        first_seen: FIXTURE_START,
        last_seen: FIXTURE_END,
        seen_precision: 57,
        window: { start: FIXTURE_START, end: FIXTURE_END },
      },
      // One sample per series of up, counted at the end.
      { samples_processed: 3 },
    ],
  ] as [string, Record<string, unknown>, unknown, Record<string, number>][])('answers %s %j with the fixture values', async (name, args, data, cost) => {
    expect(await call(client, name, args)).toMatchObject({ isError: false, envelope: { status: 'success', data, ...cost } });
  });

  it('answers a small list as the list alone: no total, no truncated, no envelope', async () => {
    const { text } = await call(client, 'discover', { label: 'job', match: 'up', start: FIXTURE_START, end: FIXTURE_END });
    expect(text).toBe('["node","prometheus"]');
  });

  it('answers alerts, and with show: rules every rule, with the fixture rules', async () => {
    const rules = RULE_GROUPS.flatMap((g) => g.rules).length;
    const ruleAnswer = await call(client, 'alerts', { show: 'rules' });
    expect(ruleAnswer).toMatchObject({ isError: false, envelope: { status: 'success', data: { groups: RULE_GROUPS, total: rules, truncated: false } } });
    expect(JSON.parse(ruleAnswer.text)).toEqual(RULE_GROUPS);
    const alertAnswer = await call(client, 'alerts', {});
    expect(alertAnswer).toMatchObject({ isError: false, envelope: { status: 'success', data: { alerts: ACTIVE_ALERTS, total: ACTIVE_ALERTS.length, truncated: false } } });
    // The list alone: what the model reads.
    expect(JSON.parse(alertAnswer.text)).toEqual(ACTIVE_ALERTS);
  });

  it.each([
    ['drop_everything', 'Unknown tool: drop_everything.'],
    ['list_workspaces', 'Unknown tool: list_workspaces is now server_info with workspaces: true.'],
    ['range_query', 'Unknown tool: range_query is now query with start (and end, step).'],
    ['label_values', 'Unknown tool: label_values is now discover with label.'],
  ])('refuses a call of %s with the JSON-RPC error -32602, not a tool result, naming the call that replaced an old tool', async (name, message) => {
    const before = front.requests.length;
    const error = await client.callTool({ name, arguments: {} }).then(
      () => undefined,
      (e: { code?: number; message?: string }) => e,
    );
    expect(error?.code).toBe(-32602);
    expect(error?.message).toContain(`${message} tools/list lists the ones this server has: query, discover, alerts, server_info`);
    expect(front.requests.length).toBe(before);
  });

  it.each([
    ['query', {}, 'validation_error', "missing required field 'query'"],
    ['query', { query: 'sum(rate(x[5m])' }, 'invalid_promql', `field 'query' is not valid PromQL: unclosed "(" at line 1, column 4 (offset 3)`],
    ['query', { query: 'up', start: 'now', end: 'now-1h', step: '1m' }, 'validation_error', "is before field 'start'"],
    ['discover', { limit: 'ten' }, 'validation_error', "field 'limit' must be integer"],
    ['query', { query: 'up{job="a;b"}' }, 'blocked_pattern', "field 'query' contains the blocked pattern ';'"],
  ])('answers %s %j with isError and a clear message, as text', async (name, args, type, message) => {
    const before = front.requests.length;
    const { isError, envelope, text } = await call(client, name, args);
    expect(isError).toBe(true);
    expect(envelope.status).toBe('error');
    const error = (envelope as { error: { type: string; message: string } }).error;
    expect(error.type).toBe(type);
    expect(error.message).toContain(message);
    expect(text).toBe(`${type}: ${error.message}`);
    expect(front.requests.length).toBe(before);
  });
});

/** Starts the bundle over HTTP on a free port, with the test's environment and `env`. */
const startHttp = (args: string[], env: Record<string, string> = {}) => startMcpHttp(args, serverEnv(env));

/** A raw request: its body and the headers its revision needs. */
interface RawRequest {
  headers: Record<string, string>;
  body: string;
}

/** A 2025-11-25 opening, as the 1.x client sends it. */
const INITIALIZE: RawRequest = {
  headers: {},
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: CLIENT_INFO } }),
};

/**
 * A 2026-07-28 request: the revision and the client's capabilities and name in `_meta`,
 * and the headers the revision requires of a POST (MCP-Protocol-Version, Mcp-Method, and
 * Mcp-Name for a tools/call), which mirror the body.
 */
function modern(method: string, params: Record<string, unknown> = {}, revision = '2026-07-28'): RawRequest {
  const _meta = {
    'io.modelcontextprotocol/protocolVersion': revision,
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
  };
  return {
    headers: { 'MCP-Protocol-Version': revision, 'Mcp-Method': method, ...(typeof params.name === 'string' && { 'Mcp-Name': params.name }) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta } }),
  };
}

const DISCOVER = modern('server/discover');

/** The opening request of each revision, for the guards that come before either. */
const OPENINGS = [
  ['2025-11-25', INITIALIZE],
  ['2026-07-28', DISCOVER],
] as const;

/** POSTs a request to 127.0.0.1:port with these headers on top of its own; node:http, since fetch may not set Host. */
function post(port: number, request: RawRequest, headers: Record<string, string | undefined> = {}): Promise<{ status: number; body: string }> {
  const all = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...request.headers, ...headers };
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject).end(request.body);
  });
}

/** The JSON-RPC answer: a 2026-07-28 answer's JSON body, or the one server-sent event a 2025-11-25 answer is. */
function answer(body: string) {
  const event = /^data: (.*)$/m.exec(body);
  return JSON.parse(event === null ? body : event[1]!);
}

/** The server's name and version in an answer to either opening. */
function serverInfo(body: string): unknown {
  const { result } = answer(body);
  return result.serverInfo ?? result._meta['io.modelcontextprotocol/serverInfo'];
}

const SERVER_INFO = { name: 'prometheus-tools', version: '1.0.0' };
const rpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });
const SUM_UP = {
  isError: false,
  envelope: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] }, samples_processed: UP_AT_T0_SAMPLES },
  text: JSON.stringify({ resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] }),
};

describe('over streamable HTTP, on 127.0.0.1', () => {
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    ({ server, port } = await startHttp([]));
  }, 30_000);
  afterAll(() => {
    server.kill();
  });

  it.each(REVISIONS)('serves a $revision client ($client) the same tools and answers, on the same endpoint', async ({ revision, http: connect }) => {
    const { client, negotiated } = await connect(new URL(`http://localhost:${port}/mcp`));
    try {
      expect(negotiated).toBe(revision);
      expect(client.getInstructions()).toBe(INSTRUCTIONS);
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(TOOLS.map((t: { name: string }) => t.name));
      expect(await call(client, 'query', { query: 'sum(up)', time: T0, format: 'prometheus' })).toEqual(SUM_UP);
      expect(await call(client, 'discover', {})).toMatchObject({
        isError: false,
        envelope: { status: 'success', data: { metrics: ALL_METRICS, total: ALL_METRICS.length, truncated: false }, window: RECENT_WINDOW },
      });
    } finally {
      await client.close();
    }
  });

  it('answers initialize with 2025-11-25, and server/discover with 2026-07-28 alone', async () => {
    expect(answer((await post(port, INITIALIZE)).body).result).toMatchObject({ protocolVersion: '2025-11-25', serverInfo: SERVER_INFO, instructions: INSTRUCTIONS });
    const { status, body } = await post(port, DISCOVER);
    expect(status).toBe(200);
    expect(answer(body).result).toEqual({
      supportedVersions: ['2026-07-28'],
      capabilities: { tools: {}, resources: {} },
      instructions: INSTRUCTIONS,
      resultType: 'complete',
      ttlMs: 3_600_000,
      cacheScope: 'public',
      _meta: { 'io.modelcontextprotocol/serverInfo': SERVER_INFO },
    });
  });

  it('gives a 2026-07-28 client a tool list that any cache may keep for an hour', async () => {
    const { status, body } = await post(port, modern('tools/list'));
    expect(status).toBe(200);
    const { result } = answer(body);
    expect(result).toMatchObject({ resultType: 'complete', ttlMs: 3_600_000, cacheScope: 'public' });
    expect(result.tools).toEqual(LISTED);
  });

  it.each(OPENINGS)('accepts the loopback names as Host and Origin for a %s request', async (_, request) => {
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
      const { status, body } = await post(port, request, { Host: `${name}:${port}`, Origin: `http://${name}:${port}` });
      expect(status).toBe(200);
      expect(serverInfo(body)).toEqual(SERVER_INFO);
    }
  });

  it.each(OPENINGS)('refuses another Host (DNS rebinding) with 403 for a %s request', async (_, request) => {
    const { status, body } = await post(port, request, { Host: `attacker.example:${port}` });
    expect(status).toBe(403);
    expect(JSON.parse(body)).toEqual(rpcError(-32000, `Invalid Host header: attacker.example:${port}`));
  });

  it.each(OPENINGS)('refuses a loopback Host on another port with 403 for a %s request', async (_, request) => {
    const { status } = await post(port, request, { Host: `127.0.0.1:${port + 1}` });
    expect(status).toBe(403);
  });

  const ORIGINS = [
    ['http://attacker.example', 'a web page'],
    ['null', 'a sandboxed page, a file'],
  ] as const;
  it.each(OPENINGS.flatMap(([revision, request]) => ORIGINS.map(([origin, what]) => [revision, origin, what, request] as const)))(
    'refuses a %s request from Origin %s (%s) with 403',
    async (_, origin, __, request) => {
      const { status, body } = await post(port, request, { Host: `127.0.0.1:${port}`, Origin: origin });
      expect(status).toBe(403);
      expect(JSON.parse(body)).toEqual(rpcError(-32000, `Invalid Origin header: ${origin}`));
    },
  );

  // The 2026-07-28 streamable HTTP transport: the headers mirror the body so that proxies
  // can route without reading it; a server must refuse a request whose headers are
  // missing or disagree (400, HeaderMismatch -32020), before anything runs.
  const QUERY_CALL = modern('tools/call', { name: 'query', arguments: { query: 'up' } });
  it.each([
    ['without Mcp-Method', modern('tools/list'), { 'Mcp-Method': undefined }, 'the body names method tools/list but the required Mcp-Method header is absent'],
    ['whose Mcp-Method the body does not name', QUERY_CALL, { 'Mcp-Method': 'tools/list' }, 'the body names method tools/call but the Mcp-Method header names tools/list'],
    ['for tools/call without Mcp-Name', QUERY_CALL, { 'Mcp-Name': undefined }, 'the body carries params.name="query" but the required Mcp-Name header is absent'],
    ['for tools/call whose Mcp-Name is another tool', QUERY_CALL, { 'Mcp-Name': 'series' }, 'the body carries params.name="query" but the Mcp-Name header names "series"'],
    ['without MCP-Protocol-Version', modern('tools/list'), { 'MCP-Protocol-Version': undefined }, 'the body envelope names protocol version 2026-07-28 but the required MCP-Protocol-Version header is absent'],
    ['whose MCP-Protocol-Version is another revision', modern('tools/list'), { 'MCP-Protocol-Version': '2025-11-25' }, 'the body envelope names protocol version 2026-07-28 but the MCP-Protocol-Version header names 2025-11-25'],
  ])('refuses a 2026-07-28 request %s with 400 and -32020', async (_, request, headers, message) => {
    const before = front.requests.length;
    const { status, body } = await post(port, request, headers);
    expect(status).toBe(400);
    expect(JSON.parse(body).error).toMatchObject({ code: -32020, message: `Bad Request: the request headers and body disagree: ${message}` });
    expect(front.requests.length).toBe(before);
  });

  it('answers a 2026-07-28 tools/call whose headers agree', async () => {
    const { status, body } = await post(port, QUERY_CALL);
    expect(status).toBe(200);
    expect(answer(body).result).toMatchObject({ isError: false, resultType: 'complete', structuredContent: { status: 'success', data: { resultType: 'vector' } } });
  });

  it.each(['GET', 'DELETE', 'PUT', 'TRACE'])('answers %s, which neither revision sends, with 405 and keeps serving', async (method) => {
    const { status, headers, body } = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      http
        .request({ host: '127.0.0.1', port, path: '/mcp', method }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(405);
    expect(headers.allow).toBe('POST');
    expect(JSON.parse(body)).toEqual(rpcError(-32000, 'Method not allowed.'));
    expect((await post(port, DISCOVER)).status).toBe(200);
  });

  it("lists in server/discover's supportedVersions exactly the revisions a request may name in _meta: 2025-11-25 is reached through initialize", async () => {
    const { supportedVersions } = answer((await post(port, DISCOVER)).body).result;
    // The schema: "The client should choose a version from this list for use in subsequent
    // requests", each of which names its revision in _meta; one naming 2025-11-25 is refused.
    const { status, body } = await post(port, modern('tools/list', {}, '2025-11-25'));
    expect(status).toBe(400);
    expect(JSON.parse(body).error.data).toEqual({ supported: supportedVersions, requested: '2025-11-25' });
    expect(supportedVersions).toEqual(['2026-07-28']);
    expect(answer((await post(port, INITIALIZE)).body).result.protocolVersion).toBe('2025-11-25');
  });

  it('answers a 2026-07-28 tools/call of a tool it does not list with the JSON-RPC error -32602', async () => {
    const { body } = await post(port, modern('tools/call', { name: 'list_workspaces', arguments: {} }));
    expect(JSON.parse(body).error).toMatchObject({ code: -32602, message: expect.stringMatching(/^Unknown tool: list_workspaces is now server_info with workspaces: true\. /) });
  });

  it('refuses a revision it does not speak with 400, naming the one it does', async () => {
    const { status, body } = await post(port, modern('tools/list', {}, '2099-01-01'));
    expect(status).toBe(400);
    expect(JSON.parse(body).error).toEqual({
      code: -32022,
      message: 'Unsupported protocol version: 2099-01-01',
      data: { supported: ['2026-07-28'], requested: '2099-01-01' },
    });
  });
});

describe('over streamable HTTP, on 0.0.0.0 with MCP_AUTH_TOKEN', () => {
  const token = randomBytes(32).toString('hex');
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    ({ server, port } = await startHttp(['--host', '0.0.0.0'], { MCP_AUTH_TOKEN: token }));
  }, 30_000);
  afterAll(() => {
    server.kill();
  });

  it.each(
    OPENINGS.flatMap(([revision, request]) =>
      [
        ['without a token', {}],
        ['with a wrong token', { Authorization: `Bearer ${randomBytes(32).toString('hex')}` }],
        ['with the token as another scheme', { Authorization: `Basic ${token}` }],
      ].map(([how, headers]) => [revision, how, request, headers] as const),
    ),
  )('refuses a %s request %s with 401', async (_, __, request, headers) => {
    const { status, body } = await post(port, request, headers as Record<string, string>);
    expect(status).toBe(401);
    expect(JSON.parse(body)).toEqual(rpcError(-32001, 'Unauthorized: a valid bearer token is required'));
  });

  it.each(OPENINGS)('serves a %s request with the token, whatever name it reaches the server by', async (_, request) => {
    const { status, body } = await post(port, request, { Host: `workstation.example:${port}`, Authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(serverInfo(body)).toEqual(SERVER_INFO);
  });

  it.each(REVISIONS)('serves a $revision client ($client) with the token', async ({ revision, http: connect }) => {
    const { client, negotiated } = await connect(new URL(`http://127.0.0.1:${port}/mcp`), { Authorization: `Bearer ${token}` });
    try {
      expect(negotiated).toBe(revision);
      expect(await call(client, 'query', { query: 'sum(up)', time: T0, format: 'prometheus' })).toEqual(SUM_UP);
    } finally {
      await client.close();
    }
  });
});

// The server, and the router it loads on the first tool call.
it.each(['prometheus-tools-mcp.js', 'prometheus-tools-mcp-router.js'])('keeps dist/%s under 1 MB', (file) => {
  expect(statSync(path.join(ROOT, 'dist', file)).size).toBeLessThan(1_000_000);
});

describe('refusing to listen beyond loopback without a token', () => {
  it.each([
    ['unset', {}],
    ['empty', { MCP_AUTH_TOKEN: '' }],
  ])('exits at start-up for --host 0.0.0.0 with MCP_AUTH_TOKEN %s', async (_, env) => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BUNDLE, '--http', '--host', '0.0.0.0', '--port', '0'], { cwd: ROOT, env: serverEnv(env), timeout: 10_000 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr }),
      );
    });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'mcp server failed: refusing to listen on 0.0.0.0 without a bearer token: set MCP_AUTH_TOKEN, or listen on 127.0.0.1\n',
    });
  });
});
