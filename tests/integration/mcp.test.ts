import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_METRICS, SYSTEM_CPU_RATE, T0, UP_AT_T0 } from '../fixtures/expected';
import type { AmpFront } from '../support/amp-front';
import { startTestFront } from '../support/harness';

/**
 * The local MCP server as `npm run build` bundles it (dist/prometheus-tools-mcp.js),
 * driven by the SDK's real MCP client over stdio and over streamable HTTP, against
 * the real Prometheus through the SigV4-checking front.
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

const serverEnv = () => ({ ...(process.env as Record<string, string>), PROMETHEUS_URL: front.workspaceUrl, POWERTOOLS_LOG_LEVEL: 'SILENT' });

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  expect(content).toHaveLength(1);
  expect(content[0]!.type).toBe('text');
  return { isError: result.isError, envelope: JSON.parse(content[0]!.text) };
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
    expect(tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }))).toEqual(TOOLS);
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

describe('over streamable HTTP', () => {
  let server: ChildProcess;
  let url: URL;

  beforeAll(async () => {
    server = spawn(process.execPath, [BUNDLE, '--http', '--port', '0'], {
      cwd: ROOT,
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /MCP server on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(out);
        if (match !== null) resolve(new URL(match[1]!));
      });
      server.once('exit', (code) => reject(new Error(`the MCP server exited with ${code}`)));
    });
  }, 30_000);
  afterAll(() => {
    server.kill();
  });

  it('serves the same tools and answers a call', async () => {
    const client = new Client({ name: 'prometheus-tools-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url));
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['query', 'range_query', 'list_metrics', 'server_info']);
      expect(await call(client, 'query', { query: 'sum(up)', time: T0 })).toEqual({
        isError: false,
        envelope: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] } },
      });
    } finally {
      await client.close();
    }
  });
});
