import { asToolCall } from '../../src/tools/replaced';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { MAX_GET_QUERY_LENGTH } from '../../src/shared/prometheus-client';
import { FIXTURE, FIXTURE_END, FIXTURE_START } from '../fixtures/dataset';
import { EXPECTED_EVENT_DATA, UP_INSTANCES, family } from '../fixtures/expected';
import { TEST_WORKSPACE_ID } from '../support/credentials';
import { loadEvent } from '../support/events';
import { envelopeOf, loadHandler, useHarness } from '../support/harness';

/**
 * The discovery operations (list_metrics, list_labels, label_values, series) and
 * list_workspaces against the real Prometheus, through the AMP-like front that checks
 * every signature and the methods AMP accepts: through their own functions, their events
 * files, the router and the gateway's tool calls. Expected values follow from
 * tests/fixtures/dataset.ts: the backfilled fixture lies in 2023, so the last hour (the
 * default window) holds only the live scrape of it (job "fixture", the fixture's own job
 * and instance renamed exported_job and exported_instance) and the rules' series.
 */

const harness = useHarness();
afterEach(() => {
  for (const request of harness.front.requests) expect(request.signatureError).toBeUndefined();
});

/** The fixture's window: only the backfilled series, none of the live scrape's or the rules'. */
const WINDOW = { start: FIXTURE_START, end: FIXTURE_END };
const WINDOW_PARAMS = { start: [String(FIXTURE_START)], end: [String(FIXTURE_END)] };
/** How hints name the fixture's window. */
const BETWEEN = 'between 2023-03-31T22:00:00Z and 2023-04-01T02:00:00Z';
/** What an answer says of the default window. */
const RECENT = 'the last 1h (default): pass start, e.g. 30d, for older data';
/** The job Prometheus gives the live scrape of the fixture (scripts/lib/local-prometheus.ts), the only one in the last hour. */
const LIVE_JOB = 'fixture';

const ALL_SERIES = FIXTURE.flatMap((f) => f.series.map((s) => ({ __name__: f.name, ...s.labels })));
const LABEL_NAMES = [...new Set(ALL_SERIES.flatMap((s) => Object.keys(s)))].sort();
const NODE_METRICS = ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'up'];
// Sorted by metric name; within a family the fixture lists its series in label order.
const NODE_SERIES = NODE_METRICS.flatMap((name) =>
  family(name)
    .series.filter((s) => s.labels.job === 'node')
    .map((s) => ({ __name__: name, ...s.labels })),
);
const NODE_BY_METRIC = { node_cpu_seconds_total: 3, node_memory_MemAvailable_bytes: 2, up: 2 };

/** A selector past the GET limit: the instances of the fixture plus many that do not exist. */
const LONG_NODE_MATCH = `{instance=~"node-1:9100|node-2:9100|${Array.from({ length: 200 }, (_, i) => `host-${i}:9100`).join('|')}"}`;

/** Makes a call, and checks that its first request sent start an hour before it, and no end. */
async function sentHourAgo(call: () => Promise<unknown>): Promise<{ result: ReturnType<typeof envelopeOf> & { hints?: string[] }; start: number }> {
  const before = Date.now() / 1000;
  const result = envelopeOf(await call());
  const after = Date.now() / 1000;
  const { start, end } = harness.front.requests[0]!.params;
  expect(Number(start![0])).toBeGreaterThanOrEqual(before - 3600 - 0.001);
  expect(Number(start![0])).toBeLessThanOrEqual(after - 3600 + 0.001);
  expect(end).toBeUndefined();
  return { result, start: Number(start![0]) };
}

/** Prometheus' own answer, asked directly (no front, no signing). */
async function direct(endpoint: string, params: [string, string][]): Promise<unknown> {
  const response = await fetch(`${process.env.LOCAL_PROMETHEUS_URL}/api/v1/${endpoint}?${new URLSearchParams(params)}`);
  return ((await response.json()) as { data: unknown }).data;
}

