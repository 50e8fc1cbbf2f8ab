import { lambdaContext } from '../../scripts/lib/lambda-context';
import { FIXTURE_END, FIXTURE_START } from '../fixtures/dataset';
import { family } from '../fixtures/expected';
import { envelopeOf, useHarness } from '../support/harness';

/**
 * describe_metric against the real Prometheus, through the AMP-like front that checks
 * every signature and each function role's IAM actions (from template.yaml): through the
 * Discovery function, the router and the gateway's tool call. Expected values follow
 * from tests/fixtures/dataset.ts: one sample a minute from FIXTURE_START to FIXTURE_END,
 * and the live scrape (for the metadata) of the same families, now.
 */

const harness = useHarness();
afterEach(() => {
  for (const request of harness.front.requests) expect(request.signatureError).toBeUndefined();
});

const WINDOW = { start: FIXTURE_START, end: FIXTURE_END };
const CPU = family('node_cpu_seconds_total');

/** The front's record of the calls, by endpoint (they run in parallel). */
const calls = () =>
  harness.front.requests
    .map((r) => ({ method: r.method, endpoint: r.endpoint, params: r.params, status: r.status }))
    .sort((a, b) => ((a.endpoint ?? '') < (b.endpoint ?? '') ? -1 : 1));

describe('describe_metric', () => {
  it("describes a metric in the fixture's window: metadata, labels with their number of values, first and last seen", async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'describe_metric', metric: 'node_cpu_seconds_total', ...WINDOW }, lambdaContext());
    expect(result).toEqual({
      status: 'success',
      data: {
        metric: 'node_cpu_seconds_total',
        // The live scrape's text format carries type and help; Prometheus has no unit for it.
        type: CPU.type,
        help: CPU.help,
        unit: '',
        // Written at the window's end: a sample each in its last 5 minutes.
        series: CPU.series.length,
        // dataset.ts: cpu 0 only; node-1 and node-2; job node; system and user.
        labels: { cpu: 1, instance: 2, job: 1, mode: 2 },
        // The index's blocks begin and end with the fixture's samples: exact.
        first_seen: FIXTURE_START,
        last_seen: FIXTURE_END,
        // 4 h in 256ths.
        seen_precision: 57,
        window: WINDOW,
      },
      // The instant count read one sample per series.
      samples_processed: CPU.series.length,
    });
    const selector = '{__name__="node_cpu_seconds_total"}';
    const window = { 'match[]': [selector], start: [String(FIXTURE_START)], end: [String(FIXTURE_END)] };
    const made = calls();
    // Metadata, the label names, each label's values and one count: no series list, no range query.
    expect(made.filter((c) => !c.endpoint!.startsWith('label/__name__'))).toEqual([
      { method: 'GET', endpoint: 'label/cpu/values', params: window, status: 200 },
      { method: 'GET', endpoint: 'label/instance/values', params: window, status: 200 },
      { method: 'GET', endpoint: 'label/job/values', params: window, status: 200 },
      { method: 'GET', endpoint: 'label/mode/values', params: window, status: 200 },
      { method: 'GET', endpoint: 'labels', params: window, status: 200 },
      { method: 'GET', endpoint: 'metadata', params: { metric: ['node_cpu_seconds_total'] }, status: 200 },
      { method: 'GET', endpoint: 'query', params: { query: [`count(${selector})`], time: [String(FIXTURE_END)], stats: ['all'] }, status: 200 },
    ]);
    // First and last seen: 8 halvings each, index look-ups of the metric's name.
    expect(made.filter((c) => c.endpoint === 'label/__name__/values').map((c) => c.params['match[]'])).toEqual(Array(16).fill([selector]));
  });

  it('finds when a metric began and ended inside a wider window, to within a 256th of it', async () => {
    const discovery = await harness.handler('discovery');
    const window = { start: FIXTURE_START - 3600, end: FIXTURE_END + 3600 };
    const result = envelopeOf(await discovery({ operation: 'describe_metric', metric: 'up', ...window }, lambdaContext()));
    // 6 h in 256ths: 84.375 s. up's first sample, at FIXTURE_START, lies in the bracket from FIXTURE_START - 56;
    // its last, at FIXTURE_END, in the one up to FIXTURE_END + 3.
    expect(result).toEqual({
      status: 'success',
      note: 'no series at end (2023-04-01T03:00:00Z): series counts those with a sample in the 5 minutes before it',
      data: {
        metric: 'up',
        type: 'gauge',
        help: family('up').help,
        unit: '',
        series: 0,
        labels: { instance: 3, job: 2 },
        first_seen: FIXTURE_START - 56,
        last_seen: FIXTURE_END + 3,
        seen_precision: 85,
        window,
      },
      samples_processed: 0,
    });
  });

  it('without start or end, reads the last 24 hours: the live scrape, whose job and instance are renamed', async () => {
    const discovery = await harness.handler('discovery');
    const before = Date.now() / 1000;
    const result = envelopeOf(await discovery({ operation: 'describe_metric', metric: 'node_memory_MemAvailable_bytes' }, lambdaContext()));
    const after = Date.now() / 1000;
    expect(result.status).toBe('success');
    const { first_seen: first, last_seen: last, seen_precision: precision, window, ...rest } = result.data;
    expect(rest).toEqual({
      metric: 'node_memory_MemAvailable_bytes',
      type: 'gauge',
      help: family('node_memory_MemAvailable_bytes').help,
      unit: '',
      series: 2,
      // Prometheus keeps the target's own job and instance, and the scraped ones as exported_*.
      labels: { exported_instance: 2, exported_job: 1, instance: 1, job: 1 },
    });
    expect(window.end).toBeGreaterThanOrEqual(before);
    expect(window.end).toBeLessThanOrEqual(after);
    expect(window).toEqual({ start: window.end - 86_400, end: window.end });
    // 24 h in 256ths.
    expect(precision).toBe(338);
    // Scraped every second since the Prometheus of this run started, minutes ago at most.
    expect(last).toBeLessThanOrEqual(window.end);
    expect(last).toBeGreaterThan(window.end - 5);
    expect(first).toBeLessThanOrEqual(last);
    // The live scrape's data is in Prometheus' head block, whose bounds the index answers by: within the
    // halvings' precision of them, and so after the head's at most two hours.
    expect(first).toBeGreaterThan(window.end - 7200 - precision);
  });

  it('answers a name that does not exist with the similar names that do', async () => {
    const discovery = await harness.handler('discovery');
    const result = envelopeOf(await discovery({ operation: 'describe_metric', metric: 'node_cpu_second_total', ...WINDOW }, lambdaContext()));
    expect(result).toEqual({
      status: 'success',
      // No metadata, no series, never seen.
      data: { metric: 'node_cpu_second_total', series: 0, labels: {}, window: WINDOW },
      hints: ["metric 'node_cpu_second_total' does not exist in this workspace; similar names that do: node_cpu_seconds_total"],
      samples_processed: 0,
    });
  });

  it('says when a metric that exists has no samples in the window, and when it was seen', async () => {
    const discovery = await harness.handler('discovery');
    // 20:00 to 21:00 on the day before the seed's example time; the fixture begins at 22:00.
    const window = { start: FIXTURE_START - 7200, end: FIXTURE_START - 3600 };
    const result = envelopeOf(await discovery({ operation: 'describe_metric', metric: 'up', ...window }, lambdaContext()));
    expect(result).toEqual({
      status: 'success',
      // The live scrape gives up its metadata, whatever the window.
      data: { metric: 'up', type: 'gauge', help: family('up').help, unit: '', series: 0, labels: {}, window },
      hints: [
        "metric 'up' has no samples between 2023-03-31T20:00:00Z and 2023-03-31T21:00:00Z; first seen later, between 2023-03-31T21:00:00Z and 2023-03-31T22:00:00Z",
      ],
      samples_processed: 0,
    });
  });

  it('refuses what is not a metric name before any call', async () => {
    const discovery = await harness.handler('discovery');
    const result = await discovery({ operation: 'describe_metric', metric: 'up{job="node"}' }, lambdaContext());
    expect(result).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: "field 'metric' must match ^[^{}\"]+$ such as up" },
    });
    expect(harness.front.requests).toHaveLength(0);
  });

  it('is served by the router and by the gateway tool call, with the router role', async () => {
    const router = await harness.handler('integration');
    const args = { metric: 'node_cpu_seconds_total', ...WINDOW };
    const expected = envelopeOf(await (await harness.handler('discovery'))({ operation: 'describe_metric', ...args }, lambdaContext()));
    expect(await router({ operation: 'describe_metric', ...args }, lambdaContext())).toEqual(expected);
    expect(await router(args, lambdaContext({ toolName: 'discover' }))).toEqual(expected);
  });
});
