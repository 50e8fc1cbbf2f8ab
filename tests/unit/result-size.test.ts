import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { formatData } from '../../src/shared/formats';
import { applyLimits, estimateTokens, fitToBudget, responseBytes, type Budget } from '../../src/shared/result-size';

const bytes = (limit: number): Budget => ({ limit, unit: 'bytes' });
const tokens = (limit: number): Budget => ({ limit, unit: 'tokens' });
const ORDER = ` (the first in Prometheus' order, by labels for a range query)`;

const series = (i: number, points: number) => ({
  metric: { __name__: 'up', instance: `host-${i}` },
  values: Array.from({ length: points }, (_, p) => [1680307200 + p * 60, String(i)]),
});
const matrix = (n: number, points: number) => ({ resultType: 'matrix', result: Array.from({ length: n }, (_, i) => series(i, points)) });

describe('applyLimits', () => {
  it('keeps an answer within the limits as it is', () => {
    const data = matrix(2, 3);
    expect(applyLimits(data, { maxSeries: 2, maxPoints: 3 })).toEqual({ data, notes: [] });
    expect(applyLimits(data, {}).data).toBe(data);
  });

  it('keeps the max_series series with the largest latest value, in their order, and says so', () => {
    const { data, notes } = applyLimits(matrix(5, 2), { maxSeries: 2 });
    expect(data.result).toEqual([series(3, 2), series(4, 2)]);
    expect(notes).toEqual(['kept the 2 of 5 series with the largest latest value (max_series); narrow the query or aggregate (sum by, topk) to see the rest']);
  });

  it("ranks a matrix's series by their last point, not their largest", () => {
    const falling = { metric: { instance: 'falling' }, values: [[T, '100'], [T + 60, '1']] };
    const rising = { metric: { instance: 'rising' }, values: [[T, '1'], [T + 60, '2']] };
    expect(applyLimits({ resultType: 'matrix', result: [falling, rising] }, { maxSeries: 1 }).data.result).toEqual([rising]);
  });

  it("reads Prometheus' +Inf and -Inf, ranks NaN and histograms last, and keeps the earlier series of a tie", () => {
    const sample = (instance: string, value: string) => ({ metric: { instance }, value: [T, value] });
    const histogram = { metric: { instance: 'histogram' }, histogram: [T, { count: '9', sum: '3' }] };
    const result = [sample('nan', 'NaN'), histogram, sample('minus-inf', '-Inf'), sample('five', '5'), sample('five-again', '5e+00'), sample('inf', '+Inf'), sample('one', '1')];
    const keep = (n: number) => (applyLimits({ resultType: 'vector', result }, { maxSeries: n }).data.result as { metric: { instance: string } }[]).map((s) => s.metric.instance);
    expect(keep(1)).toEqual(['inf']);
    expect(keep(2)).toEqual(['five', 'inf']);
    expect(keep(4)).toEqual(['five', 'five-again', 'inf', 'one']);
    expect(keep(5)).toEqual(['minus-inf', 'five', 'five-again', 'inf', 'one']);
    expect(keep(6)).toEqual(['nan', 'minus-inf', 'five', 'five-again', 'inf', 'one']);
  });

  it('keeps the most recent max_points points of each series and says so', () => {
    const { data, notes } = applyLimits(matrix(2, 10), { maxPoints: 3 });
    expect(data.result).toEqual([0, 1].map((i) => ({ ...series(i, 10), values: series(i, 10).values.slice(7) })));
    expect(notes).toEqual(['kept the last 3 of up to 10 points per series (max_points); a larger step shows the whole range']);
  });

  it('leaves scalars alone', () => {
    const data = { resultType: 'scalar', result: [1680307200, '1'] };
    expect(applyLimits(data, { maxSeries: 1, maxPoints: 1 }).data).toBe(data);
  });
});

