import http from 'node:http';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { MAX_GET_QUERY_LENGTH } from '../../src/shared/prometheus-client';
import { signRequest } from '../../src/shared/sigv4';
import { T0 } from '../fixtures/expected';
import { TEST_REGION } from '../support/credentials';
import { envelopeOf, signedAs, useHarness } from '../support/harness';

/**
 * Real-world PromQL through every function, over GET and POST, against the AMP-like
 * front that verifies SigV4 as AWS does (a `+` in a query string is a literal plus).
 * Each answer must equal what Prometheus answers the same query sent to it directly,
 * and Prometheus must have received the query exactly as written.
 */

const harness = useHarness();
afterEach(() => {
  for (const request of harness.front.requests) expect(request.signatureError).toBeUndefined();
});

/** [what it exercises, query]; selectors are also used as list_metrics' `match`. */
const CORPUS: [string, string, { selector?: boolean }?][] = [
  ['spaces in an aggregation', 'sum by (job) (up)'],
  ['a + b', 'up{job="node"} + up{job="node"}'],
  ['% and a scalar', 'count(up) % 2'],
  ['& = # + % and a space in a label value', 'http_requests_total{path="/a b+c%d&e=f#g"}', { selector: true }],
  ['double and single quotes', `http_requests_total{path='/q"uote\\''}`, { selector: true }],
  ['braces and brackets', 'rate(http_requests_total{job="api"}[5m])'],
  ['a regex matcher with .* and |', 'http_requests_total{path=~".*b\\\\+c.*|none"}', { selector: true }],
  ['unicode label values', 'sum by (city) (http_requests_total{city=~"Zürich|東京"})'],
  ['tabs and newlines', 'sum by (job)\n\t(\n\t\tup\n\t)'],
  ['a UTF-8 quoted metric name', '{"http_requests_total", city="Zürich"}', { selector: true }],
  ['a subquery', 'max_over_time(sum(up)[10m:1m])'],
  ['label_replace with $1', 'label_replace(up{job="node"}, "host", "$1", "instance", "(.*):.*")'],
];

/** Pads a query past the GET limit with a PromQL comment, so it goes as a POST form. */
const asPost = (query: string) => `${query}\n# ${'x'.repeat(MAX_GET_QUERY_LENGTH)}`;

/** Prometheus' own answer, asked directly (no front, no signing): a POST form, or a GET where only GET is served. */
async function direct(endpoint: string, params: Record<string, string>): Promise<{ status: string; data?: unknown; errorType?: string; error?: string }> {
  const url = `${process.env.LOCAL_PROMETHEUS_URL}/api/v1/${endpoint}`;
  // A query's answer with what it processed, as the functions ask (stats=all).
  const form = new URLSearchParams(endpoint.startsWith('query') ? { ...params, stats: 'all' } : params).toString();
  const response = endpoint.startsWith('label/')
    ? await fetch(`${url}?${form}`)
    : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  return (await response.json()) as never;
}

/** The function's envelope must be Prometheus' answer: the data on success, the type and message on error. */
function expectSameAnswer(envelope: ReturnType<typeof envelopeOf>, oracle: Awaited<ReturnType<typeof direct>>): void {
  if (oracle.status === 'success') {
    // The samples Prometheus says the query processed are the ones the answer states.
    const { stats, ...data } = oracle.data as { stats?: { samples: { totalQueryableSamples: number } } };
    expect(envelope).toEqual({ status: 'success', data, ...(stats === undefined ? {} : { samples_processed: stats.samples.totalQueryableSamples }) });
  } else {
    expect(envelope.status).toBe('error');
    expect(envelope.error!.type).toBe(oracle.errorType);
    expect(envelope.error!.message.startsWith(oracle.error!)).toBe(true);
  }
}

