import { lambdaContext } from '../../scripts/lib/lambda-context';
import { FIXTURE_END, FIXTURE_START } from '../fixtures/dataset';
import { T0 } from '../fixtures/expected';
import { envelopeOf, useHarness } from '../support/harness';

/**
 * Hints on an empty query answer, against the real Prometheus through the AMP-like front:
 * each case the model gets wrong, the hint it gets (exact, from tests/fixtures/dataset.ts),
 * the GETs it cost, and, where the hint suggests a query, that the query answers.
 */

const harness = useHarness();
afterEach(() => {
  for (const request of harness.front.requests) expect(request.signatureError).toBeUndefined();
});

/** T0 and the lookback before it: what an instant query at T0 reads. */
const AT_T0 = 'between 2023-03-31T23:55:00Z and 2023-04-01T00:00:00Z';

type Hinted = ReturnType<typeof envelopeOf> & { hints?: string[]; samples_processed?: number };

async function query(args: Record<string, unknown>): Promise<Hinted> {
  return envelopeOf(await (await harness.handler('query'))(args, lambdaContext())) as Hinted;
}

async function rangeQuery(args: Record<string, unknown>): Promise<Hinted> {
  return envelopeOf(await (await harness.handler('range-query'))(args, lambdaContext())) as Hinted;
}

/** The calls after the query itself: endpoint and match[]. */
const hintCalls = () => harness.front.requests.slice(1).map((r) => `${r.endpoint} ${r.params['match[]']?.join(' ') ?? ''}`.trim());

describe('each matcher on its own', () => {
  it('a typo in the second matcher: its label values on the metric, closest first', async () => {
    const result = await query({ query: 'up{job="node", instance="node-1:910"}', time: T0 });
    expect(result.data.result).toEqual([]);
    expect(result.hints).toEqual([`no series of up has instance="node-1:910" ${AT_T0}; values that exist: "node-1:9100", "node-2:9100", "localhost:9090"`]);
    expect(hintCalls()).toEqual([
      'label/__name__/values',
      'label/__name__/values up{job="node", instance="node-1:910"}',
      'label/__name__/values up{job="node", instance="node-1:910"}',
      'label/job/values {__name__="up"}',
      'label/instance/values {__name__="up"}',
    ]);
    // The window read, then all the data held (is it only elsewhere in time?), then the window again.
    expect(harness.front.requests.slice(1).map((r) => r.params.start?.[0])).toEqual([String(T0 - 300), String(T0 - 300), undefined, String(T0 - 300), String(T0 - 300)]);
  });

  it('a regex that matches only part of a value: Prometheus anchors it; the suggestions answer', async () => {
    const result = await query({ query: 'node_cpu_seconds_total{mode=~"sys"}', time: T0 });
    expect(result.hints).toEqual([
      `mode=~"sys" matches no series of node_cpu_seconds_total ${AT_T0}: Prometheus regexes match the whole value; use mode=~".*sys.*" or mode="system"`,
    ]);
    for (const suggested of ['node_cpu_seconds_total{mode=~".*sys.*"}', 'node_cpu_seconds_total{mode="system"}']) {
      expect((await query({ query: suggested, time: T0 })).data.result).toHaveLength(2);
    }
  });

  it('a value in another case', async () => {
    expect((await query({ query: 'up{job="Node"}', time: T0 })).hints).toEqual([`no series of up has job="Node" ${AT_T0}: values are case-sensitive, use job="node"`]);
    expect((await query({ query: 'node_cpu_seconds_total{mode=~"SYSTEM"}', time: T0 })).hints).toEqual([
      `mode=~"SYSTEM" matches no series of node_cpu_seconds_total ${AT_T0}: regexes are case-sensitive, use mode=~"(?i)SYSTEM"`,
    ]);
    expect((await query({ query: 'node_cpu_seconds_total{mode=~"(?i)SYSTEM"}', time: T0 })).data.result).toHaveLength(2);
  });

  it('a metric name in another case, in two GETs', async () => {
    expect((await query({ query: 'sum(rate(Node_CPU_seconds_total[5m]))', time: T0 })).hints).toEqual([
      "metric 'Node_CPU_seconds_total' does not exist in this workspace; names are case-sensitive: node_cpu_seconds_total",
    ]);
    // The names in the window (the 5m range before T0), then all the names held.
    expect(harness.front.requests.slice(1).map((r) => [r.endpoint, r.params])).toEqual([
      ['label/__name__/values', { start: [String(T0 - 300)], end: [String(T0)] }],
      ['label/__name__/values', {}],
    ]);
  });

  it('a label name the metric does not have: the labels it has', async () => {
    expect((await query({ query: 'up{jbo="node"}', time: T0 })).hints).toEqual([`label 'jbo' is not on any series of up ${AT_T0}; labels that are: job, instance`]);
    expect(hintCalls().at(-1)).toBe('labels {__name__="up"}');
  });

  it('matchers each matching, but not together: the values where the others match', async () => {
    expect((await query({ query: 'up{job="prometheus", instance="node-1:9100"}', time: T0 })).hints).toEqual([
      `no series of up has job="prometheus" and instance="node-1:9100" together ${AT_T0}; with job="prometheus", instance is one of: "localhost:9090"`,
    ]);
    expect(hintCalls().at(-1)).toBe('label/instance/values {__name__="up", job="prometheus"}');
  });
});

