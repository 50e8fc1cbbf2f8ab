import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { decodeCompact, type CompactData } from '../../src/shared/formats';
import { estimateTokens } from '../../src/shared/result-size';
import { FIXTURE_END, FIXTURE_START } from '../fixtures/dataset';
import { SYSTEM_CPU_RATE, T0, UP_AT_T0 } from '../fixtures/expected';
import { envelopeOf, loadHandler, useHarness } from '../support/harness';

/**
 * Answers that help a model: formats, the step chosen when none is given, hints on an
 * empty answer, and a response budget a model can read on tool calls.
 */

const harness = useHarness();
afterEach(() => {
  for (const request of harness.front.requests) expect(request.signatureError).toBeUndefined();
});

const RATE = 'rate(node_cpu_seconds_total{mode="system"}[5m])';
const rangeArgs = { query: RATE, start: T0, end: T0 + 3600, step: '5m' };

describe('formats', () => {
  it('compact with precision 17 decodes to exactly the prometheus answer', async () => {
    const handler = await harness.handler('range-query');
    const compact = envelopeOf(await handler({ ...rangeArgs, format: 'compact', precision: 17 }, lambdaContext()));
    expect(compact.data).toEqual({
      resultType: 'matrix',
      format: 'compact',
      step: 300,
      series: SYSTEM_CPU_RATE.map((s) => ({ metric: s.metric, start: T0, values: s.values.map(([, v]) => Number(v)) })),
    });
    expect(decodeCompact(compact.data as CompactData)).toEqual({ resultType: 'matrix', result: SYSTEM_CPU_RATE });
  });

  it('summary gives each series its first, last, min, max, avg and count', async () => {
    const handler = await harness.handler('range-query');
    const summary = envelopeOf(await handler({ ...rangeArgs, format: 'summary' }, lambdaContext()));
    expect(summary.data).toEqual({
      resultType: 'matrix',
      format: 'summary',
      series: SYSTEM_CPU_RATE.map((s) => {
        const value = Number(s.values[0]![1]);
        return {
          metric: s.metric,
          count: 13,
          first: { time: T0, value },
          last: { time: T0 + 3600, value },
          min: { time: T0, value },
          max: { time: T0, value },
          avg: value,
        };
      }),
    });
  });
});

describe('range_query without a step', () => {
  it('chooses about 250 points and says which step', async () => {
    const handler = await harness.handler('range-query');
    const result = envelopeOf(await handler({ query: 'sum(up)', start: FIXTURE_START, end: FIXTURE_END }, lambdaContext())) as ReturnType<typeof envelopeOf> & { step: number };
    // 14,400 s / 249 rounded up to whole seconds.
    expect(result.step).toBe(58);
    expect(result.data.result[0].values).toHaveLength(249);
    expect(harness.front.requests[0]!.params.step).toEqual(['58']);
  });
});

describe('hints on an empty answer', () => {
  // Every case, with the calls each costs: tests/integration/hints.test.ts.
  it('names a metric that does not exist and similar ones that do, in two extra GETs', async () => {
    const handler = await harness.handler('query');
    const result = envelopeOf(await handler({ query: 'sum(rate(node_cpu_second_total[5m]))', time: T0 }, lambdaContext())) as ReturnType<typeof envelopeOf> & { hints: string[] };
    expect(result.data.result).toEqual([]);
    expect(result.hints).toEqual(["metric 'node_cpu_second_total' does not exist in this workspace; similar names that do: node_cpu_seconds_total"]);
    // The names in the range read, then all the names held.
    expect(harness.front.requests.map((r) => `${r.method} ${r.endpoint}`)).toEqual(['GET query', 'GET label/__name__/values', 'GET label/__name__/values']);
  });

  it('names a label value that matches nothing and the values that exist in the range read (not those of today)', async () => {
    const handler = await harness.handler('range-query');
    const result = envelopeOf(await handler({ query: 'up{job="nodes"}', start: T0, end: T0 + 600, step: 60 }, lambdaContext())) as ReturnType<typeof envelopeOf> & { hints: string[] };
    expect(result.hints).toEqual(['no series of up has job="nodes" between 2023-03-31T23:55:00Z and 2023-04-01T00:10:00Z; values that exist: "node", "prometheus"']);
    expect(harness.front.requests.map((r) => `${r.method} ${r.endpoint}`)).toEqual([
      'GET query_range',
      'GET label/__name__/values',
      'GET label/__name__/values',
      'GET label/__name__/values',
      'GET label/job/values',
    ]);
  });

  it('adds nothing, and calls nothing more, when the answer has series', async () => {
    const handler = await harness.handler('query');
    const result = envelopeOf(await handler({ query: 'up{job="node"}', time: T0 }, lambdaContext()));
    expect(result).not.toHaveProperty('hints');
    expect(harness.front.requests).toHaveLength(1);
  });
});