describe('fitToBudget', () => {
  const envelope = <T>(data: T) => ({ status: 'success' as const, data });

  it('does not measure an answer that is clearly small', () => {
    const e = envelope(matrix(3, 3));
    expect(fitToBudget(e, 'flat', bytes(6_000_000), 2_000)).toEqual({ envelope: e });
  });

  it.each(['flat', 'body'] as const)('cuts a %s answer to the series that fit, and says what it left out', (shape) => {
    const full = envelope(matrix(40, 100));
    const size = responseBytes(shape, full);
    const budget = Math.floor(size / 2);
    const upstream = Buffer.byteLength(JSON.stringify(full.data));
    const { envelope: cut, returned } = fitToBudget(full, shape, bytes(budget), upstream);

    expect(responseBytes(shape, cut)).toBeLessThanOrEqual(budget);
    expect(returned).toBeGreaterThan(0);
    expect((cut.data as { result: unknown[] }).result).toEqual(full.data.result.slice(0, returned));
    // The next series would not have fitted.
    const oneMore = { ...cut, data: { ...full.data, result: full.data.result.slice(0, returned! + 1) } };
    expect(responseBytes(shape, oneMore)).toBeGreaterThan(budget - 1024);
    expect(cut.truncated).toBe(true);
    expect(upstream).toBeLessThan(1_000_000);
    expect(cut.note).toBe(
      `the complete answer (about ${Math.ceil(upstream / 1000)} KB from Prometheus) is larger than the ${Math.ceil(budget / 1000)} KB response budget: ` +
        `returned ${returned} of 40 series${ORDER}; narrow the query (more label matchers, sum by, topk) or pass max_series / max_points`,
    );
  });

  it('returns an answer that fits as it is, even when Prometheus sent a lot', () => {
    const e = envelope(matrix(3, 3));
    expect(fitToBudget(e, 'flat', bytes(6_000), 1_000_000)).toEqual({ envelope: e });
  });

  it('keeps an earlier note', () => {
    const full = { ...envelope(matrix(40, 100)), truncated: true as const, note: 'returned 40 of 90 series (max_series)' };
    const { envelope: cut } = fitToBudget(full, 'flat', bytes(20_000), 1_000_000);
    expect(cut.note).toMatch(/^returned 40 of 90 series \(max_series\); the complete answer/);
  });

  it('cuts a list of metric names and marks it truncated', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `metric_${String(i).padStart(4, '0')}_total`);
    const full = envelope({ metrics: names, total: 1000, truncated: false });
    const { envelope: cut, returned } = fitToBudget(full, 'flat', bytes(5_000), 30_000);
    expect(cut.data).toEqual({ metrics: names.slice(0, returned), total: 1000, truncated: true });
    expect(responseBytes('flat', cut)).toBeLessThanOrEqual(5_000);
    expect(cut.note).toContain(`returned ${returned} of 1000 metric names; narrow the query (more label matchers, sum by, topk) or pass match / limit`);
  });

  it.each([
    ['labels', 'label names', 'pass match, start or limit'],
    ['values', 'label values', 'pass match, start or limit'],
    ['series', 'series', 'pass a narrower match, start or limit'],
    ['workspaces', 'workspaces', 'pass alias'],
  ])("cuts the discovery answers' %s, keeps what else they say, and marks them truncated", (key, unit, narrow) => {
    const items = Array.from({ length: 1000 }, (_, i) => (key === 'series' ? { __name__: 'up', instance: `host-${i}` } : `item_${i}`));
    const full = envelope({ [key]: items, total: 1000, truncated: false, by_metric: { up: 1000 } });
    const { envelope: cut, returned } = fitToBudget(full, 'flat', bytes(5_000), 30_000);
    expect(returned).toBeGreaterThan(0);
    expect(cut.data).toEqual({ [key]: items.slice(0, returned), total: 1000, truncated: true, by_metric: { up: 1000 } });
    expect(responseBytes('flat', cut)).toBeLessThanOrEqual(5_000);
    expect(cut.note).toMatch(new RegExp(`returned ${returned} of 1000 ${unit}; ${narrow}$`));
  });
});

const T = 1680307200;
/** Prometheus' answer to a range query from T, one point every `step` seconds: rates with 4 to 6 significant digits. */
const rangeAnswer = (n: number, points: number, step: number) => ({
  resultType: 'matrix',
  result: Array.from({ length: n }, (_, i) => ({
    metric: { __name__: 'node_cpu_seconds_total', cpu: String(i), instance: `host-${i % 4}:9100`, job: 'node', mode: 'idle' },
    values: Array.from({ length: points }, (_, p) => [T + p * step, String(Math.round(((i * 7 + p * 13) % 997) * 1.37 * 1000) / 1e5)]),
  })),
});

