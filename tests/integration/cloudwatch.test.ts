import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import http from 'node:http';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { ACTIVE_REQUESTS, CLOUDWATCH_FIXTURE, CPU_TIME, INVOCATIONS, QUEUE_DEPTH, QUEUE_SERIES, cloudWatchFamily } from '../fixtures/cloudwatch-dataset';
import { FIXTURE_END, FIXTURE_START, valueAt, type FixtureSeries } from '../fixtures/dataset';
import {
  LIMIT_WARNING,
  MAX_QUERY_SERIES,
  truncationWarning,
  type CloudWatchFront,
  type CloudWatchRequest,
} from '../support/cloudwatch-front';
import { TEST_CREDENTIALS, TEST_REGION, type TestCredentials } from '../support/credentials';
import type { FunctionName } from '../support/events';
import { cloudWatchEnv, envelopeOf, loadHandler, startTestCloudWatchFront, useCloudWatchHarness } from '../support/harness';
import { functionCredentials, knownIdentities } from '../support/iam';

/**
 * CloudWatch PromQL (workspace_id "cloudwatch") through the CloudWatch-like front, which
 * enforces what CloudWatch's user guide documents (tests/support/cloudwatch-front.ts),
 * before the Prometheus 3 the global setup loads with tests/fixtures/cloudwatch-dataset.ts:
 * UTF-8 metric and label names, exact values. First the front itself, so that it cannot be
 * more lenient than CloudWatch; then every operation through the real handlers, with
 * CLOUDWATCH_PROMQL=true and CLOUDWATCH_ENDPOINT at the front (CloudWatch their default target).
 */

const harness = useCloudWatchHarness();
/** 2023-04-01T00:00:00Z, inside the fixture's window. */
const T0 = 1680307200;
const WINDOW = { start: FIXTURE_START, end: FIXTURE_END };
const DAY = 86_400;
/** CloudWatch's longest request since 2026-11-20 (7 days before). */
const MONTH = 30 * DAY;

const seriesOf = (name: string, labels: Record<string, string> = {}): FixtureSeries[] =>
  cloudWatchFamily(name).series.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const sample = (name: string, s: FixtureSeries, time: number) => ({ metric: { __name__: name, ...s.labels }, value: [time, String(valueAt(s, time))] });
const byService = (a: { metric: Record<string, string> }, b: { metric: Record<string, string> }) =>
  (a.metric['@resource.service.name'] ?? '') < (b.metric['@resource.service.name'] ?? '') ? -1 : 1;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

interface SendOptions {
  method?: string;
  /** The function whose role signs (its own access key), or other credentials. */
  as?: FunctionName;
  credentials?: TestCredentials;
  service?: string;
  /** Changes the query string after signing. */
  tamper?: boolean;
  front?: CloudWatchFront;
}

/**
 * A request straight to the front, signed with @smithy/signature-v4 (not the functions'
 * code: these tests hold whatever src/ does): the query string of a GET, or a POST form.
 */
