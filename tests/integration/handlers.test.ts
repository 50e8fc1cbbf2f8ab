import { formatData } from '../../src/shared/formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_END, FIXTURE_START } from '../fixtures/dataset';
import { ALL_METRICS, EXPECTED_EVENT_DATA, SYSTEM_CPU_RATE, SYSTEM_CPU_RATE_SAMPLES, T0, UP_AT_T0, UP_AT_T0_SAMPLES, expectedEventEnvelope, family } from '../fixtures/expected';
import { TEST_WORKSPACE_ID } from '../support/credentials';
import { loadEvent } from '../support/events';
import { envelopeOf, loadHandler, useHarness } from '../support/harness';
import { lambdaContext } from '../../scripts/lib/lambda-context';

/**
 * Every handler against the real Prometheus, through the AMP-like front that checks
 * each request's SigV4 signature. Expected values follow from tests/fixtures/dataset.ts.
 */

const TOOL_NAMES = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tools.json'), 'utf8')) as { name: string }[]).map((t) => t.name);

const harness = useHarness();
/** The backfilled fixture's window, in 2023: without start, discovery reads only the last hour. */
const FIXTURE_WINDOW = { start: FIXTURE_START, end: FIXTURE_END };
/** What a discovery answer says of its default window. */
const RECENT_WINDOW = 'the last 1h (default): pass start, e.g. 30d, for older data';
afterEach(() => {
  // Every request the functions made reached the front with a valid signature.
  for (const request of harness.front.requests) expect(request.signatureError).toBeUndefined();
});

describe('query', () => {
  it('answers events/query.json with the fixture values, as an API Gateway-style result', async () => {
    const handler = await harness.handler('query');
    const result = (await handler(loadEvent('query'), lambdaContext())) as { statusCode: number; headers: object; body: string };

    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(result.body)).toEqual({ status: 'success', data: { resultType: 'vector', result: UP_AT_T0 }, samples_processed: UP_AT_T0_SAMPLES });
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({
      method: 'GET',
      workspaceId: TEST_WORKSPACE_ID,
      endpoint: 'query',
      params: { query: ['up'], time: [String(T0)] },
      status: 200,
    });
  });

  it('answers the same arguments given flat with the envelope itself', async () => {
    const handler = await harness.handler('query');
    const result = await handler({ ...loadEvent('query').body }, lambdaContext());
    expect(result).toEqual({ status: 'success', data: { resultType: 'vector', result: UP_AT_T0 }, samples_processed: UP_AT_T0_SAMPLES });
  });

  it('accepts the body as a JSON string, as API Gateway sends it', async () => {
    const handler = await harness.handler('query');
    const result = (await handler({ body: JSON.stringify(loadEvent('query').body) }, lambdaContext())) as { statusCode: number };
    expect(result.statusCode).toBe(200);
  });

  it('takes Unix seconds and relative times', async () => {
    const handler = await harness.handler('query');
    const unix = envelopeOf(await handler({ query: 'sum(up)', time: T0 }, lambdaContext()));
    expect(unix.data.result).toEqual([{ metric: {}, value: [T0, '2'] }]);
    // `now-1h` is after the fixture's end: only the live scrape target answers.
    const relative = envelopeOf(await handler({ query: 'up{job="node"}', time: 'now-1h' }, lambdaContext()));
    // The hints (tests/integration/hints.test.ts) say the job's data, the fixture's, lies further away.
    expect(relative).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [] },
      hints: [expect.stringMatching(/^up\{job="node"\} has no samples between \S+ and \S+, nor within 1y of it$/)],
      // Nothing matched, nothing processed: the hints read labels, not samples.
      samples_processed: 0,
    });
  });

  it('reads -1h as now-1h', async () => {
    const handler = await harness.handler('query');
    const before = Date.now() / 1000;
    const result = envelopeOf(await handler({ query: 'vector(3)', time: '-1h' }, lambdaContext()));
    const after = Date.now() / 1000;
    const sent = Number(harness.front.requests[0]!.params.time![0]);
    expect(sent).toBeGreaterThanOrEqual(before - 3600 - 0.001);
    expect(sent).toBeLessThanOrEqual(after - 3600 + 0.001);
    expect(result.data).toEqual({ resultType: 'vector', result: [{ metric: {}, value: [sent, '3'] }] });
  });

  it('sends a long query as a POST form', async () => {
    const handler = await harness.handler('query');
    const hosts = Array.from({ length: 300 }, (_, i) => `host-${i}:9100`).join('|');
    const query = `sum(up{instance=~"localhost:9090|node-1:9100|${hosts}"})`;
    expect(query.length).toBeGreaterThan(2048);
    const result = envelopeOf(await handler({ query, time: T0 }, lambdaContext()));
    expect(result.data.result).toEqual([{ metric: {}, value: [T0, '2'] }]);
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({ method: 'POST', endpoint: 'query', status: 200 });
    expect(harness.front.requests[0]!.params.query).toEqual([query]);
  });

  it("passes Prometheus' own error through with its type and message", async () => {
    const handler = await harness.handler('query');
    const result = envelopeOf(await handler({ query: 'rate(up)', time: T0 }, lambdaContext()));
    expect(result.status).toBe('error');
    expect(result.error!.type).toBe('bad_data');
    expect(result.error!.message).toMatch(/expected type range vector in call to function "rate", got instant vector/);
  });
});

