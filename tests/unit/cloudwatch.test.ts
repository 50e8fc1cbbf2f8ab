import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { CLOUDWATCH_CALL_ACTIONS, actionsFor, cloudWatchActionsFor } from '../../src/shared/calls';
import { REGISTRY } from '../../src/operations';
import { PrometheusClient } from '../../src/shared/prometheus-client';
import { ok, promError, type Script } from '../support/scripted-server';
import { functionCredentials } from '../support/iam';
import { loadHandler } from '../support/harness';
import { verifySigV4 } from '../support/sigv4-verify';

/**
 * CloudWatch PromQL as a target (workspace_id "cloudwatch"), through the router as Lambda
 * runs it, against a small server standing for CloudWatch's endpoint (CLOUDWATCH_ENDPOINT):
 * each endpoint answers from its own script, and every request is recorded. What is
 * checked: the signature's service, CloudWatch's documented rules refused before any
 * call with their exact messages, the operations it does not serve, the limit sent, its
 * truncation warnings, and its 422 and 429 answers.
 */

interface Received {
  method: string;
  endpoint: string;
  url: string;
  params: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let routes: Record<string, Script[]> = {};
const received: Received[] = [];
let server: http.Server;
let endpointUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://localhost');
      const body = Buffer.concat(chunks);
      const endpoint = url.pathname.replace(/^\/cw\/api\/v1\//, '');
      const params = req.method === 'POST' ? new URLSearchParams(body.toString()) : url.searchParams;
      received.push({ method: req.method!, endpoint, url: req.url!, params, headers: req.headers, body });
      const script = routes[endpoint] ?? routes[endpoint.startsWith('label/') ? 'label/values' : endpoint] ?? [ok([])];
      const step = script.length > 1 ? script.shift()! : script[0]!;
      if (step === 'reset') return void req.socket.destroy();
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers }).end(step.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cw`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  routes = {};
  received.length = 0;
});

type Envelope = { status: string; data?: any; error?: { type: string; message: string }; warnings?: string[]; truncated?: boolean; note?: string };

/** The router with CloudWatch enabled beside a default AMP workspace, unless `env` says otherwise. */
async function router(env: Record<string, string | undefined> = {}) {
  const handler = await loadHandler('integration', {
    CLOUDWATCH_PROMQL: 'true',
    CLOUDWATCH_ENDPOINT: endpointUrl,
    WORKSPACE_ID: 'ws-12345678-abcd-1234-efgh-123456789012',
    ALLOWED_WORKSPACE_IDS: 'ws-12345678-abcd-1234-efgh-123456789012',
    PROMETHEUS_MAX_ATTEMPTS: '2',
    ...env,
  });
  return async (args: Record<string, unknown>) => (await handler(args, lambdaContext())) as Envelope;
}

const cw = { workspace_id: 'cloudwatch' };
const T = 1_680_307_200;
const vector = (series: Record<string, string>[]) => ({ resultType: 'vector', result: series.map((metric) => ({ metric, value: [T, '1'] })) });
const TRUNCATED = 'result truncated to the maximum of 500 series; refine the query or use the limit parameter';

describe('signing and the call', () => {
  it('signs for the monitoring service, sends the query as written and limit 500, and answers its data', async () => {
    const query = '{"http.server.active_requests", "@resource.service.name"="api"}';
    routes.query = [ok(vector([{ __name__: 'http.server.active_requests', '@resource.service.name': 'api' }]))];
    const call = await router();
    const answer = await call({ operation: 'query', ...cw, query, time: T, format: 'prometheus' });
    expect(answer).toEqual({ status: 'success', data: vector([{ __name__: 'http.server.active_requests', '@resource.service.name': 'api' }]) });

    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.method).toBe('GET');
    expect(request.endpoint).toBe('query');
    expect([...request.params]).toEqual([
      ['query', query],
      ['time', String(T)],
      ['limit', '500'],
    ]);
    const credentials = functionCredentials('integration');
    expect(String(request.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDINTEGRATIONFUNCTION\/\d{8}\/us-east-1\/monitoring\/aws4_request, /);
    const signed = { method: request.method, rawUrl: request.url, headers: request.headers, body: request.body };
    expect(verifySigV4(signed, credentials, { region: 'us-east-1', service: 'monitoring' })).toBeUndefined();
    expect(verifySigV4(signed, credentials, { region: 'us-east-1', service: 'aps' })).toBe('credential scope service monitoring is not aps');
  });

  it('is the default target of a deployment of CloudWatch alone', async () => {
    routes.query_range = [ok({ resultType: 'matrix', result: [] })];
    const call = await router({ WORKSPACE_ID: undefined, ALLOWED_WORKSPACE_IDS: undefined });
    const answer = await call({ operation: 'range_query', query: 'rate(http_requests_total[5m])', start: T - 3600, end: T, step: 60 });
    expect(answer.status).toBe('success');
    expect(received.map((r) => [r.endpoint, Object.fromEntries(r.params)])).toEqual([
      ['query_range', { query: 'rate(http_requests_total[5m])', start: String(T - 3600), end: String(T), step: '60', limit: '500' }],
      // The empty answer's hints: the metric names of the window, then of all the data held.
      ['label/__name__/values', { start: String(T - 3900), end: String(T) }],
      ['label/__name__/values', {}],
    ]);
  });

  it("does not send AMP's guardrails, and says so", async () => {
    routes.query = [ok(vector([{ __name__: 'up' }]))];
    const call = await router();
    const answer = await call({ operation: 'query', ...cw, query: 'up', max_samples_processed_warning_threshold: 5, format: 'prometheus' });
    expect(answer).toEqual({
      status: 'success',
      data: vector([{ __name__: 'up' }]),
      note: "max_samples_processed_warning_threshold: AMP's guardrails, which CloudWatch does not take, were not sent",
    });
    expect([...received[0]!.params.keys()]).toEqual(['query', 'limit']);
  });

  it('is refused, before any call, where the deployment does not enable it', async () => {
    const call = await router({ CLOUDWATCH_PROMQL: undefined });
    expect(await call({ operation: 'query', ...cw, query: 'up' })).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: 'CloudWatch PromQL is not enabled on this deployment (template parameter CloudWatchPromQL=true)' },
    });
    expect(received).toEqual([]);
  });
});

describe("CloudWatch's rules, checked before any call", () => {
  it.each([
    [
      'a selector without a name',
      { query: 'sum(rate({job="api", code=~"5.."}[5m]))' },
      'CloudWatch PromQL needs each selector to name its metric, and {job="api", code=~"5.."} (at offset 9) names none: ' +
        'write {"<metric>", job="api", code=~"5.."} with the metric\'s name (discover finds the names)',
    ],
    [
      'a name matched by a regex',
      { query: '{__name__=~"http_.*", job="api"}' },
      'CloudWatch PromQL needs each selector to name its metric with =, and {__name__=~"http_.*", job="api"} matches it with ' +
        '__name__=~"http_.*": write one selector per metric, e.g. {"<metric>", job="api"} (discover finds the names)',
    ],
    [
      'a query without a selector',
      { query: 'vector(1)' },
      'CloudWatch PromQL answers only queries that select a metric by name, and vector(1) selects none: ' +
        'e.g. {"http.server.active_requests"} or up{job="api"} (discover finds the names)',
    ],
    [
      'a range longer than 30 days with the lookback',
      { operation: 'range_query', query: 'up', start: T - 30 * 86_400, end: T, step: 3600 },
      'CloudWatch PromQL reads at most 30d per query, ranges, offsets and the 5m lookback included, and this one reads 30d5m: ' +
        '30d from start to end, 5m before the start for up; shorten the range (start, end), the [range] or the offset',
    ],
    [
      'a range selector and an offset past 30 days',
      { query: 'rate(up[1d] offset 29d)', time: T },
      'CloudWatch PromQL reads at most 30d per query, ranges, offsets and the 5m lookback included, and this one reads 30d5m: ' +
        '30d5m before the start for up; shorten the range (start, end), the [range] or the offset',
    ],
    [
      'a negative offset reading past the end',
      { query: 'rate(up[23h55m] offset 29d) + on() x offset -1h', time: T },
      'CloudWatch PromQL reads at most 30d per query, ranges, offsets and the 5m lookback included, and this one reads 30d1h: ' +
        '30d before the start for up, 1h after the end for x; shorten the range (start, end), the [range] or the offset',
    ],
    [
      'a range selector longer than 24 hours',
      { query: 'sum(rate(http_requests_total{code="500"}[2d]))', time: T },
      'CloudWatch PromQL takes range selectors of at most 24h, and http_requests_total{code="500"}[2d] reads 2d: ' +
        'write [24h] or less, or run a range query (query with start) over the longer period with a step of 1d (one point per day)',
    ],
    [
      'a range selector of 24 hours and 1 second',
      { operation: 'range_query', query: 'max_over_time(up[1d1s])', start: T - 3600, end: T, step: 60 },
      'CloudWatch PromQL takes range selectors of at most 24h, and up[1d1s] reads 1d1s: ' +
        'write [24h] or less, or run a range query (query with start) over the longer period with a step of 1d (one point per day)',
    ],
    [
      'an empty name',
      { query: 'up + {__name__="", job="api"}' },
      'CloudWatch PromQL needs each selector to name its metric, and {__name__="", job="api"} (at offset 5) names none: ' +
        'write {"<metric>", __name__="", job="api"} with the metric\'s name (discover finds the names)',
    ],
    [
      'a discovery window longer than 30 days',
      { operation: 'list_labels', start: '31d' },
      'CloudWatch PromQL reads at most 30d per request, and this one reads 31d from start to end: pass a start within 30 days of the end',
    ],
    [
      'max_series above 500',
      { query: 'up', max_series: 501 },
      "max_series 501 is more than CloudWatch's 500 series per query: pass at most 500, or aggregate (sum by (…)) to fewer series",
    ],
    [
      'series without a metric name',
      { operation: 'series', match: ['up', '{job="api"}'] },
      'CloudWatch PromQL needs each selector to name its metric, and {job="api"} names none: write {"<metric>", job="api"} ' +
        "with the metric's name (discover finds the names)",
    ],
  ])('refuses %s', async (_, args, message) => {
    const call = await router();
    expect(await call({ operation: 'query', ...cw, ...args })).toEqual({ status: 'error', error: { type: 'validation_error', message } });
    expect(received).toEqual([]);
  });

  it('lets through a 30-day span exactly, a 24h range selector, and every form of a name', async () => {
    routes.query = [ok(vector([]))];
    routes['label/values'] = [ok(['up'])];
    const call = await router();
    // 24h of range, 28d23h55m of offset and the 5m lookback: 30 days.
    const query = 'rate(up[24h] offset 28d23h55m) + {"a.b"} + {__name__="c", job="x"} + {"__name__"="d"} + e{f="g"} offset 1h';
    expect(await call({ operation: 'query', ...cw, query, time: T })).toMatchObject({ status: 'success' });
    expect(received[0]!.params.get('query')).toBe(query);
  });

  it('gives series the end CloudWatch requires, after the window it reads', async () => {
    routes.series = [ok([{ __name__: 'http.server.active_requests', '@resource.service.name': 'api' }])];
    const call = await router();
    const before = Date.now() / 1000;
    const answer = await call({ operation: 'series', ...cw, match: '{"http.server.active_requests"}', start: '10m' });
    expect(answer.data).toEqual({
      series: [{ __name__: 'http.server.active_requests', '@resource.service.name': 'api' }],
      total: 1,
      truncated: false,
      by_metric: { 'http.server.active_requests': 1 },
    });
    const params = received[0]!.params;
    expect(params.getAll('match[]')).toEqual(['{"http.server.active_requests"}']);
    // The end is now, when the call was made; the start 10 minutes before the operation's now.
    const [start, end] = [Number(params.get('start')), Number(params.get('end'))];
    expect(end).toBeGreaterThanOrEqual(Math.floor(before * 1000) / 1000);
    expect(end).toBeLessThanOrEqual(Date.now() / 1000);
    expect(Math.round(end - start)).toBe(600);
  });
});

describe('what CloudWatch does not serve', () => {
  it.each([
    [{ operation: 'list_rules' }, 'CloudWatch has no Prometheus rules API: use CloudWatch alarms (PromQL alarms: DescribeAlarms / the console)'],
    [{ operation: 'list_alerts', state: 'firing' }, 'CloudWatch has no Prometheus alerts API: use CloudWatch alarms (PromQL alarms: DescribeAlarms / the console)'],
    [
      { operation: 'list_metrics', include_metadata: true },
      "include_metadata: CloudWatch PromQL serves no metric metadata (type, help, unit): a series' __type__ and __temporality__ " +
        'labels tell its type (discover with series: true, or with metric)',
    ],
    [
      { operation: 'list_metrics', top: 10 },
      'top: CloudWatch PromQL needs a metric name in every selector, so it cannot count the series of every metric; ' +
        "count one metric's series and its labels' values with discover's metric, or query count({\"<metric>\"})",
    ],
  ])('%j answers not_supported, naming the alternative, before any call', async (args, message) => {
    const call = await router();
    expect(await call({ ...cw, ...args })).toEqual({ status: 'error', error: { type: 'not_supported', message } });
    expect(received).toEqual([]);
  });

  it("describe_metric tells the type from the series' __type__ label, and reads no metadata", async () => {
    const name = 'http.server.request.duration';
    routes.labels = [ok(['@resource.service.name', '__name__', '__temporality__', '__type__'])];
    routes['label/%40resource.service.name/values'] = [ok(['api', 'web'])];
    routes['label/__temporality__/values'] = [ok(['delta'])];
    routes['label/__type__/values'] = [ok(['histogram'])];
    // The index has the metric in every part of the window.
    routes['label/__name__/values'] = [ok([name])];
    routes.query = [ok({ resultType: 'vector', result: [{ metric: {}, value: [T, '2'] }] })];
    const call = await router();
    const answer = await call({ operation: 'describe_metric', ...cw, metric: name, start: T - 86_400, end: T });
    expect(answer).toEqual({
      status: 'success',
      data: {
        metric: name,
        type: 'histogram',
        temporality: 'delta',
        series: 2,
        labels: { '@resource.service.name': 2, __temporality__: 1, __type__: 1 },
        // 4 halvings on CloudWatch: to within a 16th of the day.
        first_seen: T - 86_400,
        last_seen: T,
        seen_precision: 5400,
        window: { start: T - 86_400, end: T },
      },
      note: "CloudWatch PromQL has no metadata: type is its series' __type__ label (no help or unit)",
    });
    const selector = `{__name__="${name}"}`;
    // Label names, 3 labels' values, 8 halvings, one count: no metadata.
    expect(received.map((r) => r.endpoint).sort()).toEqual([
      'label/%40resource.service.name/values',
      ...Array(8).fill('label/__name__/values'),
      'label/__temporality__/values',
      'label/__type__/values',
      'labels',
      'query',
    ]);
    for (const r of received) expect(r.params.get('query') ?? r.params.getAll('match[]')[0]).toContain(selector);
    expect(received.find((r) => r.endpoint === 'query')!.params.get('query')).toBe(`count(${selector})`);
  });

  it('server_info checks CloudWatch with a query that names a metric', async () => {
    routes.query = [ok(vector([]))];
    const call = await router();
    const answer = await call({ operation: 'server_info', ...cw });
    expect(answer).toMatchObject({
      status: 'success',
      data: { workspace: null, region: 'us-east-1', query_endpoint: `${endpointUrl}/api/v1`, source: 'CloudWatch', reachability: { reachable: true } },
      note:
        'CloudWatch PromQL serves query and discover; not rules, alerts or metadata ' +
        '(alerts and include_metadata answer not_supported)',
    });
    expect(received.map((r) => [r.endpoint, Object.fromEntries(r.params)])).toEqual([['query', { query: 'prometheus_tools_reachability_check' }]]);
  });
});

describe("CloudWatch's answers", () => {
  it('flags an answer CloudWatch cut at 500 series as truncated, with a note, keeping its warning', async () => {
    routes.query = [ok(vector([{ __name__: 'up', job: 'a' }]), { warnings: [TRUNCATED] })];
    const call = await router();
    expect(await call({ operation: 'query', ...cw, query: 'up', format: 'prometheus' })).toEqual({
      status: 'success',
      data: vector([{ __name__: 'up', job: 'a' }]),
      warnings: [TRUNCATED],
      truncated: true,
      // Only job varies (one series): job, the default, is the label offered to aggregate by.
      note: `CloudWatch cut the answer at its limit (${TRUNCATED}): ask for less: aggregate (sum by (job) (up)), keep the largest (topk(10, up)), add matchers`,
    });
  });

  it('flags a list of metric names CloudWatch cut as truncated', async () => {
    const warning = 'result truncated to the maximum of 10000 labels';
    routes['label/values'] = [ok(['a.b', 'up'], { warnings: [warning] })];
    const call = await router();
    const answer = await call({ operation: 'list_metrics', ...cw });
    expect(answer).toMatchObject({
      data: { metrics: ['a.b', 'up'], total: 2, truncated: false },
      warnings: [warning],
      truncated: true,
      note: `CloudWatch cut the answer at its limit (${warning}): narrow with match or a shorter window (start, end)`,
    });
  });

  it('answers its 422 for a limit as limit_exceeded, once: the same request meets the same limit', async () => {
    routes.query = [{ status: 422, body: JSON.stringify({ message: 'Query exceeded the maximum series scanned per 24-hour window' }) }];
    const call = await router();
    expect(await call({ operation: 'query', ...cw, query: 'up' })).toEqual({
      status: 'error',
      error: {
        type: 'limit_exceeded',
        message:
          'CloudWatch refused the request under one of its PromQL limits (HTTP 422): Query exceeded the maximum series scanned per ' +
          '24-hour window. Its limits: 300 query requests per second per account, 30 days per query (ranges, offsets and lookback ' +
          'included), range selectors of 24h, 500 series per query and 10,000 per discovery call, 100,000 series and 300,000,000 samples scanned per 24 h ' +
          'window, 20 s of execution; the same request meets the same limit: narrow it (a shorter range, more matchers, a larger ' +
          'step), or wait a second if it is the rate',
      },
    });
    expect(received).toHaveLength(1);
  });

  it("keeps a 422 that is Prometheus' execution error as it is", async () => {
    routes.query = [promError(422, 'execution', 'found duplicate series for the match group')];
    const call = await router();
    expect(await call({ operation: 'query', ...cw, query: 'up / on() up' })).toEqual({
      status: 'error',
      error: { type: 'execution', message: 'found duplicate series for the match group' },
    });
  });

  it('retries its 429 (too many concurrent requests), then answers throttled', async () => {
    routes.query = [promError(429, 'too_many_requests', 'too many concurrent queries')];
    const call = await router();
    expect(await call({ operation: 'query', ...cw, query: 'up' })).toEqual({
      status: 'error',
      error: {
        type: 'throttled',
        message:
          'CloudWatch throttled the request (HTTP 429: at most 30 concurrent PromQL query requests per account) (after 2 attempts): ' +
          'too many concurrent queries; try again shortly',
      },
    });
    expect(received).toHaveLength(2);
  });

  it("names the actions the role needs when CloudWatch refuses the signature's identity", async () => {
    routes.labels = [{ status: 403, body: JSON.stringify({ message: 'User is not authorized to perform: cloudwatch:ListMetrics' }) }];
    const call = await router();
    expect(await call({ operation: 'list_labels', ...cw, match: 'up' })).toEqual({
      status: 'error',
      error: {
        type: 'access_denied',
        message:
          'CloudWatch refused the request (HTTP 403): User is not authorized to perform: cloudwatch:ListMetrics; the function\'s role ' +
          'needs cloudwatch:ListMetrics (template parameter CloudWatchPromQL=true), signed for the monitoring service',
      },
    });
  });
});

it('says CloudWatch PromQL may not be served in the region when it answers 404', async () => {
  routes.query = [{ status: 404, body: '' }];
  const call = await router();
  expect(await call({ operation: 'query', ...cw, query: 'up' })).toEqual({
    status: 'error',
    error: { type: 'upstream_error', message: 'CloudWatch answered HTTP 404 on query: empty body; CloudWatch PromQL may not be available in us-east-1' },
  });
});

describe('the client, for any caller', () => {
  const client = () =>
    new PrometheusClient(
      { baseUrl: new URL(`${endpointUrl}/api/v1`), region: 'us-east-1', sigv4: true, service: 'monitoring' },
      { maxAttempts: 1, maxResponseBytes: 1024 * 1024 },
    );
  const options = () => ({ deadline: Date.now() + 10_000, stats: { retries: 0, upstreamErrors: 0 } });

  it.each([
    ['query', [['query', 'up'], ['limit', '501']], 'CloudWatch PromQL takes a limit from 1 to 500 series per query (got 501)'],
    ['query_range', [['query', 'up'], ['start', String(T - 60)], ['end', String(T)], ['step', '15'], ['limit', '0']], 'CloudWatch PromQL takes a limit from 1 to 500 series per query (got 0)'],
    ['labels', [['limit', '10001']], 'CloudWatch PromQL takes a limit from 1 to 10,000 results per discovery call (got 10001)'],
    ['series', [['start', String(T - 60)]], 'CloudWatch PromQL answers series only for a match[] selector that names a metric, e.g. {"http.server.active_requests"}'],
    ['metadata', [], "CloudWatch PromQL serves no metric metadata (type, help, unit): a series' __type__ and __temporality__ labels tell its type (discover with series: true, or with metric)"],
    ['status/buildinfo', [], 'CloudWatch PromQL has no build information'],
    ['query_exemplars', [['query', 'up']], 'CloudWatch PromQL does not serve /api/v1/query_exemplars'],
  ] as [string, [string, string][], string][])('refuses %s %j before any call', async (endpoint, params, message) => {
    await expect(client().call(endpoint, params, options())).rejects.toThrow(message);
    expect(received).toEqual([]);
  });

  it('sends a limit within the range, and label values over GET only however long', async () => {
    const match = `{"http.server.active_requests", path=~"${'a'.repeat(3000)}"}`;
    await client().call('labels', [['limit', '10000']], options());
    await client().call('label/%40resource.service.name/values', [['match[]', match]], options());
    await client().call('series', [['match[]', match], ['start', String(T - 60)], ['end', String(T)]], options());
    expect(received.map((r) => [r.method, r.endpoint])).toEqual([
      ['GET', 'labels'],
      ['GET', 'label/%40resource.service.name/values'],
      ['POST', 'series'],
    ]);
    expect(received[0]!.params.get('limit')).toBe('10000');
    expect(received[2]!.params.getAll('match[]')).toEqual([match]);
  });
});

describe('IAM for CloudWatch', () => {
  it("maps each call to the actions CloudWatch's PromQL table names, and none to what it does not serve", () => {
    expect(CLOUDWATCH_CALL_ACTIONS).toEqual({
      query: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
      query_range: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
      labels: ['cloudwatch:ListMetrics'],
      'label/values': ['cloudwatch:ListMetrics'],
      series: ['cloudwatch:ListMetrics'],
      metadata: undefined,
      rules: undefined,
      alerts: undefined,
      'status/buildinfo': undefined,
      DescribeWorkspace: undefined,
      ListWorkspaces: undefined,
    });
  });

  it("derives each operation's CloudWatch actions from its calls, the aps ones unchanged", () => {
    const of = (name: string) => REGISTRY.find((op) => op.name === name)!.calls;
    expect(cloudWatchActionsFor(of('query'))).toEqual(['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics']);
    expect(cloudWatchActionsFor(of('list_labels'))).toEqual(['cloudwatch:ListMetrics']);
    expect(cloudWatchActionsFor(of('list_rules'))).toEqual([]);
    expect(cloudWatchActionsFor(of('list_workspaces'))).toEqual([]);
    expect(actionsFor(of('query'))).toEqual(['aps:QueryMetrics', 'aps:DescribeWorkspace', 'aps:GetLabels']);
  });
});
