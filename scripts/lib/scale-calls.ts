/**
 * The calls an agent makes first on a large workspace, each run as Lambda runs it: the
 * function's built bundle in a fresh Node process held to its MemorySize, invoked as a
 * tool call (the answer sized for a model), against a Prometheus holding the scale dataset
 * (scripts/lib/scale-dataset.ts) through a recording proxy that times Prometheus and
 * counts the bytes it sends. For the scale benchmark (npm run bench -- --scale) and its
 * test at 100,000 series (tests/integration/scale.test.ts).
 */
import { asToolCall } from '../../src/tools/replaced';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { readTemplate } from '../../tests/support/template';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const BUILD = path.join(ROOT, '.aws-sam', 'build');

export interface ScaleCall {
  /** What the row says. */
  name: string;
  tool: string;
  /** The handler module of the function that serves the tool. */
  entry: string;
  args: (end: number) => Record<string, unknown>;
  /** A broad call (one that reads a large part of the workspace), beside each tool's default call. */
  broad?: boolean;
}

/** Each tool's default call, then the broad calls an agent makes first. */
export const SCALE_CALLS: ScaleCall[] = [
  { name: 'list_metrics (default)', tool: 'list_metrics', entry: 'list-metrics', args: () => ({}) },
  { name: 'list_labels (default)', tool: 'list_labels', entry: 'discovery', args: () => ({}) },
  { name: 'server_info', tool: 'server_info', entry: 'server-info', args: () => ({}) },
  { name: 'list_rules', tool: 'list_rules', entry: 'alerting', args: () => ({}) },
  { name: 'list_alerts', tool: 'list_alerts', entry: 'alerting', args: () => ({}) },
  { name: 'describe_metric of the largest metric', tool: 'describe_metric', entry: 'discovery', args: () => ({ metric: 'http_requests_total' }), broad: true },
  { name: 'instant query of the largest metric', tool: 'query', entry: 'query', args: () => ({ query: 'http_requests_total' }), broad: true },
  { name: 'range query of the largest metric, default step', tool: 'range_query', entry: 'range-query', args: () => ({ query: 'http_requests_total', start: '15m' }), broad: true },
  { name: 'label_values of pod', tool: 'label_values', entry: 'discovery', args: () => ({ label: 'pod' }), broad: true },
  { name: 'series of kube_pod_info', tool: 'series', entry: 'discovery', args: () => ({ match: 'kube_pod_info' }), broad: true },
  {
    name: 'a typo in a label value (hints)',
    tool: 'query',
    entry: 'query',
    args: () => ({ query: 'sum by (code) (rate(http_requests_total{service="svc-0"}[10m]))' }),
    broad: true,
  },
  { name: 'cardinality: top 10 metrics by series', tool: 'list_metrics', entry: 'list-metrics', args: () => ({ top: 10 }), broad: true },
];

export interface CallMeasure {
  name: string;
  status: string;
  wallMs: number;
  /** The time Prometheus took to answer (the union of its requests' durations). */
  prometheusMs: number;
  /** The function's own time: its invocation less Prometheus'. */
  oursMs: number;
  peakMb: number;
  memoryMb: number;
  timeoutS: number;
  upstreamBytes: number;
  requests: number;
  answerTokens: number;
  samplesProcessed?: number;
  truncated?: boolean;
  note?: string;
  error?: string;
}

/** The built bundle, timeout and memory of the function whose handler is `<entry>.handler`. */
export function builtFunction(entry: string): { file: string; timeout: number; memory: number } {
  const built = readTemplate(path.join(BUILD, 'template.yaml'));
  for (const resource of Object.values(built.Resources) as { Type: string; Properties: Record<string, unknown> }[]) {
    const p = resource.Properties;
    if (resource.Type === 'AWS::Serverless::Function' && p.Handler === `${entry}.handler`) {
      return { file: path.join(BUILD, p.CodeUri as string, `${entry}.js`), timeout: p.Timeout as number, memory: p.MemorySize as number };
    }
  }
  throw new Error(`no built function with handler ${entry}.handler: run npm run build`);
}

