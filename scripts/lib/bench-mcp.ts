/**
 * This project's bundled MCP server side by side with the npm peer `prometheus-mcp`
 * (a pinned dev dependency), both over stdio against the same Prometheus, driven by the
 * real MCP SDK client as an agent's host would: start-up to a first tools/list, the
 * latency of tools/call, and the size of the answers in bytes and in tokens.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { countTokens as cl100kTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { raw, rawUrl } from './bench-raw';

/** How a server is started and called. */
export interface McpServerSpec {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Its tools for an instant and a range query. */
  tools: { query: string; rangeQuery: string };
}

export function oursSpec(root: string, prometheusUrl: string): McpServerSpec {
  // As the README's client configuration runs it: node and the bundle.
  return {
    label: 'this project (dist/prometheus-tools-mcp.js)',
    command: process.execPath,
    args: [path.join(root, 'dist', 'prometheus-tools-mcp.js')],
    // AWS_REGION: today every call needs a region, even to a PROMETHEUS_URL without SigV4.
    env: { PROMETHEUS_URL: prometheusUrl, PROMETHEUS_SIGV4: 'false', AWS_REGION: 'us-east-1' },
    tools: { query: 'query', rangeQuery: 'query' },
  };
}

/** PyPI's prometheus-mcp-server, as its README runs it: the console script, PROMETHEUS_URL, stdio (its default transport). */
export function pypiSpec(root: string, prometheusUrl: string): McpServerSpec {
  const bin = path.join(root, '.venv-peer', 'bin', 'prometheus-mcp-server');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: scripts/setup.sh installs it (requirements-peer.txt)`);
  return {
    label: 'peer: prometheus-mcp-server (PyPI)',
    command: bin,
    args: [],
    env: { PROMETHEUS_URL: prometheusUrl },
    tools: { query: 'execute_query', rangeQuery: 'execute_range_query' },
  };
}

export function peerSpec(root: string, prometheusUrl: string): McpServerSpec {
  // The peer's README: `prometheus-mcp stdio` with PROMETHEUS_URL; its bin is dist/index.mjs.
  return {
    label: `peer: prometheus-mcp ${peerVersion(root)} (npm)`,
    command: process.execPath,
    args: [path.join(root, 'node_modules', 'prometheus-mcp', 'dist', 'index.mjs'), 'stdio'],
    env: { PROMETHEUS_URL: prometheusUrl },
    tools: { query: 'prometheus_query', rangeQuery: 'prometheus_query_range' },
  };
}

function peerVersion(root: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(root, 'node_modules', 'prometheus-mcp', 'package.json')) as { version: string }).version;
}

export interface Connection {
  client: Client;
  stderr: () => string;
  close(): Promise<void>;
}

/** Spawns the server and completes MCP's initialize handshake. */
export async function connect(spec: McpServerSpec, cwd: string): Promise<Connection> {
  const transport = new StdioClientTransport({ command: spec.command, args: spec.args, env: spec.env, cwd, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const client = new Client({ name: 'bench', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`${spec.label} did not start: ${(error as Error).message}\n${stderr}`);
  }
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Calls a tool, measuring the round trip; a failed call throws with the server's text. */
export async function callTool(connection: Connection, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const result = await invokeTool(connection, name, args);
  if (result.isError === true) throw new Error(`tools/call ${name} failed: ${JSON.stringify(result.content).slice(0, 500)}\n${connection.stderr()}`);
  return result;
}

/** Calls a tool and returns its result, a tool error (isError) included: what the model reads either way. */
export function invokeTool(connection: Connection, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  // client.request rather than callTool: callTool also validates structured output in
  // this process, a cost of the client, not of the server.
  return connection.client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema);
}

/** What a model API is given of each tool: its name, description and input schema (output schemas and annotations stay with the host). */
export function forModel(tools: Tool[]): { name: string; description?: string; input_schema: Tool['inputSchema'] }[] {
  return tools.map(({ name, description, inputSchema }) => ({ name, description, input_schema: inputSchema }));
}

/** Text of a tool result: what a host hands the model. */
export function resultText(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

/**
 * Spawn → initialize → tools/list, for each server in turn, `rounds` times (the
 * order alternating), so that drift in the machine's load falls on all alike.
 */
export async function readyTimes(specs: McpServerSpec[], cwd: string, rounds: number): Promise<number[][]> {
  const times = specs.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? specs.map((_, i) => i) : specs.map((_, i) => specs.length - 1 - i);
    for (const i of order) {
      const started = performance.now();
      const connection = await connect(specs[i]!, cwd);
      const { tools } = await connection.client.listTools();
      const elapsed = performance.now() - started;
      await connection.close();
      if (tools.length === 0) throw new Error(`${specs[i]!.label} listed no tools`);
      times[i]!.push(elapsed);
    }
  }
  return times;
}

export interface CallLatency {
  /** Per server, then raw. */
  servers: number[][];
  raw: number[];
}

/**
 * tools/call of the same instant query on every server and the same request sent raw
 * from this process, interleaved (the order rotating every call) after a warm-up.
 */
export async function callLatency(
  connections: { connection: Connection; tool: string }[],
  args: Record<string, unknown>,
  prometheusUrl: string,
  calls: number,
  warmup: number,
): Promise<CallLatency> {
  const url = rawUrl(prometheusUrl, args);
  const runs: (() => Promise<unknown>)[] = [
    ...connections.map(({ connection, tool }) => () => callTool(connection, tool, args)),
    () => raw(url),
  ];
  const times = runs.map((): number[] => []);
  for (let i = -warmup; i < calls; i++) {
    for (let k = 0; k < runs.length; k++) {
      const j = (i + warmup + k) % runs.length;
      const started = performance.now();
      await runs[j]!();
      const elapsed = performance.now() - started;
      if (i >= 0) times[j]!.push(elapsed);
    }
  }
  return { servers: times.slice(0, connections.length), raw: times[connections.length]! };
}

export interface AnswerSize {
  label: string;
  bytes: number;
  /** o200k_base tokens. */
  tokens: number;
  /** cl100k_base tokens, a check on the ratios. */
  cl100k: number;
  /** Series and points in the answer, to show that each answer carries the same data. */
  series: number;
  points: number;
  truncated: boolean;
}

/** Bytes and tokens of a text. */
export function measure(label: string, text: string, series: number, points: number, truncated = false): AnswerSize {
  return { label, bytes: Buffer.byteLength(text), tokens: countTokens(text), cl100k: cl100kTokens(text), series, points, truncated };
}

interface Matrix {
  resultType: string;
  result?: { values: unknown[] }[];
  series?: { values?: unknown[]; count?: number }[];
}

/** Series and points in a range answer: Prometheus' own form, compact or summary. */
export function countMatrix(data: Matrix): { series: number; points: number } {
  if (data.result !== undefined) return { series: data.result.length, points: data.result.reduce((n, s) => n + s.values.length, 0) };
  const series = data.series ?? [];
  return { series: series.length, points: series.reduce((n, s) => n + (s.values?.length ?? s.count ?? 0), 0) };
}

interface CompactSeries {
  metric: Record<string, string>;
  values?: (number | string)[];
  [key: string]: unknown;
}

interface SummarySeries {
  metric: Record<string, string>;
  count: number;
  first: { time: number; value: number | string } | null;
  last: { time: number; value: number | string } | null;
  min: { time: number; value: number | string } | null;
  max: { time: number; value: number | string } | null;
  avg: number | null;
}

/**
 * Shapes tried on this project's answers in the benchmark, not formats it has: what
 * they would save is measured on the same answers, as suggestions.
 */
export const TRIED = {
  /** compact, with each run of equal values as [value, times] (lossless). */
  runs(envelope: { data: { series: CompactSeries[] } }): unknown {
    const series = envelope.data.series.map((s) => {
      const runs: unknown[] = [];
      const values = s.values ?? [];
      for (let i = 0; i < values.length; ) {
        let j = i;
        while (j < values.length && values[j] === values[i]) j++;
        runs.push(j - i > 1 ? [values[i], j - i] : values[i]);
        i = j;
      }
      return { ...s, values: runs };
    });
    return { ...envelope, data: { ...envelope.data, series } };
  },
  /** compact, with values rounded to 4 significant digits (lossy). */
  rounded(envelope: { data: { series: CompactSeries[] } }): unknown {
    const round = (v: number | string) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v);
    const series = envelope.data.series.map((s) => ({ ...s, values: (s.values ?? []).map(round) }));
    return { ...envelope, data: { ...envelope.data, series } };
  },
  /** summary as one row of numbers per series under named columns, the range's times said once. */
  columns(envelope: { data: { series: SummarySeries[] } }, start: number, end: number): unknown {
    const columns = ['count', 'first', 'last', 'min', 'max', 'avg', 'min_time', 'max_time'];
    const series = envelope.data.series.map((s) => ({
      metric: s.metric,
      stats: [s.count, s.first?.value ?? null, s.last?.value ?? null, s.min?.value ?? null, s.max?.value ?? null, s.avg, s.min?.time ?? null, s.max?.time ?? null],
    }));
    return { status: 'success', data: { resultType: 'matrix', format: 'summary', start, end, columns, series } };
  },
};