async function send(endpoint: string, params: [string, string][] = [], options: SendOptions = {}): Promise<Answer> {
  const front = options.front ?? harness.front;
  const method = options.method ?? 'GET';
  const url = new URL(`${front.url}/api/v1/${endpoint}`);
  const inQuery = method === 'GET' ? params : [];
  const form = method === 'GET' ? undefined : new URLSearchParams(params).toString();
  const query: Record<string, string[]> = {};
  for (const [key, value] of inQuery) (query[key] ??= []).push(value);
  const headers: Record<string, string> = { host: url.host, ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) };
  const signer = new SignatureV4({
    service: options.service ?? 'monitoring',
    region: TEST_REGION,
    credentials: options.credentials ?? functionCredentials(options.as ?? 'integration'),
    sha256: Sha256,
  });
  const signed = await signer.sign({ method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers, body: form });
  const rawQuery = [...inQuery, ...(options.tamper === true ? [['extra', '1'] as [string, string]] : [])]
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return new Promise((resolve, reject) => {
    const req = http.request(`${url.origin}${url.pathname}${rawQuery === '' ? '' : `?${rawQuery}`}`, { method, headers: signed.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: body === '' ? undefined : JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end(form);
  });
}

const last = (): CloudWatchRequest => harness.front.requests.at(-1)!;
const badData = (error: string | RegExp) => ({ status: 'error', errorType: 'bad_data', error: typeof error === 'string' ? error : expect.stringMatching(error) });

describe('the CloudWatch-like front', () => {
  describe('signing: SigV4 for the service monitoring', () => {
    it("answers a request signed for monitoring with Prometheus 3's answer and a request ID", async () => {
      const answer = await send('query', [
        ['query', `{"${ACTIVE_REQUESTS}", "@resource.service.name"="api"}`],
        ['time', String(T0)],
      ]);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        status: 'success',
        data: { resultType: 'vector', result: seriesOf(ACTIVE_REQUESTS, { '@resource.service.name': 'api' }).map((s) => sample(ACTIVE_REQUESTS, s, T0)) },
      });
      expect(answer.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(last()).toMatchObject({ service: 'monitoring', signatureError: undefined, role: 'prometheus-tools-IntegrationFunctionRole', status: 200 });
    });

    it("refuses a request signed for AMP's aps, as CloudWatch does", async () => {
      const answer = await send('query', [['query', `{"${ACTIVE_REQUESTS}"}`]], { service: 'aps' });
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({ message: "Credential should be scoped to correct service: 'monitoring'. " });
      expect(last()).toMatchObject({ service: 'aps', signatureError: 'credential scope service aps is not monitoring', status: 403 });
    });

    it('refuses a signature that does not match the request, and an unknown access key', async () => {
      const tampered = await send('query', [['query', `{"${ACTIVE_REQUESTS}"}`]], { tamper: true });
      expect(tampered.status).toBe(403);
      expect(tampered.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
      expect(last()).toMatchObject({ service: 'monitoring', signatureError: 'signature does not match', status: 403 });

      const unknown = await send('query', [['query', `{"${ACTIVE_REQUESTS}"}`]], { credentials: { ...TEST_CREDENTIALS, accessKeyId: 'AKIDNOBODYKNOWS' } });
      expect(unknown).toMatchObject({ status: 403, json: { message: 'The security token included in the request is invalid.' } });
    });
  });

  describe('paths and methods', () => {
    const name = [['match[]', `{"${ACTIVE_REQUESTS}"}`], ...Object.entries(WINDOW).map(([k, v]) => [k, String(v)])] as [string, string][];
    it.each([
      ['query', [['query', `{"${ACTIVE_REQUESTS}"}`], ['time', String(T0)]]],
      ['query_range', [['query', `{"${ACTIVE_REQUESTS}"}`], ['start', String(T0)], ['end', String(T0 + 60)], ['step', '60']]],
      ['series', name],
      ['labels', name],
    ] as [string, [string, string][]][])('serves %s with GET and POST', async (endpoint, params) => {
      expect((await send(endpoint, params)).status).toBe(200);
      expect((await send(endpoint, params, { method: 'POST' })).status).toBe(200);
      expect(harness.front.requests.map((r) => [r.method, r.status])).toEqual([
        ['GET', 200],
        ['POST', 200],
      ]);
    });

    it('serves label values with GET only, the label name percent-encoded in the path', async () => {
      const get = await send('label/%40resource.service.name/values', Object.entries(WINDOW).map(([k, v]) => [k, String(v)]));
      expect(get.json).toEqual({ status: 'success', data: ['api', 'worker'] });
      const post = await send('label/%40resource.service.name/values', [], { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET');
      expect((await send('query', [], { method: 'PUT' })).status).toBe(405);
      expect((await send('labels', [], { method: 'DELETE' })).status).toBe(405);
    });

    it.each(['metadata', 'rules', 'alerts', 'status/buildinfo', 'query_exemplars', 'targets', 'format_query', 'parse_query', 'status/config'])(
      'does not serve /api/v1/%s: 404',
      async (endpoint) => {
        const answer = await send(endpoint);
        expect(answer).toMatchObject({ status: 404, json: { message: 'Not Found' } });
      },
    );
  });

  describe('IAM: the cloudwatch: actions of the path, on *', () => {
    it("refuses a query to a role without GetMetricData (list-metrics'), and its discovery calls to one without ListMetrics (alerting's)", async () => {
      const query = await send('query', [['query', `{"${ACTIVE_REQUESTS}"}`]], { as: 'list-metrics' });
      expect(query.status).toBe(403);
      expect(query.headers['x-amzn-errortype']).toBe('AccessDeniedException');
      expect(query.json.message).toBe(
        'User: arn:aws:sts::123456789012:assumed-role/prometheus-tools-ListMetricsFunctionRole/session is not authorized to perform: ' +
          'cloudwatch:GetMetricData on resource: * because no identity-based policy allows the cloudwatch:GetMetricData action',
      );
      expect((await send('labels', [], { as: 'list-metrics' })).status).toBe(200);
      const series = await send('series', [['match[]', `{"${ACTIVE_REQUESTS}"}`], ['start', String(FIXTURE_START)], ['end', String(FIXTURE_END)]], { as: 'alerting' });
      expect(series.status).toBe(403);
      expect(series.json.message).toMatch(/not authorized to perform: cloudwatch:ListMetrics on resource: \*/);
      expect(harness.front.requests.map((r) => r.accessDenied === undefined)).toEqual([false, true, false]);
    });

    it("refuses the tests' own credentials, whose role may do nothing", async () => {
      const answer = await send('labels', [], { credentials: TEST_CREDENTIALS });
      expect(answer.status).toBe(403);
      expect(last().role).toBe('tests-without-a-function-role');
    });
  });

  describe('a metric name in every selector', () => {
    it.each([
      ['a selector of labels only', `{"@resource.service.name"="api"}`],
      ['a regex on the name', `{__name__=~"http.server.*"}`],
      ['a negative matcher on the name', `{__name__!="${ACTIVE_REQUESTS}"}`],
      ['an empty name', `{__name__=""}`],
      ['one nameless selector among named ones', `sum({"${ACTIVE_REQUESTS}"}) / sum({"@resource.service.name"="api"})`],
      ['no selector at all', 'vector(1)'],
      ['a number', '1 + 1'],
    ])('refuses %s: 400 bad_data', async (_, query) => {
      const answer = await send('query', [['query', query], ['time', String(T0)]]);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual(badData(/^invalid parameter "query": .*CloudWatch answers only selectors that name a metric with an equality matcher/));
      expect(last().refused).toBe('metric name');
    });

    it.each([
      ['quoted in the braces', `{"${ACTIVE_REQUESTS}", "@resource.service.name"="api"}`, '3'],
      ['as __name__=', `{__name__="${ACTIVE_REQUESTS}", "@resource.service.name"="api"}`, '3'],
      ["as a quoted __name__", `{"__name__"="${ACTIVE_REQUESTS}", "@resource.service.name"="api"}`, '3'],
      ['bare, a legacy name', `${INVOCATIONS}{FunctionName="f"}`, '12'],
      ['in an aggregation by a scoped label', `sum by ("@resource.service.name") ({"${ACTIVE_REQUESTS}", "@resource.service.name"="worker"})`, '7'],
    ])('answers a metric named %s', async (_, query, value) => {
      const answer = await send('query', [['query', query], ['time', String(T0)]]);
      expect(answer.status).toBe(200);
      expect(answer.json.data.result.map((r: { value: [number, string] }) => r.value)).toEqual([[T0, value]]);
    });

    it('leaves malformed PromQL to Prometheus, whose error is the answer', async () => {
      const answer = await send('query', [['query', 'http.server.active_requests'], ['time', String(T0)]]);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual(badData(/^invalid parameter "query": 1:5: parse error: unexpected character: '\.'/));
      expect(last().refused).toBeUndefined();
    });

    it('refuses series without match[], a match[] without a name, or without start or end', async () => {
      const window: [string, string][] = [['start', String(FIXTURE_START)], ['end', String(FIXTURE_END)]];
      expect((await send('series', window)).json).toEqual(badData('no match[] parameter provided'));
      expect((await send('series', [['match[]', `{"${ACTIVE_REQUESTS}"}`], ['match[]', '{"cpu.mode"="user"}'], ...window])).json).toEqual(
        badData(/^invalid parameter "match\[\]": \{"cpu.mode"="user"\}: CloudWatch answers only selectors/),
      );
      expect((await send('series', [['match[]', `{"${ACTIVE_REQUESTS}"}`], window[0]!])).json).toEqual(badData('invalid parameter "end": required by GetSeries'));
      expect((await send('series', [['match[]', `{"${ACTIVE_REQUESTS}"}`], window[1]!], { method: 'POST' })).json).toEqual(
        badData('invalid parameter "start": required by GetSeries'),
      );
      const answer = await send('series', [['match[]', `{"${ACTIVE_REQUESTS}", "@resource.service.name"="api"}`], ...window]);
      expect(answer.json).toEqual({ status: 'success', data: seriesOf(ACTIVE_REQUESTS, { '@resource.service.name': 'api' }).map((s) => ({ __name__: ACTIVE_REQUESTS, ...s.labels })) });
    });

    it('asks no name of labels and label values', async () => {
      expect((await send('labels', [['match[]', '{"cpu.mode"="user"}']])).status).toBe(200);
      expect((await send('label/FunctionName/values', [['match[]', '{"@resource.service.name"="api"}']])).json).toEqual({ status: 'success', data: [] });
    });
  });

  describe('limits', () => {
    it.each([
      ['query', '0'],
      ['query', '501'],
      ['query', '-1'],
      ['query', '1.5'],
      ['query', 'ten'],
      ['series', '10001'],
      ['labels', '0'],
      ['label/__name__/values', '10001'],
    ])('refuses %s with limit %s: 400 bad_data', async (endpoint, limit) => {
      const params: [string, string][] =
        endpoint === 'query'
          ? [['query', `{"${ACTIVE_REQUESTS}"}`]]
          : [['match[]', `{"${ACTIVE_REQUESTS}"}`], ['start', String(FIXTURE_START)], ['end', String(FIXTURE_END)]];
      const answer = await send(endpoint, [...params, ['limit', limit]]);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual(badData(`invalid parameter "limit": must be an integer from 1 to ${endpoint === 'query' ? 500 : 10000}, got "${limit}"`));
    });

    const queue = (...matchers: string[]) => send('query', [['query', `{${[`"${QUEUE_DEPTH}"`, ...matchers].join(', ')}}`], ['time', String(T0)]]);

    it(`cuts a query's answer at ${MAX_QUERY_SERIES} series without a limit: 200, with CloudWatch's warning`, async () => {
      expect(QUEUE_SERIES).toBe(MAX_QUERY_SERIES + 1);
      const answer = await queue();
      expect(answer.status).toBe(200);
      expect(answer.json.data.result).toHaveLength(MAX_QUERY_SERIES);
      // The QueryMetrics page's words.
      expect(answer.json.warnings).toEqual(['result truncated to the maximum of 500 series; refine the query or use the limit parameter']);
      // 500 exactly: nothing cut, no warning.
      const exact = await queue('"@resource.service.instance.id"!="worker-000"');
      expect(exact.json.data.result).toHaveLength(MAX_QUERY_SERIES);
      expect(exact.json.warnings).toBeUndefined();
    });

    it('cuts at the limit given, in a range query too', async () => {
      const answer = await send('query_range', [
        ['query', `{"${QUEUE_DEPTH}"}`],
        ['start', String(T0)],
        ['end', String(T0 + 120)],
        ['step', '60'],
        ['limit', '3'],
      ]);
      expect(answer.json.data.result).toHaveLength(3);
      expect(answer.json.data.result[0].values).toHaveLength(3);
      expect(answer.json.warnings).toEqual([truncationWarning(3)]);
    });

    it("passes discovery's limit to Prometheus, which cuts and warns", async () => {
      const answer = await send('label/__name__/values', [['limit', '2']]);
      expect(answer.json).toEqual({ status: 'success', data: CLOUDWATCH_FIXTURE.map((f) => f.name).sort().slice(0, 2), warnings: [LIMIT_WARNING] });
    });

    const range = (query: string, start: number, end: number) =>
      send('query_range', [['query', query], ['start', String(start)], ['end', String(end)], ['step', '3600']]);
    const instant = (query: string) => send('query', [['query', query], ['time', String(T0)]]);
    const SELECTOR = `{"${ACTIVE_REQUESTS}"}`;

    it.each([
      ['a range of 30d less the 5m lookback', () => range(SELECTOR, T0 - MONTH + 300, T0), 200],
      ['a range of 30d, with the lookback', () => range(SELECTOR, T0 - MONTH, T0), 422],
      ['a 29d range of [23h55m] selectors', () => range(`max_over_time(${SELECTOR}[23h55m])`, T0 - 29 * DAY, T0), 200],
      ['a 29d range of [1d] selectors, with the lookback', () => range(`max_over_time(${SELECTOR}[1d])`, T0 - 29 * DAY, T0), 422],
      ['an offset of 30d from the time', () => instant(`${SELECTOR} offset 30d`), 422],
      ['an offset of 29d23h55m from the time', () => instant(`${SELECTOR} offset 29d23h55m`), 200],
      ['a negative offset of 30d: its data is 30d after the time', () => instant(`${SELECTOR} offset -30d`), 200],
      ['a negative offset of 30d and 1s', () => instant(`${SELECTOR} offset -30d1s`), 422],
      ['a subquery of 30d', () => instant(`max_over_time(${SELECTOR}[30d:1h])`), 422],
      ['a subquery of 7d: no range selector', () => instant(`max_over_time(${SELECTOR}[7d:1h])`), 200],
      ['@ 31 days before', () => instant(`${SELECTOR} @ ${T0 - 31 * DAY}`), 422],
      ['@ start() of a 29d range, with a [1d] range', () => range(`max_over_time(${SELECTOR}[1d] @ start())`, T0 - 29 * DAY, T0), 422],
      ['@ its own time, with a [1d] range', () => instant(`max_over_time(${SELECTOR}[1d] @ ${T0})`), 200],
    ] as [string, () => Promise<Answer>, number][])('%s', async (_, request, status) => {
      const answer = await request();
      expect(answer.status).toBe(status);
      if (status === 422) {
        expect(answer.json).toEqual({
          status: 'error',
          errorType: 'execution',
          error: expect.stringMatching(/^query time range exceeds the maximum of 30d, range parameters and lookback periods included: the request spans \S+$/),
        });
        expect(last().refused).toBe('30 days');
      }
    });

    it.each([
      ['[24h]', 200],
      ['[1d]', 200],
      ['[86400]', 200],
      ['[24h1s]', 422],
      ['[2d]', 422],
    ] as [string, number][])('a range selector of %s: at most 24 hours', async (range, status) => {
      const answer = await instant(`rate(${SELECTOR}${range})`);
      expect(answer.status).toBe(status);
      if (status === 422) {
        expect(answer.json).toEqual({
          status: 'error',
          errorType: 'execution',
          error: `range selector exceeds the maximum of 24h: ${SELECTOR}${range} reads ${range === '[2d]' ? '2d' : '1d1s'}`,
        });
        expect(last().refused).toBe('24 hours');
      }
    });

    it('refuses a duration it cannot evaluate rather than guess', async () => {
      const answer = await instant(`max_over_time(${SELECTOR}[2*5m])`);
      expect(answer).toMatchObject({ status: 400, json: badData('invalid parameter "query": the stand-in cannot evaluate the duration 2*5m') });
    });

    it('refuses a discovery window of more than 30 days: 422', async () => {
      const answer = await send('labels', [['start', String(T0 - MONTH - 1)], ['end', String(T0)]]);
      expect(answer.status).toBe(422);
      expect(answer.json.error).toBe('query time range exceeds the maximum of 30d, range parameters and lookback periods included: the request spans a time range of 30d1s');
      expect((await send('labels', [['start', String(T0 - MONTH)], ['end', String(T0)]])).status).toBe(200);
    });
  });

  it('records each request and lets a test inject a fault', async () => {
    harness.front.fault = (req, res) => {
      if (req.endpoint !== 'labels') return false;
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Rate exceeded' }));
      return true;
    };
    expect((await send('labels')).status).toBe(429);
    expect((await send('label/__name__/values')).status).toBe(200);
    expect(harness.front.requests.map((r) => [r.endpoint, r.status])).toEqual([
      ['labels', 429],
      ['label/__name__/values', 200],
    ]);
  });
});

describe('the functions, querying CloudWatch', () => {
  afterEach(() => {
    // Every request the functions made was signed for monitoring, and valid.
    for (const request of harness.front.requests) expect([request.service, request.signatureError]).toEqual(['monitoring', undefined]);
  });
  /** The front's record of the calls: endpoint, params, the role that signed, status. */
  const calls = () => harness.front.requests.map((r) => ({ method: r.method, endpoint: r.endpoint, params: r.params, role: r.role, status: r.status }));

  describe('query and range_query, with UTF-8 names', () => {
    it('answers a dotted metric selected with a scoped label: the fixture value', async () => {
      const query = await harness.handler('query');
      const selector = `{"${ACTIVE_REQUESTS}", "@resource.service.name"="api"}`;
      const result = await query({ query: selector, time: T0 }, lambdaContext());
      expect(result).toEqual({
        status: 'success',
        data: { resultType: 'vector', result: seriesOf(ACTIVE_REQUESTS, { '@resource.service.name': 'api' }).map((s) => sample(ACTIVE_REQUESTS, s, T0)) },
      });
      expect(calls()).toEqual([
        {
          method: 'GET',
          endpoint: 'query',
          params: { query: [selector], time: [String(T0)], limit: ['500'] },
          role: 'prometheus-tools-QueryFunctionRole',
          status: 200,
        },
      ]);
    });

    it('aggregates by a scoped label, vended metrics by their dimension', async () => {
      const query = await harness.handler('query');
      const rate = envelopeOf(await query({ query: `sum by ("@resource.service.name") (rate({"${CPU_TIME}"}[5m]))`, time: T0 }, lambdaContext()));
      // dataset: api 15 + 30 a minute, worker 6.
      expect(rate.data.result.sort(byService)).toEqual([
        { metric: { '@resource.service.name': 'api' }, value: [T0, '0.75'] },
        { metric: { '@resource.service.name': 'worker' }, value: [T0, '0.1'] },
      ]);
      const vended = envelopeOf(await query({ query: `sum(${INVOCATIONS}{"@instrumentation.@name"="cloudwatch.aws/lambda"})`, time: T0 }, lambdaContext()));
      expect(vended.data.result).toEqual([{ metric: {}, value: [T0, '16'] }]);
    });

    it('answers a range query of a dotted counter: its rate at every step', async () => {
      const rangeQuery = await harness.handler('range-query');
      const result = envelopeOf(await rangeQuery({ query: `rate({"${CPU_TIME}", "cpu.mode"="user"}[5m])`, start: T0, end: T0 + 600, step: 300 }, lambdaContext()));
      expect(result.status).toBe('success');
      const expected = seriesOf(CPU_TIME, { 'cpu.mode': 'user' }).map((s) => {
        // rate() drops the name and the type it is no longer.
        const { __type__: _type, ...labels } = s.labels;
        return { metric: labels, values: [T0, T0 + 300, T0 + 600].map((t) => [t, String(s.perInterval / 60)]) };
      });
      expect(result.data).toEqual({ resultType: 'matrix', result: expected.sort(byService) });
      expect(calls()[0]).toMatchObject({ endpoint: 'query_range', params: { start: [String(T0)], end: [String(T0 + 600)], step: ['300'], limit: ['500'] } });
    });

    it('sends a long query as a POST form, and goes to CloudWatch for workspace_id "cloudwatch" beside a default workspace', async () => {
      const query = await harness.handler('query', { WORKSPACE_ID: 'ws-12345678-abcd-1234-efgh-123456789012' });
      const functions = Array.from({ length: 300 }, (_, i) => `function-${i}`).join('|');
      const long = `sum(${INVOCATIONS}{FunctionName=~"f|${functions}"})`;
      expect(long.length).toBeGreaterThan(2048);
      const result = envelopeOf(await query({ workspace_id: 'cloudwatch', query: long, time: T0 }, lambdaContext()));
      expect(result.data.result).toEqual([{ metric: {}, value: [T0, '12'] }]);
      expect(calls()).toEqual([
        { method: 'POST', endpoint: 'query', params: { query: [long], time: [String(T0)], limit: ['500'] }, role: 'prometheus-tools-QueryFunctionRole', status: 200 },
      ]);
    });

    it(`says when CloudWatch cut the answer at ${MAX_QUERY_SERIES} series`, async () => {
      const query = await harness.handler('query');
      const result = envelopeOf(await query({ query: `{"${QUEUE_DEPTH}"}`, time: T0 }, lambdaContext())) as ReturnType<typeof envelopeOf> & { truncated?: boolean; note?: string };
      expect(result.status).toBe('success');
      expect(result.warnings).toEqual([truncationWarning(MAX_QUERY_SERIES)]);
      expect(result.truncated).toBe(true);
      expect(result.note).toMatch(/CloudWatch cut the answer at its limit/);
      expect(calls()).toHaveLength(1);
    });

    it('hints at the values that exist, quoting the UTF-8 names, read from the label values path (%40)', async () => {
      const query = await harness.handler('query');
      const result = envelopeOf(await query({ query: `{"${ACTIVE_REQUESTS}", "@resource.service.name"="apii"}`, time: T0 }, lambdaContext())) as ReturnType<typeof envelopeOf> & {
        hints?: string[];
      };
      expect(result.data.result).toEqual([]);
      expect(result.hints).toEqual([expect.stringContaining('"@resource.service.name"="apii"')]);
      expect(result.hints![0]).toContain('"api", "worker"');
      expect(harness.front.requests.map((r) => r.url.split('?')[0])).toContain('/api/v1/label/%40resource.service.name/values');
    });

    it('looks back at most 30 days for when data was last seen: no probe CloudWatch would refuse', async () => {
      // The fixture lies in 2023: "now" finds nothing, and the data is older than any 30-day probe.
      const query = await harness.handler('query');
      const result = envelopeOf(await query({ query: `{"${ACTIVE_REQUESTS}"}` }, lambdaContext())) as ReturnType<typeof envelopeOf> & { hints?: string[] };
      expect(result.data.result).toEqual([]);
      expect(result.hints).toEqual([expect.stringMatching(/; last seen more than 30d before$/)]);
      expect(harness.front.requests.filter((r) => r.status !== 200)).toEqual([]);
    });
  });

  describe('discovery, with UTF-8 names', () => {
    it('lists the metric names, dotted ones included', async () => {
      const listMetrics = await harness.handler('list-metrics');
      const result = envelopeOf(await listMetrics({ ...WINDOW }, lambdaContext()));
      const names = CLOUDWATCH_FIXTURE.map((f) => f.name).sort();
      expect(names).toEqual([INVOCATIONS, QUEUE_DEPTH, ACTIVE_REQUESTS, CPU_TIME]);
      expect(result).toEqual({ status: 'success', data: { metrics: names, total: names.length, truncated: false } });
      expect(calls()).toEqual([
        {
          method: 'GET',
          endpoint: 'label/__name__/values',
          params: { start: [String(FIXTURE_START)], end: [String(FIXTURE_END)] },
          role: 'prometheus-tools-ListMetricsFunctionRole',
          status: 200,
        },
      ]);
    });

    it('lists the label names, scoped ones included', async () => {
      const discovery = await harness.handler('discovery');
      const all = envelopeOf(await discovery({ operation: 'list_labels', ...WINDOW }, lambdaContext()));
      const labels = [...new Set(['__name__', ...CLOUDWATCH_FIXTURE.flatMap((f) => f.series.flatMap((s) => Object.keys(s.labels)))])].sort();
      expect(all.data).toEqual({ labels, total: labels.length, truncated: false });
      const matched = envelopeOf(await discovery({ operation: 'list_labels', match: `{"${ACTIVE_REQUESTS}"}`, ...WINDOW }, lambdaContext()));
      expect(matched.data.labels).toEqual(['@aws.account', '@aws.region', '@instrumentation.@name', '@resource.service.name', '__name__', '__type__']);
    });

    it("lists a scoped label's values, its name percent-encoded in the path", async () => {
      const discovery = await harness.handler('discovery');
      const result = envelopeOf(await discovery({ operation: 'label_values', label: '@resource.service.name', ...WINDOW }, lambdaContext()));
      expect(result).toEqual({ status: 'success', data: { values: ['api', 'worker'], total: 2, truncated: false } });
      expect(harness.front.requests.map((r) => [r.method, r.url.split('?')[0], r.status])).toEqual([['GET', '/api/v1/label/%40resource.service.name/values', 200]]);
    });

    it('lists the series of a dotted metric', async () => {
      const discovery = await harness.handler('discovery');
      const result = envelopeOf(await discovery({ operation: 'series', match: `{"${ACTIVE_REQUESTS}"}`, ...WINDOW }, lambdaContext()));
      const series = seriesOf(ACTIVE_REQUESTS).map((s) => ({ __name__: ACTIVE_REQUESTS, ...s.labels }));
      expect(result).toEqual({ status: 'success', data: { series, total: 2, truncated: false, by_metric: { [ACTIVE_REQUESTS]: 2 } } });
      expect(calls()).toEqual([
        {
          method: 'GET',
          endpoint: 'series',
          params: { 'match[]': [`{"${ACTIVE_REQUESTS}"}`], start: [String(FIXTURE_START)], end: [String(FIXTURE_END)] },
          role: 'prometheus-tools-DiscoveryFunctionRole',
          status: 200,
        },
      ]);
    });

    it('describes a dotted metric: its type from __type__, no metadata call', async () => {
      const discovery = await harness.handler('discovery');
      const result = envelopeOf(await discovery({ operation: 'describe_metric', metric: ACTIVE_REQUESTS, ...WINDOW }, lambdaContext()));
      expect(result.status).toBe('success');
      expect(result.data).toMatchObject({
        metric: ACTIVE_REQUESTS,
        type: 'gauge',
        series: 2,
        labels: { '@aws.account': 1, '@aws.region': 1, '@instrumentation.@name': 1, '@resource.service.name': 2 },
        first_seen: FIXTURE_START,
        last_seen: FIXTURE_END,
      });
      // Its label names, each label's values, 4 halvings from each side (CloudWatch answers 10 discovery
      // requests a second), one count: no metadata.
      expect(harness.front.requests.map((r) => r.endpoint).sort()).toEqual([
        'label/%40aws.account/values',
        'label/%40aws.region/values',
        'label/%40instrumentation.%40name/values',
        'label/%40resource.service.name/values',
        ...Array(8).fill('label/__name__/values'),
        'label/__type__/values',
        'labels',
        'query',
      ]);
      // The metric is selected quoted, in every call.
      for (const request of harness.front.requests) {
        expect(request.params.query?.[0] ?? request.params['match[]']?.[0]).toContain(`{__name__="${ACTIVE_REQUESTS}"}`);
      }
    });
  });

  describe('the target itself', () => {
    it('server_info: CloudWatch, its endpoint, reachable through a query CloudWatch accepts', async () => {
      const serverInfo = await harness.handler('server-info');
      const result = envelopeOf(await serverInfo({}, lambdaContext()));
      expect(result.status).toBe('success');
      expect(result.data).toMatchObject({ source: 'CloudWatch', region: TEST_REGION, query_endpoint: `${harness.front.url}/api/v1`, reachability: { reachable: true } });
      expect(harness.front.requests.map((r) => [r.endpoint, r.status])).toEqual([['query', 200]]);
    });

    it('list_workspaces: CloudWatch beside the configured endpoint, and alone when asked for', async () => {
      const workspaces = await harness.handler('workspaces', { PROMETHEUS_URL: 'http://127.0.0.1:9/workspaces/ws-12345678-abcd-1234-efgh-123456789012' });
      const cloudWatch = { workspace_id: 'cloudwatch', alias: 'CloudWatch PromQL', status: 'ACTIVE', prometheus_endpoint: `${harness.front.url}/` };
      const all = envelopeOf(await workspaces({}, lambdaContext()));
      expect(all.data.workspaces[0]).toEqual(cloudWatch);
      expect(all.data.workspaces).toHaveLength(2);
      const alone = envelopeOf(await workspaces({ workspace_id: 'cloudwatch' }, lambdaContext()));
      expect(alone.data).toEqual({ workspaces: [cloudWatch], total: 1, truncated: false, source: 'CloudWatch' });
      expect(harness.front.requests).toEqual([]);
    });

    it.each(['list_rules', 'list_alerts'])('%s: not_supported, naming CloudWatch alarms, before any call', async (operation) => {
      const alerting = await harness.handler('alerting');
      const result = envelopeOf(await alerting({ operation }, lambdaContext()));
      expect(result.status).toBe('error');
      expect(result.error!.type).toBe('not_supported');
      expect(result.error!.message).toMatch(/CloudWatch alarms/);
      expect(harness.front.requests).toEqual([]);
    });

    it('include_metadata: not_supported, before any call', async () => {
      const listMetrics = await harness.handler('list-metrics');
      const result = envelopeOf(await listMetrics({ include_metadata: true, ...WINDOW }, lambdaContext()));
      expect(result.error?.type).toBe('not_supported');
      expect(harness.front.requests).toEqual([]);
    });
  });

  describe("what CloudWatch would refuse is refused before any call, saying how to fix it", () => {
    it.each([
      ['query', 'a selector without a metric name', { query: '{"@resource.service.name"="api"}', time: T0 }],
      ['query', 'a regex on the name', { query: `sum({__name__=~"http.server.*"})`, time: T0 }],
      ['query', 'no metric at all', { query: 'vector(1)', time: T0 }],
      ['query', 'max_series over 500', { query: `{"${QUEUE_DEPTH}"}`, time: T0, max_series: 501 }],
      ['query', 'a range selector over 24 hours', { query: `rate({"${ACTIVE_REQUESTS}"}[2d])`, time: T0 }],
      ['range-query', 'a range selector over 24 hours', { query: `max_over_time({"${ACTIVE_REQUESTS}"}[25h])`, start: T0 - DAY, end: T0, step: 3600 }],
      ['range-query', 'a window over 30 days', { query: `{"${ACTIVE_REQUESTS}"}`, start: T0 - 31 * DAY, end: T0, step: 3600 }],
      ['range-query', 'a 30-day window with the lookback', { query: `{"${ACTIVE_REQUESTS}"}`, start: T0 - MONTH, end: T0, step: 3600 }],
    ] as [FunctionName, string, Record<string, unknown>][])('%s: %s', async (name, _, args) => {
      const handler = await harness.handler(name);
      const result = envelopeOf(await handler(args, lambdaContext()));
      expect(result.status).toBe('error');
      expect(result.error!.type).toBe('validation_error');
      expect(result.error!.message).toMatch(/CloudWatch/);
      expect(harness.front.requests).toEqual([]);
    });

    it.each(['list_labels', 'series'])('%s: a window over 30 days (read the strict way: "Max range per request")', async (operation) => {
      const discovery = await harness.handler('discovery');
      const result = envelopeOf(await discovery({ operation, match: `{"${ACTIVE_REQUESTS}"}`, start: T0 - 31 * DAY, end: T0 }, lambdaContext()));
      expect(result.error?.type).toBe('validation_error');
      expect(harness.front.requests).toEqual([]);
    });

    it('series: a match without a metric name', async () => {
      const discovery = await harness.handler('discovery');
      const result = envelopeOf(await discovery({ operation: 'series', match: '{"@resource.service.name"="api"}', ...WINDOW }, lambdaContext()));
      expect(result.error?.type).toBe('validation_error');
      expect(harness.front.requests).toEqual([]);
    });
  });
});

describe("a function that signs for aps (AMP's service) instead", () => {
  it("is refused with CloudWatch's 403: access_denied, a fault", async () => {
    // PROMETHEUS_URL at the CloudWatch endpoint, without CLOUDWATCH_PROMQL: signed as for AMP.
    const query = await loadHandler('query', { PROMETHEUS_URL: harness.front.url });
    const result = envelopeOf(await query({ query: `{"${ACTIVE_REQUESTS}"}`, time: T0 }, lambdaContext()));
    expect(result.status).toBe('error');
    expect(result.error!.type).toBe('access_denied');
    expect(result.error!.message).toContain("Credential should be scoped to correct service: 'monitoring'");
    expect(harness.front.requests.map((r) => [r.service, r.status])).toEqual([['aps', 403]]);
  });
});

describe('a deployment without CloudWatchPromQL=true: its roles have no cloudwatch: action', () => {
  let front: CloudWatchFront;
  beforeAll(async () => {
    front = await startTestCloudWatchFront({ identities: knownIdentities() });
  });
  afterAll(async () => front.stop());

  it.each([
    ['query', 'cloudwatch:GetMetricData', { query: `{"${ACTIVE_REQUESTS}"}`, time: T0 }],
    ['discovery', 'cloudwatch:ListMetrics', { operation: 'list_labels', ...WINDOW }],
  ] as [FunctionName, string, Record<string, unknown>][])('%s: access_denied (403), naming %s', async (name, action, args) => {
    const handler = await loadHandler(name, cloudWatchEnv(front));
    const result = envelopeOf(await handler(args, lambdaContext()));
    expect(result.status).toBe('error');
    expect(result.error!.type).toBe('access_denied');
    expect(result.error!.message).toContain(`not authorized to perform: ${action} on resource: *`);
    expect(front.requests.at(-1)).toMatchObject({ service: 'monitoring', status: 403, accessDenied: expect.stringContaining(action) });
  });
});