describe('list_labels', () => {
  it('answers the label names of the fixture window, sorted, over GET', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'list_labels', ...WINDOW }, lambdaContext());
    expect(LABEL_NAMES).toEqual(['__name__', 'city', 'code', 'cpu', 'handler', 'instance', 'job', 'mode', 'path']);
    expect(result).toEqual({ status: 'success', data: { labels: LABEL_NAMES, total: 9, truncated: false } });
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({ method: 'GET', workspaceId: TEST_WORKSPACE_ID, endpoint: 'labels', params: WINDOW_PARAMS, status: 200 });
  });

  it('filters by match and says what the limit left out', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'list_labels', match: 'up', limit: 2, ...WINDOW }, lambdaContext());
    expect(result).toEqual({
      status: 'success',
      data: { labels: ['__name__', 'instance'], total: 3, truncated: true },
      truncated: true,
      note: 'returned the first 2 of 3 label names (limit); raise limit or narrow with match or start',
    });
    expect(harness.front.requests[0]!.params).toEqual({ 'match[]': ['up'], ...WINDOW_PARAMS });
  });

  it('sends a bare duration as the Unix seconds that long ago, and answers what Prometheus answers', async () => {
    const discovery = await harness.handler('discovery');
    const { result, start: sent } = await sentHourAgo(() => discovery({ operation: 'list_labels', start: '1h' }, lambdaContext()));
    const labels = ((await direct('labels', [['start', String(sent)]])) as string[]).sort();
    expect(result).toEqual({ status: 'success', data: { labels, total: labels.length, truncated: false } });
    // The last hour holds only the live scrape, which renames the fixture's job and instance.
    expect(labels).toContain('exported_job');
  });

  it('sends -1h as the Unix seconds an hour ago, as now-1h', async () => {
    const discovery = await harness.handler('discovery');
    const { result } = await sentHourAgo(() => discovery({ operation: 'list_labels', start: '-1h' }, lambdaContext()));
    expect(result.status).toBe('success');
  });

  it('takes several selectors, sent as repeated match[]: the labels of the series matching any', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'list_labels', match: ['up', 'node_cpu_seconds_total'], ...WINDOW }, lambdaContext());
    expect(result).toEqual({ status: 'success', data: { labels: ['__name__', 'cpu', 'instance', 'job', 'mode'], total: 5, truncated: false } });
    expect(harness.front.requests[0]).toMatchObject({ method: 'GET', params: { 'match[]': ['up', 'node_cpu_seconds_total'], ...WINDOW_PARAMS } });
  });

  it('without start, reads the last hour and says so: the live scrape, whose labels differ', async () => {
    const discovery = await harness.handler('discovery');
    const { result, start: sent } = await sentHourAgo(() => discovery({ operation: 'list_labels' }, lambdaContext()));
    const labels = ((await direct('labels', [['start', String(sent)]])) as string[]).sort();
    expect(result).toEqual({ status: 'success', data: { labels, total: labels.length, truncated: false }, window: RECENT });
    expect(labels).toEqual(expect.arrayContaining([...LABEL_NAMES, 'exported_instance', 'exported_job']));
  });

  it('sends a long match as a POST form', async () => {
    const discovery = await harness.handler('discovery');
    expect(encodeURIComponent(LONG_NODE_MATCH).length).toBeGreaterThan(MAX_GET_QUERY_LENGTH);
    const result = await discovery({ operation: 'list_labels', match: LONG_NODE_MATCH, ...WINDOW }, lambdaContext());
    expect(result).toEqual({ status: 'success', data: { labels: ['__name__', 'cpu', 'instance', 'job', 'mode'], total: 5, truncated: false } });
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({ method: 'POST', endpoint: 'labels', params: { 'match[]': [LONG_NODE_MATCH] }, status: 200 });
  });
});