describe('range-query', () => {
  it('answers events/range-query.json with 13 points per series at the fixture rates', async () => {
    const handler = await harness.handler('range-query');
    const result = (await handler(loadEvent('range-query'), lambdaContext())) as { statusCode: number; body: string };
    const body = JSON.parse(result.body);

    expect(result.statusCode).toBe(200);
    expect(body).toEqual(expectedEventEnvelope('range-query'));
    expect(harness.front.requests[0]).toMatchObject({
      endpoint: 'query_range',
      params: { start: [String(T0)], end: [String(T0 + 3600)], step: ['300'] },
    });
  });

  it('ends at now without end: from -2m every minute, three points', async () => {
    const handler = await harness.handler('range-query');
    const before = Date.now() / 1000;
    const result = envelopeOf(await handler({ query: 'vector(1)', start: '-2m', step: 60 }, lambdaContext()));
    const after = Date.now() / 1000;
    const { start, end } = harness.front.requests[0]!.params;
    const [sentStart, sentEnd] = [Number(start![0]), Number(end![0])];
    expect(sentEnd).toBeGreaterThanOrEqual(before - 0.001);
    expect(sentEnd).toBeLessThanOrEqual(after + 0.001);
    expect(sentEnd - sentStart).toBeCloseTo(120, 3);
    expect(result).toEqual({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: {}, values: [0, 60, 120].map((t) => [sentStart + t, '1']) }] },
      // vector(1) selects no series.
      samples_processed: 0,
    });
  });

  it('chooses its step for a range without end', async () => {
    const handler = await harness.handler('range-query');
    const result = envelopeOf(await handler({ query: 'vector(1)', start: '1h' }, lambdaContext()));
    expect(harness.front.requests[0]!.params.step).toEqual(['15']);
    expect((result as { step?: number }).step).toBe(15);
    expect(result.data.result[0].values).toHaveLength(241);
  });

  it('accepts a step in seconds and flat arguments', async () => {
    const handler = await harness.handler('range-query');
    const result = envelopeOf(
      await handler({ query: 'sum(up)', start: T0, end: T0 + 120, step: 60 }, lambdaContext()),
    );
    expect(result).toEqual({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: {}, values: [[T0, '2'], [T0 + 60, '2'], [T0 + 120, '2']] }] },
      // 3 steps of up's 3 series, one sample each.
      samples_processed: 3 * UP_AT_T0_SAMPLES,
    });
  });
});