describe('estimateTokens', () => {
  it('is a single token for every number of 1 to 3 digits, as o200k_base counts them', () => {
    for (let n = 0; n < 1000; n++) for (const text of [String(n), String(n).padStart(3, '0')]) expect(countTokens(text)).toBe(estimateTokens(text));
  });

  it.each([
    ['prometheus', rangeAnswer(20, 200, 5)],
    ['compact', formatData(rangeAnswer(20, 200, 5), 'compact', 5)],
    ['summary', formatData(rangeAnswer(20, 200, 5), 'summary')],
    ['compact 0/1 values', formatData({ resultType: 'matrix', result: [{ metric: {}, values: Array.from({ length: 500 }, (_, p) => [T + p, String(p % 2)]) }] }, 'compact', 1)],
    ['label values', { values: Array.from({ length: 500 }, (_, i) => `app_metric_${i}_requests_total`), total: 500, truncated: false }],
    ['non-ASCII labels', { series: [{ métrique: 'débit_réseau', 名前: '東京', emoji: '🚀🚀' }], total: 1, truncated: false }],
  ])('never counts fewer tokens than o200k_base on a %s answer', (_, data) => {
    const text = JSON.stringify({ status: 'success', data });
    expect(estimateTokens(text)).toBeGreaterThanOrEqual(countTokens(text));
  });

  it('measures these ratios (bytes per real token; estimate over real tokens)', () => {
    const ratios = [rangeAnswer(20, 200, 5), formatData(rangeAnswer(20, 200, 5), 'compact', 5), formatData(rangeAnswer(20, 200, 5), 'summary')].map((data) => {
      const text = JSON.stringify({ status: 'success', data });
      const real = countTokens(text);
      return [Math.round((Buffer.byteLength(text) / real) * 100) / 100, Math.round((estimateTokens(text) / real) * 100) / 100];
    });
    expect(ratios).toEqual(RATIOS);
  });
});

describe('fitToBudget on tool calls (tokens)', () => {
  const envelope = <T>(data: T) => ({ status: 'success' as const, data });

  it('puts truncated and note before the data', () => {
    const full = { ...envelope(matrix(40, 100)), step: 60, truncated: true as const, note: 'returned 40 of 90 series (max_series)' };
    const { envelope: cut } = fitToBudget(full, 'flat', bytes(20_000), 1_000_000);
    expect(Object.keys(cut)).toEqual(['status', 'truncated', 'note', 'data', 'step']);
    const whole = fitToBudget(full, 'flat', bytes(6_000_000), 1_000);
    expect(Object.keys(whole.envelope)).toEqual(['status', 'truncated', 'note', 'data', 'step']);
  });

  it('resamples a range query to a larger round step, and names it', () => {
    const data = rangeAnswer(20, 1441, 5);
    const upstream = Buffer.byteLength(JSON.stringify(data));
    const { envelope: cut, returned } = fitToBudget(envelope(data), 'flat', tokens(20_000), upstream, { data, start: T, step: 5 });
    expect(returned).toBeUndefined();
    expect(cut.note).toBe(RESAMPLE_NOTE);
    const kept = (cut.data as { result: { values: unknown[] }[] }).result;
    expect(kept).toHaveLength(20);
    expect(kept[0]!.values).toEqual(data.result[0]!.values.filter((_, p) => p % RESAMPLE_FACTOR === 0));
    const text = JSON.stringify(cut);
    expect(countTokens(text)).toBeLessThanOrEqual(20_000);
    expect(estimateTokens(text)).toBeLessThanOrEqual(20_000);
    expect(TOKENS.prometheus).toEqual([countTokens(JSON.stringify(envelope(data))), countTokens(text)]);
  });

  it('resamples the compact format too, which keeps more points', () => {
    const data = rangeAnswer(20, 1441, 5);
    const compact = formatData(data, 'compact', 5);
    const { envelope: cut } = fitToBudget(envelope(compact), 'flat', tokens(20_000), 1_000_000, { data, format: 'compact', start: T, step: 5 });
    expect(cut.note).toMatch(/: step 5s → (\d+)s/);
    expect(countTokens(JSON.stringify(cut))).toBeLessThanOrEqual(20_000);
    expect(TOKENS.compact).toEqual([countTokens(JSON.stringify(envelope(compact))), countTokens(JSON.stringify(cut)), cut.note!.match(/→ (\d+)s/)![1]]);
  });

  it('answers in the summary format when even 30 points per series would not fit', () => {
    const data = rangeAnswer(20, 1441, 5);
    const { envelope: cut } = fitToBudget(envelope(data), 'flat', tokens(6_000), 1_000_000, { data, start: T, step: 5 });
    expect(cut.data).toEqual(formatData(data, 'summary'));
    expect(cut.note).toMatch(/response budget: the summary format \(a step keeping 30 points per series would not fit\)$/);
    expect(cut.note).toMatch(/larger than the 6,000-token response budget/);
    expect(countTokens(JSON.stringify(cut))).toBeLessThanOrEqual(6_000);
  });

  it('cuts a series too big alone to its latest points instead of answering none', () => {
    const data = { resultType: 'matrix', result: [series(0, 5000), series(1, 5000)] };
    const { envelope: cut, returned } = fitToBudget(envelope(data), 'flat', tokens(2_000), 1_000_000);
    expect(returned).toBe(1);
    const kept = (cut.data as { result: { values: unknown[] }[] }).result;
    expect(kept).toHaveLength(1);
    const n = kept[0]!.values.length;
    expect(kept[0]!.values).toEqual(data.result[0]!.values.slice(-n));
    expect(cut.note).toBe(
      `the complete answer (about 1.0 MB from Prometheus) is larger than the 2,000-token response budget: returned 1 of 2 series${ORDER}, with its last ${n} of 5000 points; narrow the query (more label matchers, sum by, topk) or pass max_series / max_points`,
    );
    expect(n).toBe(LATEST_POINTS);
    expect(countTokens(JSON.stringify(cut))).toBeLessThanOrEqual(2_000);
  });
});