describe('label_values', () => {
  it('answers events/discovery.json with the instances of up, over GET', async () => {
    const discovery = await harness.handler('discovery');
    const result = (await discovery(loadEvent('discovery'), lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(UP_INSTANCES).toEqual(['localhost:9090', 'node-1:9100', 'node-2:9100']);
    expect(JSON.parse(result.body)).toEqual({ status: 'success', data: EXPECTED_EVENT_DATA.discovery });
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({
      method: 'GET',
      endpoint: 'label/instance/values',
      params: { 'match[]': ['up'], ...WINDOW_PARAMS },
      status: 200,
    });
  });

  it('takes several selectors: the values on the series matching any', async () => {
    const discovery = await harness.handler('discovery');
    const match = ['up{instance="node-1:9100"}', 'up{instance="localhost:9090"}'];
    const result = await discovery({ operation: 'label_values', label: 'instance', match, ...WINDOW }, lambdaContext());
    expect(result).toEqual({ status: 'success', data: { values: ['localhost:9090', 'node-1:9100'], total: 2, truncated: false } });
    expect(harness.front.requests[0]).toMatchObject({ method: 'GET', endpoint: 'label/instance/values', params: { 'match[]': match, ...WINDOW_PARAMS } });
  });

  it('lists metric names as the values of __name__, cut by limit with a note', async () => {
    const discovery = await harness.handler('discovery');
    const names = FIXTURE.map((f) => f.name).sort();
    const result = await discovery({ operation: 'label_values', label: '__name__', limit: 2, ...WINDOW }, lambdaContext());
    expect(result).toEqual({
      status: 'success',
      data: { values: names.slice(0, 2), total: names.length, truncated: true },
      truncated: true,
      note: `returned the first 2 of ${names.length} label values (limit); raise limit or narrow with match or start`,
    });
  });

  it('keeps unicode values and sorts them', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'label_values', label: 'city', ...WINDOW }, lambdaContext());
    expect(result).toEqual({ status: 'success', data: { values: ['Zürich', '東京'], total: 2, truncated: false } });
  });

  it('answers an empty list for a label no series has, with the labels that are there', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'label_values', label: 'jbo', ...WINDOW }, lambdaContext());
    expect(result).toEqual({
      status: 'success',
      data: { values: [], total: 0, truncated: false },
      hints: [`label 'jbo' is not on any series ${BETWEEN}; labels that are: job, cpu, city, code, mode, path, handler, instance`],
    });
    // The names in the window, then whether it ever existed.
    expect(harness.front.requests.slice(1).map((r) => [r.endpoint, r.params])).toEqual([
      ['labels', WINDOW_PARAMS],
      ['label/__name__/values', { 'match[]': ['{jbo!=""}'] }],
    ]);
  });

  it('stays on GET with a match longer than the POST threshold (AMP answers 405 to a POST)', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'label_values', label: 'instance', match: LONG_NODE_MATCH, ...WINDOW }, lambdaContext());
    expect(result).toEqual({ status: 'success', data: { values: ['node-1:9100', 'node-2:9100'], total: 2, truncated: false } });
    expect(harness.front.requests.map((r) => [r.method, r.endpoint, r.status])).toEqual([['GET', 'label/instance/values', 200]]);
  });
});