describe('results sized for a language model', () => {
  it('applies max_series and max_points, and says what they left out', async () => {
    const handler = await harness.handler('range-query');
    const result = await handler({ ...loadEvent('range-query').body, max_series: 1, max_points: 5 }, lambdaContext());
    expect(result).toEqual({
      status: 'success',
      data: { resultType: 'matrix', result: [{ ...SYSTEM_CPU_RATE[0], values: SYSTEM_CPU_RATE[0]!.values.slice(-5) }] },
      truncated: true,
      note:
        'kept the 1 of 2 series with the largest latest value (max_series); narrow the query or aggregate (sum by, topk) to see the rest; ' +
        'kept the last 5 of up to 13 points per series (max_points); a larger step shows the whole range',
      // The whole query's cost, whatever the answer keeps.
      samples_processed: SYSTEM_CPU_RATE_SAMPLES,
    });
  });

  it('keeps, with max_series, the series of largest latest value, not the first ones', async () => {
    const handler = await harness.handler('query');
    const query = 'rate(node_cpu_seconds_total[5m])';
    const all = envelopeOf(await handler({ query, time: T0 }, lambdaContext())).data.result as { metric: Record<string, string>; value: [number, string] }[];
    // dataset.ts: node-1 user 30 a minute (0.5/s), node-1 system 15 (0.25/s), node-2 system 7.5 (0.125/s).
    expect(all.map((s) => [s.metric.instance, s.metric.mode, s.value[1]])).toEqual([
      ['node-1:9100', 'system', '0.25'],
      ['node-1:9100', 'user', '0.5'],
      ['node-2:9100', 'system', '0.125'],
    ]);
    expect(envelopeOf(await handler({ query, time: T0, max_series: 1 }, lambdaContext()))).toEqual({
      status: 'success',
      truncated: true,
      note: 'kept the 1 of 3 series with the largest latest value (max_series); narrow the query or aggregate (sum by, topk) to see the rest',
      data: { resultType: 'vector', result: [all[1]] },
      // 3 series, each [5m] window 6 minute samples.
      samples_processed: 3 * 6,
    });
  });

  it('degrades an answer larger than the response budget instead of emptying it', async () => {
    const budget = 3000;
    const full = await harness.handler('range-query');
    const small = await loadHandler('range-query', { PROMETHEUS_URL: harness.front.workspaceUrl, RESPONSE_BUDGET_BYTES: String(budget) });
    const event = { body: { query: 'node_cpu_seconds_total', start: T0 - 3600, end: T0 + 3600, step: '60' } };

    const complete = JSON.parse(((await full(event, lambdaContext())) as { body: string }).body);
    expect(complete.data.result).toHaveLength(3);
    const cut = (await small(event, lambdaContext())) as { statusCode: number; body: string };
    expect(cut.statusCode).toBe(200);
    expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(budget);
    const body = JSON.parse(cut.body);
    expect(Object.keys(body).slice(0, 3)).toEqual(['status', 'truncated', 'note']);
    // 30 points per series do not fit: the summary of every series does.
    expect(body.data).toEqual(formatData(complete.data, 'summary'));
    expect(body.note).toMatch(/^the complete answer \(about [0-9]+ KB from Prometheus\) is larger than the 3 KB response budget: the summary format/);
  });
});