/** A proxy to `upstream` that records, per request, when it began and ended and the bytes answered. */
async function recordingProxy(upstream: string): Promise<{ url: string; spans: [number, number][]; bytes: () => number; stop(): Promise<void> }> {
  const spans: [number, number][] = [];
  let bytes = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const began = performance.now();
    const forward = http.request(`${upstream}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(upstream).host }, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => (bytes += chunk.length));
      answer.pipe(res);
      answer.on('end', () => spans.push([began, performance.now()]));
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    bytes: () => bytes,
    stop: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Milliseconds covered by the spans, overlaps counted once. */
function unionMs(spans: [number, number][]): number {
  const sorted = [...spans].sort(([a], [b]) => a - b);
  let total = 0;
  let [from, to] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [start, end] of sorted) {
    if (start > to) {
      if (to > from) total += to - from;
      [from, to] = [start, end];
    } else to = Math.max(to, end);
  }
  if (to > from) total += to - from;
  return total;
}

/** Runs `call` as its function would on Lambda, against the Prometheus at `prometheusUrl`, and measures it. */
export async function measureCall(call: ScaleCall, prometheusUrl: string, end: number, scratch: string): Promise<CallMeasure> {
  const fn = builtFunction(call.entry);
  const proxy = await recordingProxy(prometheusUrl);
  const eventFile = path.join(scratch, `scale-${call.tool}-${process.pid}.json`);
  writeFileSync(eventFile, JSON.stringify(call.args(end)));
  try {
    const started = performance.now();
    const { stdout } = await run(
      process.execPath,
      [`--max-old-space-size=${fn.memory}`, path.join(ROOT, 'scripts/lib/invoke-bundle.js'), fn.file, 'handler', eventFile, String(fn.timeout), call.tool],
      {
        maxBuffer: 64 * 1024 * 1024,
        timeout: fn.timeout * 1000 + 5000,
        env: {
          ...process.env,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memory),
          PROMETHEUS_URL: proxy.url,
          PROMETHEUS_SIGV4: 'false',
          PROMETHEUS_MAX_RESPONSE_BYTES: '',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          POWERTOOLS_METRICS_DISABLED: 'true',
        },
      },
    );
    const wallMs = performance.now() - started;
    const { result, timings, maxRssBytes } = JSON.parse(stdout) as {
      result: { status: string; samples_processed?: number; truncated?: boolean; note?: string; error?: { message: string } };
      timings: { invokeMs: number };
      maxRssBytes: number;
    };
    const prometheusMs = unionMs(proxy.spans);
    return {
      name: call.name,
      status: result.status,
      wallMs,
      prometheusMs,
      oursMs: Math.max(0, timings.invokeMs - prometheusMs),
      peakMb: maxRssBytes / 1024 / 1024,
      memoryMb: fn.memory,
      timeoutS: fn.timeout,
      upstreamBytes: proxy.bytes(),
      requests: proxy.spans.length,
      answerTokens: countTokens(JSON.stringify(result)),
      ...(result.samples_processed === undefined ? {} : { samplesProcessed: result.samples_processed }),
      ...(result.truncated === undefined ? {} : { truncated: result.truncated }),
      ...(result.note === undefined ? {} : { note: result.note }),
      ...(result.error === undefined ? {} : { error: result.error.message }),
    };
  } finally {
    await proxy.stop();
  }
}

/**
 * The local MCP server (its bundle, over stdio, as a host runs it) answering `calls` against
 * the Prometheus at `prometheusUrl`: its peak memory (VmHWM) once they are answered, and
 * each answer's tokens. Outside Lambda it holds what a 1,024 MB function would.
 */
export async function measureMcpServer(calls: readonly ScaleCall[], prometheusUrl: string, end: number): Promise<{ peakMb: number; answers: { name: string; isError: boolean; tokens: number }[] }> {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'dist', 'prometheus-tools-mcp.js')],
    env: { ...(process.env as Record<string, string>), PROMETHEUS_URL: prometheusUrl, PROMETHEUS_SIGV4: 'false', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'scale', version: '1.0.0' });
  await client.connect(transport);
  try {
    const answers: { name: string; isError: boolean; tokens: number }[] = [];
    for (const call of calls) {
      const toolCall = asToolCall(call.tool, call.args(end));
      const result = await client.callTool({ name: toolCall.tool, arguments: toolCall.args }, undefined, { timeout: 120_000 });
      answers.push({ name: call.name, isError: result.isError === true, tokens: countTokens(JSON.stringify(result.content)) });
    }
    const status = readFileSync(`/proc/${transport.pid}/status`, 'utf8');
    const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
    return { peakMb: peakKb / 1024, answers };
  } finally {
    await client.close();
  }
}