describe('series', () => {
  it('answers the label sets sorted by metric name then labels, and counts them by metric', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'series', match: '{job="node"}', ...WINDOW }, lambdaContext());
    expect(result).toEqual({ status: 'success', data: { series: NODE_SERIES, total: 7, truncated: false, by_metric: NODE_BY_METRIC } });
    expect(harness.front.requests[0]).toMatchObject({ method: 'GET', endpoint: 'series', params: { 'match[]': ['{job="node"}'], ...WINDOW_PARAMS } });
  });

  it('takes several selectors: the union of their series, each series once', async () => {
    const discovery = await harness.handler('discovery');
    // The first two are inside the third: the union is the node series, seven.
    const match = ['node_memory_MemAvailable_bytes', 'up{job="node"}', '{job="node"}'];
    const result = await discovery({ operation: 'series', match, ...WINDOW }, lambdaContext());
    expect(result).toEqual({ status: 'success', data: { series: NODE_SERIES, total: 7, truncated: false, by_metric: NODE_BY_METRIC } });
    expect(harness.front.requests[0]).toMatchObject({ method: 'GET', endpoint: 'series', params: { 'match[]': match, ...WINDOW_PARAMS } });
    const two = envelopeOf(await discovery({ operation: 'series', match: ['node_memory_MemAvailable_bytes', 'up{job="node"}'], ...WINDOW }, lambdaContext()));
    expect(two.data.by_metric).toEqual({ node_memory_MemAvailable_bytes: 2, up: 2 });
    expect(two.data.series).toEqual(NODE_SERIES.filter((s) => s.__name__ !== 'node_cpu_seconds_total'));
  });

  it('counts every matched series by metric, whatever the limit kept', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'series', match: '{job="node"}', limit: 2, ...WINDOW }, lambdaContext());
    expect(result).toEqual({
      status: 'success',
      data: { series: NODE_SERIES.slice(0, 2), total: 7, truncated: true, by_metric: NODE_BY_METRIC },
      truncated: true,
      note: 'returned the first 2 of 7 series (limit); raise limit or narrow match or pass start',
    });
  });

  it('sorts what the server sends in any order, label by label, and keeps a metric named __proto__ a count', async () => {
    const discovery = await harness.handler('discovery');
    const sent = [
      { __name__: 'up', job: 'b' },
      { __name__: '__proto__', job: 'a' },
      { __name__: 'up', instance: 'x', job: 'a' },
      { __name__: 'up', job: 'a' },
      { __name__: 'up', Zone: 'z', job: 'a' },
      { __name__: 'up', job: 'a', zone: 'z' },
    ];
    harness.front.fault = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: sent }));
      return true;
    };
    const result = envelopeOf(await discovery({ operation: 'series', match: '{job=~"a|b"}' }, lambdaContext()));
    // Upper case sorts before lower case; a label set that is a prefix of another comes first.
    expect(result.data.series).toEqual([sent[1], sent[4], sent[2], sent[3], sent[5], sent[0]]);
    expect(Object.entries(result.data.by_metric)).toEqual([['__proto__', 1], ['up', 5]]);
    expect(Object.getPrototypeOf(result.data.by_metric)).toBe(Object.prototype);
  });

  it('sends a long match as a POST form', async () => {
    const discovery = await harness.handler('discovery');
    const result = envelopeOf(await discovery({ operation: 'series', match: LONG_NODE_MATCH, ...WINDOW }, lambdaContext()));
    expect(result.data).toEqual({ series: NODE_SERIES, total: 7, truncated: false, by_metric: NODE_BY_METRIC });
    expect(harness.front.requests.map((r) => [r.method, r.endpoint, r.status])).toEqual([['POST', 'series', 200]]);
  });

  it('sends several selectors past the GET limit as one POST form, each a match[]', async () => {
    const discovery = await harness.handler('discovery');
    const match = [LONG_NODE_MATCH, 'up{instance="localhost:9090"}'];
    const result = envelopeOf(await discovery({ operation: 'series', match, ...WINDOW }, lambdaContext()));
    const localhost = family('up').series.filter((s) => s.labels.instance === 'localhost:9090').map((s) => ({ __name__: 'up', ...s.labels }));
    expect(localhost).toHaveLength(1);
    // Sorted in: up{instance="localhost:9090"} before the node instances' up.
    const series = [...NODE_SERIES.filter((s) => s.__name__ !== 'up'), ...localhost, ...NODE_SERIES.filter((s) => s.__name__ === 'up')];
    expect(result.data).toEqual({ series, total: 8, truncated: false, by_metric: { ...NODE_BY_METRIC, up: 3 } });
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({ method: 'POST', endpoint: 'series', params: { 'match[]': match }, status: 200 });
  });
});

