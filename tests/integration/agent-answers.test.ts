import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { decodeCompact, type CompactData } from '../../src/shared/formats';
import { estimateTokens } from '../../src/shared/result-size';
import { FIXTURE_END, FIXTURE_START } from '../fixtures/dataset';
import { SYSTEM_CPU_RATE, T0 } from '../fixtures/expected';
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
  it('compact decodes to exactly the prometheus answer', async () => {
    const handler = await harness.handler('range-query');
    const compact = envelopeOf(await handler({ ...rangeArgs, format: 'compact' }, lambdaContext()));
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
  it('names a metric that does not exist and similar ones that do, in one extra GET', async () => {
    const handler = await harness.handler('query');
    const result = envelopeOf(await handler({ query: 'sum(rate(node_cpu_second_total[5m]))', time: T0 }, lambdaContext())) as ReturnType<typeof envelopeOf> & { hints: string[] };
    expect(result.data.result).toEqual([]);
    expect(result.hints).toEqual(["metric 'node_cpu_second_total' does not exist in this workspace; similar names that do: node_cpu_seconds_total"]);
    expect(harness.front.requests.map((r) => `${r.method} ${r.endpoint}`)).toEqual(['GET query', 'GET label/__name__/values']);
  });

  it('names a label value that matches nothing and the values that exist, in two extra GETs', async () => {
    const handler = await harness.handler('range-query');
    const result = envelopeOf(await handler({ query: 'up{job="nodes"}', start: T0, end: T0 + 600, step: 60 }, lambdaContext())) as ReturnType<typeof envelopeOf> & { hints: string[] };
    expect(result.hints).toEqual(['no series has job="nodes" on up; values that exist: "node", "fixture", "prometheus"']);
    expect(harness.front.requests.map((r) => `${r.method} ${r.endpoint}`)).toEqual(['GET query_range', 'GET label/__name__/values', 'GET label/job/values']);
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
    const viaTool = (await router(args, lambdaContext({ toolName: 'range_query' }))) as { truncated?: boolean; note?: string; data: { series: unknown[] } };
    expect(countTokens(JSON.stringify(viaTool))).toBeLessThanOrEqual(500);
    expect(viaTool.truncated).toBe(true);
    expect(viaTool.note).toContain('larger than the 500-token response budget');
    const direct = envelopeOf(await router({ operation: 'range_query', ...args }, lambdaContext())) as unknown as { data: { series: unknown[] } };
    expect(direct.data.series).toHaveLength(3);
    expect(direct).not.toHaveProperty('truncated');
  });

  it('degrades a range query too large for the default 20,000 tokens to a larger step, the note first', async () => {
    const router = await loadHandler('integration', { PROMETHEUS_URL: harness.front.workspaceUrl });
    const args = { query: 'node_cpu_seconds_total', start: FIXTURE_START, end: FIXTURE_END, step: '5s' };
    const complete = await router({ operation: 'range_query', ...args }, lambdaContext());
    const viaTool = (await router(args, lambdaContext({ toolName: 'range_query' }))) as { truncated?: boolean; note?: string; data: { result: { values: [number, string][] }[] } };
    expect(Object.keys(viaTool)).toEqual(['status', 'truncated', 'note', 'data']);
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
const MEASURED = [30, 79_988, 13_512];