describe('the response budget of a tool call', () => {
  it('is counted in tokens (AGENT_RESPONSE_BUDGET_TOKENS), while a direct invocation keeps the 6 MB one', async () => {
    const router = await loadHandler('integration', { PROMETHEUS_URL: harness.front.workspaceUrl, AGENT_RESPONSE_BUDGET_TOKENS: '500' });
    const args = { query: 'node_cpu_seconds_total', start: T0 - 3600, end: T0 + 3600, step: '60', format: 'summary' };
    const viaTool = (await router(args, lambdaContext({ toolName: 'query' }))) as { truncated?: boolean; note?: string; data: { series: unknown[] } };
    expect(countTokens(JSON.stringify(viaTool))).toBeLessThanOrEqual(500);
    expect(viaTool.truncated).toBe(true);
    expect(viaTool.note).toContain('larger than the 500-token response budget');
    const direct = envelopeOf(await router({ operation: 'range_query', ...args }, lambdaContext())) as unknown as { data: { series: unknown[] } };
    expect(direct.data.series).toHaveLength(3);
    expect(direct).not.toHaveProperty('truncated');
  });

  it('never exceeds RESPONSE_BUDGET_BYTES either: an estimated token is at most 3 bytes', async () => {
    const router = await loadHandler('integration', { PROMETHEUS_URL: harness.front.workspaceUrl, RESPONSE_BUDGET_BYTES: '1500' });
    const args = { query: 'node_cpu_seconds_total', start: T0 - 3600, end: T0 + 3600, step: '60', format: 'summary' };
    const viaTool = (await router(args, lambdaContext({ toolName: 'query' }))) as { truncated?: boolean; note?: string };
    expect(Buffer.byteLength(JSON.stringify(viaTool))).toBeLessThanOrEqual(1500);
    expect(viaTool.truncated).toBe(true);
    expect(viaTool.note).toContain('larger than the 500-token response budget');
  });

  it('degrades a range query too large for the default 20,000 tokens to a larger step, the note first', async () => {
    const router = await loadHandler('integration', { PROMETHEUS_URL: harness.front.workspaceUrl });
    const args = { query: 'node_cpu_seconds_total', start: FIXTURE_START, end: FIXTURE_END, step: '5s', format: 'prometheus' };
    const complete = await router({ operation: 'range_query', ...args }, lambdaContext());
    const viaTool = (await router(args, lambdaContext({ toolName: 'query' }))) as { truncated?: boolean; note?: string; data: { result: { values: [number, string][] }[] } };
    expect(Object.keys(viaTool)).toEqual(['status', 'truncated', 'note', 'data', 'samples_processed']);
    expect(viaTool.note).toMatch(/^the complete answer \(about [0-9]+ KB from Prometheus\) is larger than the 20,000-token response budget: step 5s → (\d+)s \(every (\d+)th point, as Prometheus answers that step\)$/);
    const step = Number(viaTool.note!.match(/→ (\d+)s/)![1]);
    // Exactly what Prometheus answers for that step.
    const resampled = envelopeOf(await router({ operation: 'range_query', ...args, step: `${step}s` }, lambdaContext()));
    expect(viaTool.data).toEqual(resampled.data);
    const text = JSON.stringify(viaTool);
    expect(countTokens(text)).toBeLessThanOrEqual(20_000);
    expect(estimateTokens(text)).toBeLessThanOrEqual(20_000);
    expect([step, countTokens(JSON.stringify(complete)), countTokens(text)]).toEqual(MEASURED);
  });
});

/** The step taken, and the o200k tokens of the complete answer and of the one returned. */
const MEASURED = [30, 79_994, 13_518];