describe('the default window: the last hour', () => {
  it('leaves out the jobs seen only in older data; an explicit start widens it, and is not restated', async () => {
    const discovery = await harness.handler('discovery');
    const { result } = await sentHourAgo(() => discovery({ operation: 'label_values', label: 'job' }, lambdaContext()));
    expect(result).toEqual({ status: 'success', data: { values: [LIVE_JOB], total: 1, truncated: false }, window: RECENT });

    const fixtureJobs = [...new Set(FIXTURE.flatMap((f) => f.series.map((s) => s.labels.job!)))];
    expect(fixtureJobs.sort()).toEqual(['api', 'node', 'prometheus']);
    const widened = await discovery({ operation: 'label_values', label: 'job', start: FIXTURE_START }, lambdaContext());
    expect(widened).toEqual({ status: 'success', data: { values: ['api', LIVE_JOB, 'node', 'prometheus'], total: 4, truncated: false } });
    expect(harness.front.requests[1]!.params).toEqual({ start: [String(FIXTURE_START)] });
  });

  it('with end and no start, reads the hour before end', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'label_values', label: 'job', end: FIXTURE_END }, lambdaContext());
    expect(result).toEqual({
      status: 'success',
      data: { values: ['api', 'node', 'prometheus'], total: 3, truncated: false },
      window: 'the 1h before end (default): pass start, e.g. 30d, for older data',
    });
    expect(harness.front.requests[0]!.params).toEqual({ start: [String(FIXTURE_END - 3600)], end: [String(FIXTURE_END)] });
  });

  it('finds no series of a job seen only long ago, and says when it was last seen', async () => {
    const discovery = await harness.handler('discovery');
    const { result, start } = await sentHourAgo(() => discovery({ operation: 'series', match: '{job="node"}' }, lambdaContext()));
    expect(result).toEqual({
      status: 'success',
      data: { series: [], total: 0, truncated: false, by_metric: {} },
      window: RECENT,
      hints: ['{job="node"} has no samples in the last 1h; last seen more than 1y before'],
    });
    const hour = { start: [String(start)], end: [expect.any(String)] };
    const hints = harness.front.requests.slice(1);
    // In the window, ever, then the nearest of the 7 days and the year before it (a binary search over 1h … 1y).
    expect(hints.map((r) => [r.endpoint, r.params['match[]'], Number(r.params.start?.[0] ?? NaN) - start])).toEqual([
      ['label/__name__/values', ['{job="node"}'], 0],
      ['label/__name__/values', ['{job="node"}'], NaN],
      ['label/__name__/values', ['{job="node"}'], -7 * 86_400],
      ['label/__name__/values', ['{job="node"}'], -365 * 86_400],
    ]);
    expect(hints[0]!.params).toMatchObject(hour);
  });

  it('list_metrics: the metrics of a job only in older data are not listed without start', async () => {
    const listMetrics = await harness.handler('list-metrics');
    const { result } = await sentHourAgo(() => listMetrics({ match: '{job="node"}' }, lambdaContext()));
    expect(result).toMatchObject({ status: 'success', data: { metrics: [], total: 0, truncated: false }, window: RECENT });
    const old = envelopeOf(await listMetrics({ match: '{job="node"}', start: FIXTURE_START, end: FIXTURE_END }, lambdaContext()));
    expect(old).toEqual({ status: 'success', data: { metrics: NODE_METRICS, total: 3, truncated: false } });
  });
});

