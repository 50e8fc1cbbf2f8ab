import { discoveryHints, emptyResultHints } from '../../src/operations/hints';
import type { OperationContext } from '../../src/operations/types';
import type { PrometheusClient } from '../../src/shared/prometheus-client';

/**
 * What the hints read of a query's grammar, against a stand-in that answers every label
 * GET from a table and records it: the window each selector reads (its range, offset,
 * subquery), histogram_quantile's grouping, and the bound on calls. The answers of a real
 * Prometheus: tests/integration/hints.test.ts.
 */

const T = 1_680_307_200;
const ctx = { deadline: Date.now() + 60_000, stats: { retries: 0, upstreamErrors: 0 } } as unknown as OperationContext;

/** A client whose every answer is `answer(endpoint, params)`, recording the calls. */
function fakeClient(answer: (endpoint: string, params: Record<string, string>) => string[]) {
  const calls: { endpoint: string; params: Record<string, string> }[] = [];
  const client = {
    async call(endpoint: string, params: [string, string][]) {
      const named = Object.fromEntries(params);
      calls.push({ endpoint, params: named });
      return { data: answer(endpoint, named), bytes: 0 };
    },
  } as unknown as PrometheusClient;
  return { client, calls };
}

/** Every metric exists and every selector matches: only the grammar speaks. */
const everything = () => fakeClient((endpoint) => (endpoint === 'label/__name__/values' ? ['x_bucket', 'x'] : ['a']));

describe('histogram_quantile without le', () => {
  it.each([
    ['histogram_quantile(0.9, sum by (job) (rate(x_bucket[5m])))', 'sum by (job) drops: use sum by (job, le) (…)'],
    ['histogram_quantile(0.9, sum(rate(x_bucket[5m])) by (job))', 'sum by (job) drops: use sum by (job, le) (…)'],
    ['histogram_quantile(0.9, (sum(rate(x_bucket[5m]))))', 'sum(…) drops: use sum by (le) (…)'],
    ['histogram_quantile(0.9, max without (le, pod) (x_bucket))', 'max without (le, pod) drops: use max without (pod) (…)'],
  ])('%s', async (query, said) => {
    expect(await emptyResultHints(query, everything().client, ctx, [['time', String(T)]])).toEqual([`histogram_quantile needs the le label, which ${said}`]);
  });

  it.each(['histogram_quantile(0.9, sum by (job, le) (rate(x_bucket[5m])))', 'histogram_quantile(0.9, rate(x_bucket[5m]))', 'histogram_quantile(0.9, sum without (job) (x_bucket))'])(
    'keeps quiet when le is kept: %s',
    async (query) => {
      const hints = await emptyResultHints(query, everything().client, ctx, [['time', String(T)]]);
      expect(hints.filter((h) => h.startsWith('histogram_quantile'))).toEqual([]);
    },
  );
});

describe('the window each selector reads', () => {
  const startOf = async (query: string, params: [string, string][]) => {
    const { client, calls } = everything();
    await emptyResultHints(query, client, ctx, params);
    const call = calls.find((c) => c.params['match[]'] !== undefined)!;
    return [Number(call.params.start) - T, Number(call.params.end) - T];
  };

  it.each([
    ['x', [-300, 0]],
    ['rate(x[10m])', [-600, 0]],
    ['x offset 1h', [-3900, -3600]],
    ['rate(x[10m] offset 1d)', [-87_000, -86_400]],
    ['max_over_time(x[1h:1m])', [-3900, 0]],
  ])('%s at T reads %j around T', async (query, span) => {
    expect(await startOf(query, [['time', String(T)]])).toEqual(span);
  });

  it('a range query reads from its start, less the reach, to its end', async () => {
    expect(await startOf('x', [['start', String(T)], ['end', String(T + 3600)], ['step', '60']])).toEqual([-300, 3600]);
  });

  it('a selector under @ is looked for in all the data held', async () => {
    const { client, calls } = everything();
    await emptyResultHints('x @ 1680300000', client, ctx, [['time', String(T)]]);
    expect(calls.map((c) => c.params)).toEqual([{}, { 'match[]': 'x' }]);
  });
});