describe.each([
  ['GET', (q: string) => q],
  ['POST', asPost],
])('over %s', (method, shape) => {
  it.each(CORPUS)('query: %s', async (_, text) => {
    const query = shape(text);
    const result = envelopeOf(await (await harness.handler('query'))({ query, time: T0 }, lambdaContext()));
    expectSameAnswer(result, await direct('query', { query, time: String(T0) }));
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({ method, endpoint: 'query', params: { query: [query] } });
  });

  it.each(CORPUS)('range_query: %s', async (_, text) => {
    const query = shape(text);
    const args = { query, start: T0, end: T0 + 600, step: '5m' };
    const result = envelopeOf(await (await harness.handler('range-query'))(args, lambdaContext()));
    expectSameAnswer(result, await direct('query_range', { query, start: String(T0), end: String(T0 + 600), step: '300' }));
    expect(harness.front.requests[0]).toMatchObject({ method, endpoint: 'query_range', params: { query: [query] } });
  });

  it.each(CORPUS)('the router (integration): %s', async (_, text) => {
    const query = shape(text);
    const result = envelopeOf(await (await harness.handler('integration'))({ operation: 'query', query, time: T0 }, lambdaContext()));
    expectSameAnswer(result, await direct('query', { query, time: String(T0) }));
    expect(harness.front.requests[0]).toMatchObject({ method, endpoint: 'query', params: { query: [query] } });
  });
});

