import { AmpClient, DescribeWorkspaceCommand } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeMetric, MAX_SERIES_READ } from '../../src/operations/describe-metric';
import type { OperationContext } from '../../src/operations/types';
import { loadConfig } from '../../src/shared/config';
import { clearWorkspaceCache } from '../../src/shared/workspace';
import { TEST_WORKSPACE_ID } from '../support/credentials';

/**
 * What the integration run's Prometheus cannot show without changing the shared fixture:
 * a classic histogram's metadata, recorded under its family's name; more series than
 * describe_metric reads (10,001 would take half a minute to backfill); AMP's guardrails.
 * A small local server answers each endpoint as Prometheus would; AMP's DescribeWorkspace
 * is mocked.
 */

const S = 1680300000;
const E = 1680314400;

interface Answers {
  metadata: Record<string, unknown>;
  series: Record<string, string>[];
  seen: { metric: Record<string, string>; values: [number, string][] }[];
}
let answers: Answers;
const received: URL[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const request = new URL(req.url!, 'http://localhost');
    received.push(request);
    const endpoint = request.pathname.replace(/^.*\/api\/v1\//, '');
    const data =
      endpoint === 'metadata'
        ? Object.fromEntries(Object.entries(answers.metadata).filter(([name]) => name === request.searchParams.get('metric')))
        : endpoint === 'series'
          ? answers.series
          : { resultType: 'matrix', result: answers.seen };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data }));
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
const local = () => context({ PROMETHEUS_URL: url, PROMETHEUS_SIGV4: 'false' });
/** The first/last-seen query's answer: the least sample time at the step `at`, the greatest at the last step. */
const seen = (at: number, first: number, last: number) => [
  { metric: { seen: 'first' }, values: [[at, String(first)]] as [number, string][] },
  { metric: { seen: 'last' }, values: [[E, String(last)]] as [number, string][] },
];
/** 4 h in steps of 58 s that end at E: the first is S + 16. */
const FIRST_STEP = S + 16;

it("reads a histogram series' metadata under its family's name, and says which", async () => {
  answers = {
    metadata: { http_request_duration_seconds: [{ type: 'histogram', help: 'Request latency.', unit: '' }] },
    series: ['0.1', '1', '+Inf'].flatMap((le) => ['api', 'web'].map((job) => ({ __name__: 'http_request_duration_seconds_bucket', job, le }))),
    // Not there at the first step: at the next one, its earliest latest sample is a minute after S.
    seen: seen(FIRST_STEP + 58, S + 60, E),
  };
  const result = await describeMetric.run({ metric: 'http_request_duration_seconds_bucket', start: S, end: E }, local());
  expect(result.data).toEqual({
    metric: 'http_request_duration_seconds_bucket',
    type: 'histogram',
    help: 'Request latency.',
    unit: '',
    family: 'http_request_duration_seconds',
    series: 6,
    labels: { job: 2, le: 3 },
    first_seen: S + 60,
    last_seen: E,
    window: { start: S, end: E, step: 58 },
  });
  expect(result.remarks).toBeUndefined();
  expect(received.filter((r) => r.pathname.endsWith('/metadata')).map((r) => r.searchParams.get('metric'))).toEqual([
    'http_request_duration_seconds_bucket',
    'http_request_duration_seconds',
  ]);
});

it(`counts the labels of the first ${MAX_SERIES_READ} series and says the metric has more`, async () => {
  answers = {
    metadata: {},
    series: Array.from({ length: MAX_SERIES_READ + 1 }, (_, i) => ({ __name__: 'requests_in_flight', instance: `host-${i}`, job: 'bench' })),
    seen: seen(FIRST_STEP, S, E),
  };
  const result = await describeMetric.run({ metric: 'requests_in_flight', start: S, end: E }, local());
  expect(result.data).toMatchObject({ series: MAX_SERIES_READ, labels: { instance: MAX_SERIES_READ, job: 1 } });
  expect(result.notes).toEqual([
    'counted the labels of the first 10000 series: the metric has more in the window; pass a shorter window (start, end) for exact counts',
  ]);
  // `requests_in_flight` has no suffix of a family: one metadata call.
  expect(result.remarks).toEqual([
    'seen from the start of the window: it may be older (pass an earlier start)',
    'Prometheus has no metadata (type, help, unit) for this metric',
  ]);
  // Only what AMP's GetSeries documents: match[], start, end.
  expect([...new Set([...received.find((r) => r.pathname.endsWith('/series'))!.searchParams.keys()])].sort()).toEqual(['end', 'match[]', 'start']);
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

  it("sends the deployment's samples-processed thresholds with its range query, as query and range_query do", async () => {
    answers = { metadata: {}, series: [{ __name__: 'up', job: 'node' }], seen: seen(FIRST_STEP, S, E) };
    const ctx = context({ WORKSPACE_ID: TEST_WORKSPACE_ID, MAX_SAMPLES_PROCESSED_WARNING_THRESHOLD: '1000', MAX_SAMPLES_PROCESSED_ERROR_THRESHOLD: '5000' });
    await describeMetric.run({ metric: 'up', start: S, end: E }, ctx);
    const range = received.find((r) => r.pathname.endsWith('/query_range'))!;
    expect(range.pathname).toBe(`/workspaces/${TEST_WORKSPACE_ID}/api/v1/query_range`);
    expect([range.searchParams.get('max_samples_processed_warning_threshold'), range.searchParams.get('max_samples_processed_error_threshold')]).toEqual(['1000', '5000']);
  });
});
