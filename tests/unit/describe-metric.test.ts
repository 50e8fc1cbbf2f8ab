import { AmpClient, DescribeWorkspaceCommand } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeMetric } from '../../src/operations/describe-metric';
import type { OperationContext } from '../../src/operations/types';
import { loadConfig } from '../../src/shared/config';
import { clearWorkspaceCache } from '../../src/shared/workspace';
import { TEST_WORKSPACE_ID } from '../support/credentials';

/**
 * What the integration run's Prometheus cannot show without changing the shared fixture:
 * a classic histogram's metadata, recorded under its family's name; a label of more values
 * than the function holds at once; a metric that stopped before the window's end; AMP's
 * guardrails. A small local server answers each endpoint as Prometheus does from a model
 * of series with their first and last samples (its index: which series exist in a time
 * range; its instant query: the series with a sample in the 5 minutes before the time).
 */

const S = 1680300000;
const E = 1680314400;
const LOOKBACK = 300;

interface ModelSeries {
  labels: Record<string, string>;
  from: number;
  to: number;
}
let metadata: Record<string, unknown> = {};
let model: ModelSeries[] = [];
const received: URL[] = [];
let server: http.Server;
let url: string;

function answer(request: URL): unknown {
  const endpoint = request.pathname.replace(/^.*\/api\/v1\//, '');
  const q = request.searchParams;
  if (endpoint === 'metadata') return Object.fromEntries(Object.entries(metadata).filter(([name]) => name === q.get('metric')));
  const name = /__name__="([^"]+)"/.exec(q.get('match[]') ?? q.get('query') ?? '')?.[1];
  const ofName = model.filter((s) => s.labels.__name__ === name);
  if (endpoint === 'query') {
    const time = Number(q.get('time'));
    const live = ofName.filter((s) => s.from <= time && s.to >= time - LOOKBACK);
    const result = live.length === 0 ? [] : [{ metric: {}, value: [time, String(live.length)] }];
    return { resultType: 'vector', result, stats: { samples: { totalQueryableSamples: live.length } } };
  }
  const [start, end] = [Number(q.get('start')), Number(q.get('end'))];
  const inRange = ofName.filter((s) => s.from <= end && s.to >= start);
  if (endpoint === 'labels') return [...new Set(inRange.flatMap((s) => Object.keys(s.labels)))].sort();
  const label = decodeURIComponent(/^label\/(.+)\/values$/.exec(endpoint)![1]!);
  return [...new Set(inRange.map((s) => s.labels[label]).filter((v) => v !== undefined))].sort();
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const request = new URL(req.url!, 'http://localhost');
    received.push(request);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: answer(request) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
});

