import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ACTIVE_ALERTS, ALL_METRICS, RULE_GROUPS, SYSTEM_CPU_RATE, T0, UP_AT_T0 } from '../fixtures/expected';
import { FIXTURE_END, FIXTURE_START } from '../fixtures/dataset';
import type { AmpFront } from '../support/amp-front';
import { functionEnv, startTestFront } from '../support/harness';

/**
 * The local MCP server as `npm run build` bundles it (dist/prometheus-tools-mcp.js),
 * driven by the SDK's real MCP client over stdio and over streamable HTTP, against
 * the real Prometheus through the SigV4-checking front; and the HTTP server's guards
 * against web pages (Host and Origin) and other machines (the bearer token).
 */

const ROOT = path.join(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'dist', 'prometheus-tools-mcp.js');
const TOOLS = JSON.parse(readFileSync(path.join(ROOT, 'tools.json'), 'utf8'));
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

/** A tool call; the SDK client checks the structured result against the tool's outputSchema. */
async function call(client: Client, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  expect(content).toHaveLength(1);
  expect(content[0]!.type).toBe('text');
  const envelope = JSON.parse(content[0]!.text);
  // MCP structured results: the same envelope as data.
  expect(result.structuredContent).toEqual(envelope);
  return { isError: result.isError, envelope };
}

describe('over stdio', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ name: 'prometheus-tools-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BUNDLE],
        cwd: ROOT,
        env: serverEnv(),
        stderr: 'pipe',
      }),
    );
  }, 30_000);
  afterAll(async () => client.close());

  it('lists the tools of tools.json, with the same schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema, outputSchema: t.outputSchema }))).toEqual(TOOLS);
  });

  it('answers query with the fixture values', async () => {
    expect(await call(client, 'query', { query: 'up', time: '2023-04-01T00:00:00Z' })).toEqual({
      isError: false,
      envelope: { status: 'success', data: { resultType: 'vector', result: UP_AT_T0 } },
    });
  });

  it('answers range_query with the fixture values', async () => {
    const args = { query: 'rate(node_cpu_seconds_total{mode="system"}[5m])', start: T0, end: T0 + 3600, step: '5m' };
    expect(await call(client, 'range_query', args)).toEqual({
      isError: false,
      envelope: { status: 'success', data: { resultType: 'matrix', result: SYSTEM_CPU_RATE } },
    });
  });

  it('answers list_metrics with every metric name', async () => {
    expect(await call(client, 'list_metrics', {})).toEqual({
      isError: false,
      envelope: { status: 'success', data: { metrics: ALL_METRICS, total: ALL_METRICS.length, truncated: false } },
    });
  });

  it('answers server_info with the endpoint it used', async () => {
    const { isError, envelope } = await call(client, 'server_info', {});
    expect(isError).toBe(false);
    expect(envelope.data).toMatchObject({
      query_endpoint: `${front.workspaceUrl}/api/v1`,
      reachability: { reachable: true },
      build_info: { version: process.env.LOCAL_PROMETHEUS_VERSION },
    });
  });

  // The SDK client checks each structured result against the tool's outputSchema.
  it.each([
    ['list_labels', { match: 'up', start: FIXTURE_START, end: FIXTURE_END }, { labels: ['__name__', 'instance', 'job'], total: 3, truncated: false }],
    ['label_values', { label: 'job', match: 'up', start: FIXTURE_START, end: FIXTURE_END }, { values: ['node', 'prometheus'], total: 2, truncated: false }],
    [
      'series',
      { match: 'up{job="node"}', start: FIXTURE_START, end: FIXTURE_END },
      {
        series: [
          { __name__: 'up', instance: 'node-1:9100', job: 'node' },
          { __name__: 'up', instance: 'node-2:9100', job: 'node' },
        ],
        total: 2,
        truncated: false,
        by_metric: { up: 2 },
      },
    ],
  ])('answers %s with the fixture values', async (name, args, data) => {
    expect(await call(client, name, args)).toEqual({ isError: false, envelope: { status: 'success', data } });
  });

  it('answers list_rules and list_alerts with the fixture rules', async () => {
    const rules = RULE_GROUPS.flatMap((g) => g.rules).length;
    expect(await call(client, 'list_rules', {})).toEqual({ isError: false, envelope: { status: 'success', data: { groups: RULE_GROUPS, total: rules, truncated: false } } });
    expect(await call(client, 'list_alerts', {})).toEqual({
      isError: false,
      envelope: { status: 'success', data: { alerts: ACTIVE_ALERTS, total: ACTIVE_ALERTS.length, truncated: false } },
    });
  });

  it('answers list_workspaces with the endpoint it uses', async () => {
    expect(await call(client, 'list_workspaces', {})).toEqual({
      isError: false,
      envelope: {
        status: 'success',
        data: { workspaces: [{ status: 'ACTIVE', prometheus_endpoint: front.workspaceUrl }], total: 1, truncated: false, source: 'PROMETHEUS_URL' },
      },
    });
  });

  it.each([
    ['query', {}, 'validation_error', "missing required field 'query'"],
    ['query', { query: 'sum(rate(x[5m])' }, 'invalid_promql', `field 'query' is not valid PromQL: unclosed "(" at line 1, column 4 (offset 3)`],
    ['range_query', { query: 'up', start: 'now', end: 'now-1h', step: '1m' }, 'validation_error', "is before field 'start'"],
    ['list_metrics', { limit: 'ten' }, 'validation_error', "field 'limit' must be integer"],
    ['query', { query: 'up{job="a;b"}' }, 'blocked_pattern', "field 'query' contains the blocked pattern ';'"],
    ['drop_everything', {}, 'validation_error', "unknown operation 'drop_everything'"],
  ])('answers %s %j with isError and a clear message', async (name, args, type, message) => {
    const before = front.requests.length;
    const { isError, envelope } = await call(client, name, args);
    expect(isError).toBe(true);
    expect(envelope.status).toBe('error');
    expect(envelope.error.type).toBe(type);
    expect(envelope.error.message).toContain(message);
    expect(front.requests.length).toBe(before);
  });
});