describe('list_metrics search', () => {
  it('keeps the names containing the search, in any case', async () => {
    const listMetrics = await harness.handler('list-metrics');
    expect(await listMetrics({ search: 'CPU' }, lambdaContext())).toEqual({
      status: 'success',
      data: { metrics: ['node_cpu_seconds_total'], total: 1, truncated: false },
      window: RECENT,
    });
    const requests = envelopeOf(await listMetrics({ search: 'requests', ...WINDOW }, lambdaContext()));
    expect(requests.data).toEqual({ metrics: ['http_requests_total', 'prometheus_http_requests_total'], total: 2, truncated: false });
    // The search is ours: Prometheus is asked for the names in the window.
    expect(harness.front.requests[1]!.params).toEqual(WINDOW_PARAMS);
  });

  it('counts the names found before the limit', async () => {
    const listMetrics = await harness.handler('list-metrics');
    expect(await listMetrics({ search: 'node_', limit: 1, ...WINDOW }, lambdaContext())).toEqual({
      status: 'success',
      data: { metrics: ['node_cpu_seconds_total'], total: 2, truncated: true },
      truncated: true,
      note: 'returned the first 1 of 2 metric names (limit); raise limit or narrow with search or match',
    });
  });

  it('names the closest names when none contains the search', async () => {
    const listMetrics = await harness.handler('list-metrics');
    expect(await listMetrics({ search: 'cpu_second_total', ...WINDOW }, lambdaContext())).toEqual({
      status: 'success',
      data: { metrics: [], total: 0, truncated: false },
      hints: ["no metric name contains 'cpu_second_total'; similar names: node_cpu_seconds_total"],
    });
    expect(harness.front.requests).toHaveLength(1);
  });

  it('suggests search when match names a metric that does not exist', async () => {
    const listMetrics = await harness.handler('list-metrics');
    expect(await listMetrics({ match: 'cpu', ...WINDOW }, lambdaContext())).toEqual({
      status: 'success',
      data: { metrics: [], total: 0, truncated: false },
      hints: [
        "metric 'cpu' does not exist in this workspace; similar names that do: node_cpu_seconds_total, up",
        'match takes series selectors: search "cpu" finds the names containing it',
      ],
    });
  });
});

describe('list_metrics top: where the series are', () => {
  // The fixture's families at its end, by series (most first, then by name), as dataset.ts defines them.
  const BY_SERIES = FIXTURE.map((f) => [f.name, f.series.length] as const).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));

  it('answers the metrics with the most series at the end of the window, counted by Prometheus in one query', async () => {
    const listMetrics = await harness.handler('list-metrics');
    // The two of 3 series (Prometheus keeps any of those tied at the cut: none is here).
    const top = BY_SERIES.slice(0, 2);
    expect(top.map(([, n]) => n)).toEqual([3, 3]);
    expect(BY_SERIES[2]![1]).toBeLessThan(3);
    expect(await listMetrics({ top: 2, end: FIXTURE_END }, lambdaContext())).toEqual({
      status: 'success',
      data: { metrics: top.map(([name]) => name), total: 2, truncated: false, series: Object.fromEntries(top) },
      // One sample per series of the whole fixture, each read once.
      samples_processed: FIXTURE.reduce((sum, f) => sum + f.series.length, 0),
    });
    expect(harness.front.requests.map((r) => [r.endpoint, r.params.query, r.params.time, r.params.stats])).toEqual([
      ['query', ['topk(2, count by (__name__) ({__name__=~".+"}))'], [String(FIXTURE_END)], ['all']],
    ]);
  });

  it('counts only the names containing search, and only the series match selects', async () => {
    const listMetrics = await harness.handler('list-metrics');
    const nodes = BY_SERIES.filter(([name]) => name.includes('node_'));
    expect(envelopeOf(await listMetrics({ top: 10, search: 'NODE_', end: FIXTURE_END }, lambdaContext())).data).toEqual({
      metrics: nodes.map(([name]) => name),
      total: nodes.length,
      truncated: false,
      series: Object.fromEntries(nodes),
    });
    expect(envelopeOf(await listMetrics({ top: 10, match: 'up{job="node"}', end: FIXTURE_END }, lambdaContext())).data).toEqual({
      metrics: ['up'],
      total: 1,
      truncated: false,
      series: { up: 2 },
    });
  });

  it('counts each match selector on its own: series of two metrics with the same labels do not hide each other', async () => {
    const listMetrics = await harness.handler('list-metrics');
    // up{job="node"} and node_memory_MemAvailable_bytes have the same instance and job labels: in one `or`,
    // PromQL would keep only one of each pair.
    const memory = family('node_memory_MemAvailable_bytes').series.length;
    expect(envelopeOf(await listMetrics({ top: 10, match: ['up', 'node_memory_MemAvailable_bytes'], end: FIXTURE_END }, lambdaContext())).data).toEqual({
      metrics: ['up', 'node_memory_MemAvailable_bytes'],
      total: 2,
      truncated: false,
      series: { up: family('up').series.length, node_memory_MemAvailable_bytes: memory },
    });
    expect(harness.front.requests.map((r) => r.params.query![0])).toEqual([
      'topk(10, count by (__name__) (up))',
      'topk(10, count by (__name__) (node_memory_MemAvailable_bytes))',
    ]);
    // search keeps the names counted that contain it.
    expect(envelopeOf(await listMetrics({ top: 10, match: ['up', 'node_memory_MemAvailable_bytes'], search: 'MEMORY', end: FIXTURE_END }, lambdaContext())).data).toEqual({
      metrics: ['node_memory_MemAvailable_bytes'],
      total: 1,
      truncated: false,
      series: { node_memory_MemAvailable_bytes: memory },
    });
  });
});