describe('a step that skips samples', () => {
  const hintsAt = (query: string, step: number) => emptyResultHints(query, everything().client, ctx, [['start', String(T)], ['end', String(T + 86_400)], ['step', String(step)]]);

  it('is said when longer than what each point reads', async () => {
    expect(await hintsAt('rate(x[5m])', 3600)).toEqual([
      'x has samples between 2023-03-31T23:55:00Z and 2023-04-02T00:00:00Z, but at a step of 1h each point reads only its [5m] range: use a step of 5m or less, or a range of 1h',
    ]);
  });

  it('is not, when each point reads the whole step, or inside a subquery', async () => {
    for (const hints of [await hintsAt('rate(x[1h])', 3600), await hintsAt('max_over_time(x[1h:1m])', 86_400)]) {
      expect(hints).toEqual([expect.stringMatching(/^every selector matches series/)]);
    }
  });
});

describe('a courtesy', () => {
  it('stops at 8 calls, keeping the hints found by then', async () => {
    // x exists, its label a has the value z: each selector costs two calls (in the window, ever).
    const { client, calls } = fakeClient((endpoint, params) => {
      if (endpoint === 'label/a/values') return ['z'];
      return endpoint === 'label/__name__/values' && params['match[]'] === undefined ? ['x'] : [];
    });
    const hints = await emptyResultHints('x{a="1"} + x{a="2"} + x{a="3"} + x{a="4"}', client, ctx, [['time', String(T)]]);
    expect(calls).toHaveLength(8);
    expect(hints).toEqual(['1', '2', '3'].map((v) => `no series of x has a="${v}" between 2023-03-31T23:55:00Z and 2023-04-01T00:00:00Z; values that exist: "z"`));
  });

  it('does not judge a regex JavaScript cannot read, nor a matcher that matches the empty value', async () => {
    const { client, calls } = fakeClient((endpoint, params) => (endpoint === 'label/__name__/values' && params['match[]'] === undefined ? ['x'] : []));
    expect(await emptyResultHints('x{a=~"(?P<n>b)", c!="d", e=""}', client, ctx, [['time', String(T)]])).toEqual([]);
    // The names, the selector in the window and ever: no label looked at.
    expect(calls.map((c) => c.endpoint)).toEqual(['label/__name__/values', 'label/__name__/values', 'label/__name__/values']);
  });
});

describe('UTF-8 names (OTLP metrics, CloudWatch labels)', () => {
  it('suggests a quoted label name for a value in another case', async () => {
    const { client, calls } = fakeClient((endpoint, params) => {
      if (endpoint === 'label/__name__/values') return params['match[]'] === undefined ? ['http.server.active_requests'] : [];
      return endpoint === 'label/%40resource.service.name/values' ? ['api'] : [];
    });
    expect(await emptyResultHints('{"http.server.active_requests", "@resource.service.name"="API"}', client, ctx, [['time', String(T)]])).toEqual([
      'no series of http.server.active_requests has "@resource.service.name"="API" between 2023-03-31T23:55:00Z and 2023-04-01T00:00:00Z: ' +
        'values are case-sensitive, use "@resource.service.name"="api"',
    ]);
    // The label's values are read on the metric, selected by a quoted name.
    expect(calls.at(-1)).toEqual({
      endpoint: 'label/%40resource.service.name/values',
      params: { 'match[]': '{__name__="http.server.active_requests"}', start: String(T - 300), end: String(T) },
    });
  });

  it('looks for a UTF-8 label with a quoted matcher', async () => {
    const { client, calls } = fakeClient((endpoint) => (endpoint === 'labels' ? ['job'] : []));
    const hints = await discoveryHints(client, ctx, { start: T - 3600, end: T, text: 'in the last 1h' }, [], '@resource.service.name');
    expect(hints).toEqual(["label '@resource.service.name' is not on any series in the last 1h; labels that are: job"]);
    expect(calls.map((c) => c.params['match[]'])).toEqual([undefined, '{"@resource.service.name"!=""}']);
  });

  it('keeps a quoted grouping label in the histogram_quantile hint', async () => {
    expect(await emptyResultHints('histogram_quantile(0.9, sum by ("@resource.service.name") (rate(x_bucket[5m])))', everything().client, ctx, [['time', String(T)]])).toEqual([
      'histogram_quantile needs the le label, which sum by ("@resource.service.name") drops: use sum by ("@resource.service.name", le) (…)',
    ]);
  });
});