const context = (env: Record<string, string>): OperationContext => ({
  config: loadConfig({ AWS_REGION: 'us-east-1', ...env }),
  deadline: Date.now() + 10_000,
  stats: { retries: 0, upstreamErrors: 0 },
  calls: new Set(describeMetric.calls),
});
const local = (env: Record<string, string> = {}) => context({ PROMETHEUS_URL: url, PROMETHEUS_SIGV4: 'false', ...env });
const endpoints = () => received.map((r) => r.pathname.replace(/^.*\/api\/v1\//, ''));

it("reads a histogram series' metadata under its family's name, and says which", async () => {
  metadata = { http_request_duration_seconds: [{ type: 'histogram', help: 'Request latency.', unit: '' }] };
  model = ['0.1', '1', '+Inf'].flatMap((le) => ['api', 'web'].map((job) => ({ labels: { __name__: 'http_request_duration_seconds_bucket', job, le }, from: S + 60, to: E })));
  const ctx = local();
  const result = await describeMetric.run({ metric: 'http_request_duration_seconds_bucket', start: S, end: E }, ctx);
  // 4 h in 256ths: 56.25 s; the halvings bracket S + 60 from S + 56.25, and E up to E.
  expect(result.data).toEqual({
    metric: 'http_request_duration_seconds_bucket',
    type: 'histogram',
    help: 'Request latency.',
    unit: '',
    family: 'http_request_duration_seconds',
    series: 6,
    labels: { job: 2, le: 3 },
    first_seen: S + 56,
    last_seen: E,
    seen_precision: 57,
    window: { start: S, end: E },
  });
  expect(result.remarks).toBeUndefined();
  expect(received.filter((r) => r.pathname.endsWith('/metadata')).map((r) => r.searchParams.get('metric'))).toEqual([
    'http_request_duration_seconds_bucket',
    'http_request_duration_seconds',
  ]);
  // One instant query (a sample per series: its cost), the index for the rest.
  expect(endpoints().filter((e) => e.startsWith('query'))).toEqual(['query']);
  expect(ctx.stats.samplesProcessed).toBe(6);
});

it('counts a label of more values than the function holds at once, exactly, as the list streams in', async () => {
  metadata = {};
  model = Array.from({ length: 30_000 }, (_, i) => ({ labels: { __name__: 'requests_in_flight', instance: `host-${i}`, job: 'bench' }, from: S, to: E }));
  const result = await describeMetric.run({ metric: 'requests_in_flight', start: S, end: E }, local({ PROMETHEUS_MAX_RESPONSE_BYTES: '4096' }));
  expect(result.data).toMatchObject({ series: 30_000, labels: { instance: 30_000, job: 1 }, first_seen: S, last_seen: E });
  expect(result.notes).toBeUndefined();
  expect(result.remarks).toEqual(['Prometheus has no metadata (type, help, unit) for this metric']);
});

it('places the last sample of a metric gone before the end to within a 256th of the window, from the index', async () => {
  metadata = {};
  model = [{ labels: { __name__: 'batch_runs_total', job: 'batch' }, from: S + 3600, to: S + 7200 }];
  const result = await describeMetric.run({ metric: 'batch_runs_total', start: S, end: E }, local());
  // The 256ths of 4 h are 56.25 s: its first sample, at S + 3600, lies in the bracket from S + 3543.75; its last, at
  // S + 7200, in the one up to S + 7233 (the halving keeps the later half when the mid point itself has data).
  expect(result.data).toMatchObject({ series: 0, first_seen: S + 3544, last_seen: S + 7233, seen_precision: 57 });
  expect(result.remarks).toEqual([
    `no series at end (2023-04-01T02:00:00Z): series counts those with a sample in the 5 minutes before it`,
    'Prometheus has no metadata (type, help, unit) for this metric',
  ]);
  // 8 halvings for the first sample, 8 for the last: index look-ups, no samples.
  expect(endpoints().filter((e) => e === 'label/__name__/values')).toHaveLength(16);
});

it("finds a series with a name alone (a recording rule's), written before the end", async () => {
  metadata = {};
  model = [{ labels: { __name__: 'job:requests:rate5m' }, from: S, to: S + 3600 }];
  const result = await describeMetric.run({ metric: 'job:requests:rate5m', start: S, end: E }, local());
  expect(result.data).toMatchObject({ series: 0, labels: {}, first_seen: S });
  expect(result.extra).toBeUndefined();
});

describe('on AMP', () => {
  const amp = mockClient(AmpClient);
  beforeEach(() => {
    amp.reset();
    clearWorkspaceCache();
    amp.on(DescribeWorkspaceCommand).resolves({
      workspace: {
        workspaceId: TEST_WORKSPACE_ID,
        arn: `arn:aws:aps:us-east-1:123456789012:workspace/${TEST_WORKSPACE_ID}`,
        status: { statusCode: 'ACTIVE' },
        prometheusEndpoint: `${url}/workspaces/${TEST_WORKSPACE_ID}/`,
      },
    } as never);
  });

  it("sends the deployment's samples-processed thresholds with its query, as query and range_query do", async () => {
    metadata = {};
    model = [{ labels: { __name__: 'up', job: 'node' }, from: S, to: E }];
    const ctx = context({ WORKSPACE_ID: TEST_WORKSPACE_ID, MAX_SAMPLES_PROCESSED_WARNING_THRESHOLD: '1000', MAX_SAMPLES_PROCESSED_ERROR_THRESHOLD: '5000' });
    await describeMetric.run({ metric: 'up', start: S, end: E }, ctx);
    const query = received.find((r) => r.pathname.endsWith('/query'))!;
    expect(query.pathname).toBe(`/workspaces/${TEST_WORKSPACE_ID}/api/v1/query`);
    expect([query.searchParams.get('max_samples_processed_warning_threshold'), query.searchParams.get('max_samples_processed_error_threshold')]).toEqual(['1000', '5000']);
  });
});