/** Starts the bundle over HTTP on a free port; resolves with that port once it listens. */
async function startHttp(args: string[], env: Record<string, string> = {}): Promise<{ server: ChildProcess; port: number }> {
  const server = spawn(process.execPath, [BUNDLE, '--http', '--port', '0', ...args], {
    cwd: ROOT,
    env: serverEnv(env),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /MCP server on http:\/\/\S+:(\d+)\/mcp/.exec(out);
      if (match !== null) resolve(Number(match[1]));
    });
    server.once('exit', (code) => reject(new Error(`the MCP server exited with ${code}`)));
  });
  return { server, port };
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'prometheus-tools-test', version: '1.0.0' } },
});

/** POSTs an initialize request to 127.0.0.1:port with these headers; node:http, since fetch may not set Host. */
function postInitialize(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject).end(INITIALIZE);
  });
}

/** The initialize result in a successful answer (sent as one server-sent event). */
function serverInfo(body: string): unknown {
  return JSON.parse(/^data: (.*)$/m.exec(body)![1]!).result.serverInfo;
}

const rpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

describe('over streamable HTTP, on 127.0.0.1', () => {
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    ({ server, port } = await startHttp([]));
  }, 30_000);
  afterAll(() => {
    server.kill();
  });

  it('serves the same tools and answers a call', async () => {
    const client = new Client({ name: 'prometheus-tools-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://localhost:${port}/mcp`)));
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(TOOLS.map((t: { name: string }) => t.name));
      expect(await call(client, 'query', { query: 'sum(up)', time: T0 })).toEqual({
        isError: false,
        envelope: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] } },
      });
    } finally {
      await client.close();
    }
  });

  it.each(['127.0.0.1', 'localhost', '[::1]'])('accepts the loopback name %s as Host and Origin', async (name) => {
    const { status, body } = await postInitialize(port, { Host: `${name}:${port}`, Origin: `http://${name}:${port}` });
    expect(status).toBe(200);
    expect(serverInfo(body)).toEqual({ name: 'prometheus-tools', version: '1.0.0' });
  });

  it('refuses another Host (DNS rebinding) with 403', async () => {
    const { status, body } = await postInitialize(port, { Host: `attacker.example:${port}` });
    expect(status).toBe(403);
    expect(JSON.parse(body)).toEqual(rpcError(-32000, `Invalid Host header: attacker.example:${port}`));
  });

  it('refuses a loopback Host on another port with 403', async () => {
    const { status } = await postInitialize(port, { Host: `127.0.0.1:${port + 1}` });
    expect(status).toBe(403);
  });

  it('refuses another Origin (a web page) with 403', async () => {
    const { status, body } = await postInitialize(port, { Host: `127.0.0.1:${port}`, Origin: 'http://attacker.example' });
    expect(status).toBe(403);
    expect(JSON.parse(body)).toEqual(rpcError(-32000, 'Invalid Origin header: http://attacker.example'));
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

  it.each([
    ['without a token', {}],
    ['with a wrong token', { Authorization: `Bearer ${randomBytes(32).toString('hex')}` }],
    ['with the token as another scheme', { Authorization: `Basic ${token}` }],
  ])('refuses a request %s with 401', async (_, headers) => {
    const { status, body } = await postInitialize(port, headers);
    expect(status).toBe(401);
    expect(JSON.parse(body)).toEqual(rpcError(-32001, 'Unauthorized: a valid bearer token is required'));
  });

  it('serves a client with the token, whatever name it reaches the server by', async () => {
    const { status, body } = await postInitialize(port, { Host: `workstation.example:${port}`, Authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(serverInfo(body)).toEqual({ name: 'prometheus-tools', version: '1.0.0' });

    const client = new Client({ name: 'prometheus-tools-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
    );
    try {
      expect(await call(client, 'query', { query: 'sum(up)', time: T0 })).toEqual({
        isError: false,
        envelope: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] } },
      });
    } finally {
      await client.close();
    }
  });
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