describe('list_metrics: label values are GET only on AMP', () => {
  it.each(CORPUS.filter(([, , o]) => o?.selector === true))('match: %s', async (_, match) => {
    const result = envelopeOf(await (await harness.handler('list-metrics'))({ match, ...HOUR }, lambdaContext()));
    const oracle = await direct('label/__name__/values', { 'match[]': match, ...HOUR_PARAMS });
    if (oracle.status === 'success') {
      const names = oracle.data as string[];
      expect(result).toEqual({ status: 'success', data: { metrics: names, total: names.length, truncated: false } });
    } else {
      expect(result.error!.type).toBe(oracle.errorType);
    }
    expect(harness.front.requests[0]).toMatchObject({ method: 'GET', endpoint: 'label/__name__/values', params: { 'match[]': [match] } });
  });

  it('stays on GET with a match longer than the POST threshold', async () => {
    const hosts = Array.from({ length: 200 }, (_, i) => `host-${i}:9100`).join('|');
    const match = `{instance=~"node-1:9100|${hosts}"}`;
    expect(encodeURIComponent(match).length).toBeGreaterThan(MAX_GET_QUERY_LENGTH);
    const result = envelopeOf(await (await harness.handler('list-metrics'))({ match, ...HOUR }, lambdaContext()));
    expect(result.data.metrics).toEqual(['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'up']);
    expect(harness.front.requests.map((r) => r.method)).toEqual(['GET']);
  });
});

/** Prometheus' answer with its data as a function shapes it; an error stays as it is. */
function shaped(oracle: Awaited<ReturnType<typeof direct>>, shape: (data: any) => unknown): Awaited<ReturnType<typeof direct>> {
  return oracle.status === 'success' ? { ...oracle, data: shape(oracle.data) } : oracle;
}

const SELECTORS = CORPUS.filter(([, , o]) => o?.selector === true);
/** The hour before T0, in the backfilled data: the corpus' label values are there. */
const HOUR = { start: T0 - 3600, end: T0 };
const HOUR_PARAMS = { start: String(T0 - 3600), end: String(T0) };

describe.each([
  ['GET', (q: string) => q],
  ['POST', asPost],
])('list_labels and series over %s: the selectors as match', (method, shape) => {
  it.each(SELECTORS)('list_labels: %s', async (_, text) => {
    const match = shape(text);
    const result = envelopeOf(await (await harness.handler('discovery'))({ operation: 'list_labels', match, ...HOUR }, lambdaContext()));
    const oracle = await direct('labels', { 'match[]': match, ...HOUR_PARAMS });
    expectSameAnswer(result, shaped(oracle, (labels: string[]) => ({ labels, total: labels.length, truncated: false })));
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({ method, endpoint: 'labels', params: { 'match[]': [match] } });
  });

  it.each(SELECTORS)('series: %s', async (_, text) => {
    const match = shape(text);
    const result = envelopeOf(await (await harness.handler('discovery'))({ operation: 'series', match, ...HOUR }, lambdaContext()));
    const oracle = await direct('series', { 'match[]': match, ...HOUR_PARAMS });
    // Every selector of the corpus matches http_requests_total only.
    expectSameAnswer(result, shaped(oracle, (series: unknown[]) => ({ series, total: series.length, truncated: false, by_metric: { http_requests_total: series.length } })));
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({ method, endpoint: 'series', params: { 'match[]': [match] } });
  });
});

describe('label_values: GET only, whatever the length of match', () => {
  it.each(SELECTORS)('match: %s', async (_, text) => {
    for (const match of [text, asPost(text)]) {
      harness.front.requests.length = 0;
      const args = { operation: 'label_values', label: 'city', match, ...HOUR };
      const result = envelopeOf(await (await harness.handler('discovery'))(args, lambdaContext()));
      const oracle = await direct('label/city/values', { 'match[]': match, ...HOUR_PARAMS });
      expectSameAnswer(result, shaped(oracle, (values: string[]) => ({ values, total: values.length, truncated: false })));
      expect(harness.front.requests).toHaveLength(1);
      expect(harness.front.requests[0]).toMatchObject({ method: 'GET', endpoint: 'label/city/values', params: { 'match[]': [match] } });
    }
  });
});

it('fixes the exact answers the discovery corpus relies on', async () => {
  const discovery = await harness.handler('discovery');
  const [match] = SELECTORS[0]!.slice(1) as [string];
  expect(await discovery({ operation: 'label_values', label: 'city', match, ...HOUR }, lambdaContext())).toEqual({
    status: 'success',
    data: { values: ['Zürich'], total: 1, truncated: false },
  });
  expect(await discovery({ operation: 'series', match, ...HOUR }, lambdaContext())).toEqual({
    status: 'success',
    data: {
      series: [{ __name__: 'http_requests_total', city: 'Zürich', job: 'api', path: '/a b+c%d&e=f#g' }],
      total: 1,
      truncated: false,
      by_metric: { http_requests_total: 1 },
    },
  });
});

it('fixes exact values the corpus relies on', async () => {
  const handler = await harness.handler('query');
  const byJob = envelopeOf(await handler({ query: 'sum by (job) (up)', time: T0 }, lambdaContext()));
  expect(byJob.data.result).toEqual([
    { metric: { job: 'prometheus' }, value: [T0, '1'] },
    { metric: { job: 'node' }, value: [T0, '1'] },
  ]);
  // 6 per minute for the 120 minutes from the fixture's start to T0.
  const path = envelopeOf(await handler({ query: 'http_requests_total{path="/a b+c%d&e=f#g"}', time: T0 }, lambdaContext()));
  expect(path.data.result).toEqual([
    { metric: { __name__: 'http_requests_total', city: 'Zürich', job: 'api', path: '/a b+c%d&e=f#g' }, value: [T0, '720'] },
  ]);
  const cities = envelopeOf(await handler({ query: 'sum by (city) (http_requests_total{city=~"Zürich|東京"})', time: T0 }, lambdaContext()));
  expect(cities.data.result).toEqual([
    { metric: { city: 'Zürich' }, value: [T0, '720'] },
    { metric: { city: '東京' }, value: [T0, '360'] },
  ]);
});

describe('the front refuses what AMP refuses', () => {
  /** A correctly signed request of any method, sent straight to the front. */
  async function sendSigned(method: 'GET' | 'POST', endpoint: string): Promise<number> {
    const url = new URL(`${harness.front.workspaceUrl}/api/v1/${endpoint}`);
    const body = method === 'POST' ? 'match%5B%5D=up' : undefined;
    const headers: Record<string, string> =
      body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) };
    // As the router, whose role allows every endpoint: what is refused here is the method.
    const signed = await signedAs('integration', () => signRequest({ method, url, headers, ...(body === undefined ? {} : { body }) }, TEST_REGION));
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers: signed.headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it.each([
    ['POST', 'label/__name__/values', 405],
    ['POST', 'metadata', 405],
    ['POST', 'rules', 405],
    ['POST', 'alerts', 405],
    ['POST', 'series', 200],
    ['POST', 'labels', 200],
    ['GET', 'label/__name__/values', 200],
    ['GET', 'admin/tsdb/snapshot', 404],
  ] as const)('%s %s: %d', async (method, endpoint, status) => {
    expect(await sendSigned(method, endpoint)).toBe(status);
  });

  it('refuses a query string whose spaces were sent as + but signed as %20 (403)', async () => {
    const url = new URL(`${harness.front.workspaceUrl}/api/v1/query`);
    url.search = 'query=sum%20(up)';
    const signed = await signedAs('query', () => signRequest({ method: 'GET', url, headers: {} }, TEST_REGION));
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${url.origin}${url.pathname}?query=sum+(up)`, { headers: signed.headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect(harness.front.requests.at(-1)!.signatureError).toBe('signature does not match');
    harness.front.requests.length = 0;
  });
});