describe('time', () => {
  it('a time with no data: when the metric was last seen', async () => {
    // An hour after the fixture's last sample (02:00).
    const result = await query({ query: 'up', time: FIXTURE_END + 3600 });
    // The fixture's last sample, to the second.
    expect(result.hints).toEqual(["metric 'up' has no samples between 2023-04-01T02:55:00Z and 2023-04-01T03:00:00Z; last seen at 2023-04-01T02:00:00Z"]);
    // A binary search over 1h, 6h, 1d, 7d, 30d, 1y before the window: 7d, 6h, 1h.
    const ladder = harness.front.requests.slice(3, 6);
    expect(ladder.map((r) => FIXTURE_END + 3600 - 300 - Number(r.params.start![0]))).toEqual([7 * 86_400, 6 * 3600, 3600]);
    // Then one query over that hour for the last sample's own time: 5-minute steps (the lookback), 12 of them.
    const narrowing = harness.front.requests.slice(6);
    expect(narrowing.map((r) => [r.endpoint, r.params.query![0]])).toEqual([['query', 'max(max_over_time(timestamp({__name__="up"})[3600s:300s]))']]);
    // Its cost: a sample per series of up per step that sees one. Prometheus 2.x counts both ends of the subquery's
    // range (steps 01:55 to 02:55) and of each 5-minute lookback: 01:55, 02:00 and 02:05 see up's 3 series; the
    // instant query itself read none.
    expect(result.samples_processed).toBe(3 * 3);
    expect((await query({ query: 'up', time: '2023-04-01T02:00:00Z' })).data.result).toHaveLength(3);
  });

  it('a discovery call, which reads no samples: the ladder of the index alone', async () => {
    const discovery = await harness.handler('discovery');
    // An hour after the fixture's end: up's last sample (02:00) is within the hour before the window.
    const result = envelopeOf(await discovery({ operation: 'list_labels', match: 'up{job="node"}', start: FIXTURE_END + 3600, end: FIXTURE_END + 7200 }, lambdaContext())) as Hinted;
    expect(result.hints).toEqual([
      "metric 'up' has no samples between 2023-04-01T03:00:00Z and 2023-04-01T04:00:00Z; last seen between 2023-04-01T02:00:00Z and 2023-04-01T03:00:00Z",
    ]);
    // No query: the discovery tools read the index only.
    expect(harness.front.requests.map((r) => r.endpoint)).not.toContain('query');
    expect(result.samples_processed).toBeUndefined();
  });

  it('a time before the data: when it was first seen', async () => {
    const result = await query({ query: 'up{job="node"}', time: FIXTURE_START - 3600 });
    expect(result.hints).toEqual([
      "metric 'up' has no samples between 2023-03-31T20:55:00Z and 2023-03-31T21:00:00Z; first seen later, between 2023-03-31T21:00:00Z and 2023-03-31T22:00:00Z",
    ]);
    expect(harness.front.requests).toHaveLength(1 + 7);
  });

  it('now, for data only years old: the answer says so', async () => {
    const result = await query({ query: 'up{job="node"}' });
    // The window is the 5m before now, as sent.
    const { start, end } = harness.front.requests[1]!.params;
    const iso = (seconds: string[] | undefined) => new Date(Math.round(Number(seconds![0])) * 1000).toISOString().replace('.000Z', 'Z');
    expect(Number(end![0]) - Number(start![0])).toBeCloseTo(300, 3);
    expect(result.hints).toEqual([`up{job="node"} has no samples between ${iso(start)} and ${iso(end)}; last seen more than 1y before`]);
  });

  it('a step that skips every sample: the steps that would not', async () => {
    // Points at 21:00 and 03:00, each reading the 5 minutes before it: the fixture (22:00 to 02:00) lies between.
    const args = { query: 'up{job="node"}', start: FIXTURE_START - 3600, end: FIXTURE_END + 3600 };
    const result = await rangeQuery({ ...args, step: '6h' });
    expect(result.data.result).toEqual([]);
    expect(result.hints).toEqual([
      'up{job="node"} has samples between 2023-03-31T20:55:00Z and 2023-04-01T03:00:00Z, but at a step of 6h each point reads only the 5m before it: ' +
        'use a step of 5m or less, or last_over_time(up{job="node"}[6h])',
    ]);
    expect(hintCalls()).toEqual(['label/__name__/values', 'label/__name__/values up{job="node"}']);
    expect((await rangeQuery({ ...args, step: '5m' })).data.result).toHaveLength(2);
    expect((await rangeQuery({ ...args, query: 'last_over_time(up{job="node"}[6h])', step: '6h' })).data.result).toHaveLength(2);
  });
});