describe('hints on an empty discovery answer', () => {
  it('a typo in match: the values of the label that do exist in the window', async () => {
    const discovery = await harness.handler('discovery');
    expect(await discovery({ operation: 'label_values', label: 'instance', match: 'up{job="nod"}', ...WINDOW }, lambdaContext())).toEqual({
      status: 'success',
      data: { values: [], total: 0, truncated: false },
      hints: [`no series of up has job="nod" ${BETWEEN}; values that exist: "node", "prometheus"`],
    });
  });

  it('suggests only the values of the window, not those of the live scrape', async () => {
    const discovery = await harness.handler('discovery');
    const result = envelopeOf(await discovery({ operation: 'series', match: '{job="fixtures"}', ...WINDOW }, lambdaContext())) as ReturnType<typeof envelopeOf> & { hints?: string[] };
    expect(result.hints).toEqual([`no series has job="fixtures" ${BETWEEN}; values that exist: "node", "api", "prometheus"`]);
  });
});

describe('list_workspaces with PROMETHEUS_URL', () => {
  const endpointEntry = () => ({ status: 'ACTIVE', prometheus_endpoint: harness.front.workspaceUrl });

  it('answers events/workspaces.json with the one endpoint configured, without any call', async () => {
    const workspaces = await harness.handler('workspaces');
    const result = (await workspaces(loadEvent('workspaces'), lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      status: 'success',
      data: { workspaces: [endpointEntry()], total: 1, truncated: false, source: 'PROMETHEUS_URL' },
    });
    expect(harness.front.requests).toHaveLength(0);
  });

  it('names it by the default workspace, or the workspace asked for; no alias matches it', async () => {
    const workspaces = await loadHandler('workspaces', { PROMETHEUS_URL: harness.front.workspaceUrl, WORKSPACE_ID: TEST_WORKSPACE_ID });
    const other = 'ws-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    expect(envelopeOf(await workspaces({}, lambdaContext())).data.workspaces).toEqual([{ ...endpointEntry(), workspace_id: TEST_WORKSPACE_ID }]);
    expect(envelopeOf(await workspaces({ workspace_id: other }, lambdaContext())).data.workspaces).toEqual([{ ...endpointEntry(), workspace_id: other }]);
    expect(envelopeOf(await workspaces({ alias: 'prod' }, lambdaContext())).data).toEqual({ workspaces: [], total: 0, truncated: false, source: 'PROMETHEUS_URL' });
    expect(harness.front.requests).toHaveLength(0);
  });
});