describe('list-metrics', () => {
  it("answers events/list-metrics.json with the fixture window's metric names, sorted", async () => {
    const handler = await harness.handler('list-metrics');
    const result = (await handler(loadEvent('list-metrics'), lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: 'success', data: EXPECTED_EVENT_DATA['list-metrics'] });
  });

  it('without start, lists the names of the last hour, and says so', async () => {
    const handler = await harness.handler('list-metrics');
    expect(await handler({}, lambdaContext())).toEqual({
      status: 'success',
      data: { metrics: ALL_METRICS, total: ALL_METRICS.length, truncated: false },
      window: RECENT_WINDOW,
    });
  });

  it('filters by a series selector and says when a limit cuts the list', async () => {
    const handler = await harness.handler('list-metrics');
    const matched = envelopeOf(await handler({ match: '{job="node"}', ...FIXTURE_WINDOW }, lambdaContext()));
    expect(matched.data).toEqual({
      metrics: ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'up'],
      total: 3,
      truncated: false,
    });
    expect(harness.front.requests[0]!.params['match[]']).toEqual(['{job="node"}']);

    const several = envelopeOf(await handler({ match: ['up', 'node_memory_MemAvailable_bytes'], ...FIXTURE_WINDOW }, lambdaContext()));
    expect(several.data).toEqual({ metrics: ['node_memory_MemAvailable_bytes', 'up'], total: 2, truncated: false });
    expect(harness.front.requests[1]).toMatchObject({ method: 'GET', params: { 'match[]': ['up', 'node_memory_MemAvailable_bytes'] } });

    const limited = envelopeOf(await handler({ limit: 2 }, lambdaContext()));
    expect(limited.data).toEqual({ metrics: ALL_METRICS.slice(0, 2), total: ALL_METRICS.length, truncated: true });
  });

  it("adds each metric's type and help from the metadata API", async () => {
    const handler = await harness.handler('list-metrics');
    const result = envelopeOf(await handler({ match: '{job="node"}', include_metadata: true, ...FIXTURE_WINDOW }, lambdaContext()));
    // The Prometheus text format the live target serves has no units: Prometheus reports "".
    const meta = (name: string) => ({ type: family(name).type, help: family(name).help, unit: '' });
    expect(result.data.metadata).toEqual({
      node_cpu_seconds_total: meta('node_cpu_seconds_total'),
      node_memory_MemAvailable_bytes: meta('node_memory_MemAvailable_bytes'),
      up: meta('up'),
    });
    expect(harness.front.requests.map((r) => r.endpoint)).toEqual(['label/__name__/values', 'metadata']);
  });
});

describe('server-info', () => {
  it('answers events/server-info.json with the endpoint used, reachability and build info', async () => {
    const handler = await harness.handler('server-info');
    const result = (await handler(loadEvent('server-info'), lambdaContext())) as { statusCode: number; body: string };
    const body = JSON.parse(result.body);
    expect(result.statusCode).toBe(200);
    expect(body.data).toMatchObject({
      workspace: null,
      region: 'us-east-1',
      query_endpoint: `${harness.front.workspaceUrl}/api/v1`,
      source: 'PROMETHEUS_URL',
      reachability: { reachable: true },
      build_info: { version: process.env.LOCAL_PROMETHEUS_VERSION },
    });
    expect(body.data.reachability.latency_ms).toBeGreaterThan(0);
    expect(harness.front.requests.map((r) => r.endpoint)).toEqual(['query', 'status/buildinfo']);
  });

  it('reports an unreachable server as data, not as a failure of the call', async () => {
    const handler = await harness.handler('server-info');
    harness.front.fault = (_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'User is not authorized to perform: aps:QueryMetrics' }));
      return true;
    };
    try {
      const result = envelopeOf(await handler({}, lambdaContext()));
      expect(result.status).toBe('success');
      expect(result.data.reachability).toMatchObject({
        reachable: false,
        error: { type: 'access_denied', message: 'Prometheus refused the request (HTTP 403): User is not authorized to perform: aps:QueryMetrics' },
      });
      expect(result.data.build_info).toBeUndefined();
    } finally {
      harness.front.fault = undefined;
    }
  });
});