describe('the rest of the query', () => {
  it('histogram_quantile over an aggregation without le', async () => {
    const result = await query({ query: 'histogram_quantile(0.9, sum by (job) (rate(node_cpu_seconds_total[5m])))', time: T0 });
    expect(result.data.result).toEqual([]);
    expect(result.hints).toEqual(['histogram_quantile needs the le label, which sum by (job) drops: use sum by (job, le) (…)']);
  });

  it('selectors that match: the emptiness is the query’s own', async () => {
    expect((await query({ query: 'up == 5', time: T0 })).hints).toEqual([
      `every selector matches series ${AT_T0}: what empties the answer is the rest of the query (a comparison, a join on labels that differ, a range holding fewer than two samples)`,
    ]);
  });
});

describe('a courtesy', () => {
  it('makes at most 8 GETs, keeping the hints found by then', async () => {
    const result = await query({ query: 'up{job="a"} + up{job="b"} + up{job="c"} + up{job="d"}', time: T0 });
    const values = 'values that exist: "node", "prometheus"';
    expect(result.hints).toEqual(['a', 'b', 'c'].map((job) => `no series of up has job="${job}" ${AT_T0}; ${values}`));
    expect(harness.front.requests).toHaveLength(1 + 8);
  });

  it('never fails the answer: a refused GET ends the hints', async () => {
    harness.front.fault = (req, res) => {
      if (!req.endpoint!.startsWith('label/job')) return false;
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'refused by the test' }));
      return true;
    };
    expect(await query({ query: 'up{job="nodes"}', time: T0 })).toEqual({ status: 'success', data: { resultType: 'vector', result: [] }, samples_processed: 0 });
    expect(harness.front.requests.map((r) => [r.endpoint, r.status])).toEqual([
      ['query', 200],
      ['label/__name__/values', 200],
      ['label/__name__/values', 200],
      ['label/__name__/values', 200],
      ['label/job/values', 422],
    ]);
  });
});