/** Bytes per o200k token, and the estimate over the real count: prometheus, compact, summary. */
const RATIOS = [
  [2.05, 1.3],
  [1.53, 1.06],
  [2.86, 1.96],
];
const RESAMPLE_NOTE =
  'the complete answer (about 641 KB from Prometheus) is larger than the 20,000-token response budget: step 5s → 120s (every 24th point, as Prometheus answers that step)';
const RESAMPLE_FACTOR = 24;
const LATEST_POINTS = 146;
/** Real o200k tokens of the complete answer and of the one returned (and the step it took). */
const TOKENS: Record<string, unknown> = { prometheus: [314811, 14088], compact: [142038, 12798, '60'] };

describe("the Alertmanager's lists", () => {
  it('cuts silences and notification groups to the budget, whole items, saying which', () => {
    const silence = (i: number) => ({ id: `s-${i}`, state: 'active', matchers: `{alertname="A${i}"}`, createdBy: 'x', comment: 'c'.repeat(200), startsAt: 't', endsAt: 't' });
    const silences = { silences: Array.from({ length: 200 }, (_, i) => silence(i)), total: 200, truncated: false };
    const cut = fitToBudget({ status: 'success', data: silences }, 'flat', { limit: 2000, unit: 'tokens' }, JSON.stringify(silences).length);
    const data = cut.envelope.data as { silences: unknown[]; truncated: boolean };
    expect(data.silences.length).toBeGreaterThan(0);
    expect(data.silences.length).toBeLessThan(200);
    expect(data.truncated).toBe(true);
    expect((cut.envelope as { note?: string }).note).toContain('silences');
    const group = (i: number) => ({ labels: { alertname: `A${i}` }, receiver: 'team', alerts: [{ alert: `A${i}{instance="h-${i}"}`, state: 'active' }] });
    const groups = { groups: Array.from({ length: 400 }, (_, i) => group(i)), total: 400, truncated: false };
    const cutGroups = fitToBudget({ status: 'success', data: groups }, 'flat', { limit: 2000, unit: 'tokens' }, JSON.stringify(groups).length);
    expect((cutGroups.envelope as { note?: string }).note).toContain('notification groups');
  });
});