describe('integration (the router)', () => {
  it('answers events/integration.json exactly as the query function does', async () => {
    const router = await harness.handler('integration');
    const query = await harness.handler('query');
    const routed = (await router(loadEvent('integration'), lambdaContext())) as { body: string };
    const direct = (await query(loadEvent('query'), lambdaContext())) as { body: string };
    expect(JSON.parse(routed.body)).toEqual({ status: 'success', data: { resultType: 'vector', result: UP_AT_T0 }, samples_processed: UP_AT_T0_SAMPLES });
    expect(routed.body).toBe(direct.body);
  });

  it.each([
    // 2 steps of the 3 series of up, one sample each.
    ['range_query', { query: 'sum(up)', start: T0, end: T0 + 60, step: '1m' }, { resultType: 'matrix', result: [{ metric: {}, values: [[T0, '2'], [T0 + 60, '2']] }] }, 2 * UP_AT_T0_SAMPLES],
  ])('routes operation %s', async (operation, args, data, samples) => {
    const router = await harness.handler('integration');
    expect(await router({ operation, ...args }, lambdaContext())).toEqual({ status: 'success', data, samples_processed: samples });
  });

  it('routes operation list_metrics, saying what the limit left out', async () => {
    const router = await harness.handler('integration');
    expect(await router({ operation: 'list_metrics', limit: 1 }, lambdaContext())).toEqual({
      status: 'success',
      data: { metrics: [ALL_METRICS[0]], total: ALL_METRICS.length, truncated: true },
      window: RECENT_WINDOW,
      truncated: true,
      note: `returned the first 1 of ${ALL_METRICS.length} metric names (limit); raise limit or narrow with search or match`,
    });
  });

  it('routes server_info', async () => {
    const router = await harness.handler('integration');
    const result = envelopeOf(await router({ operation: 'server_info' }, lambdaContext()));
    expect(result.data.reachability.reachable).toBe(true);
  });

  it.each([
    ['query', { query: 'up', time: '2023-04-01T00:00:00Z', format: 'prometheus' }, { resultType: 'vector', result: UP_AT_T0 }],
    [
      'query',
      { query: 'rate(node_cpu_seconds_total{mode="system"}[5m])', start: '2023-04-01T00:00:00Z', end: '2023-04-01T01:00:00Z', step: '5m', format: 'prometheus' },
      EXPECTED_EVENT_DATA['range-query'],
    ],
    // A list whole: the list alone (no total, no truncated: false), where the window was given.
    ['discover', FIXTURE_WINDOW, (EXPECTED_EVENT_DATA['list-metrics'] as { metrics: string[] }).metrics],
  ])('answers the gateway tool %s with the data alone (flat arguments, prefixed tool name): what the model reads', async (tool, args, answer) => {
    expect(TOOL_NAMES).toContain(tool);
    const router = await harness.handler('integration');
    expect(await router(args, lambdaContext({ toolName: tool, gateway: true }))).toEqual(answer);
  });

  it('answers a gateway tool call with what besides the data says something: a cut list, its total and the note', async () => {
    const router = await harness.handler('integration');
    expect(await router({ limit: 1 }, lambdaContext({ toolName: 'discover', gateway: true }))).toEqual({
      data: { metrics: [ALL_METRICS[0]], total: ALL_METRICS.length, truncated: true },
      truncated: true,
      note: `returned the first 1 of ${ALL_METRICS.length} metric names (limit); raise limit or narrow with search or match`,
    });
  });

  it('answers the gateway tool server_info', async () => {
    expect(TOOL_NAMES).toContain('server_info');
    const router = await harness.handler('integration');
    const result = envelopeOf(await router({}, lambdaContext({ toolName: 'server_info' })));
    expect(result.data).toMatchObject({ reachability: { reachable: true }, build_info: { version: process.env.LOCAL_PROMETHEUS_VERSION } });
  });

  it('gives a gateway call with bad arguments an error the agent can act on, in its envelope (the gateway takes no error flag from a function)', async () => {
    const router = await harness.handler('integration');
    expect(await router({ query: 'up', start: 'yesterday', end: 'now', step: '1m' }, lambdaContext({ toolName: 'query', gateway: true }))).toEqual({
      status: 'error',
      error: {
        type: 'validation_error',
        message: "field 'start' is not a valid time (\"yesterday\"): use RFC3339 (2023-04-01T00:00:00Z), Unix seconds (1680307200), now / now-1h, or a duration ago (1h)",
      },
    });
  });

  it('routes by the AgentCore Gateway tool name when called with flat tool arguments', async () => {
    const router = await harness.handler('integration');
    const result = await router({ query: 'sum(up)', time: T0, format: 'prometheus' }, lambdaContext({ toolName: 'query' }));
    expect(result).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [T0, '2'] }] }, samples_processed: UP_AT_T0_SAMPLES });
  });
});