describe('the router (integration) and the gateway', () => {
  const CALLS: [string, Record<string, unknown>, () => unknown][] = [
    ['list_labels', { match: 'up', ...WINDOW }, () => ({ labels: ['__name__', 'instance', 'job'], total: 3, truncated: false })],
    ['label_values', { label: 'instance', match: 'up', ...WINDOW }, () => EXPECTED_EVENT_DATA.discovery],
    ['series', { match: '{job="node"}', ...WINDOW }, () => ({ series: NODE_SERIES, total: 7, truncated: false, by_metric: NODE_BY_METRIC })],
    [
      'list_workspaces',
      {},
      () => ({
        workspaces: [{ status: 'ACTIVE', prometheus_endpoint: harness.front.workspaceUrl }],
        total: 1,
        truncated: false,
        source: 'PROMETHEUS_URL',
      }),
    ],
  ];

  it.each(CALLS)('routes operation %s', async (operation, args, data) => {
    const router = await harness.handler('integration');
    expect(await router({ operation, ...args }, lambdaContext())).toEqual({ status: 'success', data: data() });
  });

  it.each(CALLS)('answers operation %s as a tool call (flat arguments, prefixed tool name) through the tool that runs it', async (operation, args, data) => {
    const router = await harness.handler('integration');
    const call = asToolCall(operation, args);
    expect(await router(call.args, lambdaContext({ toolName: call.tool }))).toEqual({ status: 'success', data: data() });
  });

  it.each(CALLS.slice(0, 3))('the discovery function answers the gateway tool %s', async (tool, args, data) => {
    const discovery = await harness.handler('discovery');
    expect(await discovery(args, lambdaContext({ toolName: tool }))).toEqual({ status: 'success', data: data() });
  });

  it('the discovery and workspaces functions refuse the tools that are not theirs', async () => {
    const discovery = await harness.handler('discovery');
    expect(await discovery({ query: 'up' }, lambdaContext({ toolName: 'query' }))).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: "unknown operation 'query': use one of list_labels, label_values, series, describe_metric" },
    });
    const workspaces = await harness.handler('workspaces');
    expect(await workspaces({}, lambdaContext({ toolName: 'series' }))).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: "this function serves the tool 'list_workspaces', not 'series'" },
    });
    expect(harness.front.requests).toHaveLength(0);
  });
});

describe('the response budget', () => {
  it('cuts a list larger than the budget to the items that fit, and says so', async () => {
    const budget = 1400;
    const full = await harness.handler('discovery');
    const small = await loadHandler('discovery', { PROMETHEUS_URL: harness.front.workspaceUrl, RESPONSE_BUDGET_BYTES: String(budget) });
    const event = { body: { operation: 'series', match: '{job="node"}', ...WINDOW } };

    const complete = JSON.parse(((await full(event, lambdaContext())) as { body: string }).body);
    const cut = (await small(event, lambdaContext())) as { statusCode: number; body: string };
    expect(cut.statusCode).toBe(200);
    expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(budget);
    const body = JSON.parse(cut.body);
    const returned = body.data.series.length as number;
    expect(returned).toBeGreaterThan(0);
    expect(returned).toBeLessThan(7);
    expect(body.data).toEqual({ ...complete.data, series: NODE_SERIES.slice(0, returned), truncated: true });
    expect(body.truncated).toBe(true);
    expect(body.note).toMatch(
      new RegExp(`^the complete answer \\(about [0-9]+ KB from Prometheus\\) is larger than the 2 KB response budget: returned ${returned} of 7 series; pass a narrower match, start or limit$`),
    );
  });

  it('holds a tool call to the agent budget, in tokens: a small list is whole under the smallest one', async () => {
    const router = await loadHandler('integration', { PROMETHEUS_URL: harness.front.workspaceUrl, AGENT_RESPONSE_BUDGET_TOKENS: '500' });
    const result = envelopeOf(await router({ label: '__name__', ...WINDOW }, lambdaContext({ toolName: 'discover' })));
    expect(countTokens(JSON.stringify(result))).toBeLessThanOrEqual(500);
    const names = FIXTURE.map((f) => f.name).sort();
    expect(result.data).toEqual({ values: names, total: names.length, truncated: false });
    expect(result).not.toHaveProperty('truncated');
  });
});