describe('the defaults of a tool call (gateway, MCP): compact, about 60 points, 4 significant digits', () => {
  /** One series over an hour; divided by 3, its values have 16 digits, as most real rates do. */
  const ONE_SERIES = 'rate(node_cpu_seconds_total{instance="node-1:9100",mode="system"}[5m])';
  const LABELS = { cpu: '0', instance: 'node-1:9100', job: 'node', mode: 'system' };
  const HOUR = { start: T0, end: T0 + 3600 };
  const tool = (name: string) => lambdaContext({ toolName: name });

  it('answers a range query in the compact format, a point a minute over an hour, values to 4 digits, and says the step', async () => {
    const router = await harness.handler('integration');
    const viaTool = await router({ query: `${ONE_SERIES} / 3`, ...HOUR }, tool('query'));
    expect(viaTool).toEqual({
      status: 'success',
      data: { resultType: 'matrix', format: 'compact', step: 60, series: [{ metric: LABELS, start: T0, values: Array(61).fill(0.08333) }] },
      step: 60,
      // 61 steps of one series, each [5m] window 6 minute samples.
      samples_processed: 61 * 6,
    });
    expect(harness.front.requests[0]!.params.step).toEqual(['60']);
  });

  it("leaves a direct invocation Prometheus' format, exact values and about 250 points", async () => {
    const router = await harness.handler('integration');
    const direct = envelopeOf(await router({ operation: 'range_query', query: `${ONE_SERIES} / 3`, ...HOUR }, lambdaContext())) as ReturnType<typeof envelopeOf> & { step: number };
    // 3,600 s / 249 rounded up to whole seconds.
    expect(direct.step).toBe(15);
    expect(direct.data.result).toEqual([{ metric: LABELS, values: Array.from({ length: 241 }, (_, i) => [T0 + i * 15, '0.08333333333333333']) }]);
  });

  it('costs a model a small part of the tokens of one series over an hour', async () => {
    const router = await harness.handler('integration');
    const measured: number[][] = [];
    for (const query of [ONE_SERIES, `${ONE_SERIES} / 3`]) {
      // Before, a tool call had the direct invocation's defaults: the same answer.
      const before = await router({ operation: 'range_query', query, ...HOUR }, lambdaContext());
      const after = await router({ query, ...HOUR }, tool('query'));
      measured.push([countTokens(JSON.stringify(before)), countTokens(JSON.stringify(after))]);
    }
    expect(measured).toEqual(ONE_SERIES_TOKENS);
  });

  it("rounds to the precision asked for; 17 gives back Prometheus' exact answer", async () => {
    const router = await harness.handler('integration');
    const args = { query: `${ONE_SERIES} / 3`, ...HOUR, step: '5m' };
    const two = envelopeOf(await router({ ...args, precision: 2 }, tool('query')));
    expect(two.data.series[0].values).toEqual(Array(13).fill(0.083));
    const exact = envelopeOf(await router({ ...args, precision: 17 }, tool('query')));
    const prometheus = envelopeOf(await router({ ...args, format: 'prometheus' }, tool('query')));
    expect(prometheus.data.result[0].values[0]).toEqual([T0, '0.08333333333333333']);
    expect(decodeCompact(exact.data as CompactData)).toEqual(prometheus.data);
    expect(envelopeOf(await router({ ...args, precision: 18 }, tool('query'))).error).toEqual({ type: 'validation_error', message: "field 'precision' must be <= 17" });
  });

  it('keeps the precision when an answer over budget takes a larger step', async () => {
    const router = await loadHandler('integration', { PROMETHEUS_URL: harness.front.workspaceUrl });
    const args = { query: 'node_cpu_seconds_total / 3', start: FIXTURE_START, end: FIXTURE_END, step: '5s' };
    const viaTool = (await router(args, tool('query'))) as { note?: string; data: { series: { values: unknown[] }[] } };
    const step = Number(viaTool.note!.match(/: step 5s → (\d+)s/)![1]);
    const resampled = envelopeOf(await router({ operation: 'range_query', ...args, step: `${step}s`, format: 'compact' }, lambdaContext()));
    expect(viaTool.data).toEqual(resampled.data);
    // 1,000 / 3 at the fixture's start.
    expect(viaTool.data.series[0]!.values[0]).toBe(333.3);
  });

  it('answers an instant vector with numbers, its shared time once where that is smaller', async () => {
    const router = await harness.handler('integration');
    expect(await router({ query: 'sum(up)', time: T0 }, tool('query'))).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [T0, 2] }] },
      samples_processed: UP_AT_T0.length,
    });
    expect(await router({ query: 'up', time: T0 }, tool('query'))).toEqual({
      status: 'success',
      data: { resultType: 'vector', format: 'compact', time: T0, series: UP_AT_T0.map((s) => ({ metric: s.metric, value: Number(s.value[1]) })) },
      samples_processed: UP_AT_T0.length,
    });
  });

  it.each(['up', 'sum(up)', 'node_memory_MemAvailable_bytes', 'rate(node_cpu_seconds_total[5m]) / 3', 'http_requests_total', 'vector(0.1) + 0.2'])(
    "answers the instant vector %s no larger, in bytes and tokens, in any format than in Prometheus'",
    async (query) => {
      const router = await harness.handler('integration');
      const prometheus = JSON.stringify(await router({ query, time: T0, format: 'prometheus' }, tool('query')));
      for (const format of [{}, { format: 'compact' }, { format: 'summary' }, { format: 'compact', precision: 17 }]) {
        const text = JSON.stringify(await router({ query, time: T0, ...format }, tool('query')));
        expect(JSON.parse(text).status).toBe('success');
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(Buffer.byteLength(prometheus));
        expect(countTokens(text)).toBeLessThanOrEqual(countTokens(prometheus));
      }
    },
  );
});

/**
 * o200k tokens of the answer to a range query over one series and an hour, before this
 * answer's defaults (Prometheus' format, 241 points) and through a tool call now: values
 * of 0.25, then of 0.08333333333333333.
 */
const ONE_SERIES_TOKENS = [
  [2464, 311],
  [3669, 372],
];
